"""The figures. Each takes the :class:`Run` and returns a :class:`Figure` for the code after and, with ``--before``,
one for the code before, measured in the same rounds on the same data (and Anki's peer, where there is one).

The baselines of the commands that open the database start with ``import sqlmodel``: that import is the floor of
any SQLModel-backed command, so each goal is what our command adds over the same work done by hand on top of it.
A figure that writes data keeps it apart per side.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from benchmarks import keypress, synth
from benchmarks.harness import PY, SRS, Figure, child_peak, has_command, wall_rounds

EXPORT_DECK = "bench0"  # 10,000 cards; exported from the large collection, by us, genanki and Anki


@dataclass
class Run:
    """What every figure gets: the environment of each side, the data, and how long to measure."""

    env: dict[str, str]
    before: dict[str, str] | None  # the environment running the code before (--before), else None
    work: Path
    db: Path
    repeat: int
    keypress_rounds: int
    keypress_per_session: int
    anki: Path | None = None  # the collection in Anki's backend (benchmarks.anki_peer), when built


Pair = tuple[Figure, "Figure | None"]


def _py(code: str) -> list[str]:
    return [PY, "-c", textwrap.dedent(code)]


def _cli(run: Run, name: str, ours: list[str], baseline: list[str], goal: float, note: str,
         env: dict[str, str] | None = None, before_env: dict[str, str] | None = None,
         base_env: dict[str, str] | None = None, before_cmd: list[str] | None = None,
         peer: tuple[list[str], dict[str, str]] | None = None, rounds: int | None = None) -> Pair:
    """Our command, the baseline, the code before's command and Anki's, in rounds: one of each per round."""
    runs = [(ours, env or run.env), (baseline, base_env or run.env)]
    if run.before is not None:
        runs.append((before_cmd or ours, before_env or run.before))
    if peer is not None:
        runs.append(peer)
    times = wall_rounds(runs, rounds or run.repeat)
    fig = Figure(name, times[0], times[1], goal, note=note, peer=times[-1] if peer is not None else None)
    before = Figure(name, times[2], times[1], goal, note=note) if run.before is not None else None
    return fig, before


def _missing(run: Run, name: str, goal: float, *command: str) -> Pair | None:
    """A figure saying the command is missing, if a side lacks it."""
    for env in filter(None, [run.env, run.before]):
        if not has_command(env, *command):
            return Figure(name, None, None, goal, note=f"missing: no {' '.join(command)} command"), None
    return None


FAST = 3  # commands of ~0.1 s get three times the rounds: one busy spell moves a median of 7 of them by 2x


def help_(run: Run) -> Pair:
    return _cli(run, "`srs --help`", [*SRS, "--help"], _py("import click"), 1.5,
                "baseline: python -c 'import click'", rounds=run.repeat * FAST)


def completion(run: Run) -> Pair:
    comp = {"_SRS_COMPLETE": "bash_complete", "COMP_WORDS": "srs de", "COMP_CWORD": "1"}
    return _cli(run, "shell completion (`srs de<TAB>`)", [*SRS], _py("import click"), 1.5,
                "baseline: python -c 'import click'", env={**run.env, **comp},
                before_env={**run.before, **comp} if run.before is not None else None, rounds=run.repeat * FAST)


def status(run: Run) -> Pair:
    name = "`srs status` (large collection)"
    return _missing(run, name, 1.5, "status") or _cli(
        run, name, [*SRS, "status"], _py("import sqlmodel"), 1.5, "baseline: python -c 'import sqlmodel'")


def deck_add(run: Run) -> Pair:
    n = 10_000
    files = []
    for k in range(run.repeat):
        path = run.work / f"add{k}.toml"
        path.write_text(synth.deck_text(f"add{k}", n))
        files.append(path)
    # Into a collection of its own per side (created before timing), so the large one stays as it is.
    envs = {"": {**run.env, "SRS_DATA_DIR": str(run.work / "deck-add")}}
    if run.before is not None:
        envs["-before"] = {**run.before, "SRS_DATA_DIR": str(run.work / "deck-add-before")}
    for env in envs.values():
        subprocess.run([*SRS, "deck", "list"], env=env, check=True, capture_output=True)
    baseline = _py(f"""
        import json, sqlite3, tomllib, sys
        import sqlmodel
        data = tomllib.load(open(sys.argv[1], "rb"))
        con = sqlite3.connect({str(run.work / 'baseline-add.db')!r})
        con.execute("create table if not exists card (deck_id, card_id, position, situation, response, reasoning,"
                    " sources, tags, counterpoints, retired)")
        con.executemany("insert into card values (?,?,?,?,?,?,?,?,?,0)", [
            (data["deck"]["id"], c["id"], i, c["situation"], c["response"], c["reasoning"],
             json.dumps(c["sources"]), json.dumps(c.get("tags", [])), json.dumps(c.get("counterpoints", [])))
            for i, c in enumerate(data["cards"])])
        con.commit()
    """)
    # Each file once on each side, in turn (a new deck each time: the import, not the no-change path).
    rounds = [(_timed([*SRS, "deck", "add", str(path)], envs[""]), _timed(baseline + [str(path)], run.env),
               _timed([*SRS, "deck", "add", str(path)], envs["-before"]) if run.before is not None else None)
              for path in files]
    name, note = "`srs deck add` (10,000-card file)", "baseline: import sqlmodel + tomllib + sqlite3 executemany"
    base = statistics.median(b for _, b, _ in rounds)
    fig = Figure(name, statistics.median(o for o, _, _ in rounds), base, 3.0, note=note)
    before = None
    if run.before is not None:
        before = Figure(name, statistics.median(t for _, _, t in rounds if t is not None), base, 3.0, note=note)
    return fig, before


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def export_anki(run: Run) -> Pair:
    """``srs export anki`` of one 10,000-card deck of the large collection, against ``import sqlmodel`` and a
    plain genanki script writing the same notes; Anki's peer exports the same deck from its copy of the
    collection (as its Export does: no scheduling, no media)."""
    name = "`srs export anki` (10,000 cards)"
    missing = _missing(run, name, 1.3, "export", "anki")
    if missing is not None:
        return missing
    notes = run.work / "export-notes.json"
    _dump_notes({k: v for k, v in run.env.items() if k != "PYTHONPATH"}, notes, EXPORT_DECK)
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
        genanki.Package(deck).write_to_file({str(run.work / 'baseline.apkg')!r}, timestamp=1)
    """)
    ours = [*SRS, "export", "anki", "--deck", EXPORT_DECK, "-o", str(run.work / "bench.apkg")]
    before = [*SRS, "export", "anki", "--deck", EXPORT_DECK, "-o", str(run.work / "bench-before.apkg")]
    peer = None
    if run.anki is not None:
        peer = ([PY, "-m", "benchmarks.anki_peer", "export", str(run.anki), str(run.work / "anki.apkg"),
                 f"Bench {EXPORT_DECK}"], run.env)
    return _cli(run, f"`srs export anki` ({count:,} cards)", ours, baseline, 1.3,
                "baseline: import sqlmodel + a plain genanki script writing the same notes", before_cmd=before,
                peer=peer)


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


