"""Deck files: read and validate them, reporting every problem with its place in the file.

A deck file is TOML with a ``[deck]`` table, ``[[sources]]`` and ``[[cards]]`` (format in ``decks/README.md``).
A deck file from a stranger is untrusted input, so :func:`load_deck_file` checks everything before anything
touches the database, and reports *every* problem, one line each and in file order, as
``FILE:LINE:COL: card 'ID': field: problem``.
The records it returns live in :mod:`srs.deckspec` (re-exported here).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from srs.deck_problems import Problems, Table, read_toml
from srs.deckspec import CardSpec, CounterpointSpec, DeckSpec, SourceSpec, anki_guid
from srs.errors import DeckFileError
from srs.keypoints import KeyPoint, KeyPointError, parse_key_point

__all__ = [
    "MAX_KEY_POINTS", "MAX_TEXT", "SLUG", "CardSpec", "CounterpointSpec", "DeckReport", "DeckSpec", "ResponseCheck",
    "SourceSpec", "anki_guid", "check_deck_file", "check_text", "load_deck_file", "parse_deck_text",
    "validate_deck",
]

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TEXT = 10_000  # characters in one card field
MAX_SHORT = 300  # names, titles, authors
MAX_CARDS = 200_000
MAX_KEY_POINTS = 6  # facets of one answer, not a list to recite
SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
VERSION = re.compile(r"^\d{1,6}(\.\d{1,6}){0,2}$")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
URL = re.compile(r"^https?://[^\s<>\"']+$")
# Characters that could move the cursor, recolour the terminal or reorder text: refused in deck files.
# Every C0/C1 control (Unicode category Cc) except tab and newline, and the bidi embedding/override controls.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# Allowed keys per table; True marks the required ones.
DECK_KEYS = {"id": True, "name": True, "description": False, "version": True, "license": False, "credits": False,
             "default_sources": False}
SOURCE_KEYS = {"id": True, "title": True, "author": False, "date": False, "url": False}
CARD_KEYS = {"id": True, "situation": True, "response": True, "reasoning": True, "sources": False, "tags": False,
             "key_points": False, "personal": False, "counterpoints": False}
COUNTERPOINT_KEYS = {"source": True, "view": True}

ResponseCheck = Callable[[str, Sequence[KeyPoint]], list[str]]
"""Checks a card's own response against its key points: returns one line per point it misses (empty: all hit)."""


@dataclass(frozen=True)
class DeckReport:
    """A valid deck and what ``srs deck check`` should still warn about (``FILE:LINE:COL: warning: ...``)."""

    spec: DeckSpec
    warnings: tuple[str, ...] = ()


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
    if isinstance(value, dt.datetime):
        return "a date-time"
    return {str: "a string", int: "an integer", float: "a number", bool: "a boolean", list: "a list",
            dict: "a table", dt.date: "a date", dt.time: "a time"}.get(type(value), type(value).__name__)


def _check_keys(table: dict[str, Any], spec: dict[str, bool], where: Table) -> None:
    """Unknown and missing keys; a misspelt required key (``reponse``) is one problem, not also a missing one."""
    missing = [key for key, required in spec.items() if required and key not in table]
    for key in table:
        if key not in spec:
            guess = difflib.get_close_matches(key, missing, n=1, cutoff=0.75)
            if guess:
                missing.remove(guess[0])
                where.add(f"unknown field; did you mean {guess[0]!r}?", key, at_key=True)
            else:
                where.add(f"unknown field (allowed: {', '.join(spec)})", key, at_key=True)
    for key in missing:
        where.add("is missing", key)


def _check_field(table: dict[str, Any], key: str, where: Table, limit: int = MAX_SHORT, required: bool = True,
                 slug: bool = False) -> None:
    if key not in table:
        return  # reported by _check_keys when required
    value = table[key]
    if slug:
        if not isinstance(value, str) or not SLUG.match(value):
            where.add("must be a slug: lowercase letters, digits, '.', '_' or '-', at most 64 characters", key)
        return
    problem = check_text(value, limit, required=required)
    if problem:
        where.add(problem, key)


def _string_list(table: dict[str, Any], key: str, where: Table) -> list[str] | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        where.add("must be a list of strings", key)
        return None
    return list(value)


def _source_refs(table: dict[str, Any], key: str, where: Table,
                 source_ids: set[str] | None) -> tuple[str, ...] | None:
    """A list of source ids (a card's ``sources``, the deck's ``default_sources``), each one checked."""
    refs = _string_list(table, key, where)
    if refs is None:
        return None
    for j, ref in enumerate(refs):
        if source_ids is not None and ref not in source_ids:
            known = ", ".join(sorted(source_ids)) or "none defined"
            where.add(f"unknown source id {ref!r} (known: {known})", key, j, show_index=False)
    return tuple(refs)


