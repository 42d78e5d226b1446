"""A learner's own wordings of key points, without a database: what a wording may be (checked like a deck's
alternative), how it joins its point's alternatives when an answer is checked, and that one whose point the deck
has since rewritten no longer counts."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from helpers import modules_loaded_by_import
from srs.cardview import CardView
from srs.keypoints import parse_key_point
from srs.matcher import check_answer
from srs.rehearse import check_line, check_typed
from srs.wordings import Wording, WordingError, check_wording, stale, with_wordings

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
HESITATIONS = parse_key_point("hesitations | concerns | doubts")
HIRING = parse_key_point("hiring me | about me")
AVOID = parse_key_point("avoid: ask how I did")
POINTS = (HESITATIONS, HIRING, AVOID)
PAUSE = Wording(HESITATIONS.text, "giving you pause", NOW)
ANSWER = "Is anything giving you pause about me? I'd never ask how I did."


def _view() -> CardView:
    return CardView(pk=1, deck_id="d", deck_name="Deck", card_id="c", situation="Any questions?",
                    response="Ask what hesitations they have about hiring you; never ask how you did.",
                    reasoning="why", sources=(), tags=(), counterpoints=(), anki_guid="g", updated_at=NOW,
                    key_points=POINTS)


@pytest.mark.parametrize("point, text, kept", [
    (HESITATIONS, "  giving   you pause ", "giving you pause"),
    (HESITATIONS, "Reluctant", "Reluctant"),
    (HIRING, "about myself", "about myself"),  # only small words, but so is the point's own "about me"
    (HESITATIONS, "not sure about", "not sure about"),  # a negation is part of an ordinary point's phrase
    (AVOID, "fish for compliments", "fish for compliments"),
])
def test_a_wording_is_kept_with_its_spaces_collapsed(point: object, text: str, kept: str) -> None:
    assert check_wording(point, text) == kept  # type: ignore[arg-type]


@pytest.mark.parametrize("point, text, message", [
    (HESITATIONS, "   ", "your wording is empty"),
    (HESITATIONS, "x" * 81, "your wording: alternative longer than 80 characters"),
    (HESITATIONS, "pause | doubt", "a wording is one phrase, without '|'"),
    (HESITATIONS, "?!", "your wording: alternative '?!' has no words"),
    (HESITATIONS, "about me", "'about me' is only small words (about, me): it would count in almost any answer"),
    (HESITATIONS, "avoid: pause", "write the phrase itself, without 'avoid:'"),
    (HESITATIONS, "Concerns", "'Concerns' is already one of the deck's phrasings of this point"),
    (HESITATIONS, "pause\x1b[31m", "your wording contains the control character U+001B"),
    (AVOID, "don't fish for compliments", "for an 'avoid:' point, write the thing to avoid as someone would "
                                          "recommend it, without \"don't\""),
    (AVOID, "fishing for praise seems needy", "without 'seems needy'"),
])
def test_a_bad_wording_is_refused_with_the_rule_it_breaks(point: object, text: str, message: str) -> None:
    with pytest.raises(WordingError) as refused:
        check_wording(point, text)  # type: ignore[arg-type]
    assert message in str(refused.value)


def test_a_wording_counts_as_one_more_alternative_of_its_point() -> None:
    before = check_answer(ANSWER, POINTS)
    assert [p.hit for p in before.points] == [False, True, True] and before.suggested_rating == 2
    after = check_answer(ANSWER, with_wordings(POINTS, [PAUSE]))
    assert [p.hit for p in after.points] == [True, True, True] and after.suggested_rating == 3
    assert after.points[0].matched == "giving you pause"
    assert after.points[0].point.text == HESITATIONS.text  # an attempt still names the deck's point


def test_a_wording_of_an_avoid_point_is_one_more_thing_to_avoid() -> None:
    points = with_wordings(POINTS, [Wording(AVOID.text, "fish for compliments", NOW)])
    rejected = check_answer("What concerns do you have about me? I won't fish for compliments.", points)
    assert [p.hit for p in rejected.points] == [True, True, True]
    recommended = check_answer("What concerns do you have about me? Then fish for compliments.", points)
    assert not recommended.points[2].hit and recommended.suggested_rating == 1


def test_a_wording_whose_point_the_deck_rewrote_no_longer_counts() -> None:
    old = Wording("hesitations | concerns", "giving you pause", NOW)  # the point before a deck update
    assert with_wordings(POINTS, [old]) == POINTS
    assert check_answer(ANSWER, with_wordings(POINTS, [old])).suggested_rating == 2
    assert stale(POINTS, [old, PAUSE]) == [old]
    assert stale([p.text for p in POINTS], [old, PAUSE]) == [old]


def test_a_wording_the_deck_also_lists_is_not_added_twice() -> None:
    same = Wording(HESITATIONS.text, "DOUBTS", NOW)
    assert with_wordings(POINTS, [same, PAUSE, PAUSE])[0].alternatives == (
        "hesitations", "concerns", "doubts", "giving you pause")


def test_review_and_a_personal_line_read_the_wordings() -> None:
    view = _view()
    assert check_typed(view, ANSWER, 9000).result.hits == 2
    typed = check_typed(view, ANSWER, 9000, wordings=[PAUSE])
    assert typed.result.hits == 3 and typed.suggested_rating == 4
    assert check_line(view, ANSWER).hits == 2 and check_line(view, ANSWER, [PAUSE]).hits == 3


@pytest.mark.parametrize("module", ["srs.wordings", "srs.review_wording"])
def test_the_wording_modules_are_pure(module: str) -> None:
    assert modules_loaded_by_import(module) == []
