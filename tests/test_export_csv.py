"""`srs export csv`: Anki's text import format, checked with Anki's own text importer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from srs.cli import cli
from srs.deckfile import anki_guid

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest, ImportCsvRequest
from anki.import_export_pb2 import IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER as IF_NEWER

HEADER = [
    "#separator:tab",
    "#html:true",
    "#guid column:1",
    "#notetype:srs Situation",
    "#deck:Demo deck",
    "#tags column:7",
    "#columns:GUID\tSituation\tResponse\tReasoning\tSources\tCounterpoints\tTags",
]


def run(runner: CliRunner, *args: str) -> Any:
    result = runner.invoke(cli, list(args), env={"SRS_NOW": "2026-01-05T10:00:00+00:00"})
    assert result.exit_code == 0, result.output
    return result


def add_srs_notetype(col: Collection) -> None:
    """What a user without the .apkg does once: a note type with the same name and fields."""
    models = col.models
    notetype = models.new("srs Situation")
    for name in ("Situation", "Response", "Reasoning", "Sources", "Counterpoints"):
        models.add_field(notetype, models.new_field(name))
    template = models.new_template("Card 1")
    template["qfmt"], template["afmt"] = "{{Situation}}", "{{FrontSide}}<hr id=answer>{{Response}}"
    models.add_template(notetype, template)
    models.add(notetype)


def import_csv(col: Collection, path: Path) -> Any:
    metadata = col.get_csv_metadata(str(path), None)
    return col.import_csv(ImportCsvRequest(path=str(path), metadata=metadata)).log


def test_header_lines_tell_anki_how_to_read_the_file(runner: CliRunner, deck_file: Path, tmp_path: Path) -> None:
    run(runner, "deck", "add", str(deck_file))
    result = run(runner, "export", "csv", "--deck", "demo", "-o", str(tmp_path / "demo.txt"))
    assert f"Wrote {tmp_path / 'demo.txt'}: 3 notes" in result.stderr
    lines = (tmp_path / "demo.txt").read_text(encoding="utf-8").splitlines()
    assert lines[:7] == HEADER
    rows = [line.split("\t") for line in lines[7:]]
    assert [row[0] for row in rows] == [anki_guid("demo", c) for c in ("first", "second", "third")]
    assert rows[1][1] == "You shake hands.<br>Then what?"
    assert rows[2][6] == "demo"
    assert all(len(row) == 7 for row in rows)


def test_several_decks_get_a_deck_column(runner: CliRunner, deck_file: Path) -> None:
    run(runner, "deck", "add", str(deck_file))
    text = run(runner, "export", "csv", "-o", "-").stdout
    lines = text.splitlines()
    assert "#deck column:8" in lines and "#tags column:7" in lines
    rows = [line.split("\t") for line in lines if not line.startswith("#")]
    assert {row[-1] for row in rows} == {"Demo deck", "Interview Closing"}


def test_default_file_name_and_stdout(runner: CliRunner, deck_file: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    run(runner, "deck", "add", str(deck_file))
    monkeypatch.chdir(tmp_path)
    run(runner, "export", "csv", "--deck", "demo")
    stdout = run(runner, "export", "csv", "--deck", "demo", "-o", "-").stdout
    assert (tmp_path / "demo.txt").read_text(encoding="utf-8") == stdout


def test_anki_imports_the_file(runner: CliRunner, deck_file: Path, tmp_path: Path, col: Collection) -> None:
    run(runner, "deck", "add", str(deck_file))
    run(runner, "export", "csv", "--deck", "demo", "-o", str(tmp_path / "demo.txt"))
    add_srs_notetype(col)
    log = import_csv(col, tmp_path / "demo.txt")

    assert len(log.new) == 3 and col.note_count() == 3
    notes = {col.get_note(nid).guid: col.get_note(nid) for nid in col.find_notes("")}
    second = notes[anki_guid("demo", "second")]
    assert second["Situation"] == "You shake hands.<br>Then what?"
    assert second["Response"] == "Smile and leave."
    assert "Ask for feedback first." in second["Counterpoints"]
    assert sorted(second.tags) == ["demo", "ending"]
    assert col.decks.name(second.cards()[0].did) == "Demo deck"


def test_csv_after_the_apkg_matches_the_same_notes(runner: CliRunner, deck_file: Path, tmp_path: Path,
                                                   col: Collection) -> None:
    run(runner, "deck", "add", str(deck_file))
    run(runner, "export", "anki", "--deck", "demo", "-o", str(tmp_path / "demo.apkg"), "--timestamp", "1767607200")
    run(runner, "export", "csv", "--deck", "demo", "-o", str(tmp_path / "demo.txt"))
    options = ImportAnkiPackageOptions(merge_notetypes=False, update_notes=IF_NEWER, update_notetypes=IF_NEWER)
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(tmp_path / "demo.apkg"), options=options))
    log = import_csv(col, tmp_path / "demo.txt")
    assert len(log.new) == 0 and col.note_count() == 3


def test_a_guid_starting_with_hash_is_not_read_as_a_comment(runner: CliRunner, tmp_path: Path,
                                                            col: Collection) -> None:
    # anki_guid("demo", "c4656") starts with "#", which Anki's reader would otherwise take for a comment line.
    assert anki_guid("demo", "c4656").startswith("#")
    deck = tmp_path / "hash.toml"
    deck.write_text('[deck]\nid = "demo"\nname = "Demo"\nversion = "1"\n\n[[sources]]\nid = "a"\ntitle = "A"\n'
                    + "".join(f'\n[[cards]]\nid = "{c}"\nsituation = "S {c}"\nresponse = "R"\nreasoning = "W"\n'
                              f'sources = ["a"]\n' for c in ("c4656", "c1")), encoding="utf-8")
    run(runner, "deck", "add", str(deck))
    run(runner, "export", "csv", "--deck", "demo", "-o", str(tmp_path / "demo.txt"))
    add_srs_notetype(col)
    log = import_csv(col, tmp_path / "demo.txt")
    assert len(log.new) == 2
    assert {col.get_note(n).guid for n in col.find_notes("")} == {anki_guid("demo", "c4656"), anki_guid("demo", "c1")}


def test_markup_is_escaped(runner: CliRunner, tmp_path: Path) -> None:
    deck = tmp_path / "x.toml"
    deck.write_text('[deck]\nid = "x"\nname = "X"\nversion = "1"\n\n[[sources]]\nid = "a"\ntitle = "<b>A</b>"\n'
                    '\n[[cards]]\nid = "c"\nsituation = "<script>alert(1)</script>"\n'
                    'response = "<img src=x onerror=alert(2)>"\nreasoning = "a\\tb"\nsources = ["a"]\n',
                    encoding="utf-8")
    run(runner, "deck", "add", str(deck))
    text = run(runner, "export", "csv", "--deck", "x", "-o", "-").stdout
    row = text.splitlines()[-1].split("\t")
    assert row[1:5] == ["&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(2)&gt;", "a b",
                        "&lt;b&gt;A&lt;/b&gt;"]


def test_unknown_deck_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["export", "csv", "--deck", "nope", "-o", str(tmp_path / "x.txt")])
    assert result.exit_code == 1 and "srs: no deck with id 'nope'" in result.stderr
    assert not (tmp_path / "x.txt").exists()
