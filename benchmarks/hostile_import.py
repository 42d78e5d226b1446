"""Hostile Anki fields cost what benign ones of the same size cost: ``python -m benchmarks.hostile_import``.

Issue 18 found fields that made ``srs import anki`` spin: ``{{c1::`` repeated 2,000 times (12 KB) took 162 s in
the cloze pattern, 60 KB of ``<a `` took 44 s inside ``html.parser``. Each worst case here is timed against a
baseline measured in the same run, side by side: a benign field of the same length (Anki-style HTML: divs,
bold, entities, a cloze). Two levels:

* one field through :func:`srs.anki_html.html_to_text`, at the largest size a field may have
  (:data:`srs.anki_html.MAX_FIELD_HTML`) and at the issue's sizes, medians of alternating runs;
* a whole ``srs import anki --dry-run`` of a package whose notes all hold the worst case, against the same
  package with benign notes (subprocess wall time).

The goal is a ratio: linear work means a hostile field costs a small multiple of a benign one, whatever its
size. Not run by pytest; the tests check the output of the same fields, not their time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.harness import SRS, Figure, wall_pair
from srs.anki_html import MAX_FIELD_HTML, html_to_text

BENIGN_UNIT = "<div>Ask what <b>hesitations</b> they have &amp; {{c1::listen::verb}}.</div><br>"
WORST: dict[str, str] = {
    "cloze openers": "{{c1::",
    "cloze openers with hints": "{{c1::a::",
    "unclosed <a": "<a ",
    "unclosed quoted attribute": "<a x='",
    "bogus comments": "<!",
    "unclosed comments": "<!--",
    "[sound: openers": "[sound:",
    "marked sections": "<![",
    "nested divs": "<div>",
}
FIELD_GOAL = 3.0  # a worst case may cost this many times a benign field of the same length
PACKAGE_GOAL = 2.0


def sized(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def time_pair(ours: Callable[[], object], baseline: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median times of ``ours`` and ``baseline``, alternating, after one untimed round of each."""
    ours()
    baseline()
    pairs = []
    for _ in range(repeat):
        start = time.perf_counter()
        ours()
        middle = time.perf_counter()
        baseline()
        pairs.append((middle - start, time.perf_counter() - middle))
    return statistics.median(o for o, _ in pairs), statistics.median(b for _, b in pairs)


def field_figures(repeat: int) -> list[Figure]:
    figures = []
    benign = sized(BENIGN_UNIT, MAX_FIELD_HTML)
    for name, unit in WORST.items():
        worst = sized(unit, MAX_FIELD_HTML)
        ours, base = time_pair(lambda: html_to_text(worst), lambda: html_to_text(benign), repeat)
        figures.append(Figure(f"field: {name}, {MAX_FIELD_HTML // 1024} KiB", ours, base, FIELD_GOAL,
                              note="vs a benign field of the same length"))
    for name, field, before in [("{{c1:: x 2,000 (issue 18)", "{{c1::" * 2000, "162 s before"),
                                ("<a  x 20,000 (issue 18)", "<a " * 20_000, "44 s before")]:
        benign = sized(BENIGN_UNIT, len(field))
        ours, base = time_pair(lambda: html_to_text(field), lambda: html_to_text(benign), repeat)
        figures.append(Figure(f"field: {name}", ours, base, FIELD_GOAL, note=before))
    return figures


def write_package(path: Path, fields: list[str]) -> Path:
    """A legacy (schema 11) package of notes of a type with Situation and Response fields, not ours."""
    db = path.with_suffix(".anki2")
    conn = sqlite3.connect(db)
    models = {"1": {"name": "Basic", "flds": [{"name": "Situation", "ord": 0}, {"name": "Response", "ord": 1}]}}
    conn.executescript(
        "CREATE TABLE col (id integer primary key, ver integer, models text);"
        "CREATE TABLE notes (id integer primary key, guid text, mid integer, mod integer, tags text, flds text);"
        "CREATE TABLE cards (id integer primary key, nid integer, ord integer, type integer, queue integer,"
        " due integer, ivl integer, reps integer, lapses integer, mod integer);"
        "CREATE TABLE revlog (id integer primary key, cid integer, ease integer, ivl integer, lastIvl integer,"
        " factor integer, time integer, type integer);")
    conn.execute("INSERT INTO col VALUES (1, 11, ?)", (json.dumps(models),))
    base = 1_700_000_000_000
    conn.executemany("INSERT INTO notes VALUES (?, ?, 1, 1700000000, '', ?)",
                     [(base + i, f"bench-{i}", f"{field}\x1fA response.") for i, field in enumerate(fields)])
    conn.executemany("INSERT INTO cards VALUES (?, ?, 0, 0, 0, 0, 0, 0, 0, 1700000000)",
                     [(base + i, base + i) for i in range(len(fields))])
    conn.commit()
    conn.close()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(db, "collection.anki2")
        archive.writestr("media", "{}")
    db.unlink()
    return path


def package_figures(work: Path, notes: int, size: int, repeat: int) -> list[Figure]:
    env = {**os.environ, "SRS_DATA_DIR": str(work / "data"), "SRS_NOW": "2026-03-01T12:00:00+00:00",
           "NO_COLOR": "1"}
    env.pop("SRS_DATABASE_URL", None)
    benign = write_package(work / "benign.apkg", [sized(BENIGN_UNIT, size)] * notes)
    figures = []
    for name in ("cloze openers", "unclosed <a", "[sound: openers"):
        worst = write_package(work / "worst.apkg", [sized(WORST[name], size)] * notes)
        ours, base = wall_pair([*SRS, "import", "anki", "--dry-run", str(worst)],
                               [*SRS, "import", "anki", "--dry-run", str(benign)], env, repeat)
        figures.append(Figure(f"import --dry-run: {notes} notes of {name}, {size // 1024} KiB each", ours, base,
                              PACKAGE_GOAL, note="vs the same package with benign notes"))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hostile_import")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and a smaller package")
    args = parser.parse_args()
    repeat, notes = (3, 50) if args.quick else (7, 200)
    work = Path(tempfile.mkdtemp(prefix="srs-bench-hostile-"))
    try:
        print("timing fields ...", file=sys.stderr)
        results = field_figures(5 * repeat)  # milliseconds each: many runs, so the medians hold still
        print("timing packages ...", file=sys.stderr)
        results += package_figures(work, notes, 60 * 1024, max(1, repeat // 2))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("| figure | ours | baseline | ratio | goal | note |")
    print("|---|---|---|---|---|---|")
    for fig in results:
        print(fig.row())
    judged = [fig.met for fig in results if fig.met is not None]
    print(f"\n{sum(judged)} of {len(judged)} goals met")


if __name__ == "__main__":
    main()
