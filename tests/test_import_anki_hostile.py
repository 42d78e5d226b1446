"""`srs import anki` on broken and hostile packages: each is refused with a clear message, exit 1, no traceback
and an unchanged database, or its bad rows are skipped and listed (exit 0).

The corpus is built at test time (:mod:`anki_corpus`) from our own export: tampered collections, forged zip and
zstd containers, and compression bombs that are small on disk but decompress past the reader's caps.
"""

from __future__ import annotations

from dataclasses import replace
import tempfile
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import zstandard
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import Session

from anki_corpus import (
    GiB,
    collection_of,
    deflate_bomb,
    modern,
    other_note,
    raw_deflate_zip,
    repeated,
    tampered,
    zip_entries,
    zstd_bomb,
)
from exporters import anki_reader
from exporters.anki_reader import Limits, read_package
from srs.cli import cli
from srs.store.engine import database_url, make_engine
from srs.errors import ImportFileError
from srs.store.models import Card, Deck, LocalEdit, Progress, Review, Setting

NOW = "2026-03-01T12:00:00+00:00"
NOW_MS = int(datetime.fromisoformat(NOW).timestamp() * 1000)
DAY_MS = 86_400_000
OSC52 = "\x1b]52;c;aGk=\x07"  # writes "hi" to the clipboard of a terminal that obeys it
# What must never reach the terminal: C0 controls but newline, DEL, C1 controls, bidi overrides.
CONTROLS = set(map(chr, [*range(0, 10), *range(11, 32), *range(0x7F, 0xA0)])) | set("\u202a\u202b\u202c\u202d\u202e")


def row_counts() -> dict[str, int]:
    engine = make_engine(database_url(None))
    with Session(engine) as session:
        counts = {model.__tablename__: session.execute(select(func.count()).select_from(model)).scalar_one()  # type: ignore[attr-defined]
                  for model in (Deck, Card, Progress, Review, Setting, LocalEdit)}
    engine.dispose()
    return counts


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


def _not_utf8(export: Path, tmp: Path) -> Path:
    # SQLite's decode error quotes the raw bytes, escape sequence included.
    return tampered(export, tmp, "UPDATE notes SET flds = CAST(x'1b5d35323b633b61476b3d07ff' AS TEXT)")


def _escape_in_file_name(export: Path, tmp: Path) -> Path:
    path = tmp / f"phone{OSC52}\u202e.apkg"
    path.write_text("not a zip\n")
    return path


def _nested_note_types(export: Path, tmp: Path) -> Path:
    return tampered(export, tmp, f"UPDATE col SET models = {repeated('[', 100_000)}")


