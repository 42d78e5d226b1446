"""How `srs export` writes and what it loads: the notes and cards bulk-written as genanki's own rows, the views it
reads, no ORM or database code where none is needed, and the progress bar."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from helpers import HOSTILE, T1, add_local_edit
from helpers import add_deck_file as add_deck


def test_the_note_type_module_loads_no_database_code() -> None:
    """exporters.anki_note holds the note type's constants; the benchmark's plain-genanki baseline imports it, so
    it must not pull in SQLAlchemy or SQLModel (it once cost that baseline ~0.4 s through srs.store.cards)."""
    code = ("import sys, exporters.anki_note\n"
            "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'srs.store.cards', 'srs.store.models') if m in sys.modules]\n"
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_card_view_module_loads_no_database_code() -> None:
    """srs.cardview holds the record every export writes; the export path must stay free of SQLModel and the ORM,
    and the record itself needs no SQLAlchemy at all."""
    code = ("import sys, srs.cardview\n"
            "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'pydantic', 'srs.store.cards', 'srs.store.models')\n"
            "         if m in sys.modules]\n"
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_export_builds_the_same_views_as_card_view(runner: CliRunner, deck_file: Path) -> None:
    """The export reads its CardViews a deck at a time; they must equal the ones srs.store.cards reads one at a
    time, edits included."""
    from sqlmodel import Session, select

    from srs.store.cards import card_view
    from srs.store.engine import database_url, make_engine
    from srs.store.export import decks_for_export
    from srs.store.models import Card, Learner

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
    from srs.store.export import ExportDeck

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
    child.expect(r"Wrote .*big\.apkg: 1000 notes")
    child.expect(pexpect.EOF)
