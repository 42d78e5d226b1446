"""The figures of issue 9. Each takes the shared environment and returns a :class:`Figure`."""

from __future__ import annotations

import sqlite3
import subprocess
import textwrap
from pathlib import Path
from typing import Any

from benchmarks import synth
from benchmarks.harness import PY, SRS, Figure, child_peak, has_command, wall


def _py(code: str) -> list[str]:
    return [PY, "-c", textwrap.dedent(code)]


def help_(env: dict[str, str], repeat: int, **_: Any) -> Figure:
    ours = wall([*SRS, "--help"], env, repeat)
    base = wall(_py("import click"), env, repeat)
    return Figure("`srs --help`", ours, base, 1.5, note="baseline: python -c 'import click'")


def completion(env: dict[str, str], repeat: int, **_: Any) -> Figure:
    comp = {**env, "_SRS_COMPLETE": "bash_complete", "COMP_WORDS": "srs de", "COMP_CWORD": "1"}
    ours = wall([*SRS], comp, repeat)
    base = wall(_py("import click"), env, repeat)
    return Figure("shell completion (`srs de<TAB>`)", ours, base, 1.5, note="baseline: python -c 'import click'")


def status(env: dict[str, str], repeat: int, **_: Any) -> Figure:
    if not has_command(env, "status"):
        return Figure("`srs status` (large collection)", None, None, 1.25, note="missing: no status command")
    wall([*SRS, "status"], env, 1)  # warm the page cache
    ours = wall([*SRS, "status"], env, repeat)
    base = wall(_py("import sqlmodel"), env, repeat)
    return Figure("`srs status` (large collection)", ours, base, 1.25, note="baseline: python -c 'import sqlmodel'")


def deck_add(env: dict[str, str], work: Path, repeat: int, export_cards: int, **_: Any) -> Figure:
    n = 10_000
    files = []
    for k in range(repeat):
        path = work / f"add{k}.toml"
        path.write_text(synth.deck_text(f"add{k}", n))
        files.append(path)
    ours_times = []
    import statistics
    import time

    for path in files:
        start = time.perf_counter()
        subprocess.run([*SRS, "deck", "add", str(path)], env=env, check=True, capture_output=True)
        ours_times.append(time.perf_counter() - start)
    baseline = _py(f"""
        import json, sqlite3, tomllib, sys
        data = tomllib.load(open(sys.argv[1], "rb"))
        con = sqlite3.connect({str(work / 'baseline-add.db')!r})
        con.execute("create table if not exists card (deck_id, card_id, position, situation, response, reasoning,"
                    " sources, tags, counterpoints, retired)")
        con.executemany("insert into card values (?,?,?,?,?,?,?,?,?,0)", [
            (data["deck"]["id"], c["id"], i, c["situation"], c["response"], c["reasoning"],
             json.dumps(c["sources"]), json.dumps(c.get("tags", [])), json.dumps(c.get("counterpoints", [])))
            for i, c in enumerate(data["cards"])])
        con.commit()
    """)
    base = statistics.median(
        _timed(baseline + [str(p)], env) for p in files
    )
    return Figure("`srs deck add` (10,000-card file)", statistics.median(ours_times), base, 3.0,
                  note="baseline: tomllib + sqlite3 executemany")


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    import time

    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def export_anki(env: dict[str, str], work: Path, repeat: int, export_cards: int, **_: Any) -> Figure:
    if not has_command(env, "export", "anki"):
        return Figure("`srs export anki` (10,000 cards)", None, None, 1.2, note="missing: no export command")
    out = work / "bench.apkg"
    ours = wall([*SRS, "export", "anki", "--deck", "bench0", "-o", str(out)], env, repeat)
    con = sqlite3.connect(work / "data" / "srs.db")
    count = con.execute("select count(*) from card where deck_id='bench0' and retired=0").fetchone()[0]
    con.close()
    baseline = _py(f"""
        import genanki, html, sqlite3
        con = sqlite3.connect({str(work / 'data' / 'srs.db')!r})
        model = genanki.Model(1, "Plain", fields=[{{"name": n}} for n in
                              ("Situation", "Response", "Reasoning", "Sources", "Counterpoints")],
                              templates=[{{"name": "Card 1", "qfmt": "{{{{Situation}}}}",
                                          "afmt": "{{{{FrontSide}}}}<hr id=answer>{{{{Response}}}}"}}])
        deck = genanki.Deck(2, "Bench")
        for guid, s, r, why, tags in con.execute(
                "select anki_guid, situation, response, reasoning, tags from card where deck_id='bench0'"
                " and retired=0 order by position"):
            deck.add_note(genanki.Note(model=model, guid=guid, fields=[html.escape(s), html.escape(r),
                          html.escape(why), "Synthetic source", ""], tags=["bench"]))
        genanki.Package(deck).write_to_file({str(work / 'baseline.apkg')!r}, timestamp=1)
    """)
    base = wall(baseline, env, repeat)
    return Figure(f"`srs export anki` ({count:,} cards)", ours, base, 1.2, note="baseline: plain genanki script")


def stats(env: dict[str, str], work: Path, repeat: int, **_: Any) -> Figure:
    if not has_command(env, "stats"):
        return Figure("`srs stats` (all reviews)", None, None, 2.0, note="missing: no stats command")
    ours = wall([*SRS, "stats"], env, repeat)
    baseline = _py(f"""
        import sqlite3
        con = sqlite3.connect({str(work / 'data' / 'srs.db')!r})
        now = {synth.NOW.replace(tzinfo=None).isoformat(sep=' ')!r}
        q = [
          "select date(due), count(*) from progress where learner_id=1 and due < datetime(?, '+30 days')"
          " group by date(due)",
          "select date(reviewed_at), count(*) from review where learner_id=1 and reviewed_at >= datetime(?, '-183 days')"
          " group by date(reviewed_at)",
          "select interval_days >= 21, avg(rating > 1), count(*) from review where learner_id=1 and kind=1"
          " and reviewed_at >= datetime(?, '-30 days') group by 1",
          "select state, count(*) from progress where learner_id=1 and ? is not null group by state",
          "select avg(duration_ms) from review where learner_id=1 and reviewed_at >= datetime(?, '-30 days')",
        ]
        for sql in q:
            con.execute(sql, (now,)).fetchall()
        con.execute("select count(*) from card where retired=0").fetchall()
    """)
    base = wall(baseline, env, repeat)
    return Figure("`srs stats` (all reviews)", ours, base, 2.0, note="baseline: the same aggregates in raw SQL")


def review_memory(env: dict[str, str], **_: Any) -> Figure:
    if not has_command(env, "review"):
        return Figure("peak memory of `srs review`", None, None, 1.5, unit="B", note="missing: no review command")
    ours = child_peak([*SRS, "review"], env, stdin="q\n")
    base = child_peak(_py("import sqlmodel"), env)
    return Figure("peak memory of `srs review`", ours, base, 1.5, unit="B", note="baseline: import sqlmodel")


ALL = [help_, completion, status, deck_add, stats, export_anki, review_memory]
