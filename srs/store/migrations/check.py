"""``srs db check``: the database's integrity, and its schema against this srs's (revision and tables). Changes
nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection, Engine

from srs.store.migrations import SCHEMA_HEAD, status
from srs.store.migrations.identify import SchemaStatus

__all__ = ["Check", "check", "schema_differences"]


@dataclass
class Check:
    """The result of :func:`check`: schema revision against head, integrity and schema problems."""

    backend: str
    revision: str | None
    head: str
    integrity: list[str] = field(default_factory=list)
    schema: list[str] = field(default_factory=list)
    status: SchemaStatus | None = None

    @property
    def ok(self) -> bool:
        recorded = self.status is None or self.status.recorded
        return self.revision == self.head and recorded and not self.integrity and not self.schema


def schema_differences(conn: Connection) -> list[str]:
    """Differences between the tables in the database and ``srs/models.py`` (empty when they agree)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from srs.store import models  # noqa: F401

    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return [_describe(diff) for diff in compare_metadata(context, SQLModel.metadata)]


def _describe(diff: Any) -> str:
    if isinstance(diff, list):  # column modifications come as a list of tuples
        return "; ".join(_describe(d) for d in diff)
    kind, *rest = diff
    names = [getattr(x, "name", None) or str(x) for x in rest if x is not None][:3]
    return f"{kind}: {' '.join(str(n) for n in names)}"


def check(engine: Engine) -> Check:
    """Check integrity (SQLite: ``integrity_check`` and ``foreign_key_check``; PostgreSQL: invalid indexes)
    and that the schema is at head and matches the models. Changes nothing."""
    state = status(engine)
    with engine.connect() as conn:
        revision = state.revision
        result = Check(backend=conn.dialect.name, revision=revision, head=SCHEMA_HEAD, status=state)
        if conn.dialect.name == "sqlite":
            rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
            result.integrity += [r for r in rows if r != "ok"]
            result.integrity += [f"row {rowid} of {table} points to a missing {parent}"
                                 for table, rowid, parent, _ in conn.exec_driver_sql("PRAGMA foreign_key_check")]
        elif conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT 1")
            invalid = conn.exec_driver_sql(
                "SELECT indexrelid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                "WHERE c.relnamespace = current_schema()::regnamespace AND NOT (i.indisvalid AND i.indisready)")
            result.integrity += [f"index {name} is invalid (REINDEX it)" for (name,) in invalid]
        if revision == SCHEMA_HEAD:
            result.schema = schema_differences(conn)
        conn.rollback()
    return result
