"""`srs import anki` on broken and hostile packages: each is refused (or its bad rows skipped) with a clear message,
and the database does not change at all.

The corpus is built here from our own export (a genanki ``collection.anki2``): tampered collections, forged zip
and zstd containers, and compression bombs that are small on disk (about a megabyte) but decompress past the
reader's caps. Bombs are hand-assembled (repeated full-flush deflate blocks, zstd RLE blocks), so building them
costs milliseconds, and the reader must stop at the cap without writing the decompressed bytes anywhere.
"""

from __future__ import annotations

import sqlite3
import struct
from dataclasses import replace
import zipfile
import zlib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import zstandard
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import Session

from exporters import anki_reader
from exporters.anki_reader import Limits, read_package
from srs.cli import cli
from srs.store.engine import database_url, make_engine
from srs.errors import ImportFileError
from srs.store.models import Card, Deck, LocalEdit, Progress, Review, Setting

NOW = "2026-03-01T12:00:00+00:00"
NOW_MS = int(datetime.fromisoformat(NOW).timestamp() * 1000)
DAY_MS = 86_400_000
GiB = 1 << 30


@pytest.fixture
def on_any_db(any_db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test on SQLite and on PostgreSQL: the CLI and :func:`row_counts` read ``SRS_DATABASE_URL``."""
    monkeypatch.setenv("SRS_DATABASE_URL", any_db_url)
    return any_db_url


def row_counts() -> dict[str, int]:
    engine = make_engine(database_url(None))
    with Session(engine) as session:
        counts = {model.__tablename__: session.execute(select(func.count()).select_from(model)).scalar_one()  # type: ignore[attr-defined]
                  for model in (Deck, Card, Progress, Review, Setting, LocalEdit)}
    engine.dispose()
    return counts


@pytest.fixture
def export(runner: CliRunner, deck_file: Path, tmp_path: Path) -> Path:
    """Our own export of the demo deck (three cards), the base every hostile package is made from."""
    env = {"SRS_NOW": "2026-01-01T00:00:00+00:00"}
    assert runner.invoke(cli, ["deck", "add", str(deck_file)], env=env).exit_code == 0
    out = tmp_path / "demo.apkg"
    result = runner.invoke(cli, ["export", "anki", "--deck", "demo", "-o", str(out), "--timestamp", "1767225600"],
                           env=env)
    assert result.exit_code == 0, result.output
    return out


def collection_of(package: Path, tmp_path: Path) -> Path:
    with zipfile.ZipFile(package) as archive:
        data = archive.read("collection.anki2")
    path = tmp_path / "col.sqlite"
    path.write_bytes(data)
    return path


def tampered(package: Path, tmp_path: Path, *sql: str) -> Path:
    """The export with SQL applied to its collection, zipped again."""
    db = collection_of(package, tmp_path)
    conn = sqlite3.connect(db)
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()
    out = tmp_path / "tampered.apkg"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("collection.anki2", db.read_bytes())
        archive.writestr("media", "{}")
    return out


def zip_entries(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name), data)
    return path


def raw_deflate_zip(path: Path, name: str, compressed: bytes, size: int, declared: int | None = None) -> Path:
    """A one-entry zip around already-deflated bytes (zipfile cannot write those), declaring ``declared`` bytes."""
    declared = size if declared is None else declared
    name_bytes = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, 0, len(compressed), declared,
                        len(name_bytes), 0) + name_bytes
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, 0, len(compressed), declared,
                          len(name_bytes), 0, 0, 0, 0, 0, 0) + name_bytes
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + len(compressed), 0)
    path.write_bytes(local + compressed + central + end)
    return path


def deflate_bomb(blocks: int) -> bytes:
    """``blocks`` x 16 MiB of zeros as raw deflate: one full-flush block, repeated (about 16 KB each)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(1 << 24)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * blocks + zlib.compressobj(9, zlib.DEFLATED, -15).flush()


def zstd_bomb(size: int, declare: bool = True) -> bytes:
    """A zstd frame of ``size`` zero bytes made of 128 KiB RLE blocks (4 bytes each)."""
    block = 1 << 17
    frame = bytearray(b"\x28\xb5\x2f\xfd")
    frame += bytes([0xC0, 0x38]) + struct.pack("<Q", size) if declare else bytes([0x00, 0x38])
    count = size // block
    for i in range(count):
        frame += ((1 if i == count - 1 else 0) | (1 << 1) | (block << 3)).to_bytes(3, "little") + b"\0"
    return bytes(frame)


def modern(path: Path, collection: bytes) -> Path:
    return zip_entries(path, {"meta": b"\x08\x03", "collection.anki21b": collection,
                              "collection.anki2": b"dummy", "media": b""})


def import_anki(runner: CliRunner, path: Path, *extra: str) -> object:
    return runner.invoke(cli, ["import", "anki", str(path), *extra], env={"SRS_NOW": NOW})


# -- refused whole -----------------------------------------------------------------------------------------------

Builder = Callable[[Path, Path], Path]


def _not_a_zip(export: Path, tmp: Path) -> Path:
    (tmp / "notes.apkg").write_text("just some text\n")
    return tmp / "notes.apkg"


def _truncated(export: Path, tmp: Path) -> Path:
    data = export.read_bytes()
    (tmp / "cut.apkg").write_bytes(data[: len(data) // 2])
    return tmp / "cut.apkg"


def _unknown_schema(export: Path, tmp: Path) -> Path:
    return tampered(export, tmp, "UPDATE col SET ver = 99")


def _evil_name(name: str) -> Builder:
    def build(export: Path, tmp: Path) -> Path:
        with zipfile.ZipFile(export) as archive:
            entries = {info.filename: archive.read(info) for info in archive.infolist()}
        return zip_entries(tmp / "evil.apkg", entries | {name: b"owned"})
    return build


def _zip_bomb(export: Path, tmp: Path) -> Path:
    blocks = 65  # 1.02 GiB of zeros, about 1 MB on disk
    return raw_deflate_zip(tmp / "bomb.apkg", "collection.anki21", deflate_bomb(blocks), blocks << 24)


def _zip_bomb_lying(export: Path, tmp: Path) -> Path:
    blocks = 65  # declares 4 KB, holds 1.02 GiB: zipfile stops at the declared size and the CRC fails
    return raw_deflate_zip(tmp / "liar.apkg", "collection.anki21", deflate_bomb(blocks), blocks << 24, 4096)


def _zstd_bomb(export: Path, tmp: Path) -> Path:
    return modern(tmp / "zbomb.apkg", zstd_bomb(4 * GiB))  # 128 KB on disk


def _not_sqlite(export: Path, tmp: Path) -> Path:
    return zip_entries(tmp / "junk.apkg", {"collection.anki2": b"\0" * 4096, "media": b"{}"})


def _no_collection(export: Path, tmp: Path) -> Path:
    return zip_entries(tmp / "empty.apkg", {"media": b"{}"})


def _meta_promises_missing(export: Path, tmp: Path) -> Path:
    return zip_entries(tmp / "meta.apkg", {"meta": b"\x08\x03", "collection.anki2": export.read_bytes()})


def _view_not_table(export: Path, tmp: Path) -> Path:
    return tampered(export, tmp, "ALTER TABLE notes RENAME TO notes_real",
                    "CREATE VIEW notes AS SELECT * FROM notes_real")


def _forged_types(export: Path, tmp: Path) -> Path:
    return tampered(export, tmp, "UPDATE notes SET mod = 'yesterday'")


def _zstd_garbage(export: Path, tmp: Path) -> Path:
    return modern(tmp / "garbage.apkg", b"\x28\xb5\x2f\xfd" + b"\xff" * 64)


def _zstd_truncated(export: Path, tmp: Path) -> Path:
    data = zstandard.ZstdCompressor().compress(collection_of(export, tmp).read_bytes())
    return modern(tmp / "cut-zstd.apkg", data[: len(data) // 2])


REFUSED: dict[str, tuple[Builder, str]] = {
    "not a zip": (_not_a_zip, "not a zip archive, or truncated"),
    "truncated zip": (_truncated, "not a zip archive, or truncated"),
    "unknown schema": (_unknown_schema, "unknown collection schema 99"),
    "../evil": (_evil_name("../evil"), "unsafe entry name '../evil'"),
    "dir/evil": (_evil_name("media/evil"), "unsafe entry name 'media/evil'"),
    "backslash": (_evil_name("..\\evil"), "unsafe entry name"),
    "absolute": (_evil_name("/etc/evil"), "unsafe entry name '/etc/evil'"),
    "zip bomb": (_zip_bomb, "decompresses to more than 1,073,741,824 bytes"),
    "zip bomb, lying size": (_zip_bomb_lying, "is damaged"),
    "zstd bomb": (_zstd_bomb, "decompresses to more than 1,073,741,824 bytes"),
    "zstd garbage": (_zstd_garbage, "collection.anki21b is not zstd-compressed data"),
    "zstd truncated": (_zstd_truncated, "collection.anki21b is damaged"),
    "not sqlite": (_not_sqlite, "not an SQLite database"),
    "no collection": (_no_collection, "no Anki collection inside"),
    "meta promises a missing entry": (_meta_promises_missing, "promises collection.anki21b, which is missing"),
    "view instead of table": (_view_not_table, "has no 'notes' table"),
    "forged column types": (_forged_types, "holds 'yesterday' where Anki keeps an integer"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_hostile_package_is_refused_and_nothing_changes(on_any_db: str, case: str, runner: CliRunner,
                                                        export: Path, tmp_path: Path) -> None:
    build, message = REFUSED[case]
    path = build(export, tmp_path)
    assert path.stat().st_size < 2_000_000  # small on disk, whatever it claims to hold
    before = row_counts()
    result = import_anki(runner, path)
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    assert message in result.stderr, result.stderr  # type: ignore[attr-defined]
    assert result.stderr.startswith("srs: "), result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
    assert row_counts() == before
    assert not any(tmp_path.glob("**/evil")) and not Path("/etc/evil").exists()


def test_zstd_bomb_without_a_declared_size_stops_at_the_cap(export: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # No content size in the frame header: only counting the stream stops it. A small cap keeps the test fast.
    monkeypatch.setattr(anki_reader, "DEFAULT_LIMITS", Limits(max_entry_bytes=8 << 20))
    path = modern(tmp_path / "stream.apkg", zstd_bomb(GiB, declare=False))
    with pytest.raises(ImportFileError, match="decompresses to more than 8,388,608 bytes"):
        read_package(path)


def test_total_cap_counts_every_decompressed_byte(export: Path, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="the package decompresses to more than 1,000 bytes"):
        read_package(export, Limits(max_total_bytes=1000))


def test_too_many_entries_are_refused(export: Path, tmp_path: Path) -> None:
    entries = {"collection.anki2": collection_of(export, tmp_path).read_bytes()}
    entries |= {str(i): b"x" for i in range(60)}
    path = zip_entries(tmp_path / "many.apkg", entries)
    with pytest.raises(ImportFileError, match="61 entries; the limit is 50"):
        read_package(path, Limits(max_entries=50))
    assert read_package(path).format == "anki2"


def test_modern_dummy_collection_is_never_read(export: Path, tmp_path: Path) -> None:
    db = collection_of(export, tmp_path).read_bytes()
    compressed = zstandard.ZstdCompressor().compress(db)
    path = zip_entries(tmp_path / "m.apkg", {"meta": b"\x08\x03", "collection.anki21b": compressed,
                                             "collection.anki2": b"not even SQLite", "media": b""})
    package = read_package(path)
    assert (package.format, len(package.notes)) == ("anki21b", 3)


# -- bad rows skipped --------------------------------------------------------------------------------------------


def _revlog(card_sql: str, review_id: int, ease: int = 3) -> str:
    return (f"INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
            f"SELECT {review_id}, id, -1, {ease}, 0, 0, 0, 5000, 0 FROM cards {card_sql}")


def test_future_and_duplicate_reviews_are_skipped_and_reported(on_any_db: str, runner: CliRunner, export: Path,
                                                               tmp_path: Path) -> None:
    past = NOW_MS - 3 * DAY_MS
    path = tampered(
        export, tmp_path,
        # A forged log: no primary key, so one id can appear twice.
        "ALTER TABLE revlog RENAME TO revlog_old",
        "CREATE TABLE revlog (id integer, cid integer, usn integer, ease integer, ivl integer, lastIvl integer,"
        " factor integer, time integer, type integer)",
        _revlog("ORDER BY id LIMIT 1", NOW_MS + DAY_MS),
        _revlog("ORDER BY id LIMIT 1 OFFSET 1", past),
        _revlog("ORDER BY id LIMIT 1 OFFSET 1", past, ease=1),
        f"UPDATE cards SET id = {NOW_MS + 5 * DAY_MS} WHERE id = (SELECT max(id) FROM cards)",
    )
    before = row_counts()
    result = import_anki(runner, path)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    out = result.stdout  # type: ignore[attr-defined]
    assert "your cards found: 3" in out
    assert "reviews merged: 0" in out
    assert f"1 review(s) dated in the future (check the phone's clock) (ids {NOW_MS + DAY_MS})" in out
    assert f"2 review(s) whose id appears more than once in the package (ids {past}, {past})" in out
    assert f"1 card(s) with an id in the future (created after now?) (ids {NOW_MS + 5 * DAY_MS})" in out
    assert row_counts() == before


def test_good_reviews_merge_beside_skipped_ones(on_any_db: str, runner: CliRunner, export: Path,
                                                tmp_path: Path) -> None:
    path = tampered(export, tmp_path, _revlog("ORDER BY id LIMIT 1", NOW_MS - DAY_MS),
                    _revlog("ORDER BY id LIMIT 1", NOW_MS + DAY_MS))
    before = row_counts()
    result = import_anki(runner, path)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "reviews merged: 1 (already here: 0)" in result.stdout  # type: ignore[attr-defined]
    assert "1 review(s) dated in the future" in result.stdout  # type: ignore[attr-defined]
    after = row_counts()
    assert (after["review"], after["progress"]) == (before["review"] + 1, before["progress"] + 1)
    again = import_anki(runner, path)
    assert "reviews merged: 0 (already here: 1)" in again.stdout  # type: ignore[attr-defined]
    assert row_counts() == after


def test_bad_mapping_is_a_usage_error(runner: CliRunner, export: Path) -> None:
    result = import_anki(runner, export, "--map", "Front=title")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "'title' is not one of situation, response, reasoning" in result.output  # type: ignore[attr-defined]


def test_progress_changed_during_the_import_fails_it_whole(on_any_db: str, runner: CliRunner, export: Path,
                                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The progress rows are written with compare-and-set: if another session wrote one after the import read it,
    the import stops with a message and nothing (reviews included) is written."""
    from srs.store import anki_merge
    from srs.store.progress import answer_card

    engine = make_engine(database_url(None))
    with Session(engine) as session:
        pk = session.execute(select(Card.id).where(Card.card_id == "first")).scalar_one()
        answer_card(session, 1, pk, 3, datetime.fromisoformat(NOW) - timedelta(days=5), 1000, 0)
    engine.dispose()
    path = tampered(export, tmp_path, *(_revlog(f"ORDER BY id LIMIT 1 OFFSET {n}", NOW_MS - 2 * DAY_MS + n)
                                        for n in range(3)))
    read = anki_merge._progress_rows

    def stale(*args: object) -> dict[int, object]:
        # Each card's progress as read before that write.
        return {pk: replace(seen, version=seen.version - 1) for pk, seen in read(*args).items()}  # type: ignore[arg-type]

    monkeypatch.setattr(anki_merge, "_progress_rows", stale)
    before = row_counts()
    result = import_anki(runner, path)
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    assert "changed in another session during the import" in result.stderr  # type: ignore[attr-defined]
    assert row_counts() == before
    monkeypatch.setattr(anki_merge, "_progress_rows", read)
    assert "reviews merged: 3 (already here: 0)" in import_anki(runner, path).stdout  # type: ignore[attr-defined]
    assert row_counts()["review"] == before["review"] + 3
