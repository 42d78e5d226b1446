"""The answer matcher: which of a card's key points a typed answer hits, and the rating that suggests.

Pure and deterministic: no database, no clock, no network, no model. Case, punctuation, word order,
inflection, small typos and the listed alternatives do not matter; a negation does ("I would not ask about
hesitations" does not hit "hesitations | concerns"), and a prohibitive point (``avoid: X``) is hit only by an
answer that rejects X. How text is read and a phrase found is described in :mod:`srs.matching.words` and
:mod:`srs.matching.negation` and :mod:`srs.matching.phrases`.

Suggested rating: every point hit -> Good (3), or Easy (4) when the answer also came within the typing allowance
of the recommended line; at least half hit -> Hard (2), half of an odd number of points rounded down (one of
three, two of five); fewer, or none -> Again (1). An answer that says the opposite of a point it misses suggests
Again whatever else it hits: it recommends what an ``avoid:`` point rules out ("ask how I did"), or rejects
another point's idea ("don't shake hands" for "shake hands"). A card without key points has nothing to check: a
non-blank answer suggests Good, a blank one Again.

An answer that opens with a plain "No" ("No, it makes me look needy"), or with a clause that only refuses
("Don't ask that.", "I wouldn't."), replies to the situation's yes/no question ("Should you ask...?"), so it
rejects the card's ``avoid:`` points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from srs.keypoints import KeyPoint
from srs.matching.phrases import Answer, compile_phrase, find, matched_text
from srs.matching.words import word_count

__all__ = [
    "MAX_ANSWER_CHARS", "SPEAKING_WPM", "THINKING_SECONDS", "TYPING_WPM", "MatchResult", "PointResult",
    "check_answer", "missing_points", "speaking_seconds", "suggest_rating", "typing_allowance_seconds",
]

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
MAX_ANSWER_CHARS = 4000
"""Only this much of an answer is read (some 700 words, far more than a closing line), so time stays bounded."""
SPEAKING_WPM = 150.0
"""An ordinary conversational pace: measured English conversation runs at about 120-180 words a minute, and
150 is the figure usually given for a clear, unhurried speaker (it is also the common audiobook pace)."""
TYPING_WPM = 40.0
"""An average typist's speed on a keyboard, which is what ``--type`` measures: typing is slower than speaking."""
THINKING_SECONDS = 5.0
"""Time to recall before the first key, added to the typing time of the recommended line."""


@dataclass(frozen=True)
class PointResult:
    """How one key point fared.

    Attributes:
        point: The key point.
        hit: True when the answer has the idea (for an ``avoid:`` point: rejects it).
        matched: The answer's words that hit it (with the negation, for a rejection), or None when missed.
    """

    point: KeyPoint
    hit: bool
    matched: str | None


@dataclass(frozen=True)
class MatchResult:
    """Every key point's result, in the card's order, and the rating they suggest (1 Again .. 4 Easy)."""

    points: tuple[PointResult, ...]
    suggested_rating: int

    @property
    def hits(self) -> int:
        """How many key points the answer hit."""
        return sum(1 for p in self.points if p.hit)

    @property
    def total(self) -> int:
        """How many key points the card has."""
        return len(self.points)


def speaking_seconds(text: str) -> float:
    """How long the text takes to say at an ordinary pace (:data:`SPEAKING_WPM` words a minute)."""
    return word_count(text) * 60.0 / SPEAKING_WPM


def typing_allowance_seconds(text: str) -> float:
    """The "quick" limit for a typed answer whose recommended line is ``text``.

    Typing the line at :data:`TYPING_WPM` plus :data:`THINKING_SECONDS` to recall it: an answer given within
    that was at the learner's fingertips. (Speaking time would be unfair to a typist: 40 words a minute is less
    than a third of 150.)
    """
    return word_count(text) * 60.0 / TYPING_WPM + THINKING_SECONDS


def suggest_rating(hits: int, total: int, *, answered: bool, quick: bool) -> int:
    """The rating a result suggests: all hit -> Good (Easy if quick); at least half -> Hard; fewer -> Again.

    Half of an odd number of points is rounded down, so one point of three is Hard: on a card of two or three
    facets, an answer with one of them right recalled part of the answer, which is what Hard means (and what a
    careful grader gave every such answer in the labelled set). Again is for an answer with no point right.

    Args:
        hits: Key points hit.
        total: Key points on the card; with none, a non-blank answer suggests Good and a blank one Again.
        answered: Whether the answer had any words.
        quick: Whether it came within the typing allowance (only an answer that hit every point is Easy).
    """
    if total == 0:
        return GOOD if answered else AGAIN
    if hits == total:
        return EASY if quick else GOOD
    if hits and hits >= total // 2:
        return HARD
    return AGAIN


def _check_point(answer: Answer, point: KeyPoint) -> PointResult:
    best: list[int] | None = None
    for alternative in point.alternatives:
        found = find(answer, compile_phrase(alternative, point.avoid))
        if found is not None and (best is None or len(found) > len(best)):
            best = found
    if best is None and point.avoid and answer.refusal is not None:
        return PointResult(point, True, answer.refusal)
    if best is None:
        return PointResult(point, False, None)
    return PointResult(point, True, matched_text(answer, best))


def _says_the_opposite(answer: Answer, point: KeyPoint) -> bool:
    """Whether the answer says the opposite of a point it missed.

    For an ``avoid:`` point, it recommends what the point rules out ("ask how I did"); for any other point, it
    rejects the point's idea ("don't shake hands" for "shake hands").
    """
    return any(find(answer, compile_phrase(alternative, not point.avoid)) is not None
               for alternative in point.alternatives)


def check_answer(answer: str, key_points: Sequence[KeyPoint], *, answer_seconds: float | None = None,
                 reference: str | None = None) -> MatchResult:
    """Mark each key point hit or missed by a typed answer, and suggest a rating.

    Args:
        answer: What the learner typed; only the first :data:`MAX_ANSWER_CHARS` characters are read.
        key_points: The card's key points.
        answer_seconds: How long the learner took; with ``reference``, decides Easy over Good.
        reference: The card's recommended response, whose typing allowance defines "quick".

    Returns:
        The result of each point, in order, and the suggested rating (1-4). Without ``answer_seconds`` and
        ``reference`` the suggestion is never Easy.
    """
    read = Answer(answer[:MAX_ANSWER_CHARS])
    points = tuple(_check_point(read, point) for point in key_points)
    hits = sum(1 for p in points if p.hit)
    quick = (answer_seconds is not None and reference is not None
             and answer_seconds <= typing_allowance_seconds(reference))
    rating = suggest_rating(hits, len(points), answered=bool(read.all_words), quick=quick)
    if rating != AGAIN and any(_says_the_opposite(read, p.point) for p in points if not p.hit):
        rating = AGAIN
    return MatchResult(points=points, suggested_rating=rating)


def missing_points(response: str, key_points: Sequence[KeyPoint]) -> list[str]:
    """The labels of the key points a card's own response does not hit (for ``srs deck check``)."""
    return [p.point.label for p in check_answer(response, key_points).points if not p.hit]
