"""Plain records of what an Anki package holds, as :mod:`srs.store.anki_merge` takes them.

The reader (``exporters.anki_reader``) turns a ``.apkg``/``.colpkg`` into these frozen records and checks their
types; the merge service only ever sees them, never a file or Anki's SQL. Ids and times keep Anki's meaning:

* note and card ids are their creation time in milliseconds;
* a review's id is the moment of the answer in milliseconds (Anki's ``revlog.id``), which is how the merge
  recognises a review it has already taken;
* ``mtime`` values are seconds since the epoch.
"""

from __future__ import annotations

from dataclasses import dataclass

# Anki revlog ``type`` values.
REVLOG_LEARN = 0
REVLOG_REVIEW = 1
REVLOG_RELEARN = 2
REVLOG_FILTERED = 3
REVLOG_MANUAL = 4
REVLOG_RESCHEDULED = 5

# Anki card ``type`` values (the same numbers as srs.scheduling.State).
CARD_NEW = 0
CARD_LEARNING = 1
CARD_REVIEW = 2
CARD_RELEARNING = 3

# Anki card ``queue`` values: where a card is shown, and those that hide it.
QUEUE_LEARNING = 1
QUEUE_REVIEW = 2
QUEUE_SUSPENDED = -1
QUEUE_BURIED = (-2, -3)  # buried by a sibling / by hand


@dataclass(frozen=True)
class AnkiNote:
    """One note: its GUID (Anki's identity across collections), note type, fields in order, and tags."""

    id: int
    guid: str
    notetype: str
    fields: tuple[tuple[str, str], ...]  # (field name, HTML value), in the note type's order
    tags: tuple[str, ...]
    mtime: int


@dataclass(frozen=True)
class AnkiCard:
    """One card of a note: ``ord`` is the template; ``queue`` tells suspended (-1) and buried (-2, -3)."""

    id: int
    note_id: int
    ord: int
    type: int
    queue: int
    due: int
    interval: int
    reps: int
    lapses: int
    mtime: int


@dataclass(frozen=True)
class AnkiReview:
    """One row of Anki's review log. ``ease`` is the button (1-4; 0 for a manual change, not an answer)."""

    id: int
    card_id: int
    ease: int
    interval: int  # days when positive, seconds when negative (learning steps)
    last_interval: int
    factor: int
    time_ms: int
    type: int


@dataclass(frozen=True)
class AnkiPackage:
    """Everything the merge needs from one package.

    Attributes:
        name: The file's name, for messages and the default deck name.
        format: ``anki21b`` (zstd, schema 18), ``anki21`` or ``anki2`` (schema 11).
        schema: The collection's schema version (``col.ver``).
        notes: Every note, in id order.
        cards: Every card, in id order.
        reviews: The review log, in id order. Duplicate ids are kept as found (a damaged or forged log can
            have them); the merge reports and skips them.
        skipped: Rows the reader left out because no Anki writes such values (a card modified in the year 0),
            one line per reason, for the import's summary.
    """

    name: str
    format: str
    schema: int
    notes: tuple[AnkiNote, ...]
    cards: tuple[AnkiCard, ...]
    reviews: tuple[AnkiReview, ...]
    skipped: tuple[str, ...] = ()
