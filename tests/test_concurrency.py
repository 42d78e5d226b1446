"""Concurrent grading never loses a grade nor applies one to a stale state, on SQLite (WAL) and PostgreSQL.

Each worker is a separate process (this file, run as a script) that grades randomly chosen cards from a small
deck, so processes collide on the same cards all the time. A collision is :class:`ConflictError` from
``study.answer_card``'s compare-and-set; the worker re-reads and grades again, as the review screen does. Workers
start together: each says "ready" and blocks on stdin until the test writes "go" to all of them.

Afterwards every grade is in the log exactly once, and every card's stored state equals the state rebuilt by
replaying its log — which fails if any answer was applied to a state other than the one it was computed from.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


T0 = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
CARDS = 6


def worker(url: str, learner: str, grades: int, seed: int) -> dict[str, Any]:
    """Grade ``grades`` times; return what happened. Runs in its own process."""
    from sqlmodel import Session

    from srs.store import progress as study
    from srs.app import open_store
    from srs.errors import ConflictError
    from srs.store.models import Card

    store = open_store(url, learner, datetime.now(timezone.utc), install_bundled=False)
    rng = random.Random(seed)
    done = conflicts = 0
    with Session(store.engine) as session:
        from sqlmodel import select

        cards = sorted(c for c in session.exec(select(Card.id)).all() if c is not None)
        session.rollback()
        print("ready", flush=True)
        sys.stdin.readline()
        while done < grades:
            card = rng.choice(cards)
            progress = study.get_progress(session, store.learner_id, card)
            version = progress.version if progress is not None else 0
            # The clock is read after the state: an answer is always later than the one it builds on.
            now = datetime.now(timezone.utc)
            try:
                study.answer_card(session, store.learner_id, card, rng.randint(1, 4), now, 1_000, version)
                done += 1
            except ConflictError:
                conflicts += 1
    store.engine.dispose()
    return {"done": done, "conflicts": conflicts}


def prepare(url: str, learners: list[str]) -> None:
    from sqlmodel import Session

    from srs.app import open_store
    from srs.store.learners import add_learner
    from srs.store.models import Card, Deck

    store = open_store(url, "default", T0, install_bundled=False)
    with Session(store.engine) as s:
        for name in learners:
            if name != "default":
                add_learner(s, name, T0)
        s.add(Deck(id="d", name="d", version="1", content_hash="x", created_at=T0, updated_at=T0))
        s.flush()
        s.add_all(Card(deck_id="d", card_id=f"c{i}", position=i, situation=f"s{i}", response="r", reasoning="w",
                       content_hash="h", anki_guid=f"g{i}", created_at=T0, updated_at=T0) for i in range(CARDS))
        s.commit()
    store.engine.dispose()


def run_workers(url: str, plan: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """Start one process per (learner, grades), release them together, and collect their reports."""
    procs = [subprocess.Popen([sys.executable, __file__, url, learner, str(grades), str(seed)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for seed, (learner, grades) in enumerate(plan)]
    for p in procs:
        assert p.stdout is not None
        line = p.stdout.readline()
        assert line == "ready\n", line + (p.stderr.read() if p.stderr else "")
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    reports = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports


def check_log_and_states(url: str, expected: dict[str, int]) -> None:
    """Per learner: the number of review rows, and stored state == replayed log for every card."""
    from sqlalchemy import func
    from sqlmodel import Session, select

    from srs.store import progress as study
    from srs.store.engine import make_engine
    from srs.store.models import Learner, Progress, Review

    engine = make_engine(url)
    with Session(engine) as s:
        for name, grades in expected.items():
            learner = s.exec(select(Learner).where(Learner.name == name)).one()
            assert learner.id is not None
            count = s.exec(select(func.count()).select_from(Review).where(Review.learner_id == learner.id)).one()
            assert count == grades, name
            settings = study.load_settings(s, learner.id)
            rows = s.exec(select(Progress).where(Progress.learner_id == learner.id)).all()
            assert rows
            for progress in rows:
                reps = s.exec(select(func.count()).select_from(Review).where(
                    Review.learner_id == learner.id, Review.card_pk == progress.card_pk)).one()
                assert progress.version == reps  # one version bump per grade, none lost or doubled
                rebuilt = study.rebuild_state(s, learner.id, progress.card_pk, settings)
                assert study.card_state(progress) == rebuilt, (name, progress.card_pk)
    engine.dispose()


def _one_learner_four_processes(url: str) -> None:
    prepare(url, ["default"])
    reports = run_workers(url, [("default", 250)] * 4)
    assert sum(r["done"] for r in reports) == 1000
    check_log_and_states(url, {"default": 1000})


def test_four_processes_grading_one_learner_on_sqlite(tmp_path: Path) -> None:
    _one_learner_four_processes(f"sqlite:///{tmp_path / 'srs.db'}")


def test_four_processes_grading_one_learner_on_postgres(pg_head_url: str) -> None:
    _one_learner_four_processes(pg_head_url)


def test_eight_learners_grading_at_once_on_postgres(pg_head_url: str) -> None:
    learners = [f"learner{i}" for i in range(8)]
    prepare(pg_head_url, ["default", *learners])
    reports = run_workers(pg_head_url, [(name, 100) for name in learners])
    assert all(r["done"] == 100 and r["conflicts"] == 0 for r in reports)  # different learners never collide
    check_log_and_states(pg_head_url, {name: 100 for name in learners})


if __name__ == "__main__":
    url, learner, grades, seed = sys.argv[1:5]
    print(json.dumps(worker(url, learner, int(grades), int(seed))))
