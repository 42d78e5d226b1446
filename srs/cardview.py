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
from srs.keypoints import KeyPoint, parse_key_point

STATE_NAMES = {0: "new", 1: "learning", 2: "review", 3: "relearning"}


# A card's source as shown with it: the deck file's own source record.
SourceRef = SourceSpec

# Shown for a source id the deck no longer lists.
UNKNOWN_SOURCE = SourceRef(id="?", title="unknown source")


@dataclass(frozen=True)
class EditedCard:
    """A learner's own wording of a card, as stored: a field left None follows the deck's text.

    Attributes:
        deck_hash: :func:`srs.edits.deck_text_hash` of the deck's text of the edited fields when the edit was
            saved (None for an edit whose deck text is unknown): tells whether the deck changed them since.
    """

    situation: str | None
    response: str | None
    reasoning: str | None
    updated_at: datetime
    deck_hash: str | None = None


@dataclass(frozen=True)
class DeckText:
    """The deck's own text of a card, shown beside the learner's edit of it."""

    situation: str
    response: str
    reasoning: str


@dataclass(frozen=True)
class CardView:
    """A card as one learner sees it: their local edit (if any) over the deck's text.

    Attributes:
        key_points: The ideas a good answer contains, in the deck's order (empty when the deck gives none).
        personal: The card asks for the learner's own version of the response.
        needs_personal: A personal card whose learner has not written their line yet: ``response`` is the
            deck's wording, to be shown as the reference while they write theirs.
        deck_text: The deck's own text when the learner has an edit (a personal line is one), else None.
        edit_outdated: The deck changed the text the learner edited since they saved the edit.
    """

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
    key_points: tuple[KeyPoint, ...] = ()
    personal: bool = False
    needs_personal: bool = False
    deck_text: DeckText | None = None
    edit_outdated: bool = False

    @property
    def ref(self) -> str:
        return f"{self.deck_id}/{self.card_id}"

    @property
    def reference(self) -> str:
        """The deck's own wording of the response (what a personal line is checked and shown against)."""
        return self.deck_text.response if self.deck_text is not None else self.response


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
    key_points: Sequence[str] = (),
    personal: bool = False,
    edit_outdated: bool = False,
) -> CardView:
    """The learner's view of one card, from its stored values (named, as the store reads them): the learner's
    edit (if any) over the deck's text, the later of the two times, and the card's citations resolved against
    ``deck_sources`` (:func:`source_refs`; an id the deck no longer lists shows as :data:`UNKNOWN_SOURCE`).

    ``key_points`` are the author's strings as stored (validated on import). A ``personal`` card whose learner
    has no response of their own yet ``needs_personal``; its ``response`` is then the deck's, as a reference.
    ``edit_outdated`` (the store compares the edit's ``deck_hash``) says the deck changed the edited text since.
    """
    deck_text = None
    if edit is not None:
        deck_text = DeckText(situation=situation, response=response, reasoning=reasoning)
        situation = situation if edit.situation is None else edit.situation
        response = response if edit.response is None else edit.response
        reasoning = reasoning if edit.reasoning is None else edit.reasoning
        updated_at = max(updated_at, edit.updated_at)
    return CardView(
        pk=pk, deck_id=deck_id, deck_name=deck_name, card_id=card_id,
        situation=situation, response=response, reasoning=reasoning,
        sources=tuple(deck_sources.get(s, UNKNOWN_SOURCE) for s in sources),
        tags=tuple(tags),
        counterpoints=tuple((deck_sources.get(cp["source"], UNKNOWN_SOURCE), cp["view"]) for cp in counterpoints),
        anki_guid=anki_guid, updated_at=updated_at, retired=bool(retired), edited=edit is not None,
        key_points=tuple(parse_key_point(text) for text in key_points), personal=bool(personal),
        needs_personal=bool(personal) and (edit is None or edit.response is None),
        deck_text=deck_text, edit_outdated=edit is not None and edit_outdated,
    )
