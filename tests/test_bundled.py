"""Bundled decks: installed on first run, updated when a newer version ships, progress kept."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlmodel import Session, select

from helpers import GOOD_DECK
from srs import bundled
from srs.store import bundled as store_bundled
from srs.app import open_store
from srs.store.models import Card, Deck, Progress

NOW = datetime(2026, 11, 1, 12, tzinfo=timezone.utc)


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bundled"
    folder.mkdir()
    (folder / "demo.toml").write_text(GOOD_DECK)
    monkeypatch.setattr(bundled, "bundled_dir", lambda: folder)
    return folder / "demo.toml"


def test_newer_bundled_version_updates_content_and_keeps_progress(shipped: Path) -> None:
    store = open_store(None, "default", NOW)
    with Session(store.engine) as s:
        pk = s.exec(select(Card.id).where(Card.card_id == "first")).one()
        s.add(Progress(learner_id=store.learner_id, card_pk=pk, state=2, reps=4, scheduled_days=3))
        s.commit()
    shipped.write_text(GOOD_DECK.replace('version = "1.0.0"', 'version = "1.1.0"')
                       .replace("Ask what hesitations they have.", "Ask: what hesitations do you have?"))
    store = open_store(None, "default", NOW)
    with Session(store.engine) as s:
        card = s.exec(select(Card).where(Card.card_id == "first")).one()
        assert card.response == "Ask: what hesitations do you have?" and card.id == pk
        assert s.exec(select(Progress.reps).where(Progress.card_pk == pk)).one() == 4
        assert s.get(Deck, "demo").version == "1.1.0"  # type: ignore[union-attr]


def test_unchanged_bundled_file_is_not_parsed_again(shipped: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_store(None, "default", NOW)
    calls = []
    monkeypatch.setattr(store_bundled, "parse_deck_text", lambda *a: calls.append(a))
    open_store(None, "default", NOW)
    assert calls == []


def test_older_bundled_version_does_not_overwrite_a_newer_deck(shipped: Path, tmp_path: Path) -> None:
    from srs.deckfile import parse_deck_text
    from srs.store.deck_import import add_deck

    store = open_store(None, "default", NOW)
    with Session(store.engine) as s:
        add_deck(s, parse_deck_text(GOOD_DECK.replace('version = "1.0.0"', 'version = "2.0.0"')
                                    .replace("Smile and leave.", "Mine.")), NOW)
        s.commit()
    shipped.write_text(GOOD_DECK.replace('version = "1.0.0"', 'version = "1.5.0"'))
    store = open_store(None, "default", NOW)
    with Session(store.engine) as s:
        assert s.exec(select(Card.response).where(Card.card_id == "second")).one() == "Mine."


def test_a_newer_copy_of_a_bundled_deck_is_not_parsed_on_every_start_up(shipped: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from srs.deckfile import parse_deck_text
    from srs.store.deck_import import add_deck

    store = open_store(None, "default", NOW)
    with Session(store.engine) as s:
        add_deck(s, parse_deck_text(GOOD_DECK.replace('version = "1.0.0"', 'version = "2.0.0"')), NOW)
        s.commit()
    open_store(None, "default", NOW)  # finds the shipped 1.0.0 older than the user's copy, and records that
    with Session(store.engine) as s:
        assert store_bundled.bundled_unchanged(s)
    calls = []
    monkeypatch.setattr(store_bundled, "parse_deck_text", lambda *a: calls.append(a))
    open_store(None, "default", NOW)
    assert calls == []


def test_removing_a_newer_copy_installs_the_bundled_deck_again(shipped: Path) -> None:
    from srs.deckfile import parse_deck_text
    from srs.store.deck_import import add_deck
    from srs.store.decks import remove_deck

    store = open_store(None, "default", NOW)
    with Session(store.engine) as s:
        add_deck(s, parse_deck_text(GOOD_DECK.replace('version = "1.0.0"', 'version = "2.0.0"')), NOW)
        s.commit()
    open_store(None, "default", NOW)  # the shipped copy is refused while the user's newer one is there
    with Session(store.engine) as s:
        s.get(Deck, "demo").bundled_hash = ""  # type: ignore[union-attr]  # as a deck the user added by hand
        remove_deck(s, "demo")
        s.commit()
    store = open_store(None, "default", NOW)
    with Session(store.engine) as s:
        assert s.get(Deck, "demo").version == "1.0.0"  # type: ignore[union-attr]


def test_a_removed_bundled_deck_stays_removed_across_start_ups(tmp_path: Path) -> None:
    """A removed bundled deck is recorded as refused: later start-ups in new processes leave it out."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "SRS_DATA_DIR": str(tmp_path), "SRS_NOW": "2026-11-01T08:00:00+00:00"}
    env.pop("SRS_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "srs", "status"], capture_output=True, check=True, env=env)
    subprocess.run([sys.executable, "-m", "srs", "deck", "remove", "interview-closing", "--yes"],
                   capture_output=True, check=True, env=env)
    code = (
        "import sys\n"
        "from srs.cli import cli\n"
        "try:\n"
        "    cli(['status'], prog_name='srs')\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
    )
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    out = subprocess.run([sys.executable, "-m", "srs", "deck", "list"], capture_output=True, text=True,
                         check=True, env=env)
    assert "interview-closing" not in out.stdout
