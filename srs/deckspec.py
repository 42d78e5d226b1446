"""The records of a deck: what a valid deck file holds, and the hashes that tell whether an import changes it.

:mod:`srs.deckfile` builds these from a deck file; the store builds them back from the database for an export.
Both the parser and the writer (``exporters.deck_toml``) agree on them, so a deck written and read back is equal.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

from srs.keypoints import KeyPoint

__all__ = ["CardSpec", "CounterpointSpec", "DeckSpec", "SourceSpec", "anki_guid"]


@dataclass(frozen=True)
class SourceSpec:
    """One ``[[sources]]`` entry: a work the cards cite."""

    id: str
    title: str
    author: str = ""
    date: str = ""
    url: str = ""


@dataclass(frozen=True)
class CounterpointSpec:
    """Where another source disagrees with a card's response."""

    source: str
    view: str


@dataclass(frozen=True)
class CardSpec:
    """One ``[[cards]]`` entry.

    Attributes:
        sources: The ids the card cites, after the deck's ``default_sources`` applied (may be empty).
        key_points: The ideas a good answer contains (empty when the deck gives none).
        personal: The card asks for the learner's own version; ``response`` is the deck's reference wording.
    """

    id: str
    situation: str
    response: str
    reasoning: str
    sources: tuple[str, ...]
    tags: tuple[str, ...] = ()
    counterpoints: tuple[CounterpointSpec, ...] = ()
    key_points: tuple[KeyPoint, ...] = ()
    personal: bool = False

    @cached_property
    def content_hash(self) -> str:
        """Hash of the card's text and metadata: tells whether an update changed anything.

        The key points and the personal flag join the hash only when set, so a card written before they existed
        keeps its hash (and an unchanged deck still imports as unchanged).
        """
        payload: list[Any] = [self.id, self.situation, self.response, self.reasoning, self.sources, self.tags,
                              [[c.source, c.view] for c in self.counterpoints]]
        if self.key_points or self.personal:
            payload.append({"key_points": [k.text for k in self.key_points], "personal": self.personal})
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class DeckSpec:
    """A validated deck file (or a deck read back from the database, for export).

    ``default_sources`` is how the file spelled the sources of cards that name none; the cards already carry
    them, so it is not part of any hash.
    """

    id: str
    name: str
    version: str
    description: str = ""
    license: str = ""
    credits: str = ""
    sources: tuple[SourceSpec, ...] = ()
    cards: tuple[CardSpec, ...] = field(default=())
    default_sources: tuple[str, ...] = ()

    def header_hash(self) -> str:
        """Hash of the deck's own fields and sources (not its cards)."""
        payload = [self.id, self.name, self.version, self.description, self.license, self.credits,
                   [asdict(s) for s in self.sources]]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()

    def content_hash(self) -> str:
        """Hash of the whole deck: equal hashes mean an import would change nothing."""
        h = hashlib.sha256(self.header_hash().encode())
        for card in self.cards:
            h.update(card.content_hash.encode())
        return h.hexdigest()


def anki_guid(deck_id: str, card_id: str) -> str:
    """Anki note GUID from the deck and card ids, never the text: ``genanki.guid_for("srs", deck, card)``.

    Re-implemented here (same bytes as genanki's) so that importing a deck does not load genanki.
    """
    digest = hashlib.sha256(f"srs__{deck_id}__{card_id}".encode()).digest()[:8]
    number = int.from_bytes(digest, "big")
    table = (
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"
    )
    out: list[str] = []
    while number > 0:
        number, rest = divmod(number, len(table))
        out.append(table[rest])
    return "".join(reversed(out))
