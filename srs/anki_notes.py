"""Notes from Anki that are not ours, turned into a deck: field mapping, HTML to plain text, validation.

A note type can be imported when its fields map to ``situation`` and ``response`` (``reasoning`` is optional):
by field name (``Situation``, ``Response``, ``Reasoning``, any case) or by an explicit mapping such as
``{"Front": "situation", "Back": "response"}``. Field HTML becomes plain text (:func:`html_to_text`): markup is
dropped, entities decoded, line breaks kept, media references removed. The result is a :class:`DeckSpec` that
goes through the same validation as a deck file, so an imported deck is held to the same rules.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from srs.anki_data import AnkiNote
from srs.anki_html import MAX_FIELD_HTML, html_to_text
from srs.deckfile import MAX_SHORT, MAX_TEXT, SLUG, DeckSpec, parse_deck_text
from srs.errors import DeckFileError, ImportFileError
from srs.safetext import plain

TARGETS = ("situation", "response", "reasoning")
REQUIRED = ("situation", "response")
NO_REASONING = "(The Anki note gave no reasoning.)"
SOURCE_ID = "anki"

def parse_mapping(text: str) -> dict[str, str]:
    """``'Front=situation,Back=response'`` as ``{"Front": "situation", "Back": "response"}``.

    Raises:
        ValueError: a pair is not ``FIELD=TARGET``, a target is not situation/response/reasoning, or a target
            or field is named twice.
    """
    mapping: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in text.split(","))):
        field, sep, target = (s.strip() for s in pair.partition("="))
        target = target.lower()
        if not sep or not field or not target:
            raise ValueError(f"{pair!r} is not FIELD=TARGET")
        if target not in TARGETS:
            raise ValueError(f"{target!r} is not one of {', '.join(TARGETS)}")
        if target in mapping.values():
            raise ValueError(f"{target} is mapped twice")
        if field.casefold() in (f.casefold() for f in mapping):
            raise ValueError(f"field {field!r} is mapped twice")
        mapping[field] = target
    if not mapping:
        raise ValueError("the mapping is empty")
    return mapping


def map_fields(field_names: Sequence[str], mapping: Mapping[str, str] | None) -> dict[str, str] | None:
    """Target → field name for one note type, or None when situation and response cannot both be found.

    An explicit mapping is used where its field names exist in the note type (names compared without case);
    otherwise fields named like the targets are used.
    """
    by_fold = {name.casefold(): name for name in field_names}
    chosen: dict[str, str] = {}
    if mapping:
        for field, target in mapping.items():
            if field.casefold() in by_fold:
                chosen[target] = by_fold[field.casefold()]
    if not all(t in chosen for t in REQUIRED):
        chosen = {t: by_fold[t] for t in TARGETS if t in by_fold}
    return chosen if all(t in chosen for t in REQUIRED) else None


def _slug_tag(tag: str) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "-", tag.lower().replace("::", "-")).strip("-._")
    return slug[:64]


def note_card_id(guid: str) -> str:
    """A card id (slug) from the note's GUID, so re-importing the same notes updates the same cards."""
    return "anki-" + hashlib.sha256(guid.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class NotesDeck:
    """The deck built from other notes, and the notes left out with the reason."""

    spec: DeckSpec | None
    imported: int
    skipped: tuple[str, ...]


def _toml(value: object) -> str:
    # A JSON string is a valid TOML basic string (json.dumps escapes quotes, backslashes and controls).
    return json.dumps(value, ensure_ascii=False)


def build_notes_deck(notes: Sequence[AnkiNote], mapping: Mapping[str, str] | None, deck_id: str,
                     deck_name: str, package_name: str) -> NotesDeck:
    """Turn notes of other note types into one deck, validated like a deck file.

    Notes whose type cannot be mapped, whose mapped fields hold more than
    :data:`srs.anki_html.MAX_FIELD_HTML` characters (checked before any conversion), or whose situation or
    response is empty once converted, are left out and reported. Tags become slugs. Escape sequences and control
    characters in the deck and package names (from the file's name) are dropped.

    Raises:
        ImportFileError: the deck id is not a slug, or the deck fails deck-file validation (every problem listed).
    """
    if not SLUG.match(deck_id):
        raise ImportFileError(f"deck id {deck_id!r} must be a slug: lowercase letters, digits, '.', '_' or '-'")
    # The names come from the package's file name: text for the deck, whatever the file system allowed.
    deck_name = " ".join(plain(deck_name).split())[:MAX_SHORT]
    package_name = " ".join(plain(package_name).split())[:MAX_SHORT - len("Anki package ")]
    skipped: list[str] = []
    unmapped: dict[str, int] = {}
    fields_of: dict[str, list[str]] = {}
    lines = ["[deck]", f"id = {_toml(deck_id)}", f"name = {_toml(deck_name)}", 'version = "1.0.0"',
             f"description = {_toml(f'Imported from the Anki package {package_name}.')}", "",
             "[[sources]]", f"id = {_toml(SOURCE_ID)}", f"title = {_toml(f'Anki package {package_name}')}"]
    seen: set[str] = set()
    count = 0
    for note in notes:
        names = [name for name, _ in note.fields]
        chosen = map_fields(names, mapping)
        if chosen is None:
            unmapped[note.notetype] = unmapped.get(note.notetype, 0) + 1
            fields_of[note.notetype] = names
            continue
        values = dict(note.fields)
        too_big = [field for field in chosen.values() if len(values[field]) > MAX_FIELD_HTML]
        if too_big:  # refused before any parsing: the work per note stays bounded
            skipped.append(f"note {note.id} ({note.notetype}): field {too_big[0]!r} holds "
                           f"{len(values[too_big[0]]):,} characters of HTML; the limit is {MAX_FIELD_HTML:,}")
            continue
        text = {target: html_to_text(values[field]) for target, field in chosen.items()}
        empty = [t for t in REQUIRED if not text.get(t)]
        card_id = note_card_id(note.guid)
        if empty:
            skipped.append(f"note {note.id} ({note.notetype}): {' and '.join(empty)} empty after removing HTML")
            continue
        too_long = [t for t, v in text.items() if len(v) > MAX_TEXT]
        if too_long:
            skipped.append(f"note {note.id} ({note.notetype}): {', '.join(too_long)} longer than "
                           f"{MAX_TEXT:,} characters")
            continue
        if card_id in seen:
            skipped.append(f"note {note.id} ({note.notetype}): its GUID repeats an earlier note's")
            continue
        seen.add(card_id)
        tags = list(dict.fromkeys(t for t in (_slug_tag(tag) for tag in note.tags) if t and SLUG.match(t)))
        lines += ["", "[[cards]]", f"id = {_toml(card_id)}", f"situation = {_toml(text['situation'])}",
                  f"response = {_toml(text['response'])}",
                  f"reasoning = {_toml(text.get('reasoning') or NO_REASONING)}",
                  f"sources = {_toml([SOURCE_ID])}", f"tags = {_toml(tags)}"]
        count += 1
    for notetype, number in sorted(unmapped.items()):
        skipped.append(f"{number} note(s) of type {notetype!r}: fields {', '.join(fields_of[notetype])} do not map "
                       "to situation and response (use --map 'Front=situation,Back=response')")
    if not count:
        return NotesDeck(spec=None, imported=0, skipped=tuple(skipped))
    try:
        spec = parse_deck_text("\n".join(lines) + "\n", name=f"{package_name} (notes as deck {deck_id!r})")
    except DeckFileError as exc:
        raise ImportFileError("\n".join([*exc.problems, "nothing was imported"])) from None
    return NotesDeck(spec=spec, imported=count, skipped=tuple(skipped))
