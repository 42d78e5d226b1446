"""Shared fixtures. Every test gets its own data directory, so no test touches the real user's data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import pytest
from click.testing import CliRunner
from hypothesis import settings

if TYPE_CHECKING:
    from datetime import datetime

    from srs.app import Store

HERE = Path(__file__).parent

# Property tests draw the same examples on every run, so CI cannot turn red on a new random draw; explore with
# `HYPOTHESIS_PROFILE=explore pytest tests/test_scheduling_properties.py` (new random draws each run) and pin
# what it finds with @example.
settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
pytest_plugins = ["pg"]  # a PostgreSQL server for the session: tests/pg.py

GOOD_DECK = '''\
[deck]
id = "demo"
name = "Demo deck"
description = "A small deck for tests."
version = "1.0.0"
license = "CC0-1.0"

[[sources]]
id = "art-a"
title = "Article A"
author = "Ann Author"
date = "2018-05-21"

[[sources]]
id = "art-b"
title = "Article B"

[[cards]]
id = "first"
situation = "The interviewer asks whether you have any questions."
response = "Ask what hesitations they have."
reasoning = "It shows you are open to feedback."
sources = ["art-a"]
tags = ["closing-question"]

[[cards]]
id = "second"
situation = """You shake hands.
Then what?"""
response = "Smile and leave."
reasoning = "Keep it short."
sources = ["art-b"]
tags = ["ending"]

  [[cards.counterpoints]]
  source = "art-a"
  view = "Ask for feedback first."

[[cards]]
id = "third"
situation = "You get home."
response = "Send a thank-you note."
reasoning = "It is polite."
sources = ["art-a", "art-b"]
'''


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
def db_url(isolated_data: Path) -> str:
    return f"sqlite:///{isolated_data / 'srs.db'}"


# What the commands that run on Core statements (srs.tables) must not load: SQLModel, pydantic and the ORM cost
# more than these commands may take over their baselines (issue 9).
ORM_MODULES = ("sqlmodel", "pydantic", "sqlalchemy.orm", "srs.store.models")


def data_env(data_dir: Path, now: str) -> dict[str, str]:
    """The environment for ``srs`` in a subprocess, on its own data directory, with the database created."""
    env = {**os.environ, "SRS_DATA_DIR": str(data_dir), "SRS_NOW": now}
    env.pop("SRS_DATABASE_URL", None)
    env.pop("SRS_LEARNER", None)
    subprocess.run([sys.executable, "-m", "srs", "status"], capture_output=True, check=True, env=env)
    return env


def modules_loaded_by(args: Sequence[str], env: dict[str, str],
                      watch: Sequence[str] = ORM_MODULES) -> tuple[list[str], "subprocess.CompletedProcess[str]"]:
    """Run ``srs ARGS`` in a new interpreter (it must succeed) and say which of the ``watch`` modules it loaded.

    Returns:
        The loaded ones, and the finished process (its output, then a last line with that list).
    """
    code = (
        "import json, sys\n"
        "from srs.cli import cli\n"
        "try:\n"
        f"    cli({list(args)!r}, prog_name='srs')\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        f"print('LOADED', json.dumps([m for m in {tuple(watch)!r} if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.rsplit("LOADED ", 1)[1]), out


def demo_store(url: str, now: "datetime") -> "Store":
    """A store at ``url`` holding only the 3-card demo deck (GOOD_DECK; no bundled deck)."""
    from sqlmodel import Session

    from srs.app import open_store
    from srs.deckfile import parse_deck_text
    from srs.store.decks import add_deck

    store = open_store(url, "default", now, install_bundled=False)
    with Session(store.engine) as session:
        add_deck(session, parse_deck_text(GOOD_DECK, "demo.toml"), now)
        session.commit()
    return store


@contextmanager
def process_zone(name: str) -> Iterator[str]:
    """Set the process's local time zone (``TZ``), which Anki buckets days in; restore it after."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield name
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Any]:
    """An empty collection of the official ``anki`` package (Anki's own Rust backend, as in AnkiDroid)."""
    from anki.collection import Collection

    (tmp_path / "anki").mkdir()
    collection = Collection(str(tmp_path / "anki" / "collection.anki2"))
    yield collection
    collection.close()
