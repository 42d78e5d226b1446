"""Typed attempts in the database: written with their review, read back newest first for ``srs card show``.

An attempt belongs to one review row (``review_attempt.review_id``): :func:`srs.store.progress.answer` writes
both in one transaction, undo deletes both, and removing a learner or a deck deletes them with the reviews.
Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, insert, select
from sqlmodel import Session

from srs.attempts import Attempt, PastAttempt
from srs.store.models import Review, ReviewAttempt, table_of

__all__ = ["delete_attempt", "insert_attempt", "last_attempts"]

_ATTEMPT = table_of(ReviewAttempt)
_REVIEW = table_of(Review)
_A, _R = _ATTEMPT.c, _REVIEW.c


def insert_attempt(session: Session, learner_id: int, review_id: int, attempt: Attempt,
                   key_points: Sequence[str]) -> None:
    """Store ``attempt`` with review ``review_id``; ``key_points`` are the points (as the deck wrote them) its
    ``hits`` refer to.

    Raises:
        ValueError: ``hits`` does not have one flag per key point.
    """
    if len(attempt.hits) != len(key_points):
        raise ValueError(f"an attempt has {len(attempt.hits)} hit flags for {len(key_points)} key points")
    session.execute(insert(_ATTEMPT).values(
        review_id=review_id, learner_id=learner_id, answer=attempt.answer, typed_ms=max(0, int(attempt.typed_ms)),
        key_points=list(key_points), hits=[bool(h) for h in attempt.hits],
        suggested_rating=int(attempt.suggested_rating)))


def last_attempts(session: Session, learner_id: int, card_pk: int, limit: int = 5) -> list[PastAttempt]:
    """The learner's last ``limit`` typed attempts at a card, newest first."""
    rows = session.execute(
        select(_A.answer, _A.typed_ms, _A.key_points, _A.hits, _A.suggested_rating, _R.rating, _R.reviewed_at)
        .select_from(_ATTEMPT.join(_REVIEW, _R.id == _A.review_id))
        .where(_R.learner_id == learner_id, _R.card_pk == card_pk)
        .order_by(_R.reviewed_at.desc(), _R.id.desc())
        .limit(limit)
    ).mappings()
    return [PastAttempt(answer=row["answer"], typed_ms=int(row["typed_ms"]), points=tuple(row["key_points"]),
                        hits=tuple(bool(h) for h in row["hits"]), suggested_rating=int(row["suggested_rating"]),
                        rating=int(row["rating"]), reviewed_at=row["reviewed_at"])
            for row in rows]


def delete_attempt(session: Session, review_id: int) -> None:
    """Delete the attempt of review ``review_id``, if it has one (undo takes the review back)."""
    session.execute(delete(_ATTEMPT).where(_A.review_id == review_id))
