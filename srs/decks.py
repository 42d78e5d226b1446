"""Decks in the database: import or update from a deck file, list, read back, remove.

Importing is an upsert keyed by deck id + card id, done in bulk statements so a 10,000-card deck imports in
one short transaction. Editing a card's text keeps its progress (progress points at the card's row, whose key
never changes); a card dropped from the file is *retired*; re-adding an unchanged file changes nothing.
The caller owns the transaction: these functions flush but never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, func, insert, select, update
from sqlmodel import Session, col

from srs.bundled import forget_refused_bundled, record_refused_bundled
from srs.deckfile import CardSpec, CounterpointSpec, DeckSpec, SourceSpec, anki_guid
from srs.errors import NotFoundError
from srs.models import Card, Deck, Meta


@dataclass(frozen=True)
class AddResult:
    """What :func:`add_deck` changed."""

    deck_id: str
    created: bool
    added: int
    updated: int
    retired: int
    restored: int
    unchanged: int

    @property
    def changed(self) -> bool:
        return self.created or bool(self.added or self.updated or self.retired or self.restored)


@dataclass(frozen=True)
class DeckSummary:
    id: str
    name: str
    version: str
    cards: int
    retired: int
    license: str
    description: str


def _card_row(deck_id: str, position: int, card: CardSpec, now: datetime) -> dict[str, Any]:
    return {
        "deck_id": deck_id,
        "card_id": card.id,
        "position": position,
        "situation": card.situation,
        "response": card.response,
        "reasoning": card.reasoning,
        "sources": list(card.sources),
        "tags": list(card.tags),
        "counterpoints": [{"source": c.source, "view": c.view} for c in card.counterpoints],
        "content_hash": card.content_hash,
        "anki_guid": anki_guid(deck_id, card.id),
        "retired": False,
        "created_at": now,
        "updated_at": now,
    }


def add_deck(session: Session, spec: DeckSpec, now: datetime, bundled_hash: str = "") -> AddResult:
    """Import ``spec`` or update the deck with the same id. Flushes; the caller commits."""
    forget_refused_bundled(session)
    deck = session.get(Deck, spec.id)
    created = deck is None
    sources: list[dict[str, str]] = [dict(vars(s)) for s in spec.sources]
    header: dict[str, Any] = {
        "name": spec.name, "description": spec.description, "version": spec.version, "license": spec.license,
        "credits": spec.credits, "sources": sources,
    }
    content_hash = spec.content_hash()
    changed_sources: set[str] = set()
    if deck is None:
        deck = Deck(id=spec.id, content_hash=content_hash, bundled_hash=bundled_hash, created_at=now,
                    updated_at=now, **header)
        session.add(deck)
        session.flush()
    else:
        if bundled_hash and deck.bundled_hash != bundled_hash:
            deck.bundled_hash = bundled_hash
        if deck.content_hash != content_hash:
            old_sources = {s["id"]: s for s in deck.sources}
            changed_sources = {s["id"] for s in sources if old_sources.get(s["id"]) != s}
            for key, value in header.items():
                setattr(deck, key, value)
            deck.content_hash = content_hash
            deck.updated_at = now

    existing = {
        row.card_id: row
        for row in session.execute(
            select(col(Card.id), col(Card.card_id), col(Card.content_hash), col(Card.retired),
                   col(Card.position)).where(col(Card.deck_id) == spec.id)
        )
    }
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    restored = unchanged = 0
    for position, card in enumerate(spec.cards):
        row = _card_row(spec.id, position, card, now)
        old = existing.pop(card.id, None)
        if old is None:
            inserts.append(row)
            continue
        # A renamed source changes the text shown with the card, so the card counts as updated (Anki
        # re-imports a note only when its modification time moves).
        cites_changed = changed_sources & {*card.sources, *(c.source for c in card.counterpoints)}
        if (old.content_hash == row["content_hash"] and not old.retired and old.position == position
                and not cites_changed):
            unchanged += 1
            continue
        if old.retired:
            restored += 1
        del row["created_at"]
        row["pk"] = old.id
        updates.append(row)
    retire = [row.id for row in existing.values() if not row.retired]

    if inserts:
        session.execute(insert(Card.__table__), inserts)  # type: ignore[attr-defined]  # Core: no ORM overhead
    for row in updates:
        pk = row.pop("pk")
        session.execute(update(Card).where(col(Card.id) == pk).values(**row))
    if retire:
        session.execute(update(Card).where(col(Card.id).in_(retire)).values(retired=True, updated_at=now))
    session.flush()
    return AddResult(deck_id=spec.id, created=created, added=len(inserts), updated=len(updates) - restored,
                     retired=len(retire), restored=restored, unchanged=unchanged)


def list_decks(session: Session) -> list[DeckSummary]:
    """Every deck with its number of active and retired cards, by name."""
    retired_flag = case((col(Card.retired).is_(True), 1), else_=0)
    counts = {
        deck_id: (total, retired or 0)
        for deck_id, total, retired in session.execute(
            select(col(Card.deck_id), func.count(), func.sum(retired_flag)).group_by(col(Card.deck_id))
        )
    }
    result = []
    for deck in session.execute(select(Deck).order_by(col(Deck.name))).scalars():
        total, retired = counts.get(deck.id, (0, 0))
        result.append(DeckSummary(id=deck.id, name=deck.name, version=deck.version, cards=total - retired,
                                  retired=retired, license=deck.license, description=deck.description))
    return result


def get_deck(session: Session, deck_id: str) -> Deck:
    deck = session.get(Deck, deck_id)
    if deck is None:
        known = ", ".join(session.execute(select(col(Deck.id))).scalars()) or "none"
        raise NotFoundError(f"no deck with id {deck_id!r} (decks: {known})")
    return deck


def deck_spec(session: Session, deck_id: str) -> DeckSpec:
    """Read a deck back as a :class:`DeckSpec` (active cards, in deck order), e.g. to write a deck file."""
    deck = get_deck(session, deck_id)
    cards = session.execute(
        select(Card).where(col(Card.deck_id) == deck_id, col(Card.retired).is_(False)).order_by(col(Card.position))
    ).scalars()
    return DeckSpec(
        id=deck.id, name=deck.name, version=deck.version, description=deck.description, license=deck.license,
        credits=deck.credits, sources=tuple(SourceSpec(**s) for s in deck.sources),
        cards=tuple(
            CardSpec(id=c.card_id, situation=c.situation, response=c.response, reasoning=c.reasoning,
                     sources=tuple(c.sources), tags=tuple(c.tags),
                     counterpoints=tuple(CounterpointSpec(**cp) for cp in c.counterpoints))
            for c in cards
        ),
    )


def remove_deck(session: Session, deck_id: str) -> int:
    """Delete a deck, its cards and every learner's progress and history on them. Returns the card count."""
    deck = get_deck(session, deck_id)
    forget_refused_bundled(session)
    count = session.execute(select(func.count()).select_from(Card).where(col(Card.deck_id) == deck_id)).scalar_one()
    if deck.bundled_hash:
        # Remember the removal so the bundled copy is not silently installed again on the next run.
        key = f"removed-bundled:{deck_id}"
        if session.get(Meta, key) is None:
            session.add(Meta(key=key, value="1"))
        # ... and that its file is refused, so start-up need not parse it to find that out.
        record_refused_bundled(session, deck.bundled_hash)
    from srs.models import LocalEdit, Progress, Review

    card_ids = select(col(Card.id)).where(col(Card.deck_id) == deck_id)
    session.execute(delete(Review).where(col(Review.card_pk).in_(card_ids)))
    session.execute(delete(Progress).where(col(Progress.card_pk).in_(card_ids)))
    session.execute(delete(LocalEdit).where(col(LocalEdit.card_pk).in_(card_ids)))
    session.execute(delete(Card).where(col(Card.deck_id) == deck_id))
    session.delete(deck)
    session.flush()
    return int(count)


def forget_removal(session: Session, deck_id: str) -> None:
    """Adding a deck by hand undoes an earlier removal of its bundled copy."""
    forget_refused_bundled(session)
    row = session.get(Meta, f"removed-bundled:{deck_id}")
    if row is not None:
        session.delete(row)
