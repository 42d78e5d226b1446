"""What the typing mode draws, without a terminal: the key point marks, the time, the suggestion and why, the
self-check list of flip mode, a personal line's check, and how it all fits a small window."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from srs.cardview import CardView
from srs.cli.render import display_width
from srs.cli.review_layout import Pager, Section, fit
from srs.cli.review_screen import Style, answer_sections, grade_bar, header, hints, question_sections
from srs.cli.review_typed import (compose_sections, point_lines, self_check_section, suggestion,
                                  typed_answer_keys, typed_answer_side, typing_keys)
from srs.keypoints import parse_key_point
from srs.rehearse import check_line, check_typed, point_text
from srs.review import Counts, QueuedCard

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
POINTS = (parse_key_point("hesitations | concerns | reservations | doubts | holding you back"),
          parse_key_point("hiring me | about me | my candidacy"),
          parse_key_point("avoid: ask how I did | ask whether I answered well"))
RESPONSE = 'Ask: "What hesitations do you have about hiring me?" Never ask how you did.'


def _card(points: tuple[object, ...] = POINTS) -> QueuedCard:
    view = CardView(pk=1, deck_id="d", deck_name="Deck", card_id="c", situation="The interviewer closes her "
                    "notebook and asks whether you have any more questions for her. " * 2, response=RESPONSE,
                    reasoning="Because " + "it shows you are open to criticism " * 8, sources=(), tags=(),
                    counterpoints=(), anki_guid="g", updated_at=NOW, key_points=points)  # type: ignore[arg-type]
    return QueuedCard(view=view, queue="new", previews={1: "<1m", 2: "<6m", 3: "<10m", 4: "4d"})


def test_a_point_shows_the_words_that_hit_it_or_its_first_phrasing_never_every_alternative() -> None:
    result = check_typed(_card().view, "I'd ask about their concerns about me", 9000).result
    assert [point_text(p) for p in result.points] == ['hesitations: "concerns"', 'hiring me: "about me"',
                                                      "avoid: ask how I did"]


@pytest.mark.parametrize("unicode, hit, miss", [(False, "[x]", "[ ]"), (True, "✓", "✗")])
def test_hit_and_missed_are_shapes_not_only_colour(unicode: bool, hit: str, miss: str) -> None:
    result = check_typed(_card().view, "any concerns about me?", 9000).result
    lines = point_lines(result, 80, Style(unicode=unicode))
    assert [line.startswith(f"  {mark} ") for line, mark in zip(lines, (hit, hit, miss))] == [True] * 3


@pytest.mark.parametrize("answer, ms, rating, reason", [
    ("What concerns do you have about hiring me? I won't ask how I did.", 9000, 4, "every key point, and quick"),
    ("What concerns do you have about hiring me? I won't ask how I did.", 90000, 3, "every key point"),
    ("What concerns do you have about me?", 9000, 2, "2 of 3 key points"),
    ("What concerns do you have about me? Then I ask how I did.", 9000, 1, "it says the opposite of a key point"),
    ("Thank them and leave", 9000, 1, "0 of 3 key points"),
])
def test_the_suggestion_names_the_rating_and_why(answer: str, ms: int, rating: int, reason: str) -> None:
    typed = check_typed(_card().view, answer, ms)
    assert (typed.suggested_rating, typed.reason()) == (rating, reason)
    name = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}[rating]
    assert suggestion(typed, 80, Style()) == [f"Suggested: {name} ({reason})."]
    assert suggestion(typed, 20, Style()) == [f"Suggested: {name}."]
    assert typed_answer_keys(rating, None)[0] == f"Enter {name}"


def test_the_time_stands_next_to_the_speaking_time_and_the_quick_limit() -> None:
    typed = check_typed(_card().view, "concerns about me", 12_400)
    mine, response, points, *rest = typed_answer_side(typed, *_split(answer_sections(_card(), 80, Style())), 80,
                                                      Style())
    assert mine.lines[1] == "YOUR ANSWER  12s (said aloud, the line takes ~6s; typed, quick is within 26s)"
    assert response.lines[0] == "RESPONSE"  # the answer's rule is the only one
    narrow = typed_answer_side(typed, *_split(answer_sections(_card(), 40, Style())), 40, Style())
    assert narrow[0].lines[1] == "YOUR ANSWER"
    assert "  Took 12s; aloud ~6s; quick within 26s" in narrow[2].lines


def _split(sections: list[Section]) -> tuple[Section, list[Section]]:
    return sections[0], sections[1:]


@pytest.mark.parametrize("rows, cols", [(24, 80), (20, 40), (12, 40)])
def test_the_answer_side_fits_and_keeps_the_key_points_first(rows: int, cols: int) -> None:
    card, style = _card(), Style()
    typed = check_typed(card.view, "What concerns do you have about hiring me? " * 3, 9000)
    top = header(Counts(20, 0, 0), card, "All decks", cols, style)
    answer = answer_sections(card, cols, style)
    body = question_sections(card, cols, style) + typed_answer_side(typed, answer[0], answer[1:], cols, style)
    bottom = suggestion(typed, cols, style) + grade_bar(card, cols, style, 4) \
        + hints(typed_answer_keys(4, "m more"), cols, style)
    frame = fit(top, body, bottom, rows, cols, Pager())
    assert len(frame.lines) <= rows and all(display_width(line) <= cols for line in frame.lines)
    assert "KEY POINTS  2 of 3" in frame.lines and frame.lines[-len(bottom):] == bottom
    if rows >= 20:
        assert any(line.startswith("  [x] hesitations") for line in frame.lines)


def test_typing_hints_are_esc_commands_and_after_esc_the_keys_themselves() -> None:
    assert typing_keys(None, esc_pending=False) == ["Enter compare", "Esc u undo", "Esc e edit", "Esc ? keys",
                                                    "Esc q quit"]
    assert typing_keys("m more", esc_pending=True) == ["Esc, then u undo", "e edit", "m more", "? keys", "q quit",
                                                       "Esc: back to typing"]
    assert typing_keys(None, esc_pending=False, personal=True)[:3] == ["Enter check", "Esc e your editor",
                                                                       "Esc s skip"]


def test_flip_mode_lists_the_key_points_to_check_yourself() -> None:
    [section] = self_check_section(_card(), 80, Style())
    assert section.lines[:4] == ("DID YOU SAY", "  - hesitations", "  - hiring me", "  - avoid: ask how I did")
    assert self_check_section(_card(()), 80, Style()) == []


def test_a_personal_line_is_checked_and_the_missing_points_named() -> None:
    card = _card(POINTS[:2])
    sections = compose_sections(card, None, None, 80, Style())
    text = " ".join(" ".join(line.split()) for s in sections for line in s.lines)
    assert "It should have: hesitations; hiring me." in text and "The deck's: Ask:" in text
    line = "Any concerns before we finish?"
    checked = compose_sections(card, line, check_line(card.view, line), 80, Style())[1].lines
    assert checked[:4] == ("YOU WROTE", "  " + line, '  [x] hesitations: "concerns"', "  [ ] hiring me")
    assert checked[4] == "  Missing: hiring me. Keep it anyway, or rewrite it."
    whole = "Any concerns about hiring me?"
    assert "  It has every key point." in compose_sections(card, whole, check_line(card.view, whole), 80,
                                                            Style())[1].lines
