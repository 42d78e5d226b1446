"""The figures. Each takes the shared environment and returns a :class:`Figure`.

The baselines of the commands that open the database start with ``import sqlmodel``: that import is the floor of
any SQLModel-backed command, so each goal is what our command adds over the same work done by hand on top of it.
With ``side`` (``python -m benchmarks --before``), a figure that writes data keeps it apart per side.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import textwrap
import time
from pathlib import Path
from typing import Any

from benchmarks import synth
from benchmarks.harness import PY, SRS, Figure, child_peak, has_command, wall_pair


def _py(code: str) -> list[str]:
    return [PY, "-c", textwrap.dedent(code)]


def help_(env: dict[str, str], repeat: int, **_: Any) -> Figure:
    ours, base = wall_pair([*SRS, "--help"], _py("import click"), env, repeat)
    return Figure("`srs --help`", ours, base, 1.5, note="baseline: python -c 'import click'")


def completion(env: dict[str, str], repeat: int, **_: Any) -> Figure:
    comp = {**env, "_SRS_COMPLETE": "bash_complete", "COMP_WORDS": "srs de", "COMP_CWORD": "1"}
    ours, base = wall_pair([*SRS], _py("import click"), comp, repeat, base_env=env)
    return Figure("shell completion (`srs de<TAB>`)", ours, base, 1.5, note="baseline: python -c 'import click'")


def status(env: dict[str, str], repeat: int, **_: Any) -> Figure:
    if not has_command(env, "status"):
        return Figure("`srs status` (large collection)", None, None, 1.5, note="missing: no status command")
    ours, base = wall_pair([*SRS, "status"], _py("import sqlmodel"), env, repeat)
    return Figure("`srs status` (large collection)", ours, base, 1.5, note="baseline: python -c 'import sqlmodel'")


def deck_add(env: dict[str, str], work: Path, repeat: int, export_cards: int, side: str = "", **_: Any) -> Figure:
    n = 10_000
    files = []
    for k in range(repeat):
        path = work / f"add{k}.toml"
        path.write_text(synth.deck_text(f"add{k}", n))
        files.append(path)
    # Into a collection of its own (created before timing), so the 100k-card one stays as it is for the rest.
    env = {**env, "SRS_DATA_DIR": str(work / f"deck-add{side}")}
    subprocess.run([*SRS, "deck", "list"], env=env, check=True, capture_output=True)
    baseline = _py(f"""
        import json, sqlite3, tomllib, sys
        import sqlmodel
        data = tomllib.load(open(sys.argv[1], "rb"))
        con = sqlite3.connect({str(work / f'baseline-add{side}.db')!r})
        con.execute("create table if not exists card (deck_id, card_id, position, situation, response, reasoning,"
                    " sources, tags, counterpoints, retired)")
        con.executemany("insert into card values (?,?,?,?,?,?,?,?,?,0)", [
            (data["deck"]["id"], c["id"], i, c["situation"], c["response"], c["reasoning"],
             json.dumps(c["sources"]), json.dumps(c.get("tags", [])), json.dumps(c.get("counterpoints", [])))
            for i, c in enumerate(data["cards"])])
        con.commit()
    """)
    # Each file once on each side, alternately (a new deck each time: the import, not the no-change path).
    pairs = [(_timed([*SRS, "deck", "add", str(path)], env), _timed(baseline + [str(path)], env)) for path in files]
    return Figure("`srs deck add` (10,000-card file)", statistics.median(o for o, _ in pairs),
                  statistics.median(b for _, b in pairs), 3.0,
                  note="baseline: import sqlmodel + tomllib + sqlite3 executemany")


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def export_anki(env: dict[str, str], work: Path, repeat: int, export_cards: int, side: str = "",
                **_: Any) -> Figure:
    """``srs export anki`` of one deck of ``export_cards`` cards (10,000; 2,000 with --quick), from a collection
    of its own (made before timing), against ``import sqlmodel`` and a plain genanki script writing the same
    notes."""
    if not has_command(env, "export", "anki"):
        return Figure("`srs export anki` (10,000 cards)", None, None, 1.3, note="missing: no export command")
    env = {**env, "SRS_DATA_DIR": str(work / f"export{side}")}
    deck_file = work / "export-deck.toml"
    deck_file.write_text(synth.deck_text("export", export_cards))
    subprocess.run([*SRS, "deck", "add", str(deck_file)], env=env, check=True, capture_output=True)
    out = work / "bench.apkg"
    notes = work / "export-notes.json"
    if not notes.exists():
        _dump_notes({k: v for k, v in env.items() if k != "PYTHONPATH"}, notes, "export")
    count = len(json.loads(notes.read_text()))
    baseline = _py(f"""
        import genanki, json
        import sqlmodel
        from exporters.anki_note import ANSWER, CSS, FIELDS, MODEL_ID, QUESTION
        data = json.load(open({str(notes)!r}))
        model = genanki.Model(MODEL_ID, "srs Situation", fields=[{{"name": n}} for n, _ in FIELDS],
                              templates=[{{"name": "Card 1", "qfmt": QUESTION, "afmt": ANSWER}}], css=CSS)
        deck = genanki.Deck(2, "Bench")
        for guid, fields, tags in data:
            deck.add_note(genanki.Note(model=model, guid=guid, fields=fields, tags=tags))
        genanki.Package(deck).write_to_file({str(work / 'baseline.apkg')!r}, timestamp=1)
    """)
    ours, base = wall_pair([*SRS, "export", "anki", "--deck", "export", "-o", str(out)], baseline, env, repeat)
    return Figure(f"`srs export anki` ({count:,} cards)", ours, base, 1.3,
                  note="baseline: import sqlmodel + a plain genanki script writing the same notes")


def _dump_notes(env: dict[str, str], path: Path, deck_id: str) -> None:
    """Our exact note fields, tags and GUIDs for one deck, so the genanki baseline writes the same notes."""
    code = f"""
