"""A card as one learner sees it, as a plain frozen record: no database code, so any layer can hold one.

:class:`CardView` is what the review screen shows, what ``srs card show`` prints and what an export writes.
:func:`view_of` builds one from a card's values, passed by name; the store reads them (:mod:`srs.store.cards`,
:mod:`srs.store.export`), so importing this module loads no SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from srs.deckfile import SourceSpec

STATE_NAMES = {0: "new", 1: "learning", 2: "review", 3: "relearning"}


# A card's source as shown with it: the deck file's own source record.
SourceRef = SourceSpec

# Shown for a source id the deck no longer lists.
UNKNOWN_SOURCE = SourceRef(id="?", title="unknown source")


@dataclass(frozen=True)
class EditedCard:
    """A learner's own wording of a card, as stored."""

    situation: str
    response: str
    reasoning: str
    updated_at: datetime


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

    @property
    def ref(self) -> str:
        return f"{self.deck_id}/{self.card_id}"


def source_refs(deck_sources: Sequence[Mapping[str, str]]) -> dict[str, SourceRef]:
    """A deck's source records by id, as :func:`view_of` resolves a card's citations (read once per deck)."""
    return {s["id"]: SourceRef(**s) for s in deck_sources}


def view_of(
    *,
    pk: int,
    deck_id: str,
    deck_name: str,
    card_id: str,
    situation: str,
    response: str,
    reasoning: str,
    sources: Sequence[str],
    tags: Sequence[str],
    counterpoints: Sequence[Mapping[str, str]],
    anki_guid: str,
    updated_at: datetime,
    retired: bool,
    deck_sources: Mapping[str, SourceRef],
    edit: EditedCard | None,
) -> CardView:
    """The learner's view of one card, from its stored values (named, as the store reads them): the learner's
    edit (if any) over the deck's text, the later of the two times, and the card's citations resolved against
    ``deck_sources`` (:func:`source_refs`; an id the deck no longer lists shows as :data:`UNKNOWN_SOURCE`)."""
    if edit is not None:
        situation, response, reasoning = edit.situation, edit.response, edit.reasoning
        updated_at = max(updated_at, edit.updated_at)
    return CardView(
        pk=pk, deck_id=deck_id, deck_name=deck_name, card_id=card_id,
        situation=situation, response=response, reasoning=reasoning,
        sources=tuple(deck_sources.get(s, UNKNOWN_SOURCE) for s in sources),
        tags=tuple(tags),
        counterpoints=tuple((deck_sources.get(cp["source"], UNKNOWN_SOURCE), cp["view"]) for cp in counterpoints),
        anki_guid=anki_guid, updated_at=updated_at, retired=bool(retired), edited=edit is not None,
    )
