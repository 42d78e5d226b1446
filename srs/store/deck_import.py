"""Importing a deck file into the database: the upsert behind ``srs deck add`` and the bundled decks.

Importing is an upsert keyed by deck id + card id, done in bulk statements so a 10,000-card deck imports in
one short transaction. Editing a card's text keeps its progress (progress points at the card's row, whose key
never changes); a card dropped from the file is *retired*; re-adding an unchanged file changes nothing.

The statements are set-based Core statements on the models' tables. The caller owns the transaction: nothing
here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Row
from sqlmodel import Session

from srs.deckfile import CardSpec, DeckSpec, anki_guid
from srs.errors import ConflictError
from srs.store.meta import forget_refused_bundled, forget_removal
from srs.store.models import Card, Deck, table_of
from srs.store.upsert import insert_if_absent

__all__ = ["AddResult", "add_deck", "forget_removal"]

card = table_of(Card)
deck = table_of(Deck)

# The card columns an import rewrites on a card that is already there (created_at and the key stay).
_UPDATED = ("position", "situation", "response", "reasoning", "sources", "tags", "counterpoints", "key_points",
            "personal", "content_hash", "anki_guid", "retired", "updated_at")
# Written on an unchanged card whose stored key points lag its file: one imported before migration 0005 added
# them (its content hash already counts them). Not counted as changed, but its time moves: its Anki note gains
# the key points on the next export.
_FILLED = ("key_points", "personal", "updated_at")
_ATTEMPTS = 3


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


def _card_row(deck_id: str, position: int, spec: CardSpec, now: datetime) -> dict[str, Any]:
    return {
        "deck_id": deck_id,
        "card_id": spec.id,
        "position": position,
        "situation": spec.situation,
        "response": spec.response,
        "reasoning": spec.reasoning,
        "sources": list(spec.sources),
        "tags": list(spec.tags),
        "counterpoints": [{"source": c.source, "view": c.view} for c in spec.counterpoints],
        "key_points": [k.text for k in spec.key_points],
        "personal": spec.personal,
        "content_hash": spec.content_hash,
        "anki_guid": anki_guid(deck_id, spec.id),
        "retired": False,
        "created_at": now,
        "updated_at": now,
    }


def _insert_or_read(session: Session, deck_id: str, row: dict[str, Any]) -> Row[Any] | None:
    """Insert the deck row unless the deck exists; None when inserted, else the stored deck's content hash,
    bundled hash and sources.

    Insert first, then read: two imports of a new deck at once both succeed. The later one's insert waits for the
    earlier one's transaction and, once that is committed, finds the deck there and carries on as a re-add (the
    earlier one's cards are committed with it, so none is inserted twice). A deck removed in between the two
    statements is inserted again.

    Raises:
        ConflictError: the deck kept appearing and disappearing (other sessions adding and removing it).
    """
    for _ in range(_ATTEMPTS):
        if insert_if_absent(session, deck, row, ("id",)) is not None:
            return None
        old = session.execute(
            select(deck.c.content_hash, deck.c.bundled_hash, deck.c.sources).where(deck.c.id == deck_id)
        ).first()
        if old is not None:
            return old
    raise ConflictError(f"deck {deck_id!r} was being added and removed in other sessions at the same time; "
                        "try again")


def _upsert_deck(session: Session, spec: DeckSpec, now: datetime, bundled_hash: str) -> tuple[bool, set[str]]:
    """Insert or update the deck row. Returns whether it was created, and the ids of sources whose details
    changed (the cards citing them count as updated)."""
    sources: list[dict[str, str]] = [dict(vars(s)) for s in spec.sources]
    header: dict[str, Any] = {
        "name": spec.name, "description": spec.description, "version": spec.version, "license": spec.license,
        "credits": spec.credits, "sources": sources,
    }
    content_hash = spec.content_hash()
    old = _insert_or_read(session, spec.id, {"id": spec.id, "content_hash": content_hash,
                                             "bundled_hash": bundled_hash, "created_at": now, "updated_at": now,
                                             **header})
    if old is None:
        return True, set()
    changes: dict[str, Any] = {}
    changed_sources: set[str] = set()
    if bundled_hash and old.bundled_hash != bundled_hash:
        changes["bundled_hash"] = bundled_hash
    if old.content_hash != content_hash:
        old_sources = {s["id"]: s for s in old.sources}
        changed_sources = {s["id"] for s in sources if old_sources.get(s["id"]) != s}
        changes.update(header, content_hash=content_hash, updated_at=now)
    if changes:
        session.execute(update(deck).where(deck.c.id == spec.id).values(**changes))
    return False, changed_sources


def add_deck(session: Session, spec: DeckSpec, now: datetime, bundled_hash: str = "") -> AddResult:
    """Import ``spec`` or update the deck with the same id; the caller commits.

    Args:
        session: An open session.
        spec: The parsed, validated deck file.
        now: The current time (aware UTC), stamped on what changes.
        bundled_hash: The sha256 of the bundled file ``spec`` came from; empty for a deck added by the user.
    """
    forget_refused_bundled(session)
    created, changed_sources = _upsert_deck(session, spec, now, bundled_hash)

    existing = {
        row.card_id: row
        for row in session.execute(
            select(card.c.id, card.c.card_id, card.c.content_hash, card.c.retired, card.c.position,
                   card.c.key_points, card.c.personal)
            .where(card.c.deck_id == spec.id)
        )
    }
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    fills: list[dict[str, Any]] = []
    restored = unchanged = 0
    for position, card_spec in enumerate(spec.cards):
        row = _card_row(spec.id, position, card_spec, now)
        old = existing.pop(card_spec.id, None)
        if old is None:
            inserts.append(row)
            continue
        # A renamed source changes the text shown with the card, so the card counts as updated (Anki
        # re-imports a note only when its modification time moves).
        cites_changed = changed_sources & {*card_spec.sources, *(c.source for c in card_spec.counterpoints)}
        if (old.content_hash == row["content_hash"] and not old.retired and old.position == position
                and not cites_changed):
            unchanged += 1
            if (list(old.key_points or ()), bool(old.personal)) != (row["key_points"], row["personal"]):
                fills.append({"pk": old.id, **{f"v_{name}": row[name] for name in _FILLED}})
            continue
        if old.retired:
            restored += 1
        updates.append({"pk": old.id, **{f"v_{name}": row[name] for name in _UPDATED}})
    retire = [row.id for row in existing.values() if not row.retired]

    if inserts:
        session.execute(insert(card), inserts)
    # One statement run for every changed card (executemany); "v_" because SET names are reserved.
    for rows, names in ((updates, _UPDATED), (fills, _FILLED)):
        if rows:
            session.execute(
                update(card).where(card.c.id == bindparam("pk", type_=card.c.id.type))
                .values({name: bindparam(f"v_{name}", type_=card.c[name].type) for name in names}),
                rows,
            )
    if retire:
        session.execute(update(card).where(card.c.id.in_(retire)).values(retired=True, updated_at=now))
    return AddResult(deck_id=spec.id, created=created, added=len(inserts), updated=len(updates) - restored,
                     retired=len(retire), restored=restored, unchanged=unchanged)

