"""`srs export anki`: the package is checked by importing it with the official `anki` package (Anki's own Rust
backend, as in AnkiDroid) into a temporary collection."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from html.parser import HTMLParser
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from helpers import HOSTILE, PAYLOADS, T1, add_local_edit
from srs.cli import cli

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.import_export_pb2 import IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER as IF_NEWER

T2 = "2026-01-06T10:00:00+00:00"  # deck edited
STAMP1 = "1767607200"  # 2026-01-05T10:00:00Z
STAMP2 = "1767700000"


def import_apkg(col: Collection, path: Path, with_scheduling: bool = False) -> Any:
    options = ImportAnkiPackageOptions(merge_notetypes=False, update_notes=IF_NEWER, update_notetypes=IF_NEWER,
                                       with_scheduling=with_scheduling)
    return col.import_anki_package(ImportAnkiPackageRequest(package_path=str(path), options=options)).log


def run(runner: CliRunner, *args: str, now: str = T1) -> Any:
    result = runner.invoke(cli, list(args), env={"SRS_NOW": now})
    assert result.exit_code == 0, result.output
    return result


def add_deck(runner: CliRunner, path: Path, now: str = T1) -> None:
    run(runner, "deck", "add", str(path), now=now)


def export(runner: CliRunner, out: Path, *extra: str, stamp: str = STAMP1, deck: str | None = "demo") -> Any:
    args = ["export", "anki", "-o", str(out), "--timestamp", stamp, *extra]
    if deck:
        args += ["--deck", deck]
    return run(runner, *args)


def notes_by_guid(col: Collection) -> dict[str, Any]:
    return {col.get_note(nid).guid: col.get_note(nid) for nid in col.find_notes("")}


def guid(card_id: str, deck_id: str = "demo") -> str:
    from srs.deckfile import anki_guid

    return anki_guid(deck_id, card_id)


# -- content ------------------------------------------------------------------------------------------------------

def test_note_count_fields_tags_and_deck_match_the_deck(runner: CliRunner, deck_file: Path, tmp_path: Path,
                                                        col: Collection) -> None:
    add_deck(runner, deck_file)
    out = tmp_path / "demo.apkg"
    result = export(runner, out)
    assert f"Wrote {out}: 3 notes in 1 deck" in result.stderr

    log = import_apkg(col, out)
    assert len(log.new) == 3 and col.note_count() == 3 and col.card_count() == 3
    notes = notes_by_guid(col)
    first, second, third = notes[guid("first")], notes[guid("second")], notes[guid("third")]
    assert first.note_type()["name"] == "srs Situation"
    assert list(first.keys()) == ["Situation", "Response", "Reasoning", "Sources", "Counterpoints"]
    assert first["Situation"] == "The interviewer asks whether you have any questions."
    assert first["Response"] == "Ask what hesitations they have."
    assert first["Reasoning"] == "It shows you are open to feedback."
    assert first["Sources"] == "Article A — Ann Author"
    assert first["Counterpoints"] == ""
    assert second["Situation"] == "You shake hands.<br>Then what?"
    assert "Ask for feedback first." in second["Counterpoints"] and "Article A" in second["Counterpoints"]
    assert third["Sources"] == "Article A — Ann Author<br>Article B"
    assert sorted(first.tags) == ["closing-question", "demo"]
    assert sorted(second.tags) == ["demo", "ending"]
    assert third.tags == ["demo"]
    assert {col.decks.name(card.did) for n in notes.values() for card in n.cards()} == {"Demo deck"}


def test_rendered_question_and_answer_show_the_card(runner: CliRunner, deck_file: Path, tmp_path: Path,
                                                    col: Collection) -> None:
    add_deck(runner, deck_file)
    export(runner, tmp_path / "demo.apkg")
    import_apkg(col, tmp_path / "demo.apkg")
    card = notes_by_guid(col)[guid("second")].cards()[0]
    question, answer = card.question(), card.answer()
    assert "You shake hands.<br>Then what?" in question
    assert "Smile and leave." not in question
    for text in ("You shake hands.<br>Then what?", "Smile and leave.", "Keep it short.", "Article B",
                 "Counterpoints", "Ask for feedback first."):
        assert text in answer
    assert ".nightMode" in answer  # the dark-mode rules ship with the card


def test_all_decks_go_into_one_package_by_default(runner: CliRunner, deck_file: Path, tmp_path: Path,
                                                  col: Collection, monkeypatch: pytest.MonkeyPatch) -> None:
    add_deck(runner, deck_file)
    monkeypatch.chdir(tmp_path)
    result = run(runner, "export", "anki", "--timestamp", STAMP1)
    assert "Wrote srs-decks.apkg:" in result.stderr and "in 2 decks" in result.stderr
    import_apkg(col, tmp_path / "srs-decks.apkg")
    names = {col.decks.name(col.get_card(cid).did) for cid in col.find_cards("")}
    assert names == {"Demo deck", "Interview Closing"}
    assert col.note_count() == 3 + len(col.find_notes("tag:interview-closing"))


def test_one_deck_is_named_after_its_id(runner: CliRunner, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(runner, "export", "anki", "--deck", "interview-closing")
    assert (tmp_path / "interview-closing.apkg").exists()
    assert re.search(r"Wrote interview-closing\.apkg: \d+ notes in 1 deck", result.stderr)
    assert result.stdout == ""


# -- identity: re-imports update, never duplicate -----------------------------------------------------------------

def test_reexport_after_a_text_edit_updates_the_note(runner: CliRunner, deck_file: Path, tmp_path: Path,
                                                     col: Collection) -> None:
    add_deck(runner, deck_file)
    export(runner, tmp_path / "v1.apkg")
    import_apkg(col, tmp_path / "v1.apkg")

    deck_file.write_text(deck_file.read_text().replace("Smile and leave.", "Smile, thank them, and leave."))
    add_deck(runner, deck_file, now=T2)
    export(runner, tmp_path / "v2.apkg", stamp=STAMP2)
    log = import_apkg(col, tmp_path / "v2.apkg")

    assert (len(log.new), len(log.updated)) == (0, 1)
    assert col.note_count() == 3
    assert notes_by_guid(col)[guid("second")]["Response"] == "Smile, thank them, and leave."


def test_adding_a_card_adds_one_note(runner: CliRunner, deck_file: Path, tmp_path: Path, col: Collection) -> None:
    add_deck(runner, deck_file)
    export(runner, tmp_path / "v1.apkg")
    import_apkg(col, tmp_path / "v1.apkg")

    deck_file.write_text(deck_file.read_text() + '''
[[cards]]
id = "fourth"
situation = "A week passes."
response = "Follow up once."
reasoning = "Persistent, not pushy."
sources = ["art-b"]
''')
    add_deck(runner, deck_file, now=T2)
    export(runner, tmp_path / "v2.apkg", stamp=STAMP2)
    log = import_apkg(col, tmp_path / "v2.apkg")

    assert (len(log.new), len(log.updated)) == (1, 0)
    assert col.note_count() == 4
    assert notes_by_guid(col)[guid("fourth")]["Response"] == "Follow up once."


def test_unchanged_reexport_changes_nothing(runner: CliRunner, deck_file: Path, tmp_path: Path,
                                            col: Collection) -> None:
    add_deck(runner, deck_file)
    export(runner, tmp_path / "v1.apkg")
    import_apkg(col, tmp_path / "v1.apkg")
    notetype_mtime = col.models.by_name("srs Situation")["mod"]
    before = {g: (n.mod, n.fields) for g, n in notes_by_guid(col).items()}

    export(runner, tmp_path / "v2.apkg", stamp=STAMP2)  # a later export of the same deck
    log = import_apkg(col, tmp_path / "v2.apkg")

    assert (len(log.new), len(log.updated)) == (0, 0)
    assert {g: (n.mod, n.fields) for g, n in notes_by_guid(col).items()} == before
    assert col.models.by_name("srs Situation")["mod"] == notetype_mtime
    assert [m.name for m in col.models.all_names_and_ids()].count("srs Situation") == 1


def test_edit_made_in_anki_survives_an_unrelated_reexport(runner: CliRunner, deck_file: Path, tmp_path: Path,
                                                          col: Collection) -> None:
    add_deck(runner, deck_file)
    export(runner, tmp_path / "v1.apkg")
    import_apkg(col, tmp_path / "v1.apkg")
    mine = notes_by_guid(col)[guid("first")]
    mine["Response"] = "My own words."
    col.update_note(mine)  # stamped with Anki's clock (now), later than the card's updated_at

    deck_file.write_text(deck_file.read_text().replace("Send a thank-you note.", "Send a short thank-you note."))
    add_deck(runner, deck_file, now=T2)
    export(runner, tmp_path / "v2.apkg", stamp=STAMP2)
    log = import_apkg(col, tmp_path / "v2.apkg")

    assert len(log.updated) == 1
    notes = notes_by_guid(col)
    assert notes[guid("first")]["Response"] == "My own words."
    assert notes[guid("third")]["Response"] == "Send a short thank-you note."


# -- safety -------------------------------------------------------------------------------------------------------



class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def live_markup(rendered: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every element (and its attributes) a browser would build from ``rendered``: text is not markup."""
    parser = _Markup()
    parser.feed(rendered)
    parser.close()
    return parser.tags


