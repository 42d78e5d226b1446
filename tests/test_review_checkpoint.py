"""SQLite's WAL checkpoint runs while the learner reads a card, not inside a grade (``srs.store.checkpoint``): no
grade's commit checkpoints, the log stays bounded over a long session, a grade committed to the log survives a
crash before any checkpoint, and other commands read the database while a review runs."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, event, func, select
from sqlmodel import Session

from helpers import demo_store
from srs.app import Store
from srs.cli import cli
from srs.review_service import DbReviewService
from srs.store.checkpoint import IdleCheckpoints
from srs.store.engine import make_engine
from srs.store.models import Review

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
PAGES = 40  # a small threshold, passed every five grades or so (each writes about 8 pages here)
FRAME = 4096 + 24  # SQLite's default page, and the header of each page in the log
LIMIT = 32 + PAGES * FRAME  # the log's file at the threshold: its header, then PAGES frames


@pytest.fixture
def store(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setattr(IdleCheckpoints, "pages", PAGES)
    return demo_store(db_url, NOW)


def _log(store: Store) -> Path:
    return Path(f"{store.engine.url.database}-wal")


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


class _Grader:
    """A review session on the demo deck's three cards, graded Again over and over, two minutes apart."""

    def __init__(self, store: Store) -> None:
        self.clock = [NOW]
        self.service = DbReviewService.open(store.engine, store.learner_id, lambda: self.clock[0])
        self.card = self.service.next_card(True)

    def grade(self) -> None:
        assert self.card is not None
        self.service.grade(self.card, 1, 3000)
        self.clock[0] += timedelta(minutes=2)
        self.card = self.service.next_card(True)


def _reviews(engine: Any) -> int:
    with Session(engine) as session:
        return int(session.execute(select(func.count()).select_from(Review)).scalar_one())


def test_no_grade_runs_a_checkpoint_and_the_log_stays_bounded(store: Store) -> None:
    checkpoints = IdleCheckpoints(store.engine)
    with Session(store.engine) as session:  # the review's connections: SQLite's own checkpoint is off
        assert session.connection().exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == 0
    grader, log = _Grader(store), _log(store)
    grown, restarts = 0, 0
    for _ in range(120):
        before = _size(log)
        grader.grade()
        assert _size(log) >= before  # the grade only appended to the log: no checkpoint started it over
        grown = max(grown, _size(log))
        checkpoints.run_if_due()  # the next card is on screen
        restarts += _size(log) < before
        assert _size(log) < LIMIT
    assert restarts >= 3  # 120 grades passed the threshold several times, and each time the log started over
    assert grown < LIMIT + 16 * FRAME  # at most the threshold plus one grade's pages
    checkpoints.close()
    assert _reviews(store.engine) == 120


def test_without_the_idle_checkpoint_the_log_keeps_growing(store: Store) -> None:
    """The control: it is the idle checkpoint that bounds the log, not one inside a commit."""
    checkpoints = IdleCheckpoints(store.engine)
    grader, log = _Grader(store), _log(store)
    for _ in range(60):
        grader.grade()
    assert _size(log) > 3 * LIMIT
    checkpoints.run_if_due()
    assert _size(log) < LIMIT
    checkpoints.close()


def test_a_reader_is_not_waited_for_and_sees_the_grades_after(store: Store) -> None:
    checkpoints = IdleCheckpoints(store.engine)
    grader, log = _Grader(store), _log(store)
    reader = make_engine(str(store.engine.url))
    with reader.connect() as conn:
        conn.exec_driver_sql("BEGIN")
        seen = conn.exec_driver_sql("SELECT count(*) FROM review").scalar_one()  # its snapshot starts here
        while _size(log) < LIMIT:
            grader.grade()
        checkpoints.run_if_due()  # PASSIVE: copies what it can, returns without waiting for the reader
        assert _size(log) >= LIMIT
        assert conn.exec_driver_sql("SELECT count(*) FROM review").scalar_one() == seen
        conn.rollback()
        assert conn.exec_driver_sql("SELECT count(*) FROM review").scalar_one() > seen
    checkpoints.run_if_due()  # the reader is gone: the log starts over
    assert _size(log) < LIMIT
    checkpoints.close()
    reader.dispose()


