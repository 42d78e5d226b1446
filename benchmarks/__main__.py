"""``python -m benchmarks [--quick] [--before SRC]``: build synthetic data, measure every figure against its
baseline, print a table.

``python -m benchmarks interview [--learners N]`` runs the interview-date simulation instead (``interview.py``).

Every baseline runs in the same process run, side by side with ours, on the same data; the ratio is the result.
CLI figures are subprocess wall times (medians of repeated runs); peak memory is the child's max RSS.

``--before SRC`` measures every figure a second time with an older ``srs`` (a directory holding its ``srs/`` and
``exporters/``, e.g. from ``git archive``) on the same data, in the same rounds as ours, and prints both side by
side. Run it from a directory without an ``srs/`` of its own, with this ``benchmarks`` on ``PYTHONPATH``, so that
each side imports the code it should.

The Anki column (``anki_peer.py``; ``--no-anki`` skips it) is the same collection in Anki's own backend doing the
same work: exporting the deck, building today's queue, a keypress.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from benchmarks import synth
from benchmarks.harness import PY, SRS, Figure

def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _due_reviews(db: Path) -> int:
    """Review cards due by the end of ``synth.NOW``'s learner-day (UTC, 4 am rollover), as Anki counts them."""
    end = (synth.NOW.replace(hour=4) + timedelta(days=1)).replace(tzinfo=None).isoformat(sep=" ")
    con = sqlite3.connect(db)
    try:
        return int(con.execute(
            "SELECT count(*) FROM progress p JOIN card c ON c.id = p.card_pk WHERE p.learner_id = 1 AND p.state = 2"
            " AND p.suspended = 0 AND c.retired = 0 AND p.due < ?", (end,)).fetchone()[0])
    finally:
        con.close()


def build_peer(env: dict[str, str], work: Path, db: Path) -> Path | None:
    """Export the collection with its progress and import it into Anki's backend (see ``anki_peer``); None,
    with the reason on stderr, if that fails."""
    apkg, collection = work / "peer.apkg", work / "anki" / "collection.anki2"
    try:
        start = time.perf_counter()
        subprocess.run([*SRS, "export", "anki", "--with-progress", "-o", str(apkg), "--timestamp",
                        synth.NOW.isoformat()], env=env, check=True, capture_output=True, text=True)
        exported = time.perf_counter() - start
        out = subprocess.run([PY, "-m", "benchmarks.anki_peer", "build", str(apkg), str(collection),
                              str(_due_reviews(db))], env=env, check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as exc:
        print(f"no Anki column: {' '.join(exc.cmd[:5])} failed: {exc.stderr.strip()[-500:]}", file=sys.stderr)
        return None
    facts = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"Anki collection: srs export --with-progress {exported:.1f} s, Anki's import {facts['import_s']:.1f} s;"
          f" {json.dumps(facts)}", file=sys.stderr)
    apkg.unlink()
    return collection


def main() -> None:
    if sys.argv[1:2] == ["interview"]:  # the interview-date simulation (benchmarks/interview.py)
        from benchmarks import interview

        interview.main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="small data and few repeats (under a minute)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    parser.add_argument("--before", type=Path, metavar="SRC",
                        help="also measure the srs in SRC (its srs/ and exporters/), side by side")
    parser.add_argument("--no-anki", action="store_true", help="no Anki column")
    parser.add_argument("--only", metavar="FIGURE", action="append",
                        help="measure only this figure (a function name in benchmarks/figures.py; repeatable)")
    args = parser.parse_args()
    cards, reviews, repeat = (10_000, 100_000, 3) if args.quick else (100_000, 1_000_000, 7)
    rounds, per_session = (3, 100) if args.quick else (10, 150)

    work = Path(tempfile.mkdtemp(prefix="srs-bench-"))
    env = {**os.environ, "SRS_DATA_DIR": str(work / "data"), "SRS_NOW": synth.NOW.isoformat(), "NO_COLOR": "1"}
    env.pop("SRS_DATABASE_URL", None)
    env.pop("SRS_LEARNER", None)
    db = work / "data" / "srs.db"
    print(f"building {cards:,} cards and {reviews:,} reviews in {work} ...", file=sys.stderr)
    per_deck = 10_000 if cards >= 10_000 else cards
    for i in range(max(1, cards // per_deck)):
        path = work / f"bench{i}.toml"
        path.write_text(synth.deck_text(f"bench{i}", per_deck))
        subprocess.run([*SRS, "deck", "add", str(path)], env=env, check=True, capture_output=True)
    synth.fill_history(db, reviews)
    subprocess.run([*SRS, "status"], env=env, check=True, capture_output=True)  # schema upgrades, if any
    print(f"data: {synth.describe(db)}", file=sys.stderr)

    from benchmarks import figures

    before_env = None
    if args.before is not None:
        paths = [str(args.before.resolve()), *filter(None, [os.environ.get("PYTHONPATH")])]
        before_env = {**env, "PYTHONPATH": os.pathsep.join(paths)}
    anki = None if args.no_anki else build_peer(env, work, db)
    run = figures.Run(env, before_env, work, db, repeat, rounds, per_session, anki)

    results: list[tuple[Figure, Figure | None]] = []
    for fn in figures.ALL:
        if args.only and fn.__name__ not in args.only:
            continue
        print(f"measuring {fn.__name__} ...", file=sys.stderr)
        try:
            results.append(fn(run))
        except Exception as exc:  # noqa: BLE001 - report and go on with the other figures
            results.append((Figure(fn.__name__, None, None, 0, note=f"failed: {exc}"[:300]), None))

    print(f"\nMachine: {_cpu_model()}, {os.cpu_count()} cores, {platform.platform()}, "
          f"Python {platform.python_version()}; load average {_load()}; "
          f"data: {cards:,} cards, {reviews:,} reviews; medians of {repeat} rounds "
          f"({repeat * figures.FAST} for --help and completion)\n")
    peer = anki is not None
    head = ["figure"] + ([f"before ({args.before.name})", "ratio before", "after"] if args.before else ["ours"]) + \
        ["baseline", "ratio after" if args.before else "ratio", "goal"] + \
        (["Anki", "after / Anki" if args.before else "ours / Anki"] if peer else []) + ["note"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for fig, before in results:
        print(fig.row(before, peer=peer))
    judged = [fig.met for fig, _ in results if fig.met is not None]
    print(f"\n{sum(judged)} of {len(judged)} goals met")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
