"""``python -m benchmarks [--quick] [--before SRC]``: build synthetic data, measure every figure against its
baseline, print a table.

``python -m benchmarks interview [--learners N]`` runs the interview-date simulation instead (``interview.py``).

Every baseline runs in the same process run, side by side with ours, on the same data; the ratio is the result.
CLI figures are subprocess wall times (medians of repeated runs); peak memory is the child's max RSS.

``--before SRC`` measures every figure a second time with an older ``srs`` (a directory holding its ``srs/`` and
``exporters/``, e.g. from ``git archive``) on the same data, and prints both side by side. Run it from a
directory without an ``srs/`` of its own, with this ``benchmarks`` on ``PYTHONPATH``, so that each side imports
the code it should.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import synth
from benchmarks.harness import SRS, Figure

def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


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
    args = parser.parse_args()
    cards, reviews, repeat = (10_000, 100_000, 3) if args.quick else (100_000, 1_000_000, 7)
    export_cards = 2_000 if args.quick else 10_000

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

    def measure(fn: Any, side_env: dict[str, str], side: str) -> Figure:
        try:
            fig: Figure = fn(env=side_env, work=work, db=db, repeat=repeat, export_cards=export_cards, side=side)
        except Exception as exc:  # noqa: BLE001 - report and go on with the other figures
            fig = Figure(fn.__name__, None, None, 0, note=f"failed: {exc}"[:200])
        return fig

    results: list[tuple[Figure, Figure | None]] = []
    for fn in figures.ALL:
        print(f"measuring {fn.__name__} ...", file=sys.stderr)
        fig = measure(fn, env, "")
        before = measure(fn, before_env, "-before") if before_env is not None else None
        results.append((fig, before))

    print(f"\nMachine: {_cpu_model()}, {os.cpu_count()} cores, {platform.platform()}, "
          f"Python {platform.python_version()}; "
          f"data: {cards:,} cards, {reviews:,} reviews; medians of {repeat} runs\n")
    if before_env is None:
        print("| figure | ours | baseline | ratio | goal | note |")
        print("|---|---|---|---|---|---|")
    else:
        print(f"| figure | before ({args.before.name}) | ratio before | after | baseline | ratio after | goal | note |")
        print("|---|---|---|---|---|---|---|---|")
    for fig, before in results:
        print(fig.row(before))
    judged = [fig.met for fig, _ in results if fig.met is not None]
    print(f"\n{sum(judged)} of {len(judged)} goals met")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