def test_other_commands_read_while_a_review_runs(store: Store, db_url: str, runner: CliRunner) -> None:
    checkpoints = IdleCheckpoints(store.engine)
    grader = _Grader(store)
    for _ in range(5):
        grader.grade()
        checkpoints.run_if_due()
    result = runner.invoke(cli, ["status", "--json"], env={"SRS_DATABASE_URL": db_url,
                                                           "SRS_NOW": grader.clock[0].isoformat()})
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["reviewed_today"] == 5
    grader.grade()  # and the review goes on after them
    checkpoints.close()
    assert _reviews(store.engine) == 6


CRASH = """
import os, sys
from datetime import datetime
from srs.review_service import DbReviewService
from srs.store.checkpoint import IdleCheckpoints
from srs.store.engine import make_engine

engine = make_engine(sys.argv[1])
IdleCheckpoints(engine)
now = datetime.fromisoformat(sys.argv[2])
service = DbReviewService.open(engine, int(sys.argv[3]), lambda: now)
service.grade(service.next_card(True), 3, 4000)
os._exit(0)  # killed: no checkpoint, no connection closed
"""


def test_a_grade_in_the_log_survives_a_crash_before_any_checkpoint(store: Store, tmp_path: Path) -> None:
    database = Path(str(store.engine.url.database))
    with store.engine.connect() as conn:  # everything before the grade is in the database file
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.engine.dispose()  # and no connection stays open: the next one has to recover the log
    subprocess.run([sys.executable, "-c", CRASH, str(store.engine.url), NOW.isoformat(), str(store.learner_id)],
                   check=True, capture_output=True)
    assert _size(_log(store)) > 0
    alone = tmp_path / "alone" / "srs.db"  # the database file without its log: the grade is not there
    alone.parent.mkdir()
    shutil.copy(database, alone)
    with sqlite3.connect(alone) as con:
        assert con.execute("SELECT count(*) FROM review").fetchone() == (0,)
    assert _reviews(make_engine(str(store.engine.url))) == 1


def test_srs_review_checkpoints_while_a_card_is_shown(db_url: str, deck_file: Path, runner: CliRunner,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(IdleCheckpoints, "pages", PAGES)
    monkeypatch.setenv("SRS_NOW", NOW.isoformat())
    monkeypatch.setenv("SRS_DATABASE_URL", db_url)
    assert runner.invoke(cli, ["deck", "add", str(deck_file)]).exit_code == 0
    assert runner.invoke(cli, ["deck", "remove", "interview-closing", "--yes"]).exit_code == 0
    log = Path(db_url.removeprefix("sqlite:///") + "-wal")
    sizes: list[int] = []
    closed: list[bool] = []
    run_if_due, close = IdleCheckpoints.run_if_due, IdleCheckpoints.close

    def spy_run(self: IdleCheckpoints) -> None:
        run_if_due(self)
        sizes.append(_size(log))

    def spy_close(self: IdleCheckpoints) -> None:
        closed.append(True)
        close(self)

    monkeypatch.setattr(IdleCheckpoints, "run_if_due", spy_run)
    monkeypatch.setattr(IdleCheckpoints, "close", spy_close)
    result = runner.invoke(cli, ["review"], input="\n1\n" * 40 + "q\n")  # reveal, Again; the clock stands still
    assert result.exit_code == 0, result.output
    assert len(sizes) >= 80 and max(sizes) < LIMIT and min(sizes) < max(sizes)
    assert closed == [True]
    with Session(make_engine(db_url)) as session:
        assert session.execute(select(func.count()).select_from(Review)).scalar_one() == 40


@pytest.mark.parametrize("url", ["postgresql+psycopg://nobody@localhost:1/nothing", "sqlite://"])
def test_nothing_to_do_without_a_sqlite_file(url: str) -> None:
    """PostgreSQL and an in-memory database: no connection is opened, no statement sent."""
    engine = create_engine(url)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    checkpoints = IdleCheckpoints(engine)
    checkpoints.run_if_due()
    checkpoints.close()
    assert statements == []
