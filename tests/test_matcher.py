"""The answer matcher: what does not matter (case, punctuation, order, inflection, typos, alternatives), the
required words, the result, the suggested rating and the timing allowances. Negation and ``avoid:`` points are in
test_matcher_negation.py."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.matching import ABOUT_ME, CARD, HESITATIONS, hit
from srs.keypoints import parse_key_point
from srs.matcher import (
    MAX_ANSWER_CHARS,
    check_answer,
    missing_points,
    speaking_seconds,
    suggest_rating,
    typing_allowance_seconds,
)


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
