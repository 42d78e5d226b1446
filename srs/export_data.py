"""What the exporters read: decks as one learner sees them, and that learner's progress and review history.

The exporters in ``exporters/`` turn these plain, frozen records into files (Anki packages, CSV). They never
touch the database themselves, and nothing here knows about any export format. Every function takes a session
and only reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from srs.cards import CardView, build_view
from srs.decks import get_deck
from srs.models import Card, Deck, LocalEdit, Progress, Review
from srs.scheduling.settings import SchedulerSettings


@dataclass(frozen=True)
class ExportDeck:
    """A deck and its active cards, in deck order, as the learner sees them (local edits applied)."""

    id: str
    name: str
    description: str
    cards: tuple[CardView, ...]


@dataclass(frozen=True)
class ProgressRecord:
    """One card's scheduling state for the learner (mirrors :class:`srs.models.Progress`)."""

    state: int
    step: int
    stability: float | None
    difficulty: float | None
    due: datetime | None
    last_review: datetime | None
    scheduled_days: int
    reps: int
    lapses: int
    suspended: bool


@dataclass(frozen=True)
class ReviewRecord:
    """One answer from the learner's review log (mirrors :class:`srs.models.Review`)."""

    rating: int
    reviewed_at: datetime
    duration_ms: int
    kind: int
    interval_days: int
    prev_interval_days: int


@dataclass(frozen=True)
class CardHistory:
    """A card's current progress (None while it is new) and its review log, oldest first."""

    progress: ProgressRecord | None
    reviews: tuple[ReviewRecord, ...]


def count_cards(session: Session, deck_ids: Sequence[str] | None = None) -> int:
    """How many active cards :func:`decks_for_export` will return (to size a progress bar)."""
    from sqlalchemy import func

    query = select(func.count()).select_from(Card).where(col(Card.retired).is_(False))
    if deck_ids:
        query = query.where(col(Card.deck_id).in_(list(deck_ids)))
    return int(session.execute(query).scalar_one())


def decks_for_export(session: Session, learner_id: int, deck_ids: Sequence[str] | None = None,
                     on_card: Callable[[], None] | None = None) -> list[ExportDeck]:
    """The named decks (all decks when none are named), ordered by name, with their active cards.

    Retired cards are left out: the file describes the deck as it is now. ``on_card`` is called once per card
    read, so a caller can show progress. Each deck costs three queries, whatever its size.

    Raises:
        NotFoundError: a named deck does not exist.
    """
    if deck_ids:
        decks = [get_deck(session, deck_id) for deck_id in dict.fromkeys(deck_ids)]
    else:
        decks = list(session.execute(select(Deck).order_by(col(Deck.name), col(Deck.id))).scalars())
    result = []
    for deck in decks:
        cards = session.execute(
            select(Card).where(col(Card.deck_id) == deck.id, col(Card.retired).is_(False))
            .order_by(col(Card.position), col(Card.id))
        ).scalars()
        edits = {
            edit.card_pk: edit
            for edit in session.execute(
                select(LocalEdit).join(Card, col(Card.id) == col(LocalEdit.card_pk))
                .where(col(LocalEdit.learner_id) == learner_id, col(Card.deck_id) == deck.id)
            ).scalars()
        }
        views = []
        for card in cards:
            views.append(build_view(card, deck, edits.get(card.id)))
            if on_card is not None:
                on_card()
        result.append(ExportDeck(id=deck.id, name=deck.name, description=deck.description, cards=tuple(views)))
    return result


def histories_for_export(session: Session, learner_id: int, card_pks: Sequence[int]) -> dict[int, CardHistory]:
    """The learner's progress and review log for each card in ``card_pks`` (cards never seen are left out)."""
    wanted = set(card_pks)
    progress: dict[int, ProgressRecord] = {}
    for row in session.execute(select(Progress).where(col(Progress.learner_id) == learner_id)).scalars():
        if row.card_pk in wanted:
            progress[row.card_pk] = ProgressRecord(
                state=row.state, step=row.step, stability=row.stability, difficulty=row.difficulty, due=row.due,
                last_review=row.last_review, scheduled_days=row.scheduled_days, reps=row.reps, lapses=row.lapses,
                suspended=row.suspended,
            )
    reviews: dict[int, list[ReviewRecord]] = {}
    query = select(Review).where(col(Review.learner_id) == learner_id).order_by(
        col(Review.reviewed_at), col(Review.id))
    for review in session.execute(query).scalars():
        if review.card_pk in wanted:
            reviews.setdefault(review.card_pk, []).append(ReviewRecord(
                rating=review.rating, reviewed_at=review.reviewed_at, duration_ms=review.duration_ms,
                kind=review.kind, interval_days=review.interval_days, prev_interval_days=review.prev_interval_days,
            ))
    return {
        pk: CardHistory(progress=progress.get(pk), reviews=tuple(reviews.get(pk, ())))
        for pk in sorted(set(progress) | set(reviews))
    }


def learner_settings(session: Session, learner_id: int) -> SchedulerSettings:
    """The learner's scheduler settings (time zone, rollover hour, steps, retention, FSRS parameters)."""
    from srs.study import load_settings

    return load_settings(session, learner_id)
