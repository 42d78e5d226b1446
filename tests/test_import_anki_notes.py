"""Pieces of `srs import anki` that need no Anki: field HTML to text, `--map`, field matching, and importing our
own exports (genanki's ``collection.anki2``), which must change nothing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import Session

from srs.anki_notes import html_to_text, map_fields, parse_mapping
from srs.cli import cli
from srs.store.engine import database_url, make_engine
from srs.store.models import Card, Progress, Review
from srs.store.progress import answer_card


@pytest.mark.parametrize("html, text", [
    ("<b>Bold</b> &amp; plain", "Bold & plain"),
    ("one<br>two<br/>three", "one\ntwo\nthree"),
    ("<div>a</div><div>b</div>", "a\nb"),
    ("x<script>alert(1)</script>y<style>p{}</style>", "xy"),
    ("<img src=x onerror=alert(1)>caption", "caption"),
    ("say [sound:hello.mp3] hi", "say hi"),
    ("{{c1::Paris::capital}} is in {{c2::France}}", "Paris is in France"),
    ("&nbsp;spaced&nbsp;&nbsp;out\t\there ", "spaced out here"),
    ("bell\x07 and \u202eflip", "bell and flip"),
    ("<p>a</p><p></p><p></p><p>b</p>", "a\nb"),
    ("a<br><br><div>b</div>", "a\n\nb"),
    ("a<div><br></div><div>b</div>", "a\n\nb"),
])
def test_field_html_becomes_plain_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_mapping_is_parsed_and_checked() -> None:
    assert parse_mapping("Front=situation, Back=Response") == {"Front": "situation", "Back": "response"}
    for bad, message in [("Front", "not FIELD=TARGET"), ("Front=title", "'title' is not one of"),
                         ("A=situation,B=situation", "situation is mapped twice"),
                         ("A=situation,a=response", "field 'a' is mapped twice"), (" , ", "empty")]:
        with pytest.raises(ValueError, match=message):
            parse_mapping(bad)


def test_fields_match_by_name_or_mapping() -> None:
    assert map_fields(["situation", "RESPONSE"], None) == {"situation": "situation", "response": "RESPONSE"}
    assert map_fields(["Front", "Back"], None) is None
    assert map_fields(["Front", "Back", "Extra"], {"front": "situation", "back": "response", "extra": "reasoning"}
                      ) == {"situation": "Front", "response": "Back", "reasoning": "Extra"}
    # A mapping for another note type's fields falls back to the names.
    assert map_fields(["Situation", "Response"], {"Front": "situation", "Back": "response"}) is not None


def test_importing_our_own_export_with_progress_changes_nothing(on_any_db: str, runner: CliRunner,
                                                                deck_file: Path, tmp_path: Path) -> None:
    start = datetime(2026, 2, 1, 9, 0, tzinfo=timezone.utc)
    assert runner.invoke(cli, ["deck", "add", str(deck_file)], env={"SRS_NOW": start.isoformat()}).exit_code == 0
    engine = make_engine(database_url(None))
    with Session(engine) as session:
        pk = session.execute(select(Card.id).where(Card.card_id == "first")).scalar_one()
        answer_card(session, 1, pk, 3, start, 3000, 0)
        answer_card(session, 1, pk, 3, start + timedelta(minutes=1), 3000, 1)
        answer_card(session, 1, pk, 3, start + timedelta(minutes=1, microseconds=300), 3000, 2)  # same ms
    out = tmp_path / "mine.apkg"
    env = {"SRS_NOW": "2026-02-02T09:00:00+00:00"}
    result = runner.invoke(cli, ["export", "anki", "--with-progress", "-o", str(out), "--timestamp",
                                 "1769936400"], env=env)
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["import", "anki", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert "anki2 (schema 11)" in result.stdout
    assert "reviews merged: 0 (already here: 3)" in result.stdout
    assert "cards updated: 0" in result.stdout
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(Review)).scalar_one() == 3
        assert session.execute(select(func.count()).select_from(Progress)).scalar_one() == 1
    engine.dispose()


def test_a_large_import_costs_a_bounded_number_of_statements(runner: CliRunner, tmp_path: Path) -> None:
    """Progress and history are read in chunks and written in batches: 40 or 400 studied cards, about the same
    number of SQL statements (it was several per card)."""
    import sqlite3
    import zipfile

    from sqlalchemy import event

    from exporters.anki_reader import read_package
    from srs.store.anki_merge import merge_anki

    def statements(cards: int) -> int:
        data = tmp_path / str(cards)
        deck = [f'[deck]\nid = "big{cards}"\nname = "Big"\nversion = "1.0.0"\n\n[[sources]]\nid = "s"\ntitle = "S"\n']
        deck += [f'[[cards]]\nid = "c{i}"\nsituation = "S {i}."\nresponse = "R {i}."\nreasoning = "W {i}."\n'
                 f'sources = ["s"]\n' for i in range(cards)]
        (data / "deck.toml").parent.mkdir()
        (data / "deck.toml").write_text("\n".join(deck), encoding="utf-8")
        env = {"SRS_NOW": "2026-02-01T00:00:00+00:00", "SRS_DATA_DIR": str(data)}
        assert runner.invoke(cli, ["deck", "add", str(data / "deck.toml")], env=env).exit_code == 0
        out = data / "out.apkg"
        result = runner.invoke(cli, ["export", "anki", "--deck", f"big{cards}", "-o", str(out), "--timestamp",
                                     "1769904000"], env=env)
        assert result.exit_code == 0, result.output
        with zipfile.ZipFile(out) as archive:
            entries = {info.filename: archive.read(info) for info in archive.infolist()}
        (data / "col.sqlite").write_bytes(entries["collection.anki2"])
        con = sqlite3.connect(data / "col.sqlite")
        for n, (cid,) in enumerate(con.execute("SELECT id FROM cards ORDER BY id").fetchall()):
            for k, (ease, kind) in enumerate([(3, 0), (3, 0), (3, 1)]):
                con.execute("INSERT INTO revlog VALUES (?, ?, -1, ?, 0, 0, 0, 5000, ?)",
                            (1769990400000 + k * 86_400_000 + n, cid, ease, kind))
        con.commit()
        con.close()
        entries["collection.anki2"] = (data / "col.sqlite").read_bytes()
        with zipfile.ZipFile(data / "phone.apkg", "w") as archive:
            for name, blob in entries.items():
                archive.writestr(name, blob)
        engine = make_engine(f"sqlite:///{data / 'srs.db'}")
        count = [0]
        event.listen(engine, "before_cursor_execute", lambda *args: count.__setitem__(0, count[0] + 1))
        with Session(engine) as session:
            summary = merge_anki(session, 1, read_package(data / "phone.apkg"),
                                 datetime(2026, 3, 1, tzinfo=timezone.utc))
            session.commit()
        engine.dispose()
        assert (summary.reviews_merged, summary.cards_updated) == (3 * cards, cards)
        return count[0]

    small, large = statements(40), statements(400)
    assert large <= small + 12, (small, large)  # a few more IN (...) chunks of 500 ids
