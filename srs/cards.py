"""Reading cards with one learner's view of them: local edits applied, sources resolved, progress attached."""

from __future__ import annotations

from collections.abc import Sequence
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


def view_of(
    card: Sequence[Any], deck_name: str, deck_sources: list[dict[str, str]], edit: Sequence[Any] | None
) -> CardView:
    """:func:`build_view` from plain values, as a Core row gives them (the review session reads one row per card).

    Args:
        card: The card's ``(id, deck_id, card_id, situation, response, reasoning, sources, tags, counterpoints,
            anki_guid, updated_at, retired)``.
        deck_name: Its deck's name.
        deck_sources: Its deck's source records.
        edit: The learner's ``(situation, response, reasoning, updated_at)``, or None without an edit.
    """
    (pk, deck_id, card_id, situation, response, reasoning, card_sources, tags, counterpoints, anki_guid,
     updated_at, retired) = card
    sources = {s["id"]: SourceRef(**s) for s in deck_sources}
    unknown = SourceRef(id="?", title="unknown source")
    if edit is not None:
        situation, response, reasoning = edit[0], edit[1], edit[2]
        updated_at = max(updated_at, edit[3])
    return CardView(
        pk=pk, deck_id=deck_id, deck_name=deck_name, card_id=card_id,
        situation=situation, response=response, reasoning=reasoning,
        sources=tuple(sources.get(s, unknown) for s in card_sources),
        tags=tuple(tags),
        counterpoints=tuple((sources.get(cp["source"], unknown), cp["view"]) for cp in counterpoints),
        anki_guid=anki_guid, updated_at=updated_at, retired=bool(retired), edited=edit is not None,
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
