"""The answer matcher's reading of negation: a negation's scope, cues that are not negations, judgements,
replies and refusals, rejecting a point's idea, and the polarity of ``avoid:`` points."""

from __future__ import annotations

import pytest

from helpers.matching import CARD, HESITATIONS, NOT_HOW_I_DID, hit
from srs.keypoints import parse_key_point
from srs.matcher import check_answer


# --- negation ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", [
    "I would not ask about hesitations",
    "I wouldn't ask about hesitations",
    "I wouldnt ask about hesitations",
    "Don't ask about hesitations",
    "dont ask about hesitations",
    "Do not ask about hesitations",
    "Never ask about their hesitations",
    "I won't ask about hesitations",
    "Avoid asking about hesitations",
    "Skip the question about hesitations",
    "Close without asking about hesitations",
    "Close with a line of interest rather than asking about hesitations",
    "Close with a line of interest instead of asking about hesitations",
    "Refrain from asking about hesitations",
    "Steer clear of hesitations",
    "I don’t ask about hesitations",  # a typographic apostrophe
])
def test_a_negated_mention_does_not_hit(answer: str) -> None:
    assert not hit(answer, HESITATIONS)


@pytest.mark.parametrize("answer", [
    "I would not ask how I did, but I would ask about hesitations",
    "Don't ask how you did; ask about hesitations.",
    "Don't ask how you did. Ask about hesitations.",
    "Don't ask how you did, ask about hesitations.",
    "Don't ask how you did and instead ask about hesitations.",
    "Don't ask how you did because hesitations matter more",
    "I wouldn't ask how I did and I would ask about hesitations",
    "Ask about hesitations instead of asking how you did",
])
def test_a_mention_outside_the_negations_scope_hits(answer: str) -> None:
    assert hit(answer, HESITATIONS)


def test_two_negations_in_one_clause_cancel_out() -> None:
    assert hit("Don't skip asking about hesitations", HESITATIONS)
    assert hit("Never avoid the question about doubts", HESITATIONS)


@pytest.mark.parametrize("answer", [
    "Not only hesitations matter here",
    "Ask whether or not they have hesitations",
    "Ask about hesitations; a no from them is not the end",
])
def test_words_that_look_like_negation_but_are_not(answer: str) -> None:
    assert hit(answer, HESITATIONS)


def test_a_comma_right_after_the_cue_keeps_the_scope() -> None:
    assert not hit("Never, ever ask about hesitations", HESITATIONS)


def test_a_comma_and_a_new_subject_after_the_cue_end_it() -> None:
    needy = parse_key_point("needy")
    assert hit("Never, it seems needy", needy)
    assert hit("Don't, I'd look needy", needy)


def test_a_full_stop_right_after_the_cue_ends_it() -> None:
    assert hit("No. Ask about hesitations.", HESITATIONS)
    assert hit("No. I don't ask how I did.", NOT_HOW_I_DID)  # one negation, not two that cancel out


def test_a_no_as_a_reply_is_not_a_negation() -> None:
    assert not hit("No, I won't ask about hesitations", HESITATIONS)  # one negation: won't
    assert hit("No, I don't ask how I did", NOT_HOW_I_DID)


def test_a_no_as_a_noun_is_not_a_negation() -> None:
    misleading = parse_key_point("misleading")
    assert hit("A yes is a rejection and no is misleading", misleading)
    assert hit("A no would be misleading", misleading)
    assert not hit("It's no help and not misleading", misleading)


def test_a_hyphened_no_covers_only_its_word() -> None:
    no_win = parse_key_point("no-win")
    assert hit("It's a no-win spot for them", no_win)
    assert check_answer("It's a no-win spot for them", [no_win]).points[0].matched == "no-win"
    assert hit("They can't win", no_win)
    assert not hit("They win either way", no_win)
    assert hit("a no-win question, and hesitations are the better one", HESITATIONS)


def test_and_with_a_new_verb_ends_the_negation() -> None:
    upbeat = parse_key_point("upbeat line")
    assert hit("Skip the question and end on an upbeat line", upbeat)
    assert not hit("Skip the upbeat line and the handshake", upbeat)
    assert not hit("Don't ask about hesitations and concerns", HESITATIONS)


def test_a_later_negation_in_the_clause_starts_afresh() -> None:
    context = parse_key_point("context")
    assert not hit("I don't acknowledge it, give no context", context)
    assert not hit("I never admit it, giving no context", context)
    assert hit("Don't ever skip the context", context)  # close together: a double negation


def test_a_judged_gerund_is_rejected() -> None:
    assert hit("Asking how I did seems needy.", NOT_HOW_I_DID)
    assert hit("Asking how you did is a bad idea", NOT_HOW_I_DID)
    assert hit("It's a mistake to ask how you did", NOT_HOW_I_DID)
    assert not hit("Asking how you did isn't needy at all", NOT_HOW_I_DID)
    assert not hit("Asking about hesitations is risky", HESITATIONS)
    assert hit("Asking about hesitations is bold", HESITATIONS)


