"""The keypress figure: grade + commit + next card drawn, p99, timed over many short review sessions, each in a
fresh process, the code after and before and Anki's backend taking turns round by round.

One session is what ``benchmarks.inprocess grade`` (ours) or ``benchmarks.anki_peer keypress`` (Anki) runs: a
warm-up, then a run of keypresses, each timed alone. Each round runs one session of every side, so a busy spell
of a shared machine lands on all of them rather than on one; the percentiles are over every keypress of every
round. Ours run on one copy of the collection per side, round k on learner-day k after ``synth.NOW`` (a fresh
day's limits and due cards); Anki's clock is the real one, so each of its sessions starts on a fresh copy.
Between two keypresses ours run, untimed, what the review screen runs while the learner reads the card: SQLite's
WAL checkpoint when it is due (``srs.store.checkpoint``; an srs without it checkpoints inside a grade's commit).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
from pathlib import Path
from typing import Any

from benchmarks.harness import PY, Figure, percentile

NAME = "keypress: grade + commit + next card and its counts"
LIMIT = 0.005
ANKI_PER_SESSION = 150  # fewer than Anki's 200 reviews a day, with its warm-up
TIMES = ("wall", "cpu", "control", "baseline")  # the samples that are durations


def _child(cmd: list[str], env: dict[str, str]) -> Any:
    os.sync()  # the previous session's writes would otherwise land in this one's timings
    out = subprocess.run([PY, "-m", *cmd], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _copy(src: Path, dst: Path) -> Path:
    shutil.copy(src, dst)
    for suffix in ("-wal", "-shm"):
        if Path(f"{src}{suffix}").exists():
            shutil.copy(f"{src}{suffix}", f"{dst}{suffix}")
    return dst


def _drop(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def measure(env: dict[str, str], before_env: dict[str, str] | None, db: Path, work: Path, rounds: int,
            per_session: int, anki: Path | None) -> tuple[Figure, Figure | None, dict[str, Any]]:
    """The figure for the code after (with Anki's p99 as its peer), for the code before, and the details: per
    side, the wall-time samples, the CPU time of the same keypresses, and for ours the control (a fixed loop as
    long as the keypress's median CPU time at the machine's fastest, run beside each: how much the machine adds
    at that moment, by a wait for the CPU or a slowed CPU)."""
    sides = {"after": env, **({"before": before_env} if before_env is not None else {})}
    copies = {side: _copy(db, work / f"keypress-{side}.db") for side in sides}
    samples: dict[str, dict[str, list[float]]] = {}
    per_round: dict[str, list[float]] = {}

    def record(side: str, result: dict[str, list[float]]) -> None:
        for kind, times in result.items():
            samples.setdefault(side, {}).setdefault(kind, []).extend(times)
        per_round.setdefault(side, []).append(percentile(result["wall"], 99))

    for day in range(rounds):
        for side, side_env in sides.items():
            result = _child(["benchmarks.inprocess", "grade", str(copies[side]), str(per_session), str(day)],
                            side_env)
            result["wall"] = result.pop("ours")
            record(side, result)
        if anki is not None:
            for mode in ("normal", "full"):
                copy = _copy(anki, work / f"keypress-anki-{mode}.anki2")
                record(f"anki-{mode}", _child(["benchmarks.anki_peer", "keypress", str(copy),
                                               str(min(per_session, ANKI_PER_SESSION)), mode], env))
                _drop(copy)
    for copy in copies.values():
        _drop(copy)

    details: dict[str, Any] = {}
    for side, kinds in samples.items():
        details[side] = {f"{kind}_{stat}": fn(times) for kind, times in kinds.items() if kind in TIMES
                         for stat, fn in (("p50", statistics.median), ("p99", lambda t: percentile(t, 99)))}
        details[side]["n"] = len(kinds["wall"])
        details[side]["wall_p99_per_session"] = per_round[side]
        if "checkpoint" in kinds:  # ours: keypresses that ran SQLite's checkpoint or CPython's full collection
            walls = kinds["wall"]
            ran = [w for w, ck in zip(walls, kinds["checkpoint"]) if ck]
            full = [w for w, n in zip(walls, kinds["full_gc"]) if n]
            rest = [w for w, ck, n in zip(walls, kinds["checkpoint"], kinds["full_gc"]) if not ck and not n]
            details[side].update(checkpoints=len(ran), checkpoint_wall_p50=statistics.median(ran) if ran else None,
                                 full_gcs=len(full), full_gc_wall_p50=statistics.median(full) if full else None,
                                 wall_p99_without_either=percentile(rest, 99),
                                 wal_pages_p50=statistics.median(kinds["frames"]))
            idle = kinds.get("idle_checkpoint", [])  # run while the card is on screen, untimed
            details[side].update(idle_checkpoints=len(idle),
                                 idle_checkpoint_p50=statistics.median(idle) if idle else None)
    fig = Figure(NAME, details["after"]["wall_p99"], None, None, limit=LIMIT, note=_note(details, "after"),
                 peer=details["anki-normal"]["wall_p99"] if "anki-normal" in details else None)
    before = None
    if "before" in details:
        before = Figure(NAME, details["before"]["wall_p99"], None, None, limit=LIMIT, note=_note(details, "before"))
    return fig, before, details


def _note(details: dict[str, Any], side: str) -> str:
    d = details[side]
    sessions = d["wall_p99_per_session"]
    text = (f"p50 {_ms(d['wall_p50'])}, p99 {_ms(d['wall_p99'])} of {d['n']:,} keypresses in {len(sessions)} "
            f"sessions (p99 per session {_ms(min(sessions))}–{_ms(max(sessions))}); CPU time p50 "
            f"{_ms(d['cpu_p50'])}, p99 {_ms(d['cpu_p99'])}; control (a fixed loop of the median CPU time) p99 "
            f"{_ms(d['control_p99'])}; {d['checkpoints']} keypresses ran SQLite's WAL checkpoint (p50 "
            f"{_ms(d['checkpoint_wall_p50'] or 0)}), {d['full_gcs']} CPython's full garbage collection (p50 "
            f"{_ms(d['full_gc_wall_p50'] or 0)}), p99 of the others {_ms(d['wall_p99_without_either'])}; "
            f"{d['idle_checkpoints']} checkpoints ran while the card was on screen, untimed (p50 "
            f"{_ms(d['idle_checkpoint_p50'] or 0)}); "
            f"sqlite3 doing the same reads and writes p50 {_ms(d['baseline_p50'])}")
    if side == "after" and "anki-normal" in details:
        for mode, label in (("anki-normal", "Anki with SQLite set as ours (synchronous=NORMAL)"),
                            ("anki-full", "as Anki ships (FULL)")):
            a = details[mode]
            text += (f"; {label}: p50 {_ms(a['wall_p50'])}, p99 {_ms(a['wall_p99'])} of {a['n']:,}, CPU p99 "
                     f"{_ms(a['cpu_p99'])}")
    return text