def _huge_forged_value(export: Path, tmp: Path) -> Path:
    return tampered(export, tmp, f"UPDATE cards SET mod = {repeated('x', 1_000_000)}")


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
    "zip bomb": (_zip_bomb, "decompresses to more than 268,435,456 bytes"),
    "zip bomb, lying size": (_zip_bomb_lying, "is damaged"),
    "zstd bomb": (_zstd_bomb, "decompresses to more than 268,435,456 bytes"),
    "zstd garbage": (_zstd_garbage, "collection.anki21b is not zstd-compressed data"),
    "zstd truncated": (_zstd_truncated, "collection.anki21b is damaged"),
    "not sqlite": (_not_sqlite, "not an SQLite database"),
    "no collection": (_no_collection, "no Anki collection inside"),
    "meta promises a missing entry": (_meta_promises_missing, "promises collection.anki21b, which is missing"),
    "view instead of table": (_view_not_table, "has no 'notes' table"),
    "forged column types": (_forged_types, "holds 'yesterday' where Anki keeps an integer"),
    "text that is not UTF-8, quoting an escape": (_not_utf8, "damaged or not Anki's (text that is not UTF-8 in "
                                                             "column 'flds')"),
    "escape sequence in the file name": (_escape_in_file_name, "not a zip archive"),
    "note types nested 100,000 deep": (_nested_note_types, "the note types in col.models are damaged"),
    "a megabyte where an integer belongs": (_huge_forged_value, "holds 'xxxxxxxx"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_hostile_package_is_refused_and_nothing_changes(on_any_db: str, case: str, runner: CliRunner,
                                                        demo_apkg: Path, tmp_path: Path) -> None:
    build, message = REFUSED[case]
    path = build(demo_apkg, tmp_path)
    assert path.stat().st_size < 2_000_000  # small on disk, whatever it claims to hold
    before = row_counts()
    result = import_anki(runner, path)
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    assert message in result.stderr, result.stderr  # type: ignore[attr-defined]
    assert result.stderr.startswith("srs: "), result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
    assert not CONTROLS & set(result.output), result.output  # type: ignore[attr-defined]
    assert len(result.output) < 1000  # type: ignore[attr-defined]  # one line, whatever the file holds
    assert row_counts() == before
    assert not any(tmp_path.glob("**/evil")) and not Path("/etc/evil").exists()


# -- bad notes and rows skipped and listed -----------------------------------------------------------------------

EVIL_TYPE = ("UPDATE col SET models = replace(replace(models, '\"srs Situation\"', '\"Evil\\u001b]52;c;aGk=\\u0007\"'),"
             " '\"Reasoning\"', '\"Why\\u001b[2J\"')")
BURIED = "UPDATE cards SET queue = -3, mod = {} WHERE id = (SELECT min(id) FROM cards)"

SKIPPED: dict[str, tuple[tuple[str, ...], str]] = {
    "cloze bomb (cubic for a regular expression)": (
        (other_note(repeated("{{c1::", 20_000)),), "situation longer than 10,000 characters"),
    "a run of '<a ' (quadratic in html.parser), in a note type named with an escape": (
        (EVIL_TYPE, other_note(repeated("<a ", 20_000))),
        "(Evil): situation empty after removing HTML"),
    "a field past the cap, refused before parsing": (
        (other_note(repeated("<!---->", 40_000)),),
        "field 'Situation' holds 280,000 characters of HTML; the limit is 262,144"),
    "escape sequences in unmapped field and type names": (
        (EVIL_TYPE, other_note("'S'"), "UPDATE col SET models = replace(models, '\"Situation\"', '\"Front\"')"),
        "1 note(s) of type 'Evil\\x1b]52;c;aGk=\\x07': fields Front, Response, Why, Sources, Counterpoints do not "
        "map"),
    "buried card modified in the year 0": (
        (BURIED.format(-62135596900),), "1 card(s) modified at an impossible time (before 1970 or after 9999)"),
    "buried card modified in the year 10000": (
        (BURIED.format(253402300800),), "1 card(s) modified at an impossible time"),
    "buried card modified at 2**62 seconds": ((BURIED.format(2**62),), "1 card(s) modified at an impossible time"),
    "review with an interval past 32 bits": (
        (f"INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) SELECT {NOW_MS - DAY_MS}, id, "
         f"-1, 3, {2**40}, 0, 0, 5000, 1 FROM cards ORDER BY id LIMIT 1",),
        f"1 review(s) with an impossible interval (ids {NOW_MS - DAY_MS})"),
}


@pytest.mark.parametrize("case", list(SKIPPED))
def test_hostile_rows_are_skipped_and_listed(on_any_db: str, case: str, runner: CliRunner, demo_apkg: Path,
                                             tmp_path: Path) -> None:
    sql, line = SKIPPED[case]
    path = tampered(demo_apkg, tmp_path, *sql)
    before = row_counts()
    for extra in (("--dry-run",), ()):
        result = import_anki(runner, path, *extra)
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
        out = result.stdout  # type: ignore[attr-defined]
        assert "skipped: 1\n" in out and line in out, out
        assert "Traceback" not in result.output  # type: ignore[attr-defined]
        assert not CONTROLS & set(result.output), result.output  # type: ignore[attr-defined]
        assert row_counts() == before  # the one other note was skipped, and nothing else changed


def test_a_note_with_a_marked_section_is_imported(runner: CliRunner, demo_apkg: Path, tmp_path: Path) -> None:
    path = tampered(demo_apkg, tmp_path, other_note("'Asked <![CDATA[x]]> about salary?'", "'Name a <![ range.'"))
    result = import_anki(runner, path)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "notes imported: 1 into new deck 'anki-tampered'" in result.stdout  # type: ignore[attr-defined]
    engine = make_engine(database_url(None))
    with Session(engine) as session:
        card = session.execute(select(Card).where(Card.deck_id == "anki-tampered")).scalar_one()
    engine.dispose()
    assert (card.situation, card.response) == ("Asked about salary?", "Name a")


def test_a_file_name_with_control_characters_imports(runner: CliRunner, demo_apkg: Path, tmp_path: Path) -> None:
    path = tampered(demo_apkg, tmp_path, other_note("'A situation.'"))
    evil = path.rename(tmp_path / f"phone{OSC52}.apkg")
    result = import_anki(runner, evil, "--deck-id", "phone")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "notes imported: 1 into new deck 'phone'" in result.stdout  # type: ignore[attr-defined]
    assert "phone.apkg: anki2 (schema 11)" in result.stdout  # type: ignore[attr-defined]
    assert not CONTROLS & set(result.output), result.output  # type: ignore[attr-defined]
    engine = make_engine(database_url(None))
    with Session(engine) as session:
        deck = session.get(Deck, "phone")
    engine.dispose()
    assert deck is not None and deck.name == "phone (from Anki)"


def test_zstd_bomb_without_a_declared_size_stops_at_the_cap(demo_apkg: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # No content size in the frame header: only counting the stream stops it. A small cap keeps the test fast.
    monkeypatch.setattr(anki_reader, "DEFAULT_LIMITS", Limits(max_entry_bytes=8 << 20))
    path = modern(tmp_path / "stream.apkg", zstd_bomb(GiB, declare=False))
    with pytest.raises(ImportFileError, match="decompresses to more than 8,388,608 bytes"):
        read_package(path)


def test_the_collection_cap_is_256_mib_with_a_flag_to_change_it(runner: CliRunner, demo_apkg: Path,
                                                                 tmp_path: Path) -> None:
    big: Any = import_anki(runner, modern(tmp_path / "big.apkg", zstd_bomb(300 << 20)))  # declares 300 MiB
    assert big.exit_code == 1
    assert big.stderr == ("srs: big.apkg: entry 'collection.anki21b' decompresses to more than 268,435,456 bytes; "
                          "refusing it (a compression bomb?); if it is a real collection, raise the limit with "
                          "--max-size\n")
    assert import_anki(runner, demo_apkg, "--max-size", "1MiB").exit_code == 0  # type: ignore[attr-defined]
    stream = modern(tmp_path / "stream.apkg", zstd_bomb(8 << 20, declare=False))
    small = import_anki(runner, stream, "--max-size", "1M")
    assert small.exit_code == 1 and "more than 1,048,576 bytes" in small.stderr  # type: ignore[attr-defined]
    bad = import_anki(runner, demo_apkg, "--max-size", "lots")
    assert bad.exit_code == 2 and "'lots' is not a size such as 512MiB" in bad.stderr  # type: ignore[attr-defined]


@pytest.mark.parametrize("modern_format", [False, True])
def test_reading_a_package_writes_no_file(demo_apkg: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          modern_format: bool) -> None:
    """The collection is read in memory: an import killed at any moment leaves nothing behind (it used to leave
    an srs-anki-* directory in the temp dir), and a missing or full temp dir does not matter."""
    package = demo_apkg
    if modern_format:
        data = zstandard.ZstdCompressor().compress(collection_of(demo_apkg, tmp_path).read_bytes())
        package = zip_entries(tmp_path / "m.apkg", {"meta": b"\x08\x03", "collection.anki21b": data,
                                                    "collection.anki2": b"dummy"})
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-temp-dir"))
    before = sorted(tmp_path.rglob("*"))
    assert len(read_package(package).notes) == 3
    assert sorted(tmp_path.rglob("*")) == before


def test_total_cap_counts_every_decompressed_byte(demo_apkg: Path, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="the package decompresses to more than 1,000 bytes"):
        read_package(demo_apkg, Limits(max_total_bytes=1000))


def test_too_many_entries_are_refused(demo_apkg: Path, tmp_path: Path) -> None:
    entries = {"collection.anki2": collection_of(demo_apkg, tmp_path).read_bytes()}
    entries |= {str(i): b"x" for i in range(60)}
    path = zip_entries(tmp_path / "many.apkg", entries)
    with pytest.raises(ImportFileError, match="61 entries; the limit is 50"):
        read_package(path, Limits(max_entries=50))
    assert read_package(path).format == "anki2"


def test_modern_dummy_collection_is_never_read(demo_apkg: Path, tmp_path: Path) -> None:
    db = collection_of(demo_apkg, tmp_path).read_bytes()
    compressed = zstandard.ZstdCompressor().compress(db)
    path = zip_entries(tmp_path / "m.apkg", {"meta": b"\x08\x03", "collection.anki21b": compressed,
                                             "collection.anki2": b"not even SQLite", "media": b""})
    package = read_package(path)
    assert (package.format, len(package.notes)) == ("anki21b", 3)


# -- bad rows skipped --------------------------------------------------------------------------------------------


def _revlog(card_sql: str, review_id: int, ease: int = 3) -> str:
    return (f"INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
            f"SELECT {review_id}, id, -1, {ease}, 0, 0, 0, 5000, 0 FROM cards {card_sql}")


def test_future_and_duplicate_reviews_are_skipped_and_reported(on_any_db: str, runner: CliRunner, demo_apkg: Path,
                                                               tmp_path: Path) -> None:
    past = NOW_MS - 3 * DAY_MS
    path = tampered(
        demo_apkg, tmp_path,
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


def test_good_reviews_merge_beside_skipped_ones(on_any_db: str, runner: CliRunner, demo_apkg: Path,
                                                tmp_path: Path) -> None:
    path = tampered(demo_apkg, tmp_path, _revlog("ORDER BY id LIMIT 1", NOW_MS - DAY_MS),
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


def test_bad_mapping_is_a_usage_error(runner: CliRunner, demo_apkg: Path) -> None:
    result = import_anki(runner, demo_apkg, "--map", "Front=title")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "'title' is not one of situation, response, reasoning" in result.output  # type: ignore[attr-defined]


def test_progress_changed_during_the_import_fails_it_whole(on_any_db: str, runner: CliRunner, demo_apkg: Path,
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
    path = tampered(demo_apkg, tmp_path, *(_revlog(f"ORDER BY id LIMIT 1 OFFSET {n}", NOW_MS - 2 * DAY_MS + n)
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
