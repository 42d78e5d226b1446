"""Read an Anki package (``.apkg`` or ``.colpkg``) safely into plain records (:mod:`srs.anki_data`).

A package from a phone is untrusted input, so nothing in it is believed before it is checked:

* it must be a zip archive whose central directory is intact; nothing is ever written to disk (no
  ``extractall``, no temporary file that a killed import would leave behind): only the one collection entry is
  read, as a stream, into memory, and SQLite opens it there;
* the number of entries is capped, and so are the decompressed bytes per entry and in total, both as the zip
  declares them and as they actually come out (a lying header stops at the cap too); the zstd stream of a
  modern collection is capped the same way, whatever its frame header says;
* every entry name must be a plain file name: no ``/``, ``\\``, ``..``, NUL or drive letters;
* the format comes from the entries and the ``meta`` entry: ``collection.anki21b`` (zstd, schema 18, whose
  tables use Anki's ``unicase`` collation, registered here), then ``collection.anki21``, then
  ``collection.anki2`` (schema 11). A modern package also holds a dummy ``collection.anki2`` ("please update
  Anki") that is never read when a newer collection is present;
* the collection is opened query-only, the tables read must be real tables (not views), and every value must
  have the type Anki gives it; anything else is refused with a message naming the problem;
* rows whose values no real Anki writes (a card modified before 1970 or after 9999, a review interval beyond
  what a database integer holds) are left out and listed in :attr:`AnkiPackage.skipped`.

Errors are :class:`srs.errors.ImportFileError`, one line each, naming the file.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from srs.anki_data import AnkiCard, AnkiNote, AnkiPackage, AnkiReview
from srs.errors import ImportFileError

MODERN, LEGACY2, LEGACY1 = "collection.anki21b", "collection.anki21", "collection.anki2"
FORMATS = {MODERN: "anki21b", LEGACY2: "anki21", LEGACY1: "anki2"}
META_VERSIONS = {1: LEGACY1, 2: LEGACY2, 3: MODERN}  # the ``meta`` entry's protobuf field 1
SCHEMA_MODERN = range(14, 19)  # notetypes and fields in tables of their own
SCHEMA_LEGACY = 11  # note types as JSON in ``col.models``
SQLITE_MAGIC = b"SQLite format 3\x00"
CHUNK = 1 << 20
MiB = 1 << 20
# Card modification times are seconds since 1970; Python's datetime (and the merge) ends with the year 9999.
MAX_MTIME = int(datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc).timestamp())
MAX_INTERVAL = (1 << 31) - 1  # Anki's intervals are 32-bit; the review log stores them as database integers
EXAMPLES = 3


@dataclass(frozen=True)
class Limits:
    """How much a package may make us read. The defaults fit real collections with room to spare: 100,000
    notes (900 characters each) with a million reviews make a collection of about 175 MiB."""

    max_entries: int = 200_000
    max_entry_bytes: int = 256 * MiB  # one decompressed entry (the collection), held in memory
    max_total_bytes: int = 384 * MiB  # everything decompressed while reading one package
    max_rows: int = 5_000_000  # per table

    @classmethod
    def for_collection(cls, max_bytes: int) -> "Limits":
        """The default limits with the collection cap set to ``max_bytes`` (and the total to 1.5 times it)."""
        return cls(max_entry_bytes=max_bytes, max_total_bytes=max_bytes + max_bytes // 2)


DEFAULT_LIMITS = Limits()


class TooLarge(ImportFileError):
    """The package decompresses past a cap: a compression bomb, or a collection bigger than the cap allows."""


class _Budget:
    """Counts decompressed bytes against the per-entry and total caps."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.name = name
        self.limits = limits
        self.total = 0

    def take(self, entry: str, so_far: int, more: int) -> None:
        self.total += more
        if so_far + more > self.limits.max_entry_bytes:
            raise TooLarge(f"{self.name}: entry {entry!r} decompresses to more than "
                           f"{self.limits.max_entry_bytes:,} bytes; refusing it (a compression bomb?)")
        if self.total > self.limits.max_total_bytes:
            raise TooLarge(f"{self.name}: the package decompresses to more than "
                           f"{self.limits.max_total_bytes:,} bytes; refusing it (a compression bomb?)")


