"""Decks, cards and learners behave the same on SQLite and PostgreSQL (``any_db_url`` runs each test on both):
add, update (progress kept), retire and restore, remove, card list and show, learners with their own progress,
``SRS_DATABASE_URL`` as well as ``--db``."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from srs.cli import cli

NOW = "2026-03-02T15:00:00+00:00"


def srs(runner: CliRunner, url: str, *args: str, learner: str = "default") -> Any:
    result = runner.invoke(cli, ["--db", url, "--learner", learner, *args], env={"SRS_NOW": NOW})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in args else result


def grade_first_card(url: str, learner: str, ref: str) -> None:
    from srs.store import progress as study
    from srs.app import open_store
    from srs.store.cards import find_card

    store = open_store(url, learner, datetime.fromisoformat(NOW), install_bundled=False)
    with Session(store.engine) as s:
        card = find_card(s, ref)
        assert card.id is not None
        study.answer_card(s, store.learner_id, card.id, 3, datetime.fromisoformat(NOW), 2_000, 0)
    store.engine.dispose()


def test_deck_add_update_retire_restore_and_remove(any_db_url: str, runner: CliRunner, deck_file: Path) -> None:
    srs(runner, any_db_url, "deck", "add", str(deck_file))
    decks = {d["id"]: d for d in srs(runner, any_db_url, "deck", "list", "--json")}
    assert decks["demo"]["cards"] == 3 and "interview-closing" in decks
    grade_first_card(any_db_url, "default", "demo/first")

    text = deck_file.read_text()
    edited = text.replace("Ask what hesitations they have.", "Ask about any hesitations.")
    without_third = edited[: edited.index('[[cards]]\nid = "third"')]
    deck_file.write_text(without_third)
    result = srs(runner, any_db_url, "deck", "add", str(deck_file))
    assert "1 changed" in result.stderr and "1 retired" in result.stderr

    first = srs(runner, any_db_url, "card", "show", "demo/first", "--json")
    assert first["response"] == "Ask about any hesitations."
    assert first["progress"]["reps"] == 1  # an edit of the text keeps the progress
    cards = srs(runner, any_db_url, "card", "list", "--deck", "demo", "--json")
    assert [c["id"] for c in cards] == ["demo/first", "demo/second"]
    assert len(srs(runner, any_db_url, "card", "list", "--deck", "demo", "--retired", "--json")) == 3

    deck_file.write_text(text)
    assert "1 restored" in srs(runner, any_db_url, "deck", "add", str(deck_file)).stderr
    srs(runner, any_db_url, "deck", "remove", "demo", "--yes")
    assert "demo" not in {d["id"] for d in srs(runner, any_db_url, "deck", "list", "--json")}


def test_learners_keep_their_own_progress_on_shared_decks(any_db_url: str, runner: CliRunner,
                                                          deck_file: Path) -> None:
    srs(runner, any_db_url, "deck", "add", str(deck_file))
    srs(runner, any_db_url, "learner", "add", "maya")
    grade_first_card(any_db_url, "maya", "demo/first")
    assert srs(runner, any_db_url, "card", "show", "demo/first", "--json", learner="maya")["progress"]["reps"] == 1
    assert srs(runner, any_db_url, "card", "show", "demo/first", "--json")["progress"].get("reps", 0) == 0
    listed = {row["name"]: row["reviews"] for row in srs(runner, any_db_url, "learner", "list", "--json")}
    assert listed == {"default": 0, "maya": 1}
    srs(runner, any_db_url, "learner", "remove", "maya", "--yes")
    result = runner.invoke(cli, ["--db", any_db_url, "--learner", "maya", "deck", "list"])
    assert result.exit_code == 1 and "no learner named 'maya'" in result.stderr


def test_the_database_url_can_come_from_the_environment(any_db_url: str, runner: CliRunner,
                                                        deck_file: Path) -> None:
    result = runner.invoke(cli, ["deck", "add", str(deck_file)], env={"SRS_DATABASE_URL": any_db_url})
    assert result.exit_code == 0, result.output
    assert "demo" in {d["id"] for d in srs(runner, any_db_url, "deck", "list", "--json")}


def test_times_come_back_aware_utc_and_to_the_microsecond(any_db_url: str) -> None:
    from srs.app import open_store
    from srs.store.models import Learner

    moment = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=timezone.utc)
    store = open_store(any_db_url, "default", moment, install_bundled=False)
    with Session(store.engine) as s:
        back = s.exec(select(Learner).where(Learner.name == "default")).one().created_at
    assert back == moment and back.tzinfo == timezone.utc
    store.engine.dispose()


@pytest.mark.parametrize("name", ["maya", "o'brien"])
def test_bad_or_duplicate_learner_names_are_clean_errors(any_db_url: str, runner: CliRunner, name: str) -> None:
    srs(runner, any_db_url, "learner", "add", "maya")
    result = runner.invoke(cli, ["--db", any_db_url, "learner", "add", name])
    assert result.exit_code == 1 and result.stderr.startswith("srs: ") and "Traceback" not in result.output
