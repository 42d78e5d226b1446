"""What several test files share: deck texts, a store holding the demo deck, running ``srs`` in a new
interpreter, the process time zone, the CLI steps of the export and review tests.

Imported as ``from helpers import ...`` (pytest puts ``tests/`` on ``sys.path``); fixtures stay in conftest.py.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from click.testing import CliRunner, Result
    from sqlmodel import Session

    from srs.app import Store

DATA = Path(__file__).resolve().parent.parent / "data"

# The demo deck: three cards, two sources, one counterpoint.
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


# A one-card deck.
GOOD = '''\
[deck]
id = "mini"
name = "Mini"
version = "1.0.0"

[[sources]]
id = "a"
title = "A"

[[cards]]
id = "c1"
situation = "A scene."
response = "Say it."
reasoning = "Why."
sources = ["a"]
tags = ["t"]
'''

# What a deck file from a stranger may hold, where it could become markup or script.
PAYLOADS = ('<script>alert(1)</script>', '<img src=x onerror=alert(2)>', '<a href="javascript:alert(3)">tap</a>',
            '<svg onload=alert(4)>', '{{FrontSide}}')
HOSTILE = " ".join(PAYLOADS)

T1 = "2026-01-05T10:00:00+00:00"  # when the export tests add their deck

# SQLAlchemy, and what sits on it: what the pure modules, `srs --help` and shell completion must not load.
SQLALCHEMY_MODULES = ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "srs.store")


def data_env(data_dir: Path, now: str) -> dict[str, str]:
    """The environment for ``srs`` in a subprocess, on its own data directory, with the database created."""
    env = {**os.environ, "SRS_DATA_DIR": str(data_dir), "SRS_NOW": now}
    env.pop("SRS_DATABASE_URL", None)
    env.pop("SRS_LEARNER", None)
    subprocess.run([sys.executable, "-m", "srs", "status"], capture_output=True, check=True, env=env)
    return env


def modules_loaded_by(args: Sequence[str], env: dict[str, str], watch: Sequence[str] = SQLALCHEMY_MODULES
                      ) -> tuple[list[str], "subprocess.CompletedProcess[str]"]:
    """Run ``srs ARGS`` in a new interpreter (it must succeed) and say which of the ``watch`` modules (or their
    submodules) it loaded.

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
        f"watch = {tuple(watch)!r}\n"
        "print('LOADED', json.dumps([w for w in watch if any(m == w or m.startswith(w + '.') for m in sys.modules)]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.rsplit("LOADED ", 1)[1]), out


def modules_loaded_by_import(module: str, watch: Sequence[str] = SQLALCHEMY_MODULES) -> list[str]:
    """Import ``module`` in a new interpreter and say which of the ``watch`` modules (or submodules) came with it."""
    code = (
        "import importlib, json, sys\n"
        f"importlib.import_module({module!r})\n"
        f"watch = {tuple(watch)!r}\n"
        "print(json.dumps([w for w in watch if any(m == w or m.startswith(w + '.') for m in sys.modules)]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    return loaded


def demo_store(url: str, now: datetime) -> "Store":
    """A store at ``url`` holding only the 3-card demo deck (GOOD_DECK; no bundled deck)."""
    from sqlmodel import Session

    from srs.app import open_store
    from srs.deckfile import parse_deck_text
    from srs.store.deck_import import add_deck

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


def run_cli(runner: "CliRunner", *args: str, now: str = T1) -> "Result":
    """``srs ARGS`` at ``now``, which must succeed."""
    from srs.cli import cli

    result = runner.invoke(cli, list(args), env={"SRS_NOW": now})
    assert result.exit_code == 0, result.output
    return result


def run_review(runner: "CliRunner", keys: str, *args: str) -> "Result":
    """``srs review ARGS`` with ``keys`` on its input, which must succeed (the environment names the database)."""
    from srs.cli import cli

    result = runner.invoke(cli, ["review", *args], input=keys)
    assert result.exit_code == 0, result.output + str(result.exception)
    return result


def learner_session(url: str) -> "Session":
    """A session on the database at ``url``, opened as ``srs`` opens it (tables created, the default learner
    there, no bundled deck installed)."""
    from sqlmodel import Session

    from srs.app import open_store

    return Session(open_store(url, "default", datetime.now(timezone.utc), install_bundled=False).engine)


def add_deck_file(runner: "CliRunner", path: Path, now: str = T1) -> None:
    """``srs deck add PATH`` at ``now``."""
    run_cli(runner, "deck", "add", str(path), now=now)


def add_local_edit(card_id: str, response: str, when: datetime) -> None:
    """Give the default learner their own response on card ``card_id``, in the default database."""
    from sqlmodel import Session, select

    from srs.store.engine import database_url, make_engine
    from srs.store.models import Card, Learner, LocalEdit

    engine = make_engine(database_url(None))
    with Session(engine) as session:
        learner = session.exec(select(Learner).where(Learner.name == "default")).one()
        card = session.exec(select(Card).where(Card.card_id == card_id)).one()
        assert learner.id is not None and card.id is not None
        session.add(LocalEdit(learner_id=learner.id, card_pk=card.id, situation=card.situation, response=response,
                              reasoning=card.reasoning, updated_at=when))
        session.commit()
    engine.dispose()


def load_josh_log() -> list[tuple[int, int, datetime]]:
    """A real learner's review log, ``(card_id, rating, reviewed_at)`` (see tests/data/README.md)."""
    path = DATA / "review_logs_josh_1711744352250_to_1728234780857.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            (int(row["card_id"]), int(row["review_rating"]), datetime.fromisoformat(row["review_time"]))
            for row in csv.DictReader(handle)
        ]
