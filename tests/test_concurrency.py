"""Concurrent grading never loses a grade nor applies one to a stale state, on SQLite (WAL) and PostgreSQL, on the
path ``srs review`` takes: a :class:`~srs.review.ReviewSession` on a :class:`~srs.review_service.DbReviewService`.

Deterministic: two review sessions of one learner show the same card (each read its progress then), one grades
it, then the other: the second grade is refused with a message and the card is shown again from its new state,
whether the card was new (two inserts of its progress row) or already studied (two updates of it).

Stress: real ``srs review`` processes, several per learner, grade the same small deck from piped keys, started
together (each shows its first card, then all get their keys at once). Afterwards every grade a process counted
is in the log exactly once, and every card's stored state equals the state rebuilt by replaying its log, which
fails if any answer was applied to a state other than the one it was computed from.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from helpers import demo_store
from srs.cli import cli
from srs.review import ReviewSession
from srs.review_service import DbReviewService
from srs.store import progress as store_progress
from srs.store.engine import make_engine
from srs.store.models import Learner, Progress, Review
from srs.store.settings import load_settings

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)


def _sessions(engine: Engine, learner_id: int, clock: list[datetime]) -> tuple[ReviewSession, ReviewSession]:
    def open_one() -> ReviewSession:
        service = DbReviewService.open(engine, learner_id, lambda: clock[0])
        session = ReviewSession(service, clock=lambda: 0.0)
        session.start()
        return session

    return open_one(), open_one()


def _log_matches_state(engine: Engine, learner_id: int) -> dict[int, int]:
    """Per card: the number of review rows; asserts each card's version and state agree with its log."""
    reviews: dict[int, int] = {}
    with Session(engine) as s:
        settings = load_settings(s, learner_id)
        for progress in s.execute(select(Progress).where(Progress.learner_id == learner_id)).scalars():
            count = s.execute(select(func.count()).select_from(Review).where(
                Review.learner_id == learner_id, Review.card_pk == progress.card_pk)).scalar_one()
            assert progress.version == count, progress.card_pk  # one version bump per grade, none lost or doubled
            rebuilt = store_progress.rebuild_state(s, learner_id, progress.card_pk, settings)
            assert store_progress.card_state(progress) == rebuilt, progress.card_pk
            reviews[progress.card_pk] = count
    return reviews


@pytest.mark.parametrize("studied", [False, True], ids=["new card", "studied card"])
def test_a_grade_given_meanwhile_in_another_session_refuses_the_stale_one(any_db_url: str, studied: bool) -> None:
    store = demo_store(any_db_url, T0)
    clock = [T0]
    first, second = _sessions(store.engine, store.learner_id, clock)
    if studied:  # both sessions get past the card's first answer, then show it again
        for session in (first, second):
            session.handle(" ")
        first.handle("1")
        second.handle("u")  # nothing of its own to undo; it reloads nothing
        clock[0] += timedelta(minutes=2)
        first, second = _sessions(store.engine, store.learner_id, clock)
    assert first.current is not None and second.current is not None
    card = first.current.view.pk
    assert second.current.view.pk == card
    seen_version = first.current.progress.version if first.current.progress else 0

    second.handle(" ")
    second.handle("3")  # answered here first ...
    assert second.totals.reviewed == 1 and "elsewhere" not in second.message
    first.handle(" ")
    first.handle("4")  # ... so this grade, computed from the state both sessions showed, is refused
    assert first.totals.reviewed == 0
    assert first.message == "this card was answered elsewhere in the meantime; showing it again"
    assert first.current is not None and first.current.view.pk == card and first.phase.value == "question"
    assert first.current.progress is not None and first.current.progress.version == seen_version + 1

    first.handle(" ")
    first.handle("4")  # shown again from the new state, the grade goes through
    assert first.totals.reviewed == 1
    reviews = _log_matches_state(store.engine, store.learner_id)
    assert reviews[card] == seen_version + 2
    store.engine.dispose()


# -- stress: real `srs review` processes -------------------------------------------------------------------------

CARDS = 12
KEY_PAIRS = 40


def _deck(path: Path) -> Path:
    cards = "".join(f'\n[[cards]]\nid = "c{i}"\nsituation = "Situation {i}."\nresponse = "R."\nreasoning = "W."\n'
                    f'sources = ["a"]\n' for i in range(CARDS))
    path.write_text('[deck]\nid = "stress"\nname = "Stress"\nversion = "1.0.0"\n\n[[sources]]\nid = "a"\n'
                    'title = "A"\n' + cards, encoding="utf-8")
    return path


def _prepare(url: str, learners: list[str], deck: Path) -> None:
    runner = CliRunner()
    for args in (["deck", "add", str(deck)], *(["learner", "add", name] for name in learners)):
        result = runner.invoke(cli, ["--db", url, *args])
        assert result.exit_code == 0, result.output


def _review_processes(url: str, plan: list[str]) -> list[tuple[int, str]]:
    """One ``srs review`` process per learner in ``plan``; each shows its first card, then all get their keys
    at once. Returns each one's reviewed count and stderr."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("SRS_NOW", None)  # real clocks: an answer is always later than the one it builds on
    procs = [subprocess.Popen([sys.executable, "-m", "srs", "--db", url, "--learner", learner, "review",
                               "--deck", "stress"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env)
             for learner in plan]
    for p in procs:  # the first card is on screen: the process has read its state and waits for a key
        assert p.stdout is not None
        line = p.stdout.readline()
        assert line, p.stderr.read() if p.stderr else ""
    keys = []
    for seed, _ in enumerate(plan):
        rng = random.Random(seed)
        keys.append("".join(f"\n{rng.choice('12334')}\n" for _ in range(KEY_PAIRS)))
    for p, text in zip(procs, keys):
        assert p.stdin is not None
        p.stdin.write(text)
        p.stdin.flush()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err, err
        found = re.search(r"Reviewed (\d+) card", out)
        results.append((int(found.group(1)) if found else 0, err))
    return results


def _stress(url: str, tmp_path: Path, plan: list[str]) -> list[tuple[int, str]]:
    learners = sorted(set(plan) - {"default"})
    _prepare(url, learners, _deck(tmp_path / "stress.toml"))
    results = _review_processes(url, plan)
    engine = make_engine(url)
    with Session(engine) as s:
        ids = {name: s.execute(select(Learner.id).where(Learner.name == name)).scalar_one() for name in set(plan)}
    for name, learner_id in ids.items():
        counted = sum(reviewed for (reviewed, _), who in zip(results, plan) if who == name)
        assert counted > 0
        assert sum(_log_matches_state(engine, learner_id).values()) == counted, name
    engine.dispose()
    return results


def test_four_review_processes_of_one_learner_on_sqlite(tmp_path: Path) -> None:
    _stress(f"sqlite:///{tmp_path / 'srs.db'}", tmp_path, ["default"] * 4)


def test_four_review_processes_of_one_learner_on_postgres(pg_head_url: str, tmp_path: Path) -> None:
    _stress(pg_head_url, tmp_path, ["default"] * 4)


def test_eight_learners_reviewing_at_once_on_postgres(pg_head_url: str, tmp_path: Path) -> None:
    results = _stress(pg_head_url, tmp_path, [f"learner{i}" for i in range(8)])
    assert not any("elsewhere" in err for _, err in results)  # different learners never collide
