"""Decks as Anki's text import format: tab-separated, with the header lines that tell Anki how to read it.

Columns: GUID, then the note type's fields (Situation, Response, Reasoning, Sources, Counterpoints), then the
space-separated tags (and, when several decks are written, the deck name). Field values are the same escaped
HTML as in the ``.apkg`` (``#html:true``), so nothing in a deck file becomes live markup in the importing
tool; the GUIDs are the same too, so importing this file and the package in either order never duplicates.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import TextIO

from exporters.anki_note import FIELDS, MODEL_NAME, anki_deck_name, note_fields, note_tags
from srs.export_records import ExportDeck


def _clean(value: str) -> str:
    # Anki's text importer has no escape for a separator inside a field; a tab in plain text is just a space.
    return value.replace("\t", " ")


def header_lines(decks: Sequence[ExportDeck]) -> list[str]:
    """The ``#key:value`` lines Anki reads before the rows."""
    names = ["GUID", *(name for name, _ in FIELDS), "Tags"]
    lines = ["#separator:tab", "#html:true", "#guid column:1", f"#notetype:{MODEL_NAME}"]
    if len(decks) == 1:
        lines.append(f"#deck:{anki_deck_name(decks[0].name)}")
    else:
        names.append("Deck")
        lines.append(f"#deck column:{len(names)}")
    lines.append(f"#tags column:{len(FIELDS) + 2}")
    lines.append("#columns:" + "\t".join(names))
    return lines


def write_csv(decks: Sequence[ExportDeck], out: TextIO) -> int:
    """Write ``decks`` to ``out`` in Anki's text format. Returns the number of notes (rows) written."""
    for line in header_lines(decks):
        out.write(line + "\n")
    writer = csv.writer(out, delimiter="\t", quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    # Anki reads a line starting with "#" as a comment, and a GUID can start with "#": quote such rows.
    quoted = csv.writer(out, delimiter="\t", quotechar='"', quoting=csv.QUOTE_ALL, lineterminator="\n")
    rows = 0
    for deck in decks:
        for card in deck.cards:
            row = [card.anki_guid, *(_clean(f) for f in note_fields(card)), " ".join(note_tags(card))]
            if len(decks) != 1:
                row.append(anki_deck_name(deck.name))
            (quoted if card.anki_guid.startswith("#") else writer).writerow(row)
            rows += 1
    return rows