import json
from sqlmodel import Session
from srs.app import open_store
from srs.clock import now
from srs.store.export import decks_for_export
from exporters.anki_note import note_fields, note_tags
store = open_store(None, "default", now())
with Session(store.engine) as session:
    decks = decks_for_export(session, store.learner_id, [{deck_id!r}])
json.dump([[c.anki_guid, note_fields(c), note_tags(c)] for d in decks for c in d.cards], open({str(path)!r}, "w"))
"""
    subprocess.run([PY, "-c", code], env=env, check=True, capture_output=True)


def stats(env: dict[str, str], work: Path, repeat: int, **_: Any) -> Figure:
    if not has_command(env, "stats"):
        return Figure("`srs stats` (all reviews)", None, None, 2.0, note="missing: no stats command")
    baseline = _py(f"""
        import sqlite3
        import sqlmodel
        from benchmarks.inprocess import baseline_stats_sql
        from benchmarks.synth import NOW
        con = sqlite3.connect({str(work / 'data' / 'srs.db')!r})
        for sql, args in baseline_stats_sql(NOW):
            con.execute(sql, args).fetchall()
    """)
    ours, base = wall_pair([*SRS, "stats"], baseline, env, repeat)
    return Figure("`srs stats` (all reviews)", ours, base, 2.0,
                  note="baseline: import sqlmodel + the same aggregates in raw SQL")


def review_memory(env: dict[str, str], **_: Any) -> Figure:
    if not has_command(env, "review"):
        return Figure("peak memory of `srs review`", None, None, 1.5, unit="B", note="missing: no review command")
    ours = child_peak([*SRS, "review"], env, stdin="q\n")
    base = child_peak(_py("import sqlmodel"), env)
    return Figure("peak memory of `srs review`", ours, base, 1.5, unit="B", note="baseline: import sqlmodel")


def _inprocess(name: str, db: Path, work: Path, repeat: int, env: dict[str, str]) -> dict[str, Any]:
    copy = work / f"{name}.db"  # the grade step writes: keep the shared collection as it was
    shutil.copy(db, copy)
    os.sync()  # the copy's writeback would otherwise land in the middle of the timings
    out = subprocess.run([PY, "-m", "benchmarks.inprocess", name, str(copy), str(repeat)], check=True,
                         capture_output=True, text=True, env=env)
    copy.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def stats_inprocess(env: dict[str, str], db: Path, work: Path, repeat: int, **_: Any) -> Figure:
    r = _inprocess("stats", db, work, max(repeat, 5), env)
    return Figure("stats aggregates, in-process (`collect_stats`)", r["ours"], r["baseline"], 2.0,
                  note="baseline: the same aggregates in raw SQL, same process")


def grade_step(env: dict[str, str], db: Path, work: Path, repeat: int, **_: Any) -> Figure:
    """The keypress: p99 of answer + commit + next card and its counts, judged against 5 ms (the median and the
    ratio to raw sqlite3 doing the same reads and writes are notes)."""
    r = _inprocess("grade", db, work, max(100, repeat * 20), env)
    p99 = r.get("ours_p99")
    note = (f"in-process, p99; median {r['ours'] * 1000:.1f} ms ({r['ours'] / r['baseline']:.1f}× sqlite3 doing "
            "the same row reads/writes and counts)")
    return Figure("keypress: grade + commit + next card and its counts", p99, None, None, limit=0.005, note=note)


def queue_build(env: dict[str, str], db: Path, work: Path, repeat: int, **_: Any) -> Figure:
    r = _inprocess("queue", db, work, max(30, repeat * 10), env)
    return Figure("build today's queue (`queue_state`: counts + next card)", r["ours"], r["baseline"], 2.0,
                  note=f"in-process; baseline: the same {r['statements']} SQL statements through sqlite3")


def interview_queue(env: dict[str, str], db: Path, work: Path, repeat: int, **_: Any) -> Figure:
    """The review screen's queue with an interview ahead (issue 16: the keypress stays as fast), against the same
    queue without one."""
    r = _inprocess("interview_queue", db, work, max(30, repeat * 10), env)
    return Figure("queue under an interview plan (`queue_state`)", r["ours"], r["baseline"], 1.5,
                  note=f"in-process; baseline: the plain queue, same data; plan for 10,000 cards made once a day in "
                       f"{r['plan_seconds'] * 1000:.0f} ms ({r['planned_rows']:,} planned rows)")


def interview_grade(env: dict[str, str], db: Path, work: Path, repeat: int, **_: Any) -> Figure:
    r = _inprocess("interview_grade", db, work, max(100, repeat * 20), env)
    return Figure("keypress under an interview plan", r["ours_p99"], None, None, limit=0.005,
                  note=f"in-process, p99; median {r['ours'] * 1000:.1f} ms")


REVIEW_LOG = Path(__file__).resolve().parent.parent / "tests" / "data" / \
    "review_logs_josh_1711744352250_to_1728234780857.csv"


def optimize(env: dict[str, str], db: Path, work: Path, repeat: int, **_: Any) -> Figure:
    """``srs optimize --dry-run`` on the published 12,580-review log, loaded as learner ``josh``."""
    import csv
    from datetime import datetime, timezone

    subprocess.run([*SRS, "learner", "add", "josh"], env=env, capture_output=True)
    con = sqlite3.connect(db)
    learner = con.execute("select id from learner where name = 'josh'").fetchone()[0]
    con.execute("delete from review where learner_id = ?", (learner,))
    pks = [row[0] for row in con.execute("select id from card order by id")]
    with REVIEW_LOG.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    card_pk = {cid: pks[i] for i, cid in enumerate(dict.fromkeys(r["card_id"] for r in rows))}
    con.executemany(
        "insert into review (learner_id, card_pk, rating, reviewed_at, duration_ms, kind, interval_days,"
        " prev_interval_days, origin) values (?,?,?,?,?,1,0,0,'terminal')",
        [(learner, card_pk[r["card_id"]], int(r["review_rating"]),
          datetime.fromisoformat(r["review_time"]).astimezone(timezone.utc).replace(tzinfo=None).isoformat(sep=" "),
          min(60000, int(r["review_duration"]))) for r in rows])
    con.commit()
    con.close()
    josh = {**env, "SRS_LEARNER": "josh"}
    baseline = _py(f"""
        import csv
        from datetime import datetime
        import sqlmodel
        import fsrs_rs_python as frs
        from srs.optimize import build_items
        from srs.scheduling.days import next_day_start
        from benchmarks.synth import NOW
        with open({str(REVIEW_LOG)!r}, newline="") as f:
            log = [(int(r["card_id"]), int(r["review_rating"]), datetime.fromisoformat(r["review_time"]))
                   for r in csv.DictReader(f)]
        items = [item for _, item in build_items(log, next_day_start(NOW, "UTC", 4))[0]]
        frs.FSRS(list(frs.DEFAULT_PARAMETERS)).compute_parameters(items)
    """)
    ours, base = wall_pair([*SRS, "optimize", "--dry-run"], baseline, josh, repeat, base_env=env)
    return Figure(f"`srs optimize --dry-run` ({len(rows):,} reviews)", ours, base, 1.5,
                  note="baseline: import sqlmodel + csv + the same FSRS items + one compute_parameters")


ALL = [help_, completion, status, deck_add, stats, export_anki, optimize, review_memory, stats_inprocess,
       queue_build, grade_step, interview_queue, interview_grade]
