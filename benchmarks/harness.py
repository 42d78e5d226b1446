"""Measuring tools shared by the figures: wall time of a command, peak memory of a child, percentiles, the
result row."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

PY = sys.executable
SRS = [PY, "-m", "srs"]


@dataclass
class Figure:
    name: str
    ours: float | None
    baseline: float | None
    goal: float | None  # ours / baseline at most this; None: only ``limit`` is judged
    unit: str = "s"
    note: str = ""
    limit: float | None = None  # an absolute goal for ``ours`` (seconds), as "≤ 5 ms"
    peer: float | None = None  # the same work done by Anki's own backend (``anki_peer``), when measured

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.baseline:
            return None
        return self.ours / self.baseline

    @property
    def met(self) -> bool | None:
        if self.ours is None or (self.goal is not None and self.ratio is None):
            return None
        ratio_ok = self.goal is None or (self.ratio is not None and self.ratio <= self.goal)
        return ratio_ok and (self.limit is None or self.ours <= self.limit)

    def goal_text(self) -> str:
        parts = ([] if self.goal is None else [f"≤ {self.goal}×"]) + \
            ([] if self.limit is None else [f"≤ {_fmt(self.limit, self.unit)}"])
        return " and ".join(parts)

    def row(self, before: Figure | None = None, peer: bool = False) -> str:
        """The table row; with ``before``, the same figure for the code before, as two more columns; with
        ``peer``, Anki's time for the same work and ours over it, as two more columns."""
        ratio = "—" if self.ratio is None else f"{self.ratio:.2f}×"
        met = {None: "", True: " ✓", False: " ✗"}[self.met]
        then = ""
        if before is not None:
            then_ratio = "—" if before.ratio is None else f"{before.ratio:.2f}×"
            then = f" {_fmt(before.ours, before.unit)} | {then_ratio} |"
        anki = ""
        if peer:
            over = "—" if self.ours is None or not self.peer else _times(self.ours / self.peer)
            anki = f" {_fmt(self.peer, self.unit)} | {over} |"
        return (f"| {self.name} |{then} {_fmt(self.ours, self.unit)} | {_fmt(self.baseline, self.unit)} | "
                f"{ratio}{met} | {self.goal_text()} |{anki} {self.note} |")


def _times(ratio: float) -> str:
    return f"{ratio:.2f}×" if ratio >= 0.1 else f"{ratio:.4f}×"


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit != "s":
        return f"{value / 1e6:.1f} MB"
    return f"{value * 1e6:.0f} µs" if value < 0.001 else f"{value * 1000:.1f} ms"


def _run(cmd: list[str], env: dict[str, str], stdin: str | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, input=stdin, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()[:500]}")
    return elapsed


def wall(cmd: list[str], env: dict[str, str], repeat: int, stdin: str | None = None) -> float:
    """Median wall time of running ``cmd``; fails loudly if the command fails."""
    return statistics.median(_run(cmd, env, stdin) for _ in range(repeat))


def wall_rounds(runs: list[tuple[list[str], dict[str, str]]], repeat: int) -> list[float]:
    """Median wall time of each ``(command, env)``, run in rounds of one of each (after one untimed round), so a
    busy spell on a shared machine slows every side rather than one. Fails loudly if a command fails."""
    for cmd, env in runs:
        _run(cmd, env)
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for (cmd, env), spent in zip(runs, times):
            spent.append(_run(cmd, env))
    return [statistics.median(spent) for spent in times]


def percentile(samples: list[float], p: int) -> float:
    """The ``p``-th percentile (1-99) of ``samples``, interpolated between the two nearest samples."""
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1]


def wall_pair(ours: list[str], baseline: list[str], env: dict[str, str], repeat: int,
              base_env: dict[str, str] | None = None) -> tuple[float, float]:
    """Median wall times of ``ours`` and ``baseline``, run alternately (one of each per round, after one
    untimed round), so a busy spell on a shared machine slows both sides rather than one."""
    _run(ours, env)
    _run(baseline, base_env or env)
    pairs = [(_run(ours, env), _run(baseline, base_env or env)) for _ in range(repeat)]
    return statistics.median(o for o, _ in pairs), statistics.median(b for _, b in pairs)


def child_peak(cmd: list[str], env: dict[str, str], stdin: str | None = None) -> float:
    """Peak RSS of a child measured in a fresh interpreter, so earlier children don't mask it."""
    probe = (
        "import resource, subprocess, sys\n"
        f"subprocess.run({cmd!r}, input={stdin!r}, text=True, capture_output=True, env={env!r})\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)\n"
    )
    out = subprocess.run([PY, "-c", probe], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def has_command(env: dict[str, str], *path: str) -> bool:
    return subprocess.run([*SRS, *path, "--help"], env=env, capture_output=True).returncode == 0
