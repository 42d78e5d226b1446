"""Typed attempts: what a learner typed for a card, which key points it hit, and the rating it suggested.

An :class:`Attempt` is made on the review screen from the matcher's result (:func:`attempt_from`) and handed to
:meth:`srs.review.ReviewService.grade`, which stores it with the review in one transaction. The review keeps
the rating the learner gave (and its duration, capped at 60 s as in Anki); the attempt keeps the typing time
uncapped, since it measures how fast the learner can produce the line. :class:`PastAttempt` is one read back
for ``srs card show``, with the key points as they were when it was checked (a later deck update may change
them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from srs.matcher import MatchResult

__all__ = ["Attempt", "PastAttempt", "attempt_from"]


@dataclass(frozen=True)
class Attempt:
    """One typed answer to a card, as checked on the answer side.

    Attributes:
        answer: The text the learner typed.
        typed_ms: Milliseconds from the question showing to the answer's submission, uncapped.
        hits: One flag per key point, in the card's order: True when the answer hit it.
        suggested_rating: The matcher's suggestion (1 Again .. 4 Easy); the rating given is the review's.
    """

    answer: str
    typed_ms: int
    hits: tuple[bool, ...]
    suggested_rating: int


@dataclass(frozen=True)
class PastAttempt:
    """A stored attempt with the review it belongs to.

    Attributes:
        answer: What the learner typed.
        typed_ms: How long they took, uncapped.
        points: The key points as the deck wrote them (``"alt | alt"``) when the attempt was checked, in order.
        hits: One flag per point in ``points``.
        suggested_rating: What the matcher suggested.
        rating: What the learner gave.
        reviewed_at: When (aware UTC).
    """

    answer: str
    typed_ms: int
    points: tuple[str, ...]
    hits: tuple[bool, ...]
    suggested_rating: int
    rating: int
    reviewed_at: datetime

    @property
    def hit_count(self) -> int:
        """How many key points the answer hit."""
        return sum(self.hits)


def attempt_from(answer: str, typed_ms: int, result: MatchResult) -> Attempt:
    """The attempt for ``answer`` as the matcher judged it (``result`` from :func:`srs.matcher.check_answer`)."""
    return Attempt(answer=answer, typed_ms=max(0, int(typed_ms)), hits=tuple(p.hit for p in result.points),
                   suggested_rating=result.suggested_rating)
