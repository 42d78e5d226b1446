"""Retired cards are not stranded on the phone: `srs export anki` carries them as notes tagged ``retired`` whose
cards are suspended. Checked by importing with the official ``anki`` package, which also pins down what Anki
does with them: a card Anki already has keeps Anki's own schedule, so the tag is what reaches it (the README
tells users to search ``tag:retired``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from helpers import T1, add_deck_file, run_cli
from srs.cli import cli
from srs.deckfile import anki_guid

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.import_export_pb2 import IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER as IF_NEWER

T2 = "2026-01-06T10:00:00+00:00"  # the deck's new version drops 'third'
STAMP1, STAMP2 = "1767607200", "1767700000"
QUEUE_NEW, QUEUE_REVIEW, QUEUE_SUSPENDED = 0, 2, -1


def import_apkg(col: Collection, path: Path, with_scheduling: bool = False) -> Any:
    options = ImportAnkiPackageOptions(merge_notetypes=False, update_notes=IF_NEWER, update_notetypes=IF_NEWER,
                                       with_scheduling=with_scheduling)
    return col.import_anki_package(ImportAnkiPackageRequest(package_path=str(path), options=options)).log


def export(runner: CliRunner, out: Path, *extra: str, stamp: str, now: str) -> Any:
    return run_cli(runner, "export", "anki", "-o", str(out), "--timestamp", stamp, "--deck", "demo", *extra, now=now)


def note_of(col: Collection, card_id: str) -> Any:
    by_guid = {col.get_note(nid).guid: nid for nid in col.find_notes("")}
    return col.get_note(by_guid[anki_guid("demo", card_id)])


def retire_third(runner: CliRunner, deck_file: Path) -> None:
    text = deck_file.read_text()
    deck_file.write_text(text[: text.index('[[cards]]\nid = "third"')].replace('"1.0.0"', '"1.1.0"'))
    result = run_cli(runner, "deck", "add", str(deck_file), now=T2)
    assert "1 retired" in result.stderr


@pytest.mark.parametrize("with_progress", [False, True])
def test_a_first_import_gets_retired_cards_suspended_and_tagged(runner: CliRunner, deck_file: Path,
                                                                tmp_path: Path, col: Collection,
                                                                with_progress: bool) -> None:
    add_deck_file(runner, deck_file)
    retire_third(runner, deck_file)
    extra = ("--with-progress",) if with_progress else ()
    result = export(runner, tmp_path / "v2.apkg", *extra, stamp=STAMP2, now=T2)
    assert "Wrote " in result.stderr and "3 notes, 1 of them retired (suspended, tagged 'retired')" in result.stderr

    import_apkg(col, tmp_path / "v2.apkg", with_scheduling=True)
    third = note_of(col, "third")
    assert "retired" in third.tags and third["Response"] == "Send a thank-you note."
    assert [c.queue for c in third.cards()] == [QUEUE_SUSPENDED]
    assert col.find_notes("tag:retired") == [third.id]
    for card_id in ("first", "second"):
        note = note_of(col, card_id)
        assert "retired" not in note.tags and all(c.queue != QUEUE_SUSPENDED for c in note.cards())


def test_a_phone_that_has_the_card_gets_the_tag_and_keeps_its_schedule(runner: CliRunner, deck_file: Path,
                                                                      tmp_path: Path, col: Collection) -> None:
    add_deck_file(runner, deck_file)
    export(runner, tmp_path / "v1.apkg", stamp=STAMP1, now=T1)
    import_apkg(col, tmp_path / "v1.apkg")
    studied = note_of(col, "third").cards()[0]  # studied on the phone: a review card there
    studied.type, studied.queue, studied.ivl, studied.due = 2, QUEUE_REVIEW, 5, 3
    col.update_card(studied)

    retire_third(runner, deck_file)
    export(runner, tmp_path / "v2.apkg", stamp=STAMP2, now=T2)
    log = import_apkg(col, tmp_path / "v2.apkg", with_scheduling=True)

    assert len(log.new) == 0 and len(log.updated) == 1  # the retired card's note, newer since it was retired
    third = note_of(col, "third")
    assert "retired" in third.tags and col.find_notes("tag:retired") == [third.id]
    # Anki keeps its own schedule for a card it has: the suspension does not reach it, the tag does.
    assert [c.queue for c in third.cards()] == [QUEUE_REVIEW]


def test_without_import_any_learning_progress_anki_adds_them_unsuspended_but_tagged(
    runner: CliRunner, deck_file: Path, tmp_path: Path, col: Collection
) -> None:
    add_deck_file(runner, deck_file)
    retire_third(runner, deck_file)
    export(runner, tmp_path / "v2.apkg", stamp=STAMP2, now=T2)
    import_apkg(col, tmp_path / "v2.apkg", with_scheduling=False)
    third = note_of(col, "third")
    assert "retired" in third.tags
    assert [c.queue for c in third.cards()] == [QUEUE_NEW]  # Anki resets every card it adds without progress


def test_progress_goes_only_with_active_cards(runner: CliRunner, deck_file: Path, tmp_path: Path,
                                              col: Collection) -> None:
    add_deck_file(runner, deck_file)
    run_cli(runner, "config", "set", "new_per_day", "3")
    result = runner.invoke(cli, ["review", "--deck", "demo"], input="\n4\n" * 3 + "q\n", env={"SRS_NOW": T1})
    assert result.exit_code == 0, result.output
    retire_third(runner, deck_file)
    result = export(runner, tmp_path / "v2.apkg", "--with-progress", stamp=STAMP2, now=T2)
    assert "2 cards scheduled" in result.stderr
    import_apkg(col, tmp_path / "v2.apkg", with_scheduling=True)
    assert [c.queue for c in note_of(col, "third").cards()] == [QUEUE_SUSPENDED]
    assert [c.queue for c in note_of(col, "first").cards()] == [QUEUE_REVIEW]


def test_the_csv_export_leaves_retired_cards_out(runner: CliRunner, deck_file: Path, tmp_path: Path) -> None:
    add_deck_file(runner, deck_file)
    retire_third(runner, deck_file)
    csv_text = run_cli(runner, "export", "csv", "--deck", "demo", "-o", "-", now=T2).stdout
    assert "Send a thank-you note." not in csv_text and "Smile and leave." in csv_text
