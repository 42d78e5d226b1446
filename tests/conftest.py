"""Shared fixtures. Every test gets its own data directory, so no test touches the real user's data."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner

HERE = Path(__file__).parent
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
