"""In-process figures, each run in a fresh child interpreter: ``python -m benchmarks.inprocess FIGURE DB REPEAT
[ARG]``.

Prints one JSON object with the samples of each side, in seconds. Both sides run in the same process on the same
database, after their imports, so the ratio is the cost of our code and SQL over the plain ``sqlite3`` doing the
same work. ``_api`` also finds the functions in the srs from before the storage refactor (``python -m benchmarks
--before``), where they had other homes.
"""

from __future__ import annotations

import gc
import json
import sqlite3
import statistics
import struct
import sys
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from benchmarks import synth

PRAGMAS = ("PRAGMA busy_timeout = 30000", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL",
           "PRAGMA foreign_keys = ON")


def _ts(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _raw(db: str) -> sqlite3.Connection:
    con = sqlite3.connect(db, isolation_level=None)
    for pragma in PRAGMAS:
        con.execute(pragma)
    return con


def _alternate(calls: dict[str, Callable[[], Any]], repeat: int, warmup: int = 3) -> dict[str, list[float]]:
    """Seconds per call of each of ``calls``, called in turn (``repeat`` rounds after ``warmup`` untimed ones) so
    that a busy moment of the machine lands on every side."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for i in range(warmup + repeat):
        for name, fn in calls.items():
            start = time.perf_counter()
            fn()
            if i >= warmup:
                times[name].append(time.perf_counter() - start)
    return times


def _api() -> dict[str, Any]:
    """make_engine, load_settings, queue_state and collect_stats, wherever this srs keeps them, and what its review
    screen runs the queue on (``open``: a session; before srs/store, a plain connection)."""
    from sqlmodel import Session

    try:
        from srs.store.engine import make_engine
        from srs.store.queue import queue_state
        from srs.store.settings import load_settings
        from srs.store.stats import collect_stats
        opener: Any = Session
    except ImportError:  # the layout before srs/store (--before)
        from srs.db import make_engine  # type: ignore[no-redef]
        from srs.queue import load_settings, queue_state  # type: ignore[no-redef]
        from srs.stats import collect_stats  # type: ignore[no-redef]

        def opener(engine: Any) -> Any:
            return engine.connect()
    return {"make_engine": make_engine, "load_settings": load_settings, "queue_state": queue_state,
            "collect_stats": collect_stats, "open": opener}


# -- the grade step ----------------------------------------------------------------------------------------------

WARMUP = 10


def _idle(engine: Any) -> Callable[[], None]:
    """What ``srs review`` runs once the next card is on screen, before it reads a key: SQLite's checkpoint when
    due (``srs.store.checkpoint``; nothing in an srs from before it, whose grades checkpoint in their commit)."""
    try:
        from srs.store.checkpoint import IdleCheckpoints
    except ImportError:
        return lambda: None
    return IdleCheckpoints(engine).run_if_due


def grade(db: str, repeat: int, day: int = 0) -> dict[str, Any]:
    """Answer the card on screen (committed) and fetch the next one with the counts its header shows, as
    ``srs review`` does per keypress: ``repeat`` keypresses after a warm-up, on learner-day ``day`` after
    ``synth.NOW`` (so that sessions run one after another on one copy each find a day's worth of due cards).
    Between keypresses, untimed, what the review screen runs while the learner reads the card (``_idle``)."""
    from srs.review_service import DbReviewService

    engine = _api()["make_engine"](f"sqlite:///{db}")
    today = synth.NOW + timedelta(days=day)
    clock = [today]

    def now() -> datetime:
        return clock[0]

    service = DbReviewService.open(engine, 1, now)
    idle = _idle(engine)
    card = service.next_card(True)
    ours: list[float] = []
    cpu: list[float] = []
    control: list[float] = []
    checkpoint: list[int] = []
    frames: list[int] = []
    full_gc: list[int] = []
    idle_checkpoints: list[float] = []  # seconds of each checkpoint run while the card is on screen
    collections = [0]  # CPython's full (generation 2) collections so far

    def count_full(phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and info["generation"] == 2:
            collections[0] += 1

    gc.callbacks.append(count_full)
    for i in range(repeat + WARMUP):
        assert card is not None, "ran out of cards to grade"
        clock[0] = today + timedelta(seconds=10 * i)
        wal, full = _wal(db), collections[0]
        start, start_cpu = time.perf_counter(), time.process_time()
        service.grade(card, 3, 5000)
        card = service.next_card(True)
        ours.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        after = _wal(db)
        checkpoint.append(int(after[1] > wal[1]))
        full_gc.append(collections[0] - full)
        frames.append(after[0] - wal[0] if after[0] >= wal[0] else after[0])
        start = time.perf_counter()
        idle()
        if i >= WARMUP and _wal(db) != after:
            idle_checkpoints.append(time.perf_counter() - start)
        if i == WARMUP:
            steps = _steps_for(statistics.median(cpu[:WARMUP]))
        if i >= WARMUP:
            control.append(_work(steps))
    gc.callbacks.remove(count_full)
    ours, cpu, checkpoint, frames = ours[WARMUP:], cpu[WARMUP:], checkpoint[WARMUP:], frames[WARMUP:]
    full_gc = full_gc[WARMUP:]

    con = _raw(db)
    moment = [today + timedelta(hours=1)]
    end = _ts(today.replace(hour=4) + timedelta(days=1))

    def next_pk() -> int:
        now = _ts(moment[0])
        available = ("p.learner_id = 1 AND p.suspended = 0 AND (p.buried_until IS NULL OR p.buried_until <= ?)"
                     " AND c.retired = 0")
        heads = [con.execute(f"SELECT p.due, p.card_pk FROM progress p JOIN card c ON c.id = p.card_pk WHERE"
                             f" {available} AND p.state = ? AND p.due <= ? ORDER BY p.due, p.card_pk LIMIT 1",
                             (now, state, now)).fetchone() for state in (1, 3)]
        row = min((h for h in heads if h), default=None)
        if row is not None:
            row = (row[1],)
        else:
            row = con.execute(f"SELECT p.card_pk FROM progress p JOIN card c ON c.id = p.card_pk WHERE {available}"
                              " AND p.state = 2 AND p.due < ? ORDER BY p.due, p.card_pk LIMIT 1",
                              (now, end)).fetchone()
        return int(row[0])

    def show(pk: int) -> None:
        con.execute("SELECT * FROM card WHERE id = ?", (pk,)).fetchone()
        con.execute("SELECT * FROM progress WHERE learner_id = 1 AND card_pk = ?", (pk,)).fetchone()

    def counts() -> None:
        """The header's counts: new cards introduced and reviews done today, due reviews up to the daily limit,
        learning cards due within the 20-minute learn-ahead."""
        now, start = _ts(moment[0]), _ts(today.replace(hour=4))
        available = ("p.learner_id = 1 AND p.suspended = 0 AND (p.buried_until IS NULL OR p.buried_until <= ?)"
                     " AND c.retired = 0")
        con.execute("SELECT count(*) FROM (SELECT card_pk FROM review WHERE learner_id = 1 AND card_pk IN"
                    " (SELECT card_pk FROM review WHERE learner_id = 1 AND reviewed_at >= ? AND reviewed_at < ?"
                    " AND kind = 0) GROUP BY card_pk HAVING min(reviewed_at) >= ?)", (start, end, start)).fetchone()
        con.execute("SELECT count(*) FROM review WHERE learner_id = 1 AND reviewed_at >= ? AND reviewed_at < ?"
                    " AND kind = 1", (start, end)).fetchone()
        con.execute(f"SELECT count(*) FROM (SELECT 1 FROM progress p JOIN card c ON c.id = p.card_pk WHERE"
                    f" {available} AND p.state = 2 AND p.due < ? LIMIT 200)", (now, end)).fetchone()
        con.execute(f"SELECT count(*) FROM progress p JOIN card c ON c.id = p.card_pk WHERE {available}"
                    " AND p.state IN (1, 3) AND p.due <= ?", (now, _ts(moment[0] + timedelta(minutes=20)))).fetchone()

    pk = next_pk()
    show(pk)
    baseline: list[float] = []
    for i in range(repeat + WARMUP):
        moment[0] += timedelta(seconds=10)
        stamp = _ts(moment[0])
        start = time.perf_counter()
        pid, version = con.execute("SELECT id, version FROM progress WHERE learner_id = 1 AND card_pk = ?",
                                   (pk,)).fetchone()
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE progress SET state = 2, step = 0, stability = 12.5, difficulty = 5.1, due = ?,"
                    " last_review = ?, scheduled_days = 12, reps = reps + 1, lapses = lapses, version = ?"
                    " WHERE id = ? AND version = ?", (_ts(moment[0] + timedelta(days=12)), stamp, version + 1, pid,
                                                     version))
        con.execute("INSERT INTO review (learner_id, card_pk, rating, reviewed_at, duration_ms, kind, interval_days,"
                    " prev_interval_days, origin, prev_state) VALUES (1, ?, 3, ?, 5000, 1, 12, 10, 'terminal', ?)",
                    (pk, stamp, json.dumps({"row": True, "version": version})))
        con.execute("COMMIT")
        pk = next_pk()
        counts()
        show(pk)
        if i >= WARMUP:
            baseline.append(time.perf_counter() - start)
    return {"ours": ours, "cpu": cpu, "control": control, "checkpoint": checkpoint, "frames": frames,
            "full_gc": full_gc, "baseline": baseline, "idle_checkpoint": idle_checkpoints}


def _wal(db: str) -> tuple[int, int]:
    """SQLite's WAL index for ``db``: frames in the log, and frames copied back by the last checkpoint (the
    ``mxFrame`` and ``nBackfill`` words of the ``-shm`` file, sqlite.org/walformat.html). A keypress during
    which the second grows ran a checkpoint: SQLite runs one in the commit that takes the log to 1,000 pages."""
    try:
        with open(f"{db}-shm", "rb") as shm:
            header = shm.read(100)
    except OSError:
        return 0, 0
    if len(header) < 100:
        return 0, 0
    return struct.unpack_from("=I", header, 16)[0], struct.unpack_from("=I", header, 96)[0]


def _work(steps: int) -> float:
    """Wall time of a fixed loop of ``steps`` steps: what the machine adds at that moment to a task of that size,
    by making the process wait for a CPU or by running it slower (the control beside each keypress). A loop of
    fixed CPU time, as before, saw only the waiting: a virtual CPU slowed by its host is charged to the process
    as CPU time, and the keypresses of such spells took 5-10 times their CPU time while it stayed at its length."""
    start = time.perf_counter()
    total = 0
    for step in range(steps):
        total += step
    return time.perf_counter() - start


def _steps_for(seconds: float) -> int:
    """How many steps of :func:`_work` take ``seconds`` on this machine at its fastest (the best of five)."""
    probe = 200_000
    fastest = min(_work(probe) for _ in range(5))
    return max(1, round(probe * seconds / fastest))


# -- building today's queue --------------------------------------------------------------------------------------

def queue(db: str, repeat: int) -> dict[str, Any]:
    """Today's counts and the next card, as ``srs review`` builds them for each card it shows
    (``queue_state`` on a fresh session), against the same statements in sqlite3, alternating call by call."""
    from sqlalchemy import event
    from sqlmodel import Session

    api = _api()
    make_engine, queue_state, load_settings = api["make_engine"], api["queue_state"], api["load_settings"]

    def build(engine: Any) -> None:
        with api["open"](engine) as session:
            queue_state(session, 1, synth.NOW, settings)

    # The statements are captured on an engine of their own, so the measured one has no listener.
    spy = make_engine(f"sqlite:///{db}")
    with Session(spy) as session:
        settings = load_settings(session, 1)
    captured: list[tuple[str, Any]] = []

    @event.listens_for(spy, "before_cursor_execute")
    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        captured.append((statement, parameters))

    build(spy)
    spy.dispose()
    engine = make_engine(f"sqlite:///{db}")
    con = _raw(db)

    def baseline() -> None:
        for statement, parameters in captured:
            con.execute(statement, parameters).fetchall()

    return {"statements": len(captured), **_alternate({"ours": lambda: build(engine), "baseline": baseline}, repeat)}


# -- stats aggregates --------------------------------------------------------------------------------------------

def stats(db: str, repeat: int) -> dict[str, Any]:
    """``stats.collect_stats`` against hand-written SQL for the same numbers (UTC learner, 4 am rollover)."""
    from sqlmodel import Session

    api = _api()
    make_engine, load_settings, collect_stats = api["make_engine"], api["load_settings"], api["collect_stats"]

    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        settings = load_settings(session, 1)
    assert settings.timezone in ("UTC", "Etc/UTC") and settings.rollover_hour == 4, settings

    def ours() -> None:
        with Session(engine) as session:
            collect_stats(session, 1, synth.NOW, settings)

    con = _raw(db)

    def baseline() -> None:
        for sql, args in baseline_stats_sql(synth.NOW):
            con.execute(sql, args).fetchall()

    return _alternate({"ours": ours, "baseline": baseline}, repeat, warmup=2)


def baseline_stats_sql(now: datetime, days: int = 30, heatmap_days: int = 183) -> list[tuple[str, tuple[Any, ...]]]:
    """The aggregates ``srs stats`` shows, as plain SQL for a UTC learner with a 4 am rollover."""
    today = (now - timedelta(hours=4)).date()
    tomorrow = _ts(datetime(today.year, today.month, today.day, 4, tzinfo=timezone.utc) + timedelta(days=1))
    since = _ts(datetime(today.year, today.month, today.day, 4, tzinfo=timezone.utc) - timedelta(days=days - 1))
    heat = _ts(datetime(today.year, today.month, today.day, 4, tzinfo=timezone.utc)
               - timedelta(days=heatmap_days - 1))
    horizon = _ts(datetime(today.year, today.month, today.day, 4, tzinfo=timezone.utc) + timedelta(days=days))
    return [
        ("SELECT date(p.due, '-4 hours'), count(*) FROM progress p JOIN card c ON c.id = p.card_pk"
         " WHERE p.learner_id = 1 AND p.due < ? AND p.state != 0 AND p.suspended = 0 AND c.retired = 0"
         " GROUP BY 1", (horizon,)),
        ("SELECT date(reviewed_at, '-4 hours'), count(*) FROM review WHERE learner_id = 1 AND reviewed_at >= ?"
         " AND reviewed_at < ? GROUP BY 1", (heat, tomorrow)),
        ("SELECT count(*), sum(rating > 1), sum(prev_interval_days >= 21), sum(prev_interval_days >= 21 AND"
         " rating > 1) FROM review WHERE learner_id = 1 AND reviewed_at >= ? AND reviewed_at < ? AND kind = 1",
         (since, tomorrow)),
        ("SELECT count(*), sum(p.suspended = 1), sum(p.suspended = 0 AND p.state = 1),"
         " sum(p.suspended = 0 AND p.state = 3), sum(p.suspended = 0 AND p.state = 2 AND p.scheduled_days < 21),"
         " sum(p.suspended = 0 AND p.state = 2 AND p.scheduled_days >= 21) FROM card c LEFT JOIN progress p"
         " ON p.card_pk = c.id AND p.learner_id = 1 WHERE c.retired = 0", ()),
        ("SELECT count(*), sum(duration_ms) FROM review WHERE learner_id = 1 AND reviewed_at >= ?"
         " AND reviewed_at < ?", (since, tomorrow)),
    ]


# -- under an interview plan ------------------------------------------------------------------------------------

INTERVIEW_DECK = "bench0"  # 10,000 cards, most of them studied


def _with_interview(db: str) -> tuple[Any, Any, Any, float, int]:
    """An interview for one deck two weeks ahead, and today's plan made for it (the once-a-day cost, timed)."""
    from sqlalchemy import func, select
    from sqlmodel import Session

    from srs.store.day_plan import ensure_plan
    from srs.store.engine import make_engine
    from srs.store.interviews import add_interview
    from srs.store.models import PlannedCard
    from srs.store.settings import load_settings

    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        settings = load_settings(session, 1)
        add_interview(session, 1, synth.NOW + timedelta(days=14), INTERVIEW_DECK, synth.NOW)
        session.commit()
        start = time.perf_counter()
        plan = ensure_plan(session, 1, synth.NOW, settings)
        session.commit()
        made = time.perf_counter() - start
        rows = int(session.execute(select(func.count()).select_from(PlannedCard)).scalar_one())
    assert plan is not None
    return engine, settings, plan, made, rows


def interview_queue(db: str, repeat: int) -> dict[str, Any]:
    """``queue_state`` as the review screen runs it for each card, under an interview plan and without one, on
    the same collection, alternating call by call."""
    from sqlmodel import Session

    from srs.store.queue import queue_state

    engine, settings, plan, made, rows = _with_interview(db)

    def build(with_plan: Any) -> None:
        with Session(engine) as session:
            queue_state(session, 1, synth.NOW, settings, plan=with_plan)

    ours, base = [], []
    for i in range(repeat + 3):
        for with_plan, times in ((plan, ours), (None, base)):
            start = time.perf_counter()
            build(with_plan)
            if i >= 3:
                times.append(time.perf_counter() - start)
    return {"ours": statistics.median(ours), "baseline": statistics.median(base), "plan_seconds": made,
            "planned_rows": rows}


def interview_grade(db: str, repeat: int) -> dict[str, Any]:
    """The keypress of ``grade`` under an interview plan: answer + commit + next card and its counts."""
    from srs.review_service import DbReviewService

    engine, _, _, made, rows = _with_interview(db)
    clock = [synth.NOW]
    service = DbReviewService.open(engine, 1, lambda: clock[0])
    idle = _idle(engine)
    card = service.next_card(True)
    assert service.plan is not None
    ours: list[float] = []
    for i in range(repeat + 3):
        assert card is not None, "ran out of cards to grade"
        clock[0] = synth.NOW + timedelta(seconds=10 * i)
        start = time.perf_counter()
        service.grade(card, 3, 5000)
        card = service.next_card(True)
        if i >= 3:
            ours.append(time.perf_counter() - start)
        idle()
    return {"ours": statistics.median(ours), "ours_p99": statistics.quantiles(ours, n=100, method="inclusive")[98],
            "plan_seconds": made, "planned_rows": rows}


FIGURES = {"grade": grade, "queue": queue, "stats": stats, "interview_queue": interview_queue,
           "interview_grade": interview_grade}


def main() -> None:
    figure, db, repeat, *extra = sys.argv[1:]
    print(json.dumps(FIGURES[figure](db, int(repeat), *map(int, extra))))


if __name__ == "__main__":
    main()
