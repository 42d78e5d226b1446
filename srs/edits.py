"""A learner's own wording of a card: the text opened in ``$EDITOR``, and its validation.

The edit is kept per learner and card (:func:`srs.store.edits.save_edit`) and shown instead of the deck's text;
a later deck update changes the deck's text but not the learner's. Only the fields the learner changed are
kept: the others follow the deck. The edit records :func:`deck_text_hash` of the deck's text it was made
against, so a later deck change to that text is pointed out (``srs card show`` shows both). Edited text obeys the same rules as a
deck file (non-empty, at most :data:`srs.deckfile.MAX_TEXT` characters, no control characters), so nothing
typed in an editor can later break the screen or an export. Saving the deck's own text again removes the edit.

The editor text has one heading line per field::

    === situation ===
    The interviewer asks ...
    === response ===
    ...
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from srs.cardview import CardView
from srs.deckfile import MAX_TEXT, check_text
from srs.errors import EditRefused

FIELDS = ("situation", "response", "reasoning")
_HEADING = re.compile(r"^=== *(\w+) *===\s*$")

INSTRUCTIONS = """\
# Edit the card's text below, save and close the editor. Lines starting with '#' before the first
# heading are ignored. Keep the three '=== name ===' headings; no field may be empty.
# Your wording is kept for you only, and survives updates to the deck. To go back to the deck's text,
# put its text back.
"""


@dataclass(frozen=True)
class EditedText:
    """The three text fields of a card as the learner wrote them."""

    situation: str
    response: str
    reasoning: str


def deck_text_hash(fields: Mapping[str, str]) -> str:
    """Hash of the deck's text of the fields a learner edited (name -> the deck's text), in :data:`FIELDS` order.

    Stored with the edit; the same hash of the deck's current text differs once the deck changed any of them.
    (Migration 0005 computes it the same way for the edits it finds; a test keeps the two equal.)
    """
    payload = [[name, fields[name].strip()] for name in FIELDS if name in fields]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def check_personal_response(text: str) -> str:
    """A personal line as it is stored: stripped, and checked like a deck file's response.

    Raises:
        EditRefused: the line is empty, too long or holds control characters.
    """
    line = text.strip()
    problem = check_text(line, MAX_TEXT)
    if problem:
        raise EditRefused(f"your line {problem}")
    return line


def edit_template(view: CardView) -> str:
    """The text the editor opens with: instructions, then each field under its heading."""
    parts = [INSTRUCTIONS, f"# Card: {view.ref}\n"]
    for name in FIELDS:
        parts.append(f"=== {name} ===\n{getattr(view, name).strip()}\n")
    return "".join(parts)


def parse_edit(text: str) -> EditedText:
    """Read the editor's text back into fields, validated like a deck file's.

    Raises:
        EditRefused: a heading is missing, repeated or unknown, or a field is empty, too long or holds control
            characters.
    """
    values: dict[str, list[str]] = {}
    current: str | None = None
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        match = _HEADING.match(line)
        if match:
            name = match.group(1).lower()
            if name not in FIELDS:
                raise EditRefused(f"line {number}: unknown heading '=== {name} ==='; "
                                  f"use {', '.join(FIELDS)}")
            if name in values:
                raise EditRefused(f"line {number}: '=== {name} ===' appears twice")
            values[name] = []
            current = name
        elif current is None:
            if line.strip() and not line.lstrip().startswith("#"):
                raise EditRefused(f"line {number}: text before the first heading; "
                                  "put it under '=== situation ===' or start the line with '#'")
        else:
            values[current].append(line)
    problems = []
    fields: dict[str, str] = {}
    for name in FIELDS:
        if name not in values:
            problems.append(f"the '=== {name} ===' heading is missing")
            continue
        fields[name] = "\n".join(values[name]).strip()
        problem = check_text(fields[name], MAX_TEXT)
        if problem:
            problems.append(f"{name} {problem}")
    if problems:
        raise EditRefused("; ".join(problems))
    return EditedText(**fields)

