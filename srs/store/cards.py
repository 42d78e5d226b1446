"""Reading cards with one learner's view of them: local edits applied, sources resolved, progress attached."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

# The record itself lives in srs.cardview (no database imports); re-exported for the callers that read with the ORM.
from srs.cardview import STATE_NAMES, CardView, SourceRef, view_of
from srs.errors import NotFoundError
from srs.store.models import Card, Deck, LocalEdit, Progress, Review

__all__ = ["STATE_NAMES", "CardRow", "CardView", "SourceRef", "build_view", "card_view", "find_card", "history_of",
           "list_cards", "progress_dict", "progress_of", "view_of"]


def card_view(session: Session, learner_id: int, card: Card, deck: Deck | None = None) -> CardView:
    """Build the learner's view of ``card``."""
    deck = deck or session.get(Deck, card.deck_id)
    assert deck is not None
    edit = session.execute(
        select(LocalEdit).where(col(LocalEdit.learner_id) == learner_id, col(LocalEdit.card_pk) == card.id)
    ).scalar_one_or_none()
    return build_view(card, deck, edit)


def build_view(card: Card, deck: Deck, edit: LocalEdit | None) -> CardView:
    """The view of ``card`` with the learner's edit (if any) already fetched: lets callers read in bulk."""
    assert card.id is not None
    return view_of(
        (card.id, card.deck_id, card.card_id, card.situation, card.response, card.reasoning, card.sources,
         card.tags, card.counterpoints, card.anki_guid, card.updated_at, card.retired),
        deck.name, deck.sources,
        None if edit is None else (edit.situation, edit.response, edit.reasoning, edit.updated_at),
    )


def find_card(session: Session, ref: str) -> Card:
    """Find a card by ``card-id`` or ``deck-id/card-id``. Raises :class:`NotFoundError` naming the choices."""
    deck_id, _, card_id = ref.rpartition("/")
    query = select(Card).where(col(Card.card_id) == card_id)
    if deck_id:
        query = query.where(col(Card.deck_id) == deck_id)
    found: list[Card] = list(session.execute(query).scalars())
    if not found:
        raise NotFoundError(f"no card with id {ref!r} (see: srs card list)")
    if len(found) > 1:
        choices = ", ".join(f"{c.deck_id}/{c.card_id}" for c in found)
        raise NotFoundError(f"card id {ref!r} is in several decks; name one of: {choices}")
    return found[0]


def progress_of(session: Session, learner_id: int, card_pk: int) -> Progress | None:
    return session.execute(
        select(Progress).where(col(Progress.learner_id) == learner_id, col(Progress.card_pk) == card_pk)
    ).scalar_one_or_none()


def history_of(session: Session, learner_id: int, card_pk: int) -> list[Review]:
    return list(session.execute(
        select(Review).where(col(Review.learner_id) == learner_id, col(Review.card_pk) == card_pk).order_by(
            col(Review.reviewed_at), col(Review.id))
    ).scalars())


def progress_dict(progress: Progress | None) -> dict[str, Any]:
    """Progress as plain data (new cards have no row and show as new)."""
    if progress is None:
        return {"state": "new", "due": None, "stability": None, "difficulty": None, "reps": 0, "lapses": 0,
                "last_review": None, "suspended": False, "buried_until": None, "leech": False}
    return {
        "state": STATE_NAMES.get(progress.state, str(progress.state)),
        "due": progress.due.isoformat() if progress.due else None,
        "stability": progress.stability, "difficulty": progress.difficulty,
        "reps": progress.reps, "lapses": progress.lapses,
        "last_review": progress.last_review.isoformat() if progress.last_review else None,
        "suspended": progress.suspended,
        "buried_until": progress.buried_until.isoformat() if progress.buried_until else None,
        "leech": progress.leech,
    }


@dataclass(frozen=True)
class CardRow:
    ref: str
    situation: str
    tags: tuple[str, ...]
    retired: bool
    progress: dict[str, Any]


def list_cards(session: Session, learner_id: int, deck_id: str | None = None,
               include_retired: bool = False) -> list[CardRow]:
    """Cards in deck order with the learner's progress, one query."""
    query = (
        select(Card, Progress)
        .outerjoin(Progress, (col(Progress.card_pk) == col(Card.id)) & (col(Progress.learner_id) == learner_id))
        .order_by(col(Card.deck_id), col(Card.position))
    )
    if deck_id is not None:
        if session.get(Deck, deck_id) is None:
            raise NotFoundError(f"no deck with id {deck_id!r} (see: srs deck list)")
        query = query.where(col(Card.deck_id) == deck_id)
    if not include_retired:
        query = query.where(col(Card.retired).is_(False))
    return [
        CardRow(ref=f"{card.deck_id}/{card.card_id}", situation=card.situation, tags=tuple(card.tags),
                retired=card.retired, progress=progress_dict(progress))
        for card, progress in session.execute(query)
    ]