def stats(run: Run) -> Pair:
    name = "`srs stats` (all reviews)"
    missing = _missing(run, name, 2.0, "stats")
    if missing is not None:
        return missing
    baseline = _py(f"""
        import sqlite3
        import sqlmodel
        from benchmarks.inprocess import baseline_stats_sql
        from benchmarks.synth import NOW
        con = sqlite3.connect({str(run.db)!r})
        for sql, args in baseline_stats_sql(NOW):
            con.execute(sql, args).fetchall()
    """)
    return _cli(run, name, [*SRS, "stats"], baseline, 2.0,
                "baseline: import sqlmodel + the same aggregates in raw SQL")


def review_memory(run: Run) -> Pair:
    name = "peak memory of `srs review`"
    if not has_command(run.env, "review"):
        return Figure(name, None, None, 1.5, unit="B", note="missing: no review command"), None
    base = child_peak(_py("import sqlmodel"), run.env)
    note = "baseline: import sqlmodel"
    fig = Figure(name, child_peak([*SRS, "review"], run.env, stdin="q\n"), base, 1.5, unit="B", note=note)
    before = None
    if run.before is not None:
        before = Figure(name, child_peak([*SRS, "review"], run.before, stdin="q\n"), base, 1.5, unit="B",
                        note=note)
    return fig, before


def _inprocess(run: Run, name: str, repeat: int, rounds: int = 2, anki: bool = False) -> dict[str, list[Any]]:
    """A read-only in-process figure in fresh children, the code after and before (and with ``anki``, Anki's
    backend: ``anki_peer NAME``) taking turns, ``rounds`` children each; the samples of each side pooled, keyed
    ``side:kind``."""
    children = {"after": ["benchmarks.inprocess", name, str(run.db), str(repeat)]}
    envs = {"after": run.env}
    if run.before is not None:
        children["before"], envs["before"] = children["after"], run.before
    if anki and run.anki is not None:
        copy = run.work / "peer-copy.anki2"  # Anki's queue is dropped by an op that writes
        children["anki"], envs["anki"] = ["benchmarks.anki_peer", name, str(copy), str(repeat)], run.env
    pooled: dict[str, list[Any]] = {}
    for _ in range(rounds):
        for side, child in children.items():
            if side == "anki" and run.anki is not None:
                shutil.copy(run.anki, copy)
            os.sync()
            out = subprocess.run([PY, "-m", *child], check=True, capture_output=True, text=True, env=envs[side])
            for kind, value in json.loads(out.stdout.strip().splitlines()[-1]).items():
                pooled.setdefault(f"{side}:{kind}", []).extend(value if isinstance(value, list) else [value])
    if "anki" in children:
        copy.unlink()
    return pooled


