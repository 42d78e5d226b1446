"""Check that every learner's progress agrees with their review log (for ``srs db check``).

A progress row is what its card's answers made of it, so two facts hold for every row this app writes:

* **It counts no answer the log does not have**: ``reps`` is at most the number of the card's reviews. An answer
  adds one review and one rep in one transaction; undo deletes the review and restores the state from before
  it; an Anki import replays a window of the stored reviews (all of them, or those after Anki's latest reset).
* **Its last answer is the log's newest**: a card that has been answered (``last_review`` set) has no review
  dated after ``last_review``. An answer is dated ``now`` and sets ``last_review`` to that moment; an import
  replays the history up to its newest answer (reviews dated after the import's ``now`` are never merged);
  undo removes the newest answer and restores the state from before it. A card reset in Anki and not answered
  since is new again (``last_review`` unset) and is not checked.

The second is what a lost update leaves behind: a state computed from a history that missed an answer
committed meanwhile. It also fails if answers to a card were dated out of order (a clock set back between them),
and then too the progress and the log disagree: replaying the log would not give the stored state.

Anki's own "reps" cannot be checked more closely from here: an Anki reset leaves no row in this log, so the
number of answers after it is not known.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import and_, func, select
from sqlmodel import Session

from srs.store.models import Card, Learner, Progress, Review, table_of

_PROGRESS = table_of(Progress)
_REVIEW = table_of(Review)
_CARD = table_of(Card)
_LEARNER = table_of(Learner)


@dataclass(frozen=True)
class Disagreement:
    """One card whose progress disagrees with its review log."""

    learner: str
    card: str  # deck/card
    problem: str

    def line(self) -> str:
        return f"learner {self.learner!r}, card {self.card}: {self.problem}"


def _when(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def progress_disagreements(session: Session) -> Iterator[Disagreement]:
    """Every progress row that counts more answers than its log has, or whose last answer is older than the
    log's newest answer of the card (see the module docstring). One grouped query; changes nothing."""
    p, r = _PROGRESS.c, _REVIEW.c
    reviews = (select(r.learner_id, r.card_pk, func.count().label("n"), func.max(r.reviewed_at).label("newest"))
               .group_by(r.learner_id, r.card_pk).subquery())
    rows = session.execute(
        select(_LEARNER.c.name, _CARD.c.deck_id, _CARD.c.card_id, p.reps, p.last_review,
               func.coalesce(reviews.c.n, 0).label("n"), reviews.c.newest)
        .select_from(_PROGRESS.join(_CARD, _CARD.c.id == p.card_pk).join(_LEARNER, _LEARNER.c.id == p.learner_id)
                     .outerjoin(reviews, and_(reviews.c.learner_id == p.learner_id, reviews.c.card_pk == p.card_pk)))
        .order_by(_LEARNER.c.name, _CARD.c.deck_id, _CARD.c.card_id)
    ).mappings()
    for row in rows:
        ref = f"{row['deck_id']}/{row['card_id']}"
        if row["reps"] > row["n"]:
            yield Disagreement(row["name"], ref, f"its progress counts {row['reps']} answers, its review log has "
                                                 f"{row['n']}")
        newest = row["newest"]  # max() keeps the column's type: an aware datetime on both backends
        if row["last_review"] is not None and newest is not None and newest > row["last_review"]:
            yield Disagreement(row["name"], ref, f"its newest answer ({_when(newest)}) is not in its progress "
                                                 f"(last answer {_when(row['last_review'])}): the progress ignores "
                                                 "it, or a clock was set back")