def hostile_deck() -> str:
    text = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    return f'''\
[deck]
id = "hostile"
name = "Hostile {text}"
description = "Description {text}"
version = "1.0.0"

[[sources]]
id = "s"
title = "Title {text}"
author = "Author {text}"

[[cards]]
id = "x"
situation = "Situation {text}"
response = "Response {text}"
reasoning = "Reasoning {text}"
sources = ["s"]
tags = ["t"]

  [[cards.counterpoints]]
  source = "s"
  view = "View {text}"
'''


def test_markup_in_a_deck_file_is_never_live_in_anki(runner: CliRunner, tmp_path: Path, col: Collection) -> None:
    path = tmp_path / "hostile.toml"
    path.write_text(hostile_deck(), encoding="utf-8")
    add_deck(runner, path)
    export(runner, tmp_path / "h.apkg", deck="hostile")
    import_apkg(col, tmp_path / "h.apkg")

    (nid,) = col.find_notes("")
    note = col.get_note(nid)
    for name in note.keys():
        assert "<script" not in note[name] and "<svg" not in note[name] and "<img" not in note[name]
    card = note.cards()[0]
    rendered = card.question() + card.answer()
    for label in ("Situation", "Response", "Reasoning", "Title", "Author", "View"):
        assert f"{label} &lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "&lt;svg onload=alert(4)&gt;" in rendered
    tags = live_markup(rendered)
    assert {tag for tag, _ in tags} <= {"style", "div", "span", "br", "hr"}
    for tag, attrs in tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name in ("class", "id"), (tag, name)
            assert "javascript" not in (value or "").lower()
    assert "{{FrontSide}}" in rendered  # template syntax in a field stays text too
    # A deck name is plain text to Anki (its deck list escapes it); the description is HTML, so it is escaped.
    deck = col.decks.get(card.did)
    assert deck is not None and deck["name"] == "Hostile " + HOSTILE
    assert "<script" not in deck["desc"] and "&lt;script&gt;" in deck["desc"]