def _med(pooled: dict[str, list[Any]], key: str) -> float | None:
    return statistics.median(pooled[key]) if key in pooled else None


def stats_inprocess(run: Run) -> Pair:
    r = _inprocess(run, "stats", max(run.repeat, 5))
    name = "stats aggregates, in-process (`collect_stats`)"
    note = "baseline: the same aggregates in raw SQL, same process"
    fig = Figure(name, _med(r, "after:ours"), _med(r, "after:baseline"), 2.0, note=note)
    before = None
    if run.before is not None:
        before = Figure(name, _med(r, "before:ours"), _med(r, "before:baseline"), 2.0, note=note)
    return fig, before


def queue_build(run: Run) -> Pair:
    """Today's counts and next card from the database, ours and Anki's (Anki's queue built afresh; what it costs
    from Anki's cache, per keypress, is in the note)."""
    r = _inprocess(run, "queue", max(30, run.repeat * 10), anki=True)
    name = "build today's queue (`queue_state`: counts + next card)"
    note = f"in-process; baseline: the same {r['after:statements'][0]} SQL statements through sqlite3"
    if "anki:warm" in r:
        note += (f"; Anki (built from its database) keeps the day's queue in memory and reads it there per card: "
                 f"{(_med(r, 'anki:warm') or 0) * 1e6:.0f} µs")
    fig = Figure(name, _med(r, "after:ours"), _med(r, "after:baseline"), 2.0, note=note, peer=_med(r, "anki:cold"))
    before = None
    if run.before is not None:
        before = Figure(name, _med(r, "before:ours"), _med(r, "before:baseline"), 2.0, note=note)
    return fig, before


def keypress_figure(run: Run) -> Pair:
    fig, before, details = keypress.measure(run.env, run.before, run.db, run.work, run.keypress_rounds,
                                            run.keypress_per_session, run.anki)
    print(f"keypress details: {json.dumps(details)}", file=sys.stderr)
    return fig, before


def interview_queue(run: Run) -> Pair:
    """The review screen's queue with an interview ahead (issue 16: the keypress stays as fast), against the same
    queue without one. Measured on the code after only: the code before has no interviews."""
    r = _inprocess(replace(run, before=None), "interview_queue", max(30, run.repeat * 10))
    fig = Figure("queue under an interview plan (`queue_state`)", _med(r, "after:ours"), _med(r, "after:baseline"),
                 1.5, note=f"in-process; baseline: the plain queue, same data; plan for 10,000 cards made once a day "
                           f"in {(_med(r, 'after:plan_seconds') or 0) * 1000:.0f} ms "
                           f"({int(_med(r, 'after:planned_rows') or 0):,} planned rows)")
    return fig, None


def interview_grade(run: Run) -> Pair:
    r = _inprocess(replace(run, before=None), "interview_grade", max(100, run.repeat * 20))
    fig = Figure("keypress under an interview plan", _med(r, "after:ours_p99"), None, None, limit=0.005,
                 note=f"in-process, p99; median {(_med(r, 'after:ours') or 0) * 1000:.1f} ms")
    return fig, None


REVIEW_LOG = Path(__file__).resolve().parent.parent / "tests" / "data" / \
    "review_logs_josh_1711744352250_to_1728234780857.csv"


def optimize(run: Run) -> Pair:
    """``srs optimize --dry-run`` on the published 12,580-review log, loaded as learner ``josh``."""
    import csv
    from datetime import datetime, timezone

    subprocess.run([*SRS, "learner", "add", "josh"], env=run.env, capture_output=True)
    con = sqlite3.connect(run.db)
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
    return _cli(run, f"`srs optimize --dry-run` ({len(rows):,} reviews)", [*SRS, "optimize", "--dry-run"], baseline,
                1.5, "baseline: import sqlmodel + csv + the same FSRS items + one compute_parameters",
                env={**run.env, "SRS_LEARNER": "josh"},
                before_env={**run.before, "SRS_LEARNER": "josh"} if run.before is not None else None)


ALL = [help_, completion, status, deck_add, stats, export_anki, optimize, review_memory, stats_inprocess,
       queue_build, keypress_figure, interview_queue, interview_grade]
