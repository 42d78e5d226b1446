"""What the migration tests compare: srs 0.1.0's database (tests/fixtures/srs-v1.db) and its rows as SQLite
stores them, so an upgrade can be shown to keep every row."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent.parent / "fixtures"
V1_DB = FIXTURES / "srs-v1.db"
NOW = datetime(2026, 2, 1, 12, 0, tzinfo=timezone.utc)
TABLES = ("learner", "deck", "card", "progress", "review", "setting", "local_edit", "meta")
RECHECK_ROW = ("bundled-recheck", "bundled-recheck")


def v1_columns() -> dict[str, str]:
    """Each srs table's columns in srs 0.1.0's schema (later revisions add columns; the rows compared are these)."""
    con = sqlite3.connect(V1_DB)
    try:
        return {t: ", ".join(c[1] for c in con.execute(f"PRAGMA table_info({t})")) for t in TABLES}
    finally:
        con.close()


def rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every srs table, raw as SQLite stores it, in primary-key order (srs 0.1.0's columns)."""
    columns = v1_columns()
    con = sqlite3.connect(path)
    try:
        found = {t: con.execute(f"SELECT {columns[t]} FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES}
    finally:
        con.close()
    # Every upgrade records the release that wrote the schema (tested on its own below): not a row of the user's.
    found["meta"] = [row for row in found["meta"] if row[0] != "schema-written-by"]
    return found


def ddl(path: Path) -> dict[tuple[str, str], str]:
    con = sqlite3.connect(path)
    try:
        return {(kind, name): sql for kind, name, sql in con.execute("SELECT type, name, sql FROM sqlite_master")
                if "alembic_version" not in name}
    finally:
        con.close()