def test_a_judgement_reverses_only_the_subject() -> None:
    optional = parse_key_point("optional")
    assert hit("Closing is optional, and risky", optional)


def test_a_question_is_the_act_of_asking() -> None:
    assert hit("Skip the question about how I did", NOT_HOW_I_DID)
    assert hit("I'd inquire about hesitations", parse_key_point("ask about hesitations"))


def test_asking_does_not_say_a_key_points_question() -> None:
    assert not hit("Ask about hesitations", parse_key_point("my question"))
    assert hit("Ask my question first", parse_key_point("my question"))


def test_a_hyphened_not_covers_only_its_words() -> None:
    warned = parse_key_point("warned against")
    assert hit("The not-a-fit one is what the firm warned against", warned)


def test_a_reply_of_no_rejects_the_avoid_points() -> None:
    result = check_answer("No, it makes me look needy", [NOT_HOW_I_DID, parse_key_point("needy")])
    assert [p.hit for p in result.points] == [True, True]
    assert result.points[0].matched == "No"
    assert not hit("No, it makes me look needy", HESITATIONS)  # only avoid points
    assert not hit("No need for that", NOT_HOW_I_DID)  # 'no need' is not a reply
    assert not hit("Nope", HESITATIONS)


@pytest.mark.parametrize("answer", ["Don't ask that.", "I wouldn't.", "Never ask it, it looks needy", "Don't"])
def test_an_opening_bare_refusal_rejects_the_avoid_points(answer: str) -> None:
    result = check_answer(answer, [NOT_HOW_I_DID, HESITATIONS])
    assert [p.hit for p in result.points] == [True, False]
    assert result.points[0].matched == answer.split(",")[0].rstrip(".")


@pytest.mark.parametrize("answer", ["Don't ask about next steps", "I wouldn't ask for the salary", "Ask that"])
def test_a_refusal_with_its_own_object_is_read_as_written(answer: str) -> None:
    assert not hit(answer, NOT_HOW_I_DID)


def test_recommending_what_an_avoid_point_rules_out_suggests_again() -> None:
    result = check_answer("Ask what concerns they have about me, and ask how I did", CARD)
    assert result.hits == 2
    assert result.suggested_rating == 1
    assert check_answer("Any concerns about me?", CARD).suggested_rating == 2  # not mentioned: only missed


def test_rejecting_a_points_idea_suggests_again() -> None:
    card = [parse_key_point("shake hands | handshake"), parse_key_point("walk out | leave")]
    result = check_answer("Don't shake hands, just leave", card)
    assert (result.hits, result.suggested_rating) == (1, 1)
    assert check_answer("Shake hands, don't leave yet", card).suggested_rating == 1
    assert check_answer("Just leave", card).suggested_rating == 2  # not mentioned: only missed
    not_afraid = [parse_key_point("not afraid | unafraid"), parse_key_point("no questions left")]
    assert check_answer("I'm afraid of the answer", not_afraid).suggested_rating == 1


def test_a_key_point_that_contains_a_negation_needs_it_in_the_answer() -> None:
    not_afraid = parse_key_point("not afraid of the answer | unafraid of the answer")
    assert hit("You're not afraid of what the answer might be", not_afraid)
    assert hit("you aren't afraid of hearing the answer", not_afraid)
    assert not hit("You're afraid of the answer", not_afraid)
    no_questions = parse_key_point("no questions left")
    assert hit("You have no more questions left about the role", no_questions)
    assert not hit("You still have questions left", no_questions)


# --- avoid points -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", [
    "Don't ask how you did.",
    "Never ask whether you answered satisfactorily",
    "I would avoid asking how I did",
    "Instead of asking how I did, I'd say I'm interested",
    "Close with a line of interest without asking how you did",
])
def test_an_avoid_point_is_hit_by_an_answer_that_rejects_it(answer: str) -> None:
    result = check_answer(answer, [NOT_HOW_I_DID])
    assert result.points[0].hit
    assert result.suggested_rating == 3


@pytest.mark.parametrize("answer", [
    "Ask how you did.",
    "Ask them whether you answered satisfactorily",
    "Don't leave yet: ask how you did",  # the negation's clause ends at the colon
    "Say you're interested and thank them",  # does not mention it at all
])
def test_an_avoid_point_is_missed_by_recommending_it_or_not_mentioning_it(answer: str) -> None:
    assert not hit(answer, NOT_HOW_I_DID)


def test_an_avoid_point_that_contains_a_negation_turns_around() -> None:
    keep_note = parse_key_point("avoid: skip the thank-you note")
    assert hit("Send a thank-you note", keep_note)
    assert hit("Don't skip the thank-you note", keep_note)
    assert not hit("Skip the thank-you note", keep_note)
