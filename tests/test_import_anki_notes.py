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
from srs.db import database_url, make_engine
from srs.models import Card, Progress, Review
from srs.study import answer_card


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


@pytest.fixture
def on_any_db(any_db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test on SQLite and on PostgreSQL: the CLI and the checks here read ``SRS_DATABASE_URL``."""
    monkeypatch.setenv("SRS_DATABASE_URL", any_db_url)
    return any_db_url


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
