"""Deck files: read, validate and describe them.

A deck file is TOML with a ``[deck]`` table, ``[[sources]]`` and ``[[cards]]`` (format in ``decks/README.md``).
A deck file from a stranger is untrusted input, so :func:`load_deck_file` checks everything before anything
touches the database, and reports *every* problem, one line each, as ``FILE:LINE: card ID: field: problem``.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from srs.errors import DeckFileError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TEXT = 10_000  # characters in one card field
MAX_SHORT = 300  # names, titles, authors
MAX_CARDS = 200_000
SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
VERSION = re.compile(r"^\d{1,6}(\.\d{1,6}){0,2}$")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
URL = re.compile(r"^https?://[^\s<>\"']+$")
# Characters that could move the cursor, recolour the terminal or reorder text: refused in deck files.
# Every C0/C1 control (Unicode category Cc) except tab and newline, and the bidi embedding/override controls.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

DECK_KEYS = {"id": True, "name": True, "description": False, "version": True, "license": False, "credits": False}
SOURCE_KEYS = {"id": True, "title": True, "author": False, "date": False, "url": False}
CARD_KEYS = {
    "id": True,
    "situation": True,
    "response": True,
    "reasoning": True,
    "sources": True,
    "tags": False,
    "counterpoints": False,
}
COUNTERPOINT_KEYS = {"source": True, "view": True}


@dataclass(frozen=True)
class SourceSpec:
    id: str
    title: str
    author: str = ""
    date: str = ""
    url: str = ""


@dataclass(frozen=True)
class CounterpointSpec:
    source: str
    view: str


@dataclass(frozen=True)
class CardSpec:
    id: str
    situation: str
    response: str
    reasoning: str
    sources: tuple[str, ...]
    tags: tuple[str, ...] = ()
    counterpoints: tuple[CounterpointSpec, ...] = ()

    @cached_property
    def content_hash(self) -> str:
        """Hash of the card's text and metadata: tells whether an update changed anything."""
        payload = [self.id, self.situation, self.response, self.reasoning, self.sources, self.tags,
                   [[c.source, c.view] for c in self.counterpoints]]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class DeckSpec:
    """A validated deck file (or a deck read back from the database, for export)."""

    id: str
    name: str
    version: str
    description: str = ""
    license: str = ""
    credits: str = ""
    sources: tuple[SourceSpec, ...] = ()
    cards: tuple[CardSpec, ...] = field(default=())

    def header_hash(self) -> str:
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


