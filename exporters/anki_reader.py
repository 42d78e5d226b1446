"""Read an Anki package (``.apkg`` or ``.colpkg``) safely into plain records (:mod:`srs.anki_data`).

A package from a phone is untrusted input, so nothing in it is believed before it is checked:

* it must be a zip archive whose central directory is intact; entries are never extracted to disk by name
  (no ``extractall``): only the one collection entry is read, as a stream, into a private temporary file;
* the number of entries is capped, and so are the decompressed bytes per entry and in total, both as the zip
  declares them and as they actually come out (a lying header stops at the cap too); the zstd stream of a
  modern collection is capped the same way, whatever its frame header says;
* every entry name must be a plain file name: no ``/``, ``\\``, ``..``, NUL or drive letters;
* the format comes from the entries and the ``meta`` entry: ``collection.anki21b`` (zstd, schema 18, whose
  tables use Anki's ``unicase`` collation, registered here), then ``collection.anki21``, then
  ``collection.anki2`` (schema 11). A modern package also holds a dummy ``collection.anki2`` ("please update
  Anki") that is never read when a newer collection is present;
* the collection is opened read-only and immutable, the tables read must be real tables (not views), and every
  value must have the type Anki gives it; anything else is refused with a message naming the problem.

Errors are :class:`srs.errors.ImportFileError`, one line each, naming the file.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Limits:
    """How much a package may make us read. The defaults fit the largest real collections with room to spare."""

    max_entries: int = 200_000
    max_entry_bytes: int = 1 << 30  # one decompressed entry (the collection)
    max_total_bytes: int = 3 << 29  # everything decompressed while reading one package (1.5 GiB)
    max_rows: int = 5_000_000  # per table


DEFAULT_LIMITS = Limits()


class _Budget:
    """Counts decompressed bytes against the per-entry and total caps."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.name = name
        self.limits = limits
        self.total = 0

    def take(self, entry: str, so_far: int, more: int) -> None:
        self.total += more
        if so_far + more > self.limits.max_entry_bytes:
            raise ImportFileError(f"{self.name}: entry {entry!r} decompresses to more than "
                                  f"{self.limits.max_entry_bytes:,} bytes; refusing it (a compression bomb?)")
        if self.total > self.limits.max_total_bytes:
            raise ImportFileError(f"{self.name}: the package decompresses to more than "
                                  f"{self.limits.max_total_bytes:,} bytes; refusing it (a compression bomb?)")


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
            raise ImportFileError(f"{name}: unsafe entry name {info.filename!r} (path separators or '..'); "
                                  "refusing the package")
        if info.filename in entries:
            raise ImportFileError(f"{name}: entry {info.filename!r} appears twice; refusing the package")
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


def _extract_collection(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: _Budget) -> None:
    """Stream the collection entry (zstd-decompressed for anki21b) into ``target``, within the caps."""
    name, entry = budget.name, info.filename
    if info.file_size > budget.limits.max_entry_bytes:
        budget.take(entry, info.file_size, 0)  # raises with the per-entry message
    try:
        if entry != MODERN:
            with archive.open(info) as raw, open(target, "wb") as out:
                _copy_limited(raw, out, entry, budget)
            return
        import zstandard

        with archive.open(info) as raw:
            head = raw.read(18)
        try:
            declared = zstandard.frame_content_size(head)
        except zstandard.ZstdError:
            raise ImportFileError(f"{name}: {entry} is not zstd-compressed data") from None
        if declared > budget.limits.max_entry_bytes:
            budget.take(entry, declared, 0)
        with archive.open(info) as raw, open(target, "wb") as out:
            reader = zstandard.ZstdDecompressor(max_window_size=1 << 27).stream_reader(raw, read_across_frames=True)
            with reader:
                written = _copy_limited(reader, out, entry, budget)
        if declared >= 0 and written != declared:
            raise ImportFileError(f"{name}: {entry} is damaged (the zstd stream ends after {written:,} of "
                                  f"{declared:,} bytes); export the package again")
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, RuntimeError) as exc:
        raise ImportFileError(f"{name}: {entry} is damaged ({_reason(exc)}); export the package again") from None
    except Exception as exc:  # zstandard.ZstdError and friends
        if type(exc).__module__.startswith("zstandard"):
            raise ImportFileError(f"{name}: {entry} is damaged ({_reason(exc)})") from None
        raise


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _unicase(left: str, right: str) -> int:
    """Anki's ``unicase`` collation: Unicode case-insensitive comparison."""
    a, b = left.casefold(), right.casefold()
    return (a > b) - (a < b)


@contextmanager
def _open_collection(path: Path, name: str) -> Iterator[sqlite3.Connection]:
    with open(path, "rb") as fh:
        header = fh.read(100)
    if not header.startswith(SQLITE_MAGIC) or len(header) < 100:
        raise ImportFileError(f"{name}: the collection inside is not an SQLite database")
    page_size = int.from_bytes(header[16:18], "big")
    pages = int.from_bytes(header[28:32], "big")
    if pages and path.stat().st_size < (65536 if page_size == 1 else page_size) * pages:
        raise ImportFileError(f"{name}: the collection inside is damaged (truncated); export the package again")
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    try:
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
            raise ImportFileError(f"{name}: {table} row {row[0]!r} holds {value!r} where Anki keeps "
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
        except (ValueError, TypeError, KeyError, AttributeError):
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
    return AnkiPackage(name=name, format=fmt, schema=schema, notes=tuple(notes), cards=tuple(cards),
                       reviews=tuple(reviews))


def read_package(path: Path | str, limits: Limits | None = None) -> AnkiPackage:
    """Read an ``.apkg`` or ``.colpkg`` into plain records, refusing anything broken or hostile.

    Args:
        path: The package file.
        limits: Caps on entries, decompressed bytes and rows (:data:`DEFAULT_LIMITS` when None).

    Raises:
        ImportFileError: the file is missing, not a zip, truncated, holds unsafe entry names, decompresses past
            the caps, or holds no Anki collection of a known schema. The message names the file.
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
        workdir = tempfile.mkdtemp(prefix="srs-anki-")
        try:
            os.chmod(workdir, 0o700)
            target = Path(workdir) / "collection.sqlite"
            _extract_collection(archive, entries[chosen], target, _Budget(name, limits))
            with _open_collection(target, name) as conn:
                return _read_collection(conn, name, FORMATS[chosen], limits)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
