"""Write decks as an Anki package (``.apkg``) that AnkiDroid, AnkiMobile and Anki desktop import.

genanki builds the collection (our code inserts the notes and cards in bulk, with the rows genanki writes: see
:func:`write_collection`); three things are done differently from its defaults, all so that Anki's importer
(which matches notes by GUID and updates them only when their mtime is newer) behaves:

* each note's GUID is the card's ``anki_guid`` (fixed namespace + deck id + card id, never the text);
* each note's mtime is the card's own ``updated_at`` rather than the package timestamp, so an unchanged
  re-export changes nothing and an edit made in Anki survives an export of unrelated changes;
* the zip is written with fixed entry times, so the same database and timestamp give the same bytes.

Retired cards (ones a deck update dropped) go in as well, suspended and tagged ``retired``: Anki never deletes a
note on import, so this is how a card retired here stops coming up on the phone (see :func:`write_collection`).

With progress, the collection is post-processed to carry scheduling and the review log
(:mod:`exporters.anki_progress`).
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import genanki

from exporters.anki_note import (
    ANSWER,
    CSS,
    FIELDS,
    MODEL_ID,
    MODEL_MTIME,
    MODEL_NAME,
    QUESTION,
    TEMPLATE_ID,
    TEMPLATE_NAME,
    anki_deck_id,
    anki_deck_name,
    note_fields,
    text_html,
    note_tags,
)

from srs.anki_data import QUEUE_SUSPENDED

if TYPE_CHECKING:
    from srs.export_records import CardHistory, ExportDeck
    from srs.scheduling.settings import SchedulerSettings

# The tag on the notes of retired cards, so that a phone which already has them can find and delete them.
RETIRED_TAG = "retired"


class _Model(genanki.Model):  # type: ignore[misc]
    """genanki's model, stamped with :data:`MODEL_MTIME` instead of the package timestamp.

    Anki updates a note type only when its mtime is newer, so the note type changes in the user's collection
    when our template does, not on every export (which would also undo the user's own template tweaks).
    """

    def to_json(self, timestamp: float, deck_id: int) -> dict[str, Any]:
        data: dict[str, Any] = super().to_json(timestamp, deck_id)
        data["mod"] = MODEL_MTIME
        return data


def note_model() -> genanki.Model:
    """The srs note type: fields Situation, Response, Reasoning, Sources, Counterpoints; sorted by Situation."""
    return _Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[{"name": name, "id": field_id} for name, field_id in FIELDS],
        templates=[{"name": TEMPLATE_NAME, "id": TEMPLATE_ID, "qfmt": QUESTION, "afmt": ANSWER}],
        css=CSS,
        sort_field_index=0,
    )


@dataclass(frozen=True)
class AnkiExportResult:
    """What :func:`write_apkg` wrote."""

    path: Path
    decks: int
    notes: int
    cards_with_progress: int
    reviews: int
    size: int
    retired: int = 0  # of the notes, those of retired cards (suspended, tagged ``retired``)


def _zip_time(timestamp: float) -> tuple[int, int, int, int, int, int]:
    moment = datetime.fromtimestamp(max(timestamp, 315532800), timezone.utc)  # zip dates start in 1980
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _write_zip(path: Path, collection: Path, timestamp: float) -> None:
    """Zip the collection as Anki expects, with fixed entry times and attributes (repeatable bytes)."""
    when = _zip_time(timestamp)
    entries = [("collection.anki2", collection.read_bytes()), ("media", b"{}")]
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w") as archive:
            for name, data in entries:
                info = zipfile.ZipInfo(name, date_time=when)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.create_system = 3
                archive.writestr(info, data, compresslevel=1)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_collection(conn: sqlite3.Connection, decks: Sequence[ExportDeck], timestamp: float,
                     on_note: Callable[[], None] | None = None) -> None:
    """Write ``decks`` into an empty SQLite database as an Anki collection, as genanki's own writer would.

    genanki writes the schema, the collection row, the decks and the note type. The notes and their cards are
    then inserted with one ``executemany`` each per deck instead of genanki's two ``INSERT`` statements and
    per-note checks for every note; the rows are the ones genanki writes (a test compares them with
    ``genanki.Note.write_to_db`` for the same notes), except that each note and card is stamped with its card's
    own ``updated_at``. The checks genanki repeats per note hold here by construction: every note has
    :data:`FIELDS` fields, and field text is escaped (:func:`exporters.anki_note.text_html`) around our own
    fixed markup, so it holds no invalid HTML tag. Which cards a note gets depends only on which fields are
    empty, so genanki decides that once per pattern of empty fields.

    Each deck's retired cards (:attr:`ExportDeck.retired`) follow its active ones, as notes tagged
    :data:`RETIRED_TAG` whose cards are suspended (``queue`` -1). Anki adds such a card suspended; for a card it
    already has, it keeps its own scheduling (suspension included) and takes only the note's new tags, since the
    note's mtime is the card's retirement time: so the tag is what reaches a phone that has the card.

    ``on_note`` is called as each note's row is prepared.
    """
    model = note_model()
    anki_decks = []
    for deck in decks:
        anki_deck = genanki.Deck(anki_deck_id(deck.id), anki_deck_name(deck.name),
                                 description=text_html(deck.description))
        anki_deck.add_model(model)
        anki_decks.append(anki_deck)
    cursor = conn.cursor()
    ids = itertools.count(int(timestamp * 1000))  # note and card ids, in genanki's order: a note, then its cards
    genanki.Package(anki_decks).write_to_db(cursor, timestamp, ids)  # no notes yet: they go in below
    card_ords: dict[tuple[bool, ...], list[int]] = {}
    position = itertools.count(1)  # new cards come up in deck order, across all decks
    for deck, anki_deck in zip(decks, anki_decks):
        notes: list[tuple[Any, ...]] = []
        cards: list[tuple[Any, ...]] = []
        for card in (*deck.cards, *deck.retired):
            fields = note_fields(card)
            tags = note_tags(card) + ([RETIRED_TAG] if card.retired else [])
            if " " in "".join(tags):
                raise ValueError(f"tag with a space in {card.deck_id}/{card.card_id}: {tags}")
            pattern = tuple(map(bool, fields))
            ords = card_ords.get(pattern)
            if ords is None:
                ords = card_ords[pattern] = [c.ord for c in genanki.Note(model=model, fields=fields).cards]
            mtime = int(card.updated_at.timestamp())
            note_id = next(ids)
            notes.append((note_id, card.anki_guid, MODEL_ID, mtime, -1, f" {' '.join(tags)} ", "\x1f".join(fields),
                          fields[model.sort_field_index], 0, 0, ""))
            due = next(position)
            queue = QUEUE_SUSPENDED if card.retired else 0
            for ord_ in ords:
                cards.append((next(ids), note_id, anki_deck.deck_id, ord_, mtime, -1, 0, queue, due, 0, 0, 0, 0, 0,
                              0, 0, 0, ""))
            if on_note is not None:
                on_note()
        cursor.executemany("INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?)", notes)
        cursor.executemany("INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", cards)


def write_apkg(decks: Sequence[ExportDeck], path: Path | str, timestamp: float,
               histories: Mapping[int, CardHistory] | None = None, settings: SchedulerSettings | None = None,
               on_note: Callable[[], None] | None = None) -> AnkiExportResult:
    """Write ``decks`` to ``path`` as an ``.apkg``.

    Args:
        decks: The decks to write (:class:`srs.export_records.ExportDeck`).
        path: Where to write; replaced atomically.
        timestamp: Seconds since the epoch. Seeds note and card ids and the zip entry times; with the same
            database and timestamp the file is byte-for-byte the same.
        histories: With progress: each card's progress and review log by card pk. None writes every card as
            new.
        settings: The learner's settings (time zone, rollover hour, steps); required with ``histories``.
        on_note: Called once per note written.
    """
    path = Path(path)
    handle, name = tempfile.mkstemp(suffix=".anki2")
    os.close(handle)
    db_path = Path(name)
    try:
        conn = sqlite3.connect(db_path)
        try:
            # A scratch file, zipped below: no journal and no fsyncs (neither changes the file's bytes).
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            write_collection(conn, decks, timestamp, on_note)
            with_progress = reviews = 0
            if histories is not None:
                from exporters.anki_progress import add_progress

                if settings is None:
                    raise ValueError("settings are required to export progress")
                cards_by_guid = {card.anki_guid: card.pk for deck in decks for card in deck.cards}
                with_progress, reviews = add_progress(conn, cards_by_guid, histories, settings, timestamp)
            conn.commit()
            conn.execute("VACUUM")
        finally:
            conn.close()
        _write_zip(path, db_path, timestamp)
    finally:
        db_path.unlink(missing_ok=True)
    return AnkiExportResult(path=path, decks=len(decks), notes=sum(len(d.cards) + len(d.retired) for d in decks),
                            cards_with_progress=with_progress, reviews=reviews, size=path.stat().st_size,
                            retired=sum(len(d.retired) for d in decks))

