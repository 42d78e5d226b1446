"""Several commands started at once on a new database (issue 18.6): the schema, the default learner and the bundled
decks are each created once, and no command fails because another one created them first.

Deterministic: the other process's insert is committed from a hook placed between this process's read ("not
there yet") and its write, on SQLite and PostgreSQL. Stress: real ``srs`` processes started together on a fresh
data directory (SQLite) and on a fresh PostgreSQL database.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import Session

from srs.app import open_store
from srs.bundled import bundled_files
from srs.cli import cli
from srs.errors import SRSError
from srs.store import bundled as store_bundled
from srs.store import deck_import, learners
from srs.store.engine import make_engine
from srs.store.migrations import init_schema
from srs.store.models import Card, Deck, Learner

NOW = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with Session(engine) as session:
        counts = {model.__tablename__: session.execute(select(func.count()).select_from(model)).scalar_one()  # type: ignore[attr-defined]
                  for model in (Learner, Deck, Card)}
    engine.dispose()
    return counts


def _other_process_creates_the_learner(url: str, name: str = "default") -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        session.add(Learner(name=name, created_at=NOW))
        session.commit()
    engine.dispose()


def _learner_created_after_the_first_look(url: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make the first lookup of a learner that finds none be followed at once by another process creating them
    (the race of two first runs); returns the names so created."""
    real = learners.find_learner
    injected: list[str] = []

    def not_yet(session: Session, name: str) -> int | None:
        found = real(session, name)
        if found is None and not injected:  # it was not there when we looked; another process adds it now
            injected.append(name)
            _other_process_creates_the_learner(url, name)
        return found

    monkeypatch.setattr(learners, "find_learner", not_yet)
    return injected


def test_the_default_learner_created_meanwhile_by_another_process_is_used(any_db_url: str,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(any_db_url)
    init_schema(engine)
    injected = _learner_created_after_the_first_look(any_db_url, monkeypatch)
    with Session(engine) as session:
        learner_id = learners.get_or_create_learner(session, "default", NOW)
        session.commit()
    assert injected == ["default"]
    with Session(engine) as session:
        assert session.execute(select(Learner.id).where(Learner.name == "default")).scalars().all() == [learner_id]
    engine.dispose()


def test_a_learner_added_meanwhile_is_refused_with_a_message(any_db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`srs learner add maya` twice at once: one adds her, the other says she exists (not a database error)."""
    engine = make_engine(any_db_url)
    init_schema(engine)
    injected = _learner_created_after_the_first_look(any_db_url, monkeypatch)
    with Session(engine) as session, pytest.raises(SRSError, match="learner 'maya' already exists"):
        learners.add_learner(session, "maya", NOW)
    assert injected == ["maya"]
    engine.dispose()


def test_bundled_decks_installed_meanwhile_by_another_process(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL reads the deck as committed when it looks, so another process may insert it before this one
    does (on SQLite the deck is read after the transaction's first write took the database's lock, so nobody
    can insert it in between; the stress tests below cover both)."""
    real = deck_import.insert_if_absent
    injected: list[int] = []

    def other_installs_first(session: Session, table: Any, *args: Any) -> Any:
        if table is deck_import.deck and not injected:  # this process found no deck and is about to insert it
            injected.append(1)
            other = make_engine(pg_url)  # another process, at the same step of its first run
            with Session(other) as other_session:
                store_bundled.ensure_bundled(other_session, NOW)
                other_session.commit()
            other.dispose()
        return real(session, table, *args)

    monkeypatch.setattr(deck_import, "insert_if_absent", other_installs_first)
    store = open_store(pg_url, "default", NOW)
    assert injected
    assert _counts(pg_url)["deck"] == len(bundled_files())
    with Session(store.engine) as session:
        assert store_bundled.bundled_unchanged(session)
    store.engine.dispose()


def test_bundled_decks_looked_at_before_another_process_installed_them(any_db_url: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    real = store_bundled.bundled_unchanged
    injected: list[int] = []

    def stale(session: Session) -> bool:
        unchanged = real(session)
        if not unchanged and not injected:
            injected.append(1)
            monkeypatch.setattr(store_bundled, "bundled_unchanged", real)
            open_store(any_db_url, "default", NOW).engine.dispose()
            monkeypatch.setattr(store_bundled, "bundled_unchanged", stale)
        return unchanged

    monkeypatch.setattr(store_bundled, "bundled_unchanged", stale)
    open_store(any_db_url, "default", NOW).engine.dispose()
    assert injected
    counts = _counts(any_db_url)
    assert (counts["learner"], counts["deck"]) == (1, len(bundled_files()))


# -- stress: real processes ------------------------------------------------------------------------------------------

COMMANDS = [["status"], ["deck", "list"], ["card", "list"], ["stats"]] * 2


def _start_together(env: dict[str, str], prefix: list[str]) -> list[tuple[int, str]]:
    procs = [subprocess.Popen([sys.executable, "-m", "srs", *prefix, *command], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) for command in COMMANDS]
    return [(p.wait(timeout=300), (p.stderr.read() if p.stderr else "")) for p in procs]


def test_commands_started_together_on_a_fresh_data_dir(tmp_path: Path) -> None:
    data = tmp_path / "fresh"
    env = {**os.environ, "SRS_DATA_DIR": str(data), "SRS_NOW": NOW.isoformat()}
    env.pop("SRS_DATABASE_URL", None)
    results = _start_together(env, [])
    assert [rc for rc, _ in results] == [0] * len(COMMANDS), [err for _, err in results]
    url = f"sqlite:///{data / 'srs.db'}"
    counts = _counts(url)
    assert (counts["learner"], counts["deck"]) == (1, len(bundled_files()))
    assert CliRunner().invoke(cli, ["--db", url, "db", "check"]).exit_code == 0


def test_commands_started_together_on_a_fresh_postgres_database(pg_url: str) -> None:
    env = {**os.environ, "SRS_NOW": NOW.isoformat()}
    env.pop("SRS_DATABASE_URL", None)
    results = _start_together(env, ["--db", pg_url])
    assert [rc for rc, _ in results] == [0] * len(COMMANDS), [err for _, err in results]
    counts = _counts(pg_url)
    assert (counts["learner"], counts["deck"]) == (1, len(bundled_files()))
    assert CliRunner().invoke(cli, ["--db", pg_url, "db", "check"]).exit_code == 0