def validate_deck(text: str, name: str = "<deck>", response_check: ResponseCheck | None = None) -> DeckReport:
    """Validate deck-file text; return the deck and the warnings, or raise listing every problem.

    Args:
        text: The file's text (decoded, without a byte-order mark).
        name: The file name to put in front of every problem and warning.
        response_check: The answer matcher, when the caller has one: called as
            ``response_check(card.response, card.key_points)`` for every card with key points; each line it
            returns (a key point the card's own response misses) is a problem with that card's ``response``.

    Raises:
        DeckFileError: listing every problem, one line each and in file order, as
            ``FILE:LINE:COL: card 'ID': field: problem``.
    """
    data, layout = read_toml(text, name)
    problems = Problems(name, layout)
    for key in data:
        if key not in {"deck", "sources", "cards"}:
            problems.add(f"unknown top-level key {key!r} (allowed: deck, sources, cards)", (key,), at_key=True)

    deck = data.get("deck")
    where = Table(problems, ("deck",), "[deck]")
    if not isinstance(deck, dict):
        problems.add("the [deck] table is missing" if deck is None else "[deck] must be a table", ("deck",),
                     at_key=True)
        deck = {}
    else:
        _check_keys(deck, DECK_KEYS, where)
    _check_field(deck, "id", where, slug=True)
    _check_field(deck, "name", where, limit=MAX_SHORT)
    _check_field(deck, "description", where, limit=MAX_TEXT, required=False)
    _check_field(deck, "license", where, limit=MAX_SHORT, required=False)
    _check_field(deck, "credits", where, limit=MAX_TEXT, required=False)
    version = deck.get("version")
    if version is not None and (not isinstance(version, str) or not VERSION.match(version)):
        where.add('must be a version string like "1.2.0"', "version")

    sources, source_ids = _parse_sources(data.get("sources", []), problems)
    default_sources = _source_refs(deck, "default_sources", where, source_ids) or ()
    cards = _parse_cards(data.get("cards"), problems, source_ids, default_sources)
    if response_check is not None:
        for i, card in cards:
            for miss in response_check(card.response, card.key_points) if card.key_points else ():
                problems.add(miss, ("cards", i, "response"), f"card {card.id!r}", "response")
    for i, card in cards:
        if not card.key_points:
            problems.warn("no key_points: typed answers cannot be graded", ("cards", i), f"card {card.id!r}")

    if problems.items:
        raise DeckFileError(problems.items)
    spec = DeckSpec(
        id=deck["id"], name=deck["name"], version=deck["version"], description=deck.get("description", ""),
        license=deck.get("license", ""), credits=deck.get("credits", ""), sources=tuple(sources),
        cards=tuple(card for _, card in cards), default_sources=default_sources,
    )
    return DeckReport(spec=spec, warnings=tuple(problems.warnings))


def parse_deck_text(text: str, name: str = "<deck>") -> DeckSpec:
    """Validate deck-file text and return the deck, or raise :class:`DeckFileError` listing every problem."""
    return validate_deck(text, name).spec