def _quoted(value: object, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters: a message quotes a forged value, never megabytes of it."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _safe_name(name: str) -> bool:
    if not name or name in (".", "..") or "\x00" in name:
        return False
    if "/" in name or "\\" in name or ".." in name:
        return False
    return not (len(name) >= 2 and name[1] == ":")


def _check_entries(archive: zipfile.ZipFile, name: str, limits: Limits) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise ImportFileError(f"{name}: {len(infos):,} entries; the limit is {limits.max_entries:,}")
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if not _safe_name(info.filename):
            raise ImportFileError(f"{name}: unsafe entry name {_quoted(info.filename)} (path separators or '..'); "
                                  "refusing the package")
        if info.filename in entries:
            raise ImportFileError(f"{name}: entry {_quoted(info.filename)} appears twice; refusing the package")
        entries[info.filename] = info
    return entries


def _meta_version(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> int | None:
    """The package version from ``meta``: a tiny protobuf whose field 1 is a varint."""
    if info.file_size > 1024:
        raise ImportFileError(f"{name}: the 'meta' entry is {info.file_size:,} bytes; expected a few")
    data = archive.read(info)
    if len(data) < 2 or data[0] != 0x08:
        return None
    value, shift = 0, 0
    for byte in data[1:6]:
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value
    return None


def _choose(entries: dict[str, zipfile.ZipInfo], archive: zipfile.ZipFile, name: str) -> str:
    """The collection entry to read: the newest format present, cross-checked with ``meta``."""
    present = [entry for entry in (MODERN, LEGACY2, LEGACY1) if entry in entries]
    if not present:
        raise ImportFileError(f"{name}: no Anki collection inside (expected collection.anki21b, "
                              "collection.anki21 or collection.anki2); is this an Anki package?")
    chosen = present[0]
    if "meta" in entries:
        version = _meta_version(archive, entries["meta"], name)
        if version is not None and version > 3:
            raise ImportFileError(f"{name}: package version {version} is newer than this reader knows (3); "
                                  "export again with 'Support older Anki versions' ticked")
        wanted = META_VERSIONS.get(version or 0)
        if wanted is not None and wanted not in entries:
            raise ImportFileError(f"{name}: its meta entry promises {wanted}, which is missing")
        if wanted is not None:
            chosen = wanted
    return chosen


def _copy_limited(source: IO[bytes], target: IO[bytes], entry: str, budget: _Budget) -> int:
    written = 0
    while True:
        chunk = source.read(CHUNK)
        if not chunk:
            return written
        budget.take(entry, written, len(chunk))
        target.write(chunk)
        written += len(chunk)


def _extract_collection(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> io.BytesIO:
    """The collection entry (zstd-decompressed for anki21b) in memory, read as a stream within the caps: the
    size the zip or the zstd frame declares is checked before reading, and the bytes that come out as they do."""
    name, entry = budget.name, info.filename
    if info.file_size > budget.limits.max_entry_bytes:
        budget.take(entry, info.file_size, 0)  # raises with the per-entry message
    out = io.BytesIO()
    try:
        if entry != MODERN:
            with archive.open(info) as raw:
                _copy_limited(raw, out, entry, budget)
            return out
        import zstandard

        with archive.open(info) as raw:
            head = raw.read(18)
        try:
            declared = zstandard.frame_content_size(head)
        except zstandard.ZstdError:
            raise ImportFileError(f"{name}: {entry} is not zstd-compressed data") from None
        if declared > budget.limits.max_entry_bytes:
            budget.take(entry, declared, 0)
        with archive.open(info) as raw:
            reader = zstandard.ZstdDecompressor(max_window_size=1 << 27).stream_reader(raw, read_across_frames=True)
            with reader:
                written = _copy_limited(reader, out, entry, budget)
        if declared >= 0 and written != declared:
            raise ImportFileError(f"{name}: {entry} is damaged (the zstd stream ends after {written:,} of "
                                  f"{declared:,} bytes); export the package again")
        return out
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, RuntimeError) as exc:
        raise ImportFileError(f"{name}: {entry} is damaged ({_reason(exc)}); export the package again") from None
    except Exception as exc:  # zstandard.ZstdError and friends
        if type(exc).__module__.startswith("zstandard"):
            raise ImportFileError(f"{name}: {entry} is damaged ({_reason(exc)})") from None
        raise


_NOT_UTF8 = re.compile(r"Could not decode to UTF-8 column '([^']{1,64})'")


def _reason(exc: BaseException) -> str:
    """The first line of an error, without quoting file content: SQLite's decode error carries the raw text."""
    text = str(exc).strip().splitlines()
    if not text:
        return type(exc).__name__
    not_utf8 = _NOT_UTF8.match(text[0])
    if not_utf8:
        return f"text that is not UTF-8 in column {not_utf8.group(1)!r}"
    return text[0] if len(text[0]) <= 200 else text[0][:200] + "…"


def _unicase(left: str, right: str) -> int:
    """Anki's ``unicase`` collation: Unicode case-insensitive comparison."""
    a, b = left.casefold(), right.casefold()
    return (a > b) - (a < b)


@contextmanager
def _open_collection(data: io.BytesIO, name: str) -> Iterator[sqlite3.Connection]:
    """An SQLite connection to the collection image in ``data`` (which it takes over and empties)."""
    image = data.getbuffer()
    header = bytes(image[:100])
    if not header.startswith(SQLITE_MAGIC) or len(header) < 100:
        raise ImportFileError(f"{name}: the collection inside is not an SQLite database")
    page_size = int.from_bytes(header[16:18], "big")
    pages = int.from_bytes(header[28:32], "big")
    if pages and len(image) < (65536 if page_size == 1 else page_size) * pages:
        raise ImportFileError(f"{name}: the collection inside is damaged (truncated); export the package again")
    if header[18:20] == b"\x02\x02":  # WAL mode, which an in-memory database cannot open: read it as rollback
        image[18:20] = b"\x01\x01"
    conn = sqlite3.connect(":memory:")
    try:
        try:
            conn.deserialize(image)
        finally:
            image.release()
            data.seek(0)
            data.truncate()  # SQLite holds its own copy now
        conn.create_collation("unicase", _unicase)
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA query_only = ON")
        yield conn
    except sqlite3.DatabaseError as exc:
        raise ImportFileError(f"{name}: the collection is damaged or not Anki's ({_reason(exc)})") from None
    finally:
        conn.close()


def _require_tables(conn: sqlite3.Connection, name: str, tables: tuple[str, ...]) -> None:
    kinds = dict(conn.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')").fetchall())
    for table in tables:
        if kinds.get(table) != "table":
            raise ImportFileError(f"{name}: the collection has no {table!r} table; not an Anki collection")


def _rows(conn: sqlite3.Connection, sql: str, table: str, name: str, limits: Limits) -> list[tuple[Any, ...]]:
    count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    if count > limits.max_rows:
        raise ImportFileError(f"{name}: {count:,} rows in {table}; the limit is {limits.max_rows:,}")
    return conn.execute(sql).fetchall()


def _typed(row: tuple[Any, ...], kinds: str, table: str, name: str) -> tuple[Any, ...]:
    """Check each value's type (``i`` integer, ``s`` text): SQLite lets a forged file put anything anywhere."""
    for value, kind in zip(row, kinds):
        ok = isinstance(value, int) and not isinstance(value, bool) if kind == "i" else isinstance(value, str)
        if not ok:
            raise ImportFileError(f"{name}: {table} row {_quoted(row[0])} holds {_quoted(value)} where Anki keeps "
                                  f"{'an integer' if kind == 'i' else 'text'}; refusing the collection")
    return row


def _notetypes(conn: sqlite3.Connection, schema: int, name: str) -> dict[int, tuple[str, list[str]]]:
    """Note type id → (name, field names in order)."""
    types: dict[int, tuple[str, list[str]]] = {}
    if schema == SCHEMA_LEGACY:
        (models_text,) = _typed(conn.execute("SELECT models FROM col").fetchone(), "s", "col", name)
        try:
            models = json.loads(models_text)
            for key, model in models.items():
                fields = sorted(model["flds"], key=lambda f: int(f["ord"]))
                types[int(key)] = (str(model["name"]), [str(f["name"]) for f in fields])
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):  # nested a million deep, say
            raise ImportFileError(f"{name}: the note types in col.models are damaged") from None
        return types
    _require_tables(conn, name, ("notetypes", "fields"))
    for ntid, type_name in conn.execute("SELECT id, name FROM notetypes"):
        _typed((ntid, type_name), "is", "notetypes", name)
        types[ntid] = (type_name, [])
    for ntid, _ord, field_name in conn.execute("SELECT ntid, ord, name FROM fields ORDER BY ntid, ord"):
        _typed((ntid, _ord, field_name), "iis", "fields", name)
        if ntid in types:
            types[ntid][1].append(field_name)
    return types


def _read_collection(conn: sqlite3.Connection, package_name: str, fmt: str, limits: Limits) -> AnkiPackage:
    name = package_name
    _require_tables(conn, name, ("col", "notes", "cards", "revlog"))
    row = conn.execute("SELECT ver FROM col").fetchone()
    if row is None or not isinstance(row[0], int):
        raise ImportFileError(f"{name}: the collection has no schema version")
    schema = row[0]
    if schema != SCHEMA_LEGACY and schema not in SCHEMA_MODERN:
        raise ImportFileError(f"{name}: unknown collection schema {schema} (this reader knows 11 and 14-18)")
    types = _notetypes(conn, schema, name)
    notes = []
    for nrow in _rows(conn, "SELECT id, guid, mid, mod, tags, flds FROM notes ORDER BY id", "notes", name, limits):
        nid, guid, mid, mod, tags, flds = _typed(nrow, "isiiss", "notes", name)
        type_name, field_names = types.get(mid, (f"unknown note type {mid}", []))
        values = flds.split("\x1f")
        names = field_names + [f"Field {i + 1}" for i in range(len(field_names), len(values))]
        values += [""] * (len(names) - len(values))
        notes.append(AnkiNote(id=nid, guid=guid, notetype=type_name, fields=tuple(zip(names, values)),
                              tags=tuple(tags.split()), mtime=mod))
    cards = [AnkiCard(*_typed(crow, "i" * 10, "cards", name)) for crow in _rows(
        conn, "SELECT id, nid, ord, type, queue, due, ivl, reps, lapses, mod FROM cards ORDER BY id", "cards",
        name, limits)]
    reviews = [AnkiReview(*_typed(rrow, "i" * 8, "revlog", name)) for rrow in _rows(
        conn, "SELECT id, cid, ease, ivl, lastIvl, factor, time, type FROM revlog ORDER BY id, rowid", "revlog",
        name, limits)]
    cards, reviews, skipped = _without_impossible_values(cards, reviews)
    return AnkiPackage(name=name, format=fmt, schema=schema, notes=tuple(notes), cards=tuple(cards),
                       reviews=tuple(reviews), skipped=skipped)


def _listed(reason: str, ids: list[int]) -> str:
    examples = ", ".join(str(i) for i in ids[:EXAMPLES]) + (", ..." if len(ids) > EXAMPLES else "")
    return f"{len(ids)} {reason} (ids {examples})"


def _interval_fits(review: AnkiReview) -> bool:
    return abs(review.interval) <= MAX_INTERVAL and abs(review.last_interval) <= MAX_INTERVAL


def _without_impossible_values(cards: list[AnkiCard], reviews: list[AnkiReview]
                               ) -> tuple[list[AnkiCard], list[AnkiReview], tuple[str, ...]]:
    """Leave out cards and reviews holding values no Anki writes, which the merge could not turn into times or
    store, and say which. A card left out takes its reviews with it."""
    gone = {card.id for card in cards if not 0 <= card.mtime <= MAX_MTIME}
    kept = [review for review in reviews if review.card_id not in gone]
    bad = [review.id for review in kept if not _interval_fits(review)]
    if not gone and not bad:
        return cards, reviews, ()
    skipped = []
    if gone:
        skipped.append(_listed(f"card(s) modified at an impossible time (before 1970 or after 9999), left out "
                               f"with their {len(reviews) - len(kept)} review(s)", sorted(gone)))
    if bad:
        skipped.append(_listed("review(s) with an impossible interval", bad))
    return [card for card in cards if card.id not in gone], list(filter(_interval_fits, kept)), tuple(skipped)


def read_package(path: Path | str, limits: Limits | None = None) -> AnkiPackage:
    """Read an ``.apkg`` or ``.colpkg`` into plain records, refusing anything broken or hostile.

    Args:
        path: The package file.
        limits: Caps on entries, decompressed bytes and rows (:data:`DEFAULT_LIMITS` when None).

    Raises:
        TooLarge: the package decompresses past the caps (an :class:`ImportFileError`).
        ImportFileError: the file is missing, not a zip, truncated, holds unsafe entry names, or holds no Anki
            collection of a known schema. The message names the file.
    """
    limits = limits or DEFAULT_LIMITS
    path = Path(path)
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path}: is a directory, not an Anki package") from None
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as exc:
        raise ImportFileError(f"{name}: not an Anki package: not a zip archive, or truncated "
                              f"({_reason(exc)})") from None
    with archive:
        entries = _check_entries(archive, name, limits)
        chosen = _choose(entries, archive, name)
        data = _extract_collection(archive, entries[chosen], _Budget(name, limits))
    with _open_collection(data, name) as conn:
        return _read_collection(conn, name, FORMATS[chosen], limits)