class _Problems:
    """Collects problems with the file name and the best line number we can find."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.lines = text.splitlines()
        self.items: list[str] = []
        self._card_lines = self._header_lines("cards")
        self._source_lines = self._header_lines("sources")

    def _header_lines(self, table: str) -> list[int]:
        pattern = re.compile(rf"^\s*\[\[\s*{table}\s*\]\]")
        return [i + 1 for i, line in enumerate(self.lines) if pattern.match(line)]

    def _field_line(self, start: int, key: str) -> int:
        """First line at or after ``start`` that assigns ``key``, before the next table header."""
        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for i in range(start - 1, len(self.lines)):
            line = self.lines[i]
            if i >= start and re.match(r"^\s*\[\[?\s*(cards|sources|deck)\s*\]\]?", line):
                break
            if pattern.match(line):
                return i + 1
        return start

    def line_of(self, table: str, index: int | None, key: str | None) -> int | None:
        if table == "deck":
            header = next((i + 1 for i, line in enumerate(self.lines) if re.match(r"^\s*\[\s*deck\s*\]", line)), None)
            if header is None:
                return None
            return self._field_line(header, key) if key else header
        starts = self._card_lines if table == "cards" else self._source_lines
        if index is None or index >= len(starts):
            return None
        return self._field_line(starts[index], key) if key else starts[index]

    def add(self, message: str, table: str = "", index: int | None = None, key: str | None = None,
            label: str = "") -> None:
        line = self.line_of(table, index, key) if table else None
        where = f"{self.name}:{line}" if line else self.name
        parts = [where]
        if label:
            parts.append(label)
        if key:
            parts.append(key)
        self.items.append(": ".join(parts + [message]))


def check_text(value: Any, limit: int, required: bool = True) -> str | None:
    """Return a problem description for a text field, or None when it is fine."""
    if not isinstance(value, str):
        return f"must be a string, not {_type_name(value)}"
    if required and not value.strip():
        return "must not be empty"
    if len(value) > limit:
        return f"is {len(value):,} characters long; the limit is {limit:,}"
    bad = _FORBIDDEN.search(value)
    if bad:
        return f"contains the control character U+{ord(bad.group()):04X}; deck files hold plain text only"
    return None


def _type_name(value: Any) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "a boolean", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


def _check_keys(table: dict[str, Any], spec: dict[str, bool], problems: _Problems, where: str,
                index: int | None, label: str) -> None:
    for key in table:
        if key not in spec:
            allowed = ", ".join(spec)
            problems.add(f"unknown field (allowed: {allowed})", where, index, key, label)
    for key, required in spec.items():
        if required and key not in table:
            problems.add("is missing", where, index, key, label)


def parse_deck_text(text: str, name: str = "<deck>") -> DeckSpec:
    """Validate deck-file text and return the deck, or raise :class:`DeckFileError` listing every problem."""
    problems = _Problems(name, text)
    if not text.strip():
        raise DeckFileError([f"{name}: the file is empty; a deck file needs a [deck] table and [[cards]]"])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DeckFileError([f"{name}: invalid TOML: {exc}"]) from None
    top_allowed = {"deck", "sources", "cards"}
    for key in data:
        if key not in top_allowed:
            problems.add(f"unknown top-level key {key!r} (allowed: deck, sources, cards)")

    deck = data.get("deck")
    if not isinstance(deck, dict):
        problems.add("the [deck] table is missing" if deck is None else "[deck] must be a table")
        deck = {}
    else:
        _check_keys(deck, DECK_KEYS, problems, "deck", None, "[deck]")
    _check_field(deck, "id", problems, "deck", None, "[deck]", slug=True)
    _check_field(deck, "name", problems, "deck", None, "[deck]", limit=MAX_SHORT)
    _check_field(deck, "description", problems, "deck", None, "[deck]", limit=MAX_TEXT, required=False)
    _check_field(deck, "license", problems, "deck", None, "[deck]", limit=MAX_SHORT, required=False)
    _check_field(deck, "credits", problems, "deck", None, "[deck]", limit=MAX_TEXT, required=False)
    version = deck.get("version")
    if version is not None and (not isinstance(version, str) or not VERSION.match(version)):
        problems.add('must be a version string like "1.2.0"', "deck", None, "version", "[deck]")

    sources = _parse_sources(data.get("sources", []), problems)
    source_ids = {s.id for s in sources}
    cards = _parse_cards(data.get("cards"), problems, source_ids)

    if problems.items:
        raise DeckFileError(problems.items)
    return DeckSpec(
        id=deck["id"], name=deck["name"], version=deck["version"], description=deck.get("description", ""),
        license=deck.get("license", ""), credits=deck.get("credits", ""), sources=tuple(sources),
        cards=tuple(cards),
    )


def _check_field(table: dict[str, Any], key: str, problems: _Problems, where: str, index: int | None,
                 label: str, limit: int = MAX_SHORT, required: bool = True, slug: bool = False) -> None:
    if key not in table:
        return  # reported by _check_keys when required
    value = table[key]
    if slug:
        if not isinstance(value, str) or not SLUG.match(value):
            problems.add("must be a slug: lowercase letters, digits, '.', '_' or '-', at most 64 characters",
                         where, index, key, label)
        return
    problem = check_text(value, limit, required=required)
    if problem:
        problems.add(problem, where, index, key, label)


def _parse_sources(raw: Any, problems: _Problems) -> list[SourceSpec]:
    if not isinstance(raw, list):
        problems.add("[[sources]] must be an array of tables")
        return []
    sources: list[SourceSpec] = []
    seen: set[str] = set()
    for i, src in enumerate(raw):
        label = f"source #{i + 1}"
        if not isinstance(src, dict):
            problems.add("must be a table", "sources", i, None, label)
            continue
        if isinstance(src.get("id"), str):
            label = f"source {src['id']!r}"
        _check_keys(src, SOURCE_KEYS, problems, "sources", i, label)
        _check_field(src, "id", problems, "sources", i, label, slug=True)
        _check_field(src, "title", problems, "sources", i, label)
        _check_field(src, "author", problems, "sources", i, label, required=False)
        date, url = src.get("date", ""), src.get("url", "")
        if not isinstance(date, str) or (date and not DATE.match(date)):
            problems.add("must be a date string like 2018-05-21", "sources", i, "date", label)
        if not isinstance(url, str) or (url and not URL.match(url)):
            problems.add("must be an http:// or https:// address", "sources", i, "url", label)
        sid = src.get("id")
        if isinstance(sid, str):
            if sid in seen:
                problems.add(f"duplicate source id {sid!r}", "sources", i, "id", label)
            seen.add(sid)
        if all(isinstance(src.get(k, ""), str) for k in SOURCE_KEYS):
            sources.append(SourceSpec(id=src.get("id", ""), title=src.get("title", ""),
                                      author=src.get("author", ""), date=date, url=url))
    return sources


def _parse_cards(raw: Any, problems: _Problems, source_ids: set[str]) -> list[CardSpec]:
    if raw is None:
        problems.add("no [[cards]]: a deck needs at least one card")
        return []
    if not isinstance(raw, list):
        problems.add("[[cards]] must be an array of tables")
        return []
    if len(raw) > MAX_CARDS:
        problems.add(f"has {len(raw):,} cards; the limit is {MAX_CARDS:,}")
        return []
    cards: list[CardSpec] = []
    seen: dict[str, int] = {}
    for i, card in enumerate(raw):
        before = len(problems.items)
        label = f"card #{i + 1}"
        if not isinstance(card, dict):
            problems.add("must be a table", "cards", i, None, label)
            continue
        if isinstance(card.get("id"), str):
            label = f"card {card['id']!r}"
        _check_keys(card, CARD_KEYS, problems, "cards", i, label)
        _check_field(card, "id", problems, "cards", i, label, slug=True)
        for key in ("situation", "response", "reasoning"):
            _check_field(card, key, problems, "cards", i, label, limit=MAX_TEXT)
        refs = _string_list(card, "sources", problems, i, label)
        if "sources" in card and refs is not None and not refs:
            problems.add("must name at least one source", "cards", i, "sources", label)
        for ref in refs or []:
            if ref not in source_ids:
                known = ", ".join(sorted(source_ids)) or "none defined"
                problems.add(f"unknown source id {ref!r} (known: {known})", "cards", i, "sources", label)
        tags = _string_list(card, "tags", problems, i, label)
        for tag in tags or []:
            if not SLUG.match(tag):
                problems.add(f"tag {tag!r} must be a slug (lowercase, digits, '.', '_', '-')",
                             "cards", i, "tags", label)
        counterpoints = _parse_counterpoints(card.get("counterpoints", []), problems, i, label, source_ids)
        cid = card.get("id")
        if isinstance(cid, str):
            if cid in seen:
                problems.add(f"duplicate card id {cid!r} (first used by card #{seen[cid] + 1})",
                             "cards", i, "id", label)
            else:
                seen[cid] = i
        if len(problems.items) == before:
            cards.append(CardSpec(id=cid, situation=card["situation"], response=card["response"],  # type: ignore[arg-type]
                                  reasoning=card["reasoning"], sources=tuple(refs or ()), tags=tuple(tags or ()),
                                  counterpoints=tuple(counterpoints)))
    return cards


def _string_list(card: dict[str, Any], key: str, problems: _Problems, i: int, label: str) -> list[str] | None:
    value = card.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add("must be a list of strings", "cards", i, key, label)
        return None
    return list(value)


def _parse_counterpoints(raw: Any, problems: _Problems, i: int, label: str,
                         source_ids: set[str]) -> list[CounterpointSpec]:
    if not isinstance(raw, list):
        problems.add("must be an array of tables ([[cards.counterpoints]])", "cards", i, "counterpoints", label)
        return []
    result: list[CounterpointSpec] = []
    for cp in raw:
        if not isinstance(cp, dict):
            problems.add("each counterpoint must be a table with source and view", "cards", i, "counterpoints",
                         label)
            continue
        _check_keys(cp, COUNTERPOINT_KEYS, problems, "cards", i, f"{label}: counterpoint")
        src, view = cp.get("source"), cp.get("view")
        if isinstance(src, str) and src not in source_ids:
            problems.add(f"counterpoint names unknown source id {src!r}", "cards", i, "source", label)
        problem = check_text(view, MAX_TEXT) if "view" in cp else None
        if problem:
            problems.add(f"counterpoint view {problem}", "cards", i, "view", label)
        if isinstance(src, str) and isinstance(view, str) and not problem:
            result.append(CounterpointSpec(source=src, view=view))
    return result


def load_deck_file(path: Path | str) -> DeckSpec:
    """Read and validate a deck file. Raises :class:`DeckFileError` naming the file for any problem."""
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DeckFileError([f"{name}: the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"])
        data = path.read_bytes()
    except FileNotFoundError:
        raise DeckFileError([f"{name}: no such file"]) from None
    except IsADirectoryError:
        raise DeckFileError([f"{name}: is a directory, not a deck file"]) from None
    except PermissionError:
        raise DeckFileError([f"{name}: permission denied"]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DeckFileError([f"{name}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset "
                             f"{exc.start}); save the file as UTF-8"]) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return parse_deck_text(text, name)
