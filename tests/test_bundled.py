"""Bundled decks: installed on first run, updated when a newer version ships, progress kept."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlmodel import Session, select

from conftest import GOOD_DECK
from srs import bundled, deckfile
from srs.app import open_store
from srs.models import Card, Deck, Progress

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
    # ensure_bundled imports the parser when it needs it (start-up does without): patch it where it lives.
    monkeypatch.setattr(deckfile, "parse_deck_text", lambda *a: calls.append(a))
    open_store(None, "default", NOW)
    assert calls == []


def test_older_bundled_version_does_not_overwrite_a_newer_deck(shipped: Path, tmp_path: Path) -> None:
    from srs.deckfile import parse_deck_text
    from srs.decks import add_deck

    store = open_store(None, "default", NOW)
    with Session(store.engine) as s:
        add_deck(s, parse_deck_text(GOOD_DECK.replace('version = "1.0.0"', 'version = "2.0.0"')
                                    .replace("Smile and leave.", "Mine.")), NOW)
        s.commit()
    shipped.write_text(GOOD_DECK.replace('version = "1.0.0"', 'version = "1.5.0"'))
    store = open_store(None, "default", NOW)
    with Session(store.engine) as s:
        assert s.exec(select(Card.response).where(Card.card_id == "second")).one() == "Mine."
