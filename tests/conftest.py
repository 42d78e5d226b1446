"""Shared fixtures. Every test gets its own data directory, so no test touches the real user's data.

Helpers that tests import live in ``tests/helpers``, not here."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import pytest
from click.testing import CliRunner
from hypothesis import settings

from helpers import GOOD_DECK
from helpers.migrations import V1_DB

if TYPE_CHECKING:
    from sqlmodel import Session

# Property tests draw the same examples on every run, so CI cannot turn red on a new random draw; explore with
# `HYPOTHESIS_PROFILE=explore pytest tests/test_scheduling_properties.py` (new random draws each run) and pin
# what it finds with @example.
settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
pytest_plugins = ["pg"]  # a PostgreSQL server for the session: tests/pg.py

@pytest.fixture(autouse=True)
def isolated_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    data = tmp_path / "data"
    monkeypatch.setenv("SRS_DATA_DIR", str(data))
    for var in ("SRS_DATABASE_URL", "SRS_LEARNER", "SRS_NOW", "SRS_EXPORT_TIMESTAMP"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    yield data

@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()

@pytest.fixture
def deck_file(tmp_path: Path) -> Path:
    path = tmp_path / "demo.toml"
    path.write_text(GOOD_DECK, encoding="utf-8")
    return path

@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    """A session on ``db_url`` with the tables at the newest schema (no learner, no deck)."""
    from sqlmodel import Session

    from srs.store.engine import make_engine
    from srs.store.migrations import init_schema

    engine = make_engine(db_url)
    init_schema(engine)
    with Session(engine) as s:
        yield s
    engine.dispose()


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Any]:
    """An empty collection of the official ``anki`` package (Anki's own Rust backend, as in AnkiDroid)."""
    from anki.collection import Collection

    (tmp_path / "anki").mkdir()
    collection = Collection(str(tmp_path / "anki" / "collection.anki2"))
    yield collection
    collection.close()


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    """A copy of srs 0.1.0's database (tests/fixtures/srs-v1.db) to upgrade."""
    target = tmp_path / "old" / "srs.db"
    target.parent.mkdir()
    shutil.copy(V1_DB, target)
    return target


@pytest.fixture
def on_any_db(any_db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The test on SQLite and on PostgreSQL, through ``SRS_DATABASE_URL``: what the CLI and ``database_url(None)``
    read."""
    monkeypatch.setenv("SRS_DATABASE_URL", any_db_url)
    return any_db_url


@pytest.fixture
def demo_apkg(runner: CliRunner, deck_file: Path, tmp_path: Path) -> Path:
    """Our own Anki export of the demo deck (three cards, fixed timestamp): the base the Anki import tests tamper
    with to make a phone's or a hostile package."""
    from srs.cli import cli

    env = {"SRS_NOW": "2026-01-01T00:00:00+00:00"}
    assert runner.invoke(cli, ["deck", "add", str(deck_file)], env=env).exit_code == 0
    out = tmp_path / "demo.apkg"
    result = runner.invoke(cli, ["export", "anki", "--deck", "demo", "-o", str(out), "--timestamp", "1767225600"],
                           env=env)
    assert result.exit_code == 0, result.output
    return out
