"""A card as one learner sees it, as a plain frozen record: no database code, so any layer can hold one.

:class:`CardView` is what the review screen shows, what ``srs card show`` prints and what an export writes.
:func:`view_of` builds one from plain row values. Reading the rows is left to the callers (:mod:`srs.store.cards` with
the ORM, :mod:`srs.review_service` and :mod:`srs.store.export` with Core statements), so importing this module
loads neither SQLAlchemy nor SQLModel: a test checks that the export path never does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from srs.deckfile import SourceSpec

STATE_NAMES = {0: "new", 1: "learning", 2: "review", 3: "relearning"}


# A card's source as shown with it: the deck file's own source record.
SourceRef = SourceSpec

# Shown for a source id the deck no longer lists.
UNKNOWN_SOURCE = SourceRef(id="?", title="unknown source")


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


def view_of(
    card: Sequence[Any], deck_name: str, deck_sources: list[dict[str, str]], edit: Sequence[Any] | None
) -> CardView:
    """The learner's view of one card from plain values, as a Core row gives them (the review session reads one
    row per card).

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
    if edit is not None:
        situation, response, reasoning = edit[0], edit[1], edit[2]
        updated_at = max(updated_at, edit[3])
    return CardView(
        pk=pk, deck_id=deck_id, deck_name=deck_name, card_id=card_id,
        situation=situation, response=response, reasoning=reasoning,
        sources=tuple(sources.get(s, UNKNOWN_SOURCE) for s in card_sources),
        tags=tuple(tags),
        counterpoints=tuple((sources.get(cp["source"], UNKNOWN_SOURCE), cp["view"]) for cp in counterpoints),
        anki_guid=anki_guid, updated_at=updated_at, retired=bool(retired), edited=edit is not None,
    )
