"""The answer matcher: what does not matter (case, punctuation, order, inflection, typos, alternatives), what does
(negation, polarity of avoid points, required words), the suggested rating and the timing allowances."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from srs.keypoints import KeyPoint, parse_key_point
from srs.matcher import (
    MAX_ANSWER_CHARS,
    check_answer,
    missing_points,
    speaking_seconds,
    suggest_rating,
    typing_allowance_seconds,
)

HESITATIONS = parse_key_point("hesitations | concerns | reservations | doubts")
ABOUT_ME = parse_key_point("about hiring me | about me | about my candidacy")
NOT_HOW_I_DID = parse_key_point("avoid: ask whether I answered satisfactorily | ask how I did")
CARD = [HESITATIONS, ABOUT_ME, NOT_HOW_I_DID]


def hit(answer: str, point: KeyPoint) -> bool:
    return check_answer(answer, [point]).points[0].hit


# --- what does not matter -------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", [
    "What hesitations do you have about hiring me?",
    "WHAT HESITATIONS DO YOU HAVE ABOUT HIRING ME",
    "what hesitations do you have about hiring me",
    "what...hesitations -- do you have; about hiring me!!",
    "About hiring me: what hesitations do you have?",
])
def test_case_punctuation_and_order_do_not_matter(answer: str) -> None:
    result = check_answer(answer, [HESITATIONS, ABOUT_ME])
    assert [p.hit for p in result.points] == [True, True]


@pytest.mark.parametrize("answer", [
    "Do you have a hesitation about hiring me?",
    "Any concern about me?",
    "Are you hesitating about hiring me?",
    "Is anything making you hesitate about my candidacy?",
    "Would you have reserved feelings about me?",
])
def test_inflection_does_not_matter(answer: str) -> None:
    assert hit(answer, HESITATIONS)


def test_irregular_verbs_match_their_base_form() -> None:
    told = parse_key_point("tell them you are interested")
    assert hit("I told them I was interested", told)
    did = parse_key_point("ask how I did")
    assert hit("I asked how I'd done", did)


@pytest.mark.parametrize("answer", [
    "What hesitatons do you have?",  # a letter missing
    "What hesitaitons do you have?",  # two letters swapped, one doubled
    "Any reservatoins?",  # a transposition
    "Any concrens?",
    "Any douts?",
])
def test_small_typos_do_not_matter(answer: str) -> None:
    assert hit(answer, HESITATIONS)


@pytest.mark.parametrize("answer", [
    "Any hxsxtatxons?",  # three edits
    "Any dowpts?",  # two edits in a short word
])
def test_larger_typos_miss(answer: str) -> None:
    assert not hit(answer, HESITATIONS)


def test_a_word_typed_without_its_vowels_matches() -> None:
    assert hit("Any dbts?", HESITATIONS)
    nxt = parse_key_point("next interview")
    assert not hit("a lesson for the nxt intrvw", nxt)  # 'intrvw' keeps its 'i': not the word without vowels
    assert hit("a lesson for the nxt interview", nxt)
    assert not hit("a lesson for the nt interview", nxt)  # two letters left are too few to tell
    assert not hit("try it", parse_key_point("tray"))  # 'y' counts as a vowel: 'try' is a word


def test_a_three_letter_word_may_have_its_last_two_letters_swapped() -> None:
    job = parse_key_point("cost me the job")
    assert hit("could cost me the jbo", job)
    assert not hit("could cost me the jog", job)
    assert not hit("could cost me the ojb", job)  # the first letter stays
    assert hit("aks how I did", parse_key_point("ask how I did"))


def test_words_under_four_letters_must_be_exact_but_for_a_swap() -> None:
    point = parse_key_point("ask how I did")
    assert hit("ask how I did", point)
    assert not hit("ask who I did", point)  # 'who' is one edit from 'how', but short words are never fuzzy
    assert not hit("asks hew I did", point)


def test_a_short_word_typo_needs_its_first_letter() -> None:
    bold = parse_key_point("bold")
    assert hit("it is a bodl move", bold)  # a transposition inside
    assert not hit("it is a hold move", bold)  # another word, one letter off at the start


@pytest.mark.parametrize("answer", [
    "What concerns do you have about me?",
    "Any reservations about my candidacy?",
    "What doubts do you have about hiring me?",
])
def test_any_listed_alternative_hits(answer: str) -> None:
    result = check_answer(answer, [HESITATIONS, ABOUT_ME])
    assert result.hits == 2


def test_joined_or_split_compound_words_match() -> None:
    upbeat = parse_key_point("upbeat line")
    assert hit("end on an up-beat line", upbeat)
    assert hit("end on an up beat line", upbeat)


# --- required words ---------------------------------------------------------------------------------------


def test_function_words_are_not_required_when_a_phrase_has_content_words() -> None:
    assert hit("Any hesitations about hiring someone like me?", ABOUT_ME)
    assert hit("Is there anything holding you back from hiring me?", ABOUT_ME)


def test_a_phrase_of_function_words_only_must_appear_in_a_row() -> None:
    about_me = parse_key_point("about me")
    assert hit("What doubts do you have about me?", about_me)
    assert not hit("What doubts do you have about hiring me?", about_me)  # 'about me' is not said
    assert not hit("Tell me about the role", about_me)
    assert hit("What doubts do you have about hiring me?", ABOUT_ME)  # the point's other phrasing is


def test_about_the_role_does_not_hit_about_me() -> None:
    assert not hit("What hesitations do you have about the role?", ABOUT_ME)


def test_required_words_far_apart_do_not_make_a_phrase() -> None:
    point = parse_key_point("firm handshake")
    assert hit("a handshake that is firm", point)
    far = "a firm " + "word " * 20 + "handshake"
    assert not hit(far, point)


def test_the_closest_occurrences_are_the_ones_matched() -> None:
    point = parse_key_point("firm handshake")
    result = check_answer("a handshake, then later a firm smile and a firm handshake", [point])
    assert result.points[0].matched == "firm handshake"


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


# --- the result -------------------------------------------------------------------------------------------


def test_matched_shows_the_answers_words_with_their_negation() -> None:
    result = check_answer("any CONCERNS about me? Don't ask how you did.", CARD)
    assert [p.matched for p in result.points] == ["CONCERNS", "about me", "Don't ask how you did"]
    assert check_answer("nothing relevant", CARD).points[0].matched is None


def test_matched_text_never_carries_control_characters() -> None:
    result = check_answer("\x1b[31mhesitations\x1b[0m about\x07 me\x00", CARD)
    assert result.points[0].hit and result.points[1].hit
    for point in result.points:
        assert point.matched is None or all(ch.isprintable() for ch in point.matched)


@pytest.mark.parametrize("answer", ["", "   ", "\n\t", "?!.,"])
def test_an_empty_answer_hits_nothing_and_suggests_again(answer: str) -> None:
    result = check_answer(answer, CARD)
    assert result.hits == 0 and result.total == 3
    assert result.suggested_rating == 1


@pytest.mark.parametrize("answer", [
    "Quelles réservations avez-vous about me?",  # accents do not get in the way
    "Ｈｅｓｉｔａｔｉｏｎｓ about me",  # full-width letters read as plain ones
    "💼 hesitations about me 🙂",
    "HESITATIONS ABOUT ME",
])
def test_unicode_answers_are_read(answer: str) -> None:
    assert check_answer(answer, [HESITATIONS, ABOUT_ME]).hits == 2


def test_accents_in_the_key_point_do_not_matter() -> None:
    resume = parse_key_point("résumé")
    assert hit("bring your resume", resume)
    assert hit("bring your RÉSUMÉ", resume)


def test_answers_in_other_scripts_hit_nothing_without_error() -> None:
    result = check_answer("Какие у вас сомнения? 你有什么顾虑吗？", CARD)
    assert result.hits == 0 and result.suggested_rating == 1


def test_a_very_long_answer_is_read_only_up_to_the_cap() -> None:
    filler = "and so on " * (MAX_ANSWER_CHARS // 10)
    late = filler + " hesitations about me"
    assert len(late) > MAX_ANSWER_CHARS
    assert check_answer(late, [HESITATIONS]).hits == 0
    early = "hesitations about me " + filler * 100  # a megabyte or so
    result = check_answer(early, [HESITATIONS, ABOUT_ME])
    assert result.hits == 2


@given(st.text(max_size=300))
def test_any_text_gives_a_well_formed_result(answer: str) -> None:
    result = check_answer(answer, CARD, answer_seconds=1.0, reference=REFERENCE)
    assert 1 <= result.suggested_rating <= 4
    assert 0 <= result.hits <= result.total == 3
    for point in result.points:
        assert (point.matched is not None) == point.hit
        assert point.matched is None or all(ch.isprintable() for ch in point.matched)


def test_results_are_deterministic() -> None:
    answer = "Rather than asking whether you answered satisfactorily, ask what doubts they have about hiring you."
    first = check_answer(answer, CARD)
    assert all(check_answer(answer, CARD) == first for _ in range(5))
    assert first.hits == 3


# --- the suggested rating ---------------------------------------------------------------------------------

REFERENCE = 'Ask: "What hesitations do you have about hiring me?"'  # 9 words


def test_every_point_hit_is_good() -> None:
    assert check_answer("Any concerns about me? I won't ask how I did.", CARD).suggested_rating == 3


def test_every_point_hit_quickly_is_easy() -> None:
    allowance = typing_allowance_seconds(REFERENCE)
    answer = "Any concerns about me? I won't ask how I did."
    assert check_answer(answer, CARD, answer_seconds=allowance, reference=REFERENCE).suggested_rating == 4
    assert check_answer(answer, CARD, answer_seconds=allowance + 0.1, reference=REFERENCE).suggested_rating == 3
    assert check_answer(answer, CARD, answer_seconds=1.0).suggested_rating == 3  # no reference: never Easy


def test_a_quick_but_incomplete_answer_is_not_easy() -> None:
    result = check_answer("Any concerns about me?", CARD, answer_seconds=1.0, reference=REFERENCE)
    assert result.suggested_rating == 2


@pytest.mark.parametrize(("answer", "hits", "rating"), [
    ("Any concerns about me?", 2, 2),  # 2 of 3: at least half
    ("Any concerns?", 1, 2),  # 1 of 3: half of three rounded down
    ("Thank them and leave.", 0, 1),
])
def test_partial_answers(answer: str, hits: int, rating: int) -> None:
    result = check_answer(answer, CARD)
    assert (result.hits, result.suggested_rating) == (hits, rating)


def test_half_of_an_even_number_of_points_is_hard() -> None:
    result = check_answer("Any concerns?", [HESITATIONS, ABOUT_ME])
    assert (result.hits, result.total, result.suggested_rating) == (1, 2, 2)


@pytest.mark.parametrize(("hits", "total", "rating"), [
    (1, 3, 2), (2, 3, 2), (0, 3, 1), (2, 5, 2), (1, 5, 1), (2, 4, 2), (1, 4, 1), (0, 1, 1), (0, 2, 1),
])
def test_half_of_an_odd_number_of_points_is_rounded_down(hits: int, total: int, rating: int) -> None:
    assert suggest_rating(hits, total, answered=True, quick=False) == rating


def test_a_card_without_key_points_suggests_good_for_any_answer_and_again_for_none() -> None:
    assert check_answer("Something thoughtful", []).suggested_rating == 3
    assert check_answer("Something thoughtful", [], answer_seconds=0.5, reference="x").suggested_rating == 3
    assert check_answer("  ", []).suggested_rating == 1
    assert check_answer("anything", []).total == 0


# --- timing and the deck check ----------------------------------------------------------------------------


def test_speaking_time_is_at_150_words_a_minute() -> None:
    assert speaking_seconds(REFERENCE) == pytest.approx(9 * 60 / 150)
    assert speaking_seconds("Don't press; close.") == pytest.approx(3 * 60 / 150)
    assert speaking_seconds("") == 0


def test_typing_allowance_is_40_words_a_minute_plus_thinking_time() -> None:
    assert typing_allowance_seconds(REFERENCE) == pytest.approx(9 * 60 / 40 + 5)
    assert typing_allowance_seconds(REFERENCE) > speaking_seconds(REFERENCE)


def test_missing_points_lists_the_labels_a_response_misses() -> None:
    assert missing_points(REFERENCE, CARD) == ["avoid: ask whether I answered satisfactorily / ask how I did"]
    assert missing_points("Any doubts about me? Don't ask how you did.", CARD) == []
    assert missing_points("anything", []) == []