def test_template_holds_no_script() -> None:
    from exporters.anki_note import ANSWER, CSS, QUESTION

    for text in (QUESTION, ANSWER, CSS):
        assert "<script" not in text.lower() and "javascript" not in text.lower()
        assert not re.search(r"\son\w+\s*=", text, re.IGNORECASE)


# -- determinism, ids, errors -------------------------------------------------------------------------------------

def test_same_database_and_timestamp_give_identical_bytes(runner: CliRunner, deck_file: Path,
                                                          tmp_path: Path) -> None:
    add_deck(runner, deck_file)
    export(runner, tmp_path / "a.apkg")
    result = runner.invoke(cli, ["export", "anki", "--deck", "demo", "-o", str(tmp_path / "b.apkg")],
                           env={"SRS_EXPORT_TIMESTAMP": "2026-01-05T10:00:00+00:00"})
    assert result.exit_code == 0, result.output
    export(runner, tmp_path / "c.apkg", stamp=STAMP2)
    assert (tmp_path / "a.apkg").read_bytes() == (tmp_path / "b.apkg").read_bytes()
    assert (tmp_path / "a.apkg").read_bytes() != (tmp_path / "c.apkg").read_bytes()


def test_ids_are_fixed_forever() -> None:
    from exporters.anki_note import FIELDS, MODEL_ID, TEMPLATE_ID, anki_deck_id

    assert MODEL_ID == 1663018994 and TEMPLATE_ID == 4114701119538588
    assert [f for _, f in FIELDS] == [4072974585914330, 1136338919813118, 4202963299513923, 3642015313823338,
                                      1120983661750751]
    assert anki_deck_id("interview-closing") == anki_deck_id("interview-closing")
    assert anki_deck_id("interview-closing") != anki_deck_id("demo")
    assert guid("first") == __import__("genanki").guid_for("srs", "demo", "first")


def test_unknown_deck_is_a_clean_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["export", "anki", "--deck", "nope", "-o", str(tmp_path / "x.apkg")])
    assert result.exit_code == 1
    assert "srs: no deck with id 'nope'" in result.stderr
    assert not (tmp_path / "x.apkg").exists()


@pytest.mark.parametrize("stamp", ["yesterday", "-5", "99999999999999"])
def test_bad_timestamp_is_a_usage_error(runner: CliRunner, stamp: str) -> None:
    result = runner.invoke(cli, ["export", "anki", "--timestamp", stamp])
    assert result.exit_code == 2
    assert "--timestamp" in result.stderr


def test_cli_startup_does_not_load_genanki() -> None:
    code = "import sys, srs.cli; assert 'genanki' not in sys.modules and 'exporters.anki' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# -- the learner's view -------------------------------------------------------------------------------------------

def test_the_learners_own_wording_is_exported_and_updates_the_note(runner: CliRunner, deck_file: Path,
                                                                   tmp_path: Path, col: Collection) -> None:
    add_deck(runner, deck_file)
    export(runner, tmp_path / "v1.apkg")
    import_apkg(col, tmp_path / "v1.apkg")
    add_local_edit("third", "Send a handwritten note.", datetime(2026, 1, 6, tzinfo=timezone.utc))
    export(runner, tmp_path / "v2.apkg", stamp=STAMP2)
    log = import_apkg(col, tmp_path / "v2.apkg")
    assert (len(log.new), len(log.updated)) == (0, 1)
    assert notes_by_guid(col)[guid("third")]["Response"] == "Send a handwritten note."