def _source_date(value: Any) -> str | None:
    """A source's date as text (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; an unquoted TOML date too), or None."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and (not value or DATE.match(value)):
        return value
    return None


def _parse_sources(raw: Any, problems: Problems) -> tuple[list[SourceSpec], set[str] | None]:
    """The valid sources, and the id of every source that names one, valid or not: a card citing a broken source
    is not a second problem. The ids are None when a source has no id to read (the citations cannot be checked)."""
    if not isinstance(raw, list):
        problems.add("[[sources]] must be an array of tables", ("sources",))
        return [], None
    sources: list[SourceSpec] = []
    ids: set[str] = set()
    complete = True
    for i, src in enumerate(raw):
        if not isinstance(src, dict) or not isinstance(src.get("id"), str):
            complete = False
        if not isinstance(src, dict):
            Table(problems, ("sources", i), f"source #{i + 1}").add("must be a table")
            continue
        sid = src.get("id")
        where = Table(problems, ("sources", i), f"source {sid!r}" if isinstance(sid, str) else f"source #{i + 1}")
        before = where.count()
        _check_keys(src, SOURCE_KEYS, where)
        _check_field(src, "id", where, slug=True)
        _check_field(src, "title", where)
        _check_field(src, "author", where, required=False)
        date, url = _source_date(src.get("date", "")), src.get("url", "")
        if date is None:
            where.add("must be a date like 2018-05-21 (or 2018-05, or 2018)", "date")
        if not isinstance(url, str) or (url and not URL.match(url)):
            where.add("must be an http:// or https:// address", "url")
        if isinstance(sid, str):
            if sid in ids:
                where.add(f"duplicate source id {sid!r}", "id")
            ids.add(sid)
        if where.count() == before:
            sources.append(SourceSpec(id=src["id"], title=src["title"], author=src.get("author", ""),
                                      date=date or "", url=url))
    return sources, ids if complete else None


def _parse_key_points(card: dict[str, Any], where: Table) -> tuple[KeyPoint, ...]:
    raw = card.get("key_points")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        where.add(f'must be a list of strings like ["hesitations | concerns", "avoid: ask how I did"], '
                  f"not {_type_name(raw)}", "key_points")
        return ()
    if len(raw) > MAX_KEY_POINTS:
        where.add(f"has {len(raw)} key points; the limit is {MAX_KEY_POINTS} (aim for 2-3: facets of one answer, "
                  "not a list to recite)", "key_points")
        return ()
    points: list[KeyPoint] = []
    seen: dict[str, int] = {}
    for j, text in enumerate(raw):
        problem = check_text(text, MAX_TEXT)
        if problem:
            where.add(problem, "key_points", j)
            continue
        try:
            point = parse_key_point(text)
        except KeyPointError as exc:
            where.add(str(exc), "key_points", j)
            continue
        if point.label in seen:
            where.add(f"repeats key_points[{seen[point.label]}]", "key_points", j)
            continue
        seen[point.label] = j
        points.append(point)
    return tuple(points)


def _parse_cards(raw: Any, problems: Problems, source_ids: set[str] | None,
                 default_sources: tuple[str, ...]) -> list[tuple[int, CardSpec]]:
    """The valid cards, each with its index in the file."""
    if raw is None:
        problems.add("no [[cards]]: a deck needs at least one card")
        return []
    if not isinstance(raw, list):
        problems.add("[[cards]] must be an array of tables", ("cards",))
        return []
    if len(raw) > MAX_CARDS:
        problems.add(f"has {len(raw):,} cards; the limit is {MAX_CARDS:,}", ("cards",))
        return []
    cards: list[tuple[int, CardSpec]] = []
    seen: dict[str, int] = {}
    for i, card in enumerate(raw):
        if not isinstance(card, dict):
            Table(problems, ("cards", i), f"card #{i + 1}").add("must be a table")
            continue
        cid = card.get("id")
        where = Table(problems, ("cards", i), f"card {cid!r}" if isinstance(cid, str) else f"card #{i + 1}")
        before = where.count()
        _check_keys(card, CARD_KEYS, where)
        _check_field(card, "id", where, slug=True)
        for key in ("situation", "response", "reasoning"):
            _check_field(card, key, where, limit=MAX_TEXT)
        refs = _source_refs(card, "sources", where, source_ids)
        tags = _string_list(card, "tags", where)
        for j, tag in enumerate(tags or []):
            if not SLUG.match(tag):
                where.add(f"tag {tag!r} must be a slug (lowercase, digits, '.', '_', '-')", "tags", j,
                          show_index=False)
        key_points = _parse_key_points(card, where)
        personal = card.get("personal", False)
        if not isinstance(personal, bool):
            where.add(f"must be true or false, not {_type_name(personal)}", "personal")
        elif personal and not card.get("key_points"):
            where.add("a personal card needs key_points: the learner's own version is checked against them",
                      "personal")
        counterpoints = _parse_counterpoints(card.get("counterpoints", []), where, source_ids)
        if isinstance(cid, str):
            if cid in seen:
                where.add(f"duplicate card id {cid!r} (first used by card #{seen[cid] + 1})", "id")
            else:
                seen[cid] = i
        if where.count() == before:
            cards.append((i, CardSpec(
                id=card["id"], situation=card["situation"], response=card["response"], reasoning=card["reasoning"],
                sources=default_sources if refs is None else refs, tags=tuple(tags or ()),
                counterpoints=tuple(counterpoints), key_points=key_points, personal=bool(personal))))
    return cards


def _parse_counterpoints(raw: Any, card: Table, source_ids: set[str] | None) -> list[CounterpointSpec]:
    if not isinstance(raw, list):
        card.add("must be an array of tables ([[cards.counterpoints]])", "counterpoints")
        return []
    result: list[CounterpointSpec] = []
    for j, cp in enumerate(raw):
        if not isinstance(cp, dict):
            card.add("each counterpoint must be a table with source and view", "counterpoints", j)
            continue
        path = card.path + ("counterpoints", j)
        _check_keys(cp, COUNTERPOINT_KEYS, Table(card.problems, path, f"{card.label}: counterpoint"))
        where = Table(card.problems, path, card.label)
        src, view = cp.get("source"), cp.get("view")
        if "source" in cp and not isinstance(src, str):
            where.add(f"counterpoint source must be a source id, not {_type_name(src)}", "source")
        elif isinstance(src, str) and source_ids is not None and src not in source_ids:
            where.add(f"counterpoint names unknown source id {src!r}", "source")
        problem = check_text(view, MAX_TEXT) if "view" in cp else None
        if problem:
            where.add(f"counterpoint view {problem}", "view")
        if isinstance(src, str) and isinstance(view, str) and not problem:
            result.append(CounterpointSpec(source=src, view=view))
    return result


def check_deck_file(path: Path | str, response_check: ResponseCheck | None = None) -> DeckReport:
    """Read and validate a deck file; return the deck and its warnings (see :func:`validate_deck`).

    Raises:
        DeckFileError: naming the file for any problem.
    """
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
        col = len(data[data.rfind(b"\n", 0, exc.start) + 1: exc.start].decode("utf-8")) + 1
        raise DeckFileError([f"{name}:{line}:{col}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset "
                             f"{exc.start}); save the file as UTF-8"]) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return validate_deck(text, name, response_check)


def load_deck_file(path: Path | str) -> DeckSpec:
    """Read and validate a deck file. Raises :class:`DeckFileError` naming the file for any problem."""
    return check_deck_file(path).spec
