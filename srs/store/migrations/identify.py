"""Facts about a database's schema beyond its ``alembic_version`` row, and what to tell the user about them: which
revision its tables are, which release of srs-interview last created or upgraded it, and what to do
(:class:`SchemaStatus`).

* A **fingerprint** is what the tables look like: each table's columns, and each index with its columns, as
  SQLAlchemy's inspector reads them on SQLite and PostgreSQL alike. A database whose ``alembic_version`` is
  missing or empty is identified by comparing its fingerprint with each shipped revision's
  (:func:`srs.store.migrations.revision_fingerprints` makes those from the scripts).
* The release that wrote the schema is kept in the ``meta`` table (``schema-written-by``), set by every
  upgrade. An older release refused a database from a newer one can then say which version to install.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

WRITTEN_BY = "schema-written-by"
PACKAGE = "srs-interview"

# table -> (its columns, its indexes as (name, columns))
Fingerprint = Mapping[str, tuple[frozenset[str], frozenset[tuple[str, tuple[str, ...]]]]]


def fingerprint(conn: Connection, tables: Iterable[str]) -> dict[str, tuple[frozenset[str],
                                                                         frozenset[tuple[str, tuple[str, ...]]]]]:
    """The columns and indexes of those of ``tables`` that the database has."""
    inspector = inspect(conn)
    present = set(inspector.get_table_names())
    found = {}
    for table in sorted(set(tables) & present):
        columns = frozenset(c["name"] for c in inspector.get_columns(table))
        indexes = frozenset(
            (str(ix["name"]), tuple(str(c) for c in ix["column_names"]))
            for ix in inspector.get_indexes(table)
            if not ix.get("duplicates_constraint") and not str(ix["name"]).startswith("sqlite_autoindex"))
        found[table] = (columns, indexes)
    return found


def identify(conn: Connection, revisions: Sequence[tuple[str, Fingerprint]]) -> str | None:
    """The one revision whose tables the database has exactly, or None (none does, or several would)."""
    tables = {table for _, print_ in revisions for table in print_}
    mine = fingerprint(conn, tables)
    matches = [revision for revision, print_ in revisions if dict(print_) == mine]
    return matches[0] if len(matches) == 1 else None


def package_version() -> str:
    """This installed srs-interview's version (``unknown`` when it is not installed as a package)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PACKAGE)
    except PackageNotFoundError:
        return "unknown"


def written_by(conn: Connection) -> str | None:
    """The srs-interview version that last created or upgraded the schema, if one recorded it."""
    if not inspect(conn).has_table("meta"):
        return None
    value = conn.execute(text("SELECT value FROM meta WHERE key = :key"), {"key": WRITTEN_BY}).scalar()
    return None if value is None else str(value)


def record_written_by(conn: Connection) -> None:
    """Record this srs-interview's version as the one that wrote the schema (inside the upgrade's transaction)."""
    conn.execute(text("DELETE FROM meta WHERE key = :key"), {"key": WRITTEN_BY})
    conn.execute(text("INSERT INTO meta (key, value) VALUES (:key, :value)"),
                 {"key": WRITTEN_BY, "value": package_version()})


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database's schema stands against this srs, and what to do about it
    (:func:`srs.store.migrations.status`)."""

    revision: str | None  # recorded, or identified from the tables when not recorded; None: no srs tables
    head: str  # this srs's newest revision
    known: bool = True  # this srs ships that revision
    recorded: bool = True  # the revision is in alembic_version
    written_by: str | None = None  # for a revision not known here: the release that wrote it, if it said

    @property
    def state(self) -> str:
        """``current``, ``older``, ``newer``, ``empty`` (no srs tables) or ``unrecorded`` (identified)."""
        if self.revision is None:
            return "empty"
        if not self.known:
            return "newer"
        if not self.recorded:
            return "unrecorded"
        return "current" if self.revision == self.head else "older"

    def advice(self) -> str:
        """What is true, and what to do, in one line."""
        if self.state == "empty":
            return "no srs tables yet: any command creates them, or run: srs db upgrade"
        if self.state == "newer":
            return newer_than_me(self.revision or "", self.written_by, self.head, short=True)
        if self.state == "unrecorded":
            then = "" if self.revision == self.head else f" and upgrades it to {self.head}"
            return (f"not recorded (alembic_version is missing or empty), but the tables are those of "
                    f"{self.revision}: any command (or srs db upgrade) records it{then}")
        if self.state == "older":
            return f"newest is {self.head}: any command upgrades it, or run: srs db upgrade"
        return "newest"


def newer_than_me(revision: str, written_by: str | None, head: str, short: bool = False) -> str:
    """What to say about a database at a schema revision this srs (newest ``head``) does not know: which
    release to install, and, in the long form, that every client of a shared database upgrades together."""
    if written_by and written_by != "unknown":
        install = f"install srs-interview {written_by} or newer: pip install --upgrade 'srs-interview>={written_by}'"
        by = f"srs-interview {written_by}"
    else:
        install = "upgrade srs-interview: pip install --upgrade srs-interview"
        by = "a newer srs-interview"
    if short:
        return f"newer than this srs knows (its newest is {head}), written by {by}: {install}"
    return (f"the database is at schema revision {revision}, which this srs-interview ({package_version()}, newest "
            f"schema {head}) does not know: it was written by a newer srs ({by}); {install}. Nothing was "
            "changed. Every program that shares this database must be upgraded together.")
