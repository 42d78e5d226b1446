"""Reading cards with one learner's view of them: local edits applied, sources resolved, progress attached."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from srs.deckfile import SourceSpec
from srs.errors import NotFoundError
from srs.models import Card, Deck, LocalEdit, Progress, Review

STATE_NAMES = {0: "new", 1: "learning", 2: "review", 3: "relearning"}


# A card's source as shown with it: the deck file's own source record.
SourceRef = SourceSpec


@dataclass(frozen=True)
class CardView:
    """A card as one learner sees it: their local edit (if any) over the deck's text."""

    pk: int
    deck_id: str
    deck_name: str
    card_id: str
    situation: str
    response: str
    reasoning: str
    sources: tuple[SourceRef, ...]
    tags: tuple[str, ...]
    counterpoints: tuple[tuple[SourceRef, str], ...]
    anki_guid: str
    updated_at: datetime
    retired: bool = False
    edited: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.deck_id}/{self.card_id}"


def _sources_by_id(deck: Deck) -> dict[str, SourceRef]:
    return {s["id"]: SourceRef(**s) for s in deck.sources}


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
    sources = _sources_by_id(deck)
    unknown = SourceRef(id="?", title="unknown source")
    return CardView(
        pk=card.id, deck_id=card.deck_id, deck_name=deck.name, card_id=card.card_id,
        situation=edit.situation if edit else card.situation,
        response=edit.response if edit else card.response,
        reasoning=edit.reasoning if edit else card.reasoning,
        sources=tuple(sources.get(s, unknown) for s in card.sources),
        tags=tuple(card.tags),
        counterpoints=tuple((sources.get(cp["source"], unknown), cp["view"]) for cp in card.counterpoints),
        anki_guid=card.anki_guid,
        updated_at=max(card.updated_at, edit.updated_at) if edit else card.updated_at,
        retired=card.retired, edited=edit is not None,
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
