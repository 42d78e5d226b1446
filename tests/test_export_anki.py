"""`srs export anki`: the package is checked by importing it with the official `anki` package (Anki's own Rust
backend, as in AnkiDroid) into a temporary collection."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from html.parser import HTMLParser
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import data_env, modules_loaded_by
from srs.cli import cli

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.import_export_pb2 import IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER as IF_NEWER

T1 = "2026-01-05T10:00:00+00:00"  # deck added
T2 = "2026-01-06T10:00:00+00:00"  # deck edited
STAMP1 = "1767607200"  # 2026-01-05T10:00:00Z
STAMP2 = "1767700000"


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Collection]:
    (tmp_path / "anki").mkdir()
    collection = Collection(str(tmp_path / "anki" / "collection.anki2"))
    yield collection
    collection.close()


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
    assert f"wrote {out}: 3 notes in 1 deck" in result.stderr

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
    assert "wrote srs-decks.apkg:" in result.stderr and "in 2 decks" in result.stderr
    import_apkg(col, tmp_path / "srs-decks.apkg")
    names = {col.decks.name(col.get_card(cid).did) for cid in col.find_cards("")}
    assert names == {"Demo deck", "Interview Closing"}
    assert col.note_count() == 3 + len(col.find_notes("tag:interview-closing"))


def test_one_deck_is_named_after_its_id(runner: CliRunner, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(runner, "export", "anki", "--deck", "interview-closing")
    assert (tmp_path / "interview-closing.apkg").exists()
    assert re.search(r"wrote interview-closing\.apkg: \d+ notes in 1 deck", result.stderr)
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

PAYLOADS = ('<script>alert(1)</script>', '<img src=x onerror=alert(2)>', '<a href="javascript:alert(3)">tap</a>',
            '<svg onload=alert(4)>', '{{FrontSide}}')
HOSTILE = " ".join(PAYLOADS)


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


def test_the_note_type_module_loads_no_database_code() -> None:
    """exporters.anki_note holds the note type's constants; the benchmark's plain-genanki baseline imports it, so
    it must not pull in SQLAlchemy or SQLModel (it once cost that baseline ~0.4 s through srs.cards)."""
    code = ("import sys, exporters.anki_note\n"
            "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'srs.cards', 'srs.models') if m in sys.modules]\n"
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_card_view_module_loads_no_database_code() -> None:
    """srs.cardview holds the record every export writes; the export path must stay free of SQLModel and the ORM,
    and the record itself needs no SQLAlchemy at all."""
    code = ("import sys, srs.cardview\n"
            "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'pydantic', 'srs.cards', 'srs.models')\n"
            "         if m in sys.modules]\n"
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_cli_startup_does_not_load_genanki() -> None:
    code = "import sys, srs.cli; assert 'genanki' not in sys.modules and 'exporters.anki' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# -- the learner's view -------------------------------------------------------------------------------------------

def add_local_edit(card_id: str, response: str, when: datetime) -> None:
    from sqlmodel import Session, select

    from srs.db import database_url, make_engine
    from srs.models import Card, Learner, LocalEdit

    engine = make_engine(database_url(None))
    with Session(engine) as session:
        learner = session.exec(select(Learner).where(Learner.name == "default")).one()
        card = session.exec(select(Card).where(Card.card_id == card_id)).one()
        assert learner.id is not None and card.id is not None
        session.add(LocalEdit(learner_id=learner.id, card_pk=card.id, situation=card.situation, response=response,
                              reasoning=card.reasoning, updated_at=when))
        session.commit()
    engine.dispose()


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


def test_export_builds_the_same_views_as_card_view(runner: CliRunner, deck_file: Path) -> None:
    """The export builds its CardViews itself from Core rows (faster than srs.cardview.view_of per card); they
    must equal the ones srs.cards builds, edits included."""
    from sqlmodel import Session, select

    from srs.cards import card_view
    from srs.db import database_url, make_engine
    from srs.export_data import decks_for_export
    from srs.models import Card, Learner

    add_deck(runner, deck_file)
    add_local_edit("second", "Wave.", datetime(2026, 1, 6, tzinfo=timezone.utc))
    engine = make_engine(database_url(None))
    with Session(engine) as session:
        learner = session.exec(select(Learner).where(Learner.name == "default")).one()
        assert learner.id is not None
        exported = {v.pk: v for d in decks_for_export(session, learner.id) for v in d.cards}
        cards = session.exec(select(Card).where(Card.retired == False)).all()  # noqa: E712
        assert exported == {c.id: card_view(session, learner.id, c) for c in cards}
        assert any(v.edited for v in exported.values())
    engine.dispose()


def _export_deck(deck_id: str, *cards: tuple[str, str, str, tuple[str, ...], int]) -> Any:
    from srs.cardview import CardView, SourceRef
    from srs.export_data import ExportDeck

    source = SourceRef(id="s", title="Title " + HOSTILE, author="Author & co")
    name = f"Deck {deck_id} " + HOSTILE
    return ExportDeck(id=deck_id, name=name, description="About\n" + HOSTILE, cards=tuple(
        CardView(pk=i, deck_id=deck_id, deck_name=name, card_id=f"c{i}", situation=situation, response=response,
                 reasoning=reasoning, sources=(source,) if i % 2 else (), tags=tags,
                 counterpoints=((source, "View " + HOSTILE),) if i % 3 == 0 else (),
                 anki_guid=f"{deck_id}-{i}", updated_at=datetime.fromtimestamp(mtime, timezone.utc))
        for i, (situation, response, reasoning, tags, mtime) in enumerate(cards)))


def _rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    import sqlite3

    conn = sqlite3.connect(path)
    names = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    rows = {name: sorted(conn.execute(f"SELECT * FROM {name}"), key=repr) for name in names}
    conn.close()
    return rows


def test_bulk_written_notes_are_the_rows_genanki_writes(tmp_path: Path) -> None:
    """write_collection inserts notes and cards itself: its rows must stay the ones genanki's own per-note writer
    produces for the same notes (this fails if a genanki release changes what it writes), and genanki's per-note
    checks (invalid HTML tags in a field, field count) must find nothing to complain about."""
    import itertools
    import sqlite3
    import warnings

    import genanki

    from exporters.anki import note_model, write_collection
    from exporters.anki_note import anki_deck_id, anki_deck_name, note_fields, note_tags, text_html

    stamp = 1767607200
    decks = [
        _export_deck("one", ("Situation " + HOSTILE, "Response\r\nline two", "Why " + HOSTILE, ("t", "one"), stamp),
                     ("", "A note whose card Anki would not make", "", ("one",), stamp),
                     ("a < b && c > d", "<br>", "", (), stamp), ("x", "y", "z", ("t",), stamp)),
        _export_deck("two", ("Second deck", "R", "W", ("two",), stamp)),
    ]
    ours = tmp_path / "ours.anki2"
    conn = sqlite3.connect(ours)
    write_collection(conn, decks, float(stamp))
    conn.commit()
    conn.close()

    model = note_model()
    position = itertools.count(1)
    anki_decks = []
    for deck in decks:
        anki_deck = genanki.Deck(anki_deck_id(deck.id), anki_deck_name(deck.name),
                                 description=text_html(deck.description))
        anki_deck.add_model(model)
        for card in deck.cards:
            anki_deck.add_note(genanki.Note(model=model, fields=note_fields(card), tags=note_tags(card),
                                            guid=card.anki_guid, due=next(position)))
        anki_decks.append(anki_deck)
    theirs = tmp_path / "genanki.anki2"
    conn = sqlite3.connect(theirs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # genanki warns about invalid HTML tags in a field
        genanki.Package(anki_decks).write_to_db(conn.cursor(), float(stamp), itertools.count(stamp * 1000))
    conn.commit()
    conn.close()

    expected = _rows(theirs)
    assert len(expected["notes"]) == 5 and len(expected["cards"]) == 4  # the empty situation makes no card
    assert _rows(ours) == expected


def test_notes_and_cards_carry_their_cards_own_mtime(tmp_path: Path) -> None:
    import sqlite3

    from exporters.anki import write_collection

    conn = sqlite3.connect(tmp_path / "c.anki2")
    write_collection(conn, [_export_deck("d", ("S", "R", "W", (), 1700000000), ("S2", "R", "W", (), 1700000500))],
                     1767607200.0)
    assert conn.execute("SELECT guid, mod FROM notes ORDER BY guid").fetchall() == [("d-0", 1700000000),
                                                                                   ("d-1", 1700000500)]
    assert sorted(conn.execute("SELECT mod FROM cards")) == [(1700000000,), (1700000500,)]
    conn.close()


def test_a_tag_with_a_space_is_refused(tmp_path: Path) -> None:
    import sqlite3

    from exporters.anki import write_collection

    conn = sqlite3.connect(tmp_path / "c.anki2")
    with pytest.raises(ValueError, match="tag with a space"):
        write_collection(conn, [_export_deck("d", ("S", "R", "W", ("two words",), 1700000000))], 1767607200.0)
    conn.close()


@pytest.mark.parametrize("args", [["export", "anki", "--deck", "demo"], ["export", "anki", "--with-progress"],
                                  ["export", "csv", "-o", "-"]])
def test_exports_do_not_load_sqlmodel_or_the_orm(tmp_path: Path, deck_file: Path, args: list[str]) -> None:
    """Exports read with Core statements (srs.export_data on srs.tables): SQLModel, pydantic and the ORM cost
    more than the whole plain-genanki baseline the export is measured against."""
    env = data_env(tmp_path, T1)
    subprocess.run([sys.executable, "-m", "srs", "deck", "add", str(deck_file)], capture_output=True, check=True,
                   env=env)
    extra = ["-o", str(tmp_path / "x.apkg")] if args[1] == "anki" else []
    loaded, _ = modules_loaded_by([*args, *extra], env)
    assert loaded == []


@pytest.mark.parametrize(("tty", "total", "shown"), [(True, 5000, True), (True, 10, False), (False, 5000, False)])
def test_progress_bar_only_for_big_exports_on_a_terminal(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str], tty: bool, total: int,
                                                         shown: bool) -> None:
    from srs.cli.export_cmds import _progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    with _progress(total, "Exporting") as step:
        assert (step is not None) == shown
        for _ in range(2 * total if step else 0):
            step()  # type: ignore[misc]
    captured = capsys.readouterr()
    assert captured.out == ""
    assert ("Exporting" in captured.err) == shown


def test_progress_bar_on_a_terminal_for_a_big_deck(tmp_path: Path) -> None:
    import os

    pexpect = pytest.importorskip("pexpect")
    cards = "".join(f'\n[[cards]]\nid = "c{i}"\nsituation = "S{i}"\nresponse = "R"\nreasoning = "W"\nsources = ["a"]\n'
                    for i in range(1000))
    (tmp_path / "big.toml").write_text('[deck]\nid = "big"\nname = "Big"\nversion = "1"\n\n[[sources]]\nid = "a"\n'
                                       'title = "A"\n' + cards, encoding="utf-8")
    env = {**os.environ, "COLUMNS": "100"}
    srs = [sys.executable, "-m", "srs"]
    add = subprocess.run([*srs, "deck", "add", str(tmp_path / "big.toml")], env=env, capture_output=True)
    assert add.returncode == 0, add.stderr
    child = pexpect.spawn(srs[0], [*srs[1:], "export", "anki", "--deck", "big", "-o", str(tmp_path / "big.apkg")],
                          env=env, timeout=60, encoding="utf-8")
    child.expect("Exporting")
    child.expect("100%")
    child.expect(r"wrote .*big\.apkg: 1000 notes")
    child.expect(pexpect.EOF)
