"""Measuring tools shared by the figures: wall time of a command, peak memory of a child, the result row."""

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
    goal: float
    unit: str = "s"
    note: str = ""
    absolute_goal: str = ""

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.baseline:
            return None
        return self.ours / self.baseline

    def row(self) -> str:
        def fmt(v: float | None) -> str:
            if v is None:
                return "—"
            return f"{v * 1000:.1f} ms" if self.unit == "s" else f"{v / 1e6:.1f} MB"

        ratio = "—" if self.ratio is None else f"{self.ratio:.2f}×"
        met = "" if self.ratio is None else (" ✓" if self.ratio <= self.goal else " ✗")
        goal = f"≤ {self.goal}×" + (f" and {self.absolute_goal}" if self.absolute_goal else "")
        return f"| {self.name} | {fmt(self.ours)} | {fmt(self.baseline)} | {ratio}{met} | {goal} | {self.note} |"


def wall(cmd: list[str], env: dict[str, str], repeat: int, stdin: str | None = None) -> float:
    """Median wall time of running ``cmd``; fails loudly if the command fails."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, input=stdin, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()[:500]}")
    return statistics.median(times)


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
