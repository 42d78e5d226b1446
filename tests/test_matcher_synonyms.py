"""The matcher's shared synonyms and expressions (srs/matching/synonyms.py), and two reading fixes that came
with them: "won't" opens to "will not", and "and" before a modal verb ends a negation's scope."""

from __future__ import annotations

import pytest

from srs.keypoints import parse_key_point
from srs.matcher import check_answer
from srs.matching.phrases import FUNCTION_WORDS
from srs.matching.synonyms import GROUPS, PHRASES, same_as
from srs.matching.words import stem

HESITATIONS = [parse_key_point("hesitations | concerns"), parse_key_point("about hiring me")]


def _hits(answer: str, points: list[str]) -> list[bool]:
    return [p.hit for p in check_answer(answer, [parse_key_point(p) for p in points]).points]


@pytest.mark.parametrize("answer", [
    "Any misgivings about hiring me?",
    "What worries you about hiring me?",
    "Is anything making you unsure about hiring me?",
    "Do you have any apprehensions about hiring me?",
])
def test_a_common_synonym_of_a_point_word_hits_it(answer: str) -> None:
    assert [p.hit for p in check_answer(answer, HESITATIONS).points] == [True, True]


def test_synonyms_work_both_ways() -> None:
    assert _hits("I'd voice my worries", ["concerns"]) == [True]
    assert _hits("I'd voice my concerns", ["worries"]) == [True]


@pytest.mark.parametrize("answer, says", [
    ("any concerns about taking me on?", "hiring"),
    ("any concerns about taking on someone like me?", "hiring"),
    ("drop them a line to say thanks", "write"),
    ("whatever is on their mind", "think"),
    ("fix it there and then", "now"),
])
def test_an_expression_says_its_word(answer: str, says: str) -> None:
    assert _hits(answer, [says]) == [True]


def test_an_expression_is_shown_whole_as_the_words_that_hit() -> None:
    result = check_answer("Any misgivings about taking me on?", HESITATIONS)
    assert [p.matched for p in result.points] == ["misgivings", "taking me on"]


def test_a_negated_synonym_is_still_negated() -> None:
    result = check_answer("I would not ask about their worries about hiring me", HESITATIONS)
    assert not result.points[0].hit and result.suggested_rating == 1


def test_words_outside_any_group_are_not_stretched() -> None:
    # "firm" (a company, or a handshake) is left out on purpose: it hits neither reading
    assert _hits("a firm grip", ["company"]) == [False]
    assert _hits("thank them", ["hiring"]) == [False]


def test_each_word_is_in_one_group_and_none_is_a_small_word() -> None:
    words = [w for group in GROUPS for w in group.split()]
    assert len(words) == len(set(words))
    assert not set(words) & FUNCTION_WORDS
    stems = [stem(w) for w in words]
    for one in stems:  # the table is symmetric
        assert all(one in same_as()[other] for other in same_as().get(one, ()))


def test_expressions_are_made_of_words() -> None:
    for words, says in PHRASES:
        assert words[0] != "*" and words[-1] != "*" and says.isalpha()


def test_wont_reads_as_will_not_so_an_opening_refusal_counts() -> None:
    point = [parse_key_point("avoid: ask how I did"), parse_key_point("needy")]
    result = check_answer("I won't ask that, it makes me look needy", point)
    assert [p.hit for p in result.points] == [True, True]


def test_and_before_a_modal_verb_ends_a_negation() -> None:
    # "no benefit" is negated; "can even lose you the offer" is a new predicate, not covered by "no"
    result = check_answer("They bring no benefit and can even lose you the offer",
                          [parse_key_point("no benefit | pointless"), parse_key_point("lose the offer")])
    assert [p.hit for p in result.points] == [True, True] and result.suggested_rating >= 3
