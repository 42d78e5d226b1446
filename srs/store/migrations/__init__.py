"""Schema versions: bring any database srs can read to the newest schema, with the Alembic revisions shipped here.

:func:`init_schema` is what every start-up runs: it reads ``alembic_version`` with plain SQL and compares it with
:data:`SCHEMA_HEAD`, so a current database costs one query and Alembic is imported only to create a new database
or to upgrade an old one (Alembic is imported inside the functions that need it, for start-up speed).

An upgrade is one transaction that holds the database's write lock: ``BEGIN IMMEDIATE`` on SQLite, a
transaction-level advisory lock on PostgreSQL. So two processes that open an old database at the same moment
upgrade it once; the second finds it current and does nothing. On SQLite the file is first copied beside
itself (``srs.db.bak-<revision>``), and foreign keys are off while tables are rebuilt (checked with
``PRAGMA foreign_key_check`` before the commit), so a batch table rebuild can never cascade deletes into
anyone's progress or history.

A database made by srs 0.1.0 (commit fe248ac), before migrations existed, has the tables of revision 0001
and no ``alembic_version``; it is stamped 0001 and upgraded from there. More generally, a database with srs's
tables and no recorded revision (``alembic_version`` missing, or empty after a bad restore) is identified by its
tables and indexes (:mod:`srs.store.migrations.identify`), recorded, and upgraded from there; one that matches no
shipped revision is refused with what to do.

Every upgrade records the srs-interview release that did it in the ``meta`` table, so that a release that finds a
database from a newer one can say which version to install (on a shared PostgreSQL database, every client must
be upgraded together).

Adding a revision (developers): change ``srs/store/models.py``, then ``python -m srs.store.migrations "what
changed"`` writes ``versions/NNNN_what_changed.py`` from the difference; review it and set :data:`SCHEMA_HEAD`.
"""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from srs.errors import SchemaError
from srs.store.engine import make_engine
from srs.store.migrations.identify import (
    Fingerprint,
    SchemaStatus,
    fingerprint,
    identify,
    newer_than_me,
    record_written_by,
)
from srs.store.migrations.identify import written_by as read_written_by

if TYPE_CHECKING:
    from alembic.config import Config

# The newest migration in versions/ (a test keeps the two equal). Start-up compares the database's
# alembic_version with this constant and imports Alembic only when they differ.
SCHEMA_HEAD = "0007"
# The schema srs 0.1.0 (commit fe248ac) created before migrations existed: its tables, no alembic_version.
FIRST_REVISION = "0001"
V1_TABLES = frozenset({"learner", "deck", "card", "progress", "review", "setting", "local_edit", "meta"})

HERE = Path(__file__).parent
# Any constant works; it only has to be the same in every srs process that shares a PostgreSQL database.
PG_LOCK_KEY = 0x5352_5330  # "SRS0"


@dataclass(frozen=True)
class Upgrade:
    """What :func:`upgrade` did. ``before`` is None for a new database."""

    before: str | None
    after: str
    backup: Path | None = None
    stamped: bool = False  # a database without a recorded revision (srs 0.1.0's, or a lost one) got it recorded

    @property
    def changed(self) -> bool:
        return self.before != self.after or self.stamped

    def describe(self) -> str:
        """What was done, as one sentence for the person who ran the command."""
        kept = f"; a copy from before is kept at {self.backup}" if self.backup is not None else ""
        if self.before is None:
            return f"Created the database at schema {self.after}."
        if self.before == self.after:
            if self.stamped:
                return (f"Recorded the database's schema version, which was missing: its tables are those of "
                        f"{self.after}{kept}.")
            return f"The database is already at the newest schema ({self.after})."
        return f"Upgraded the database from schema {self.before} to {self.after}{kept}."


def known_revisions() -> frozenset[str]:
    """The revisions shipped with this srs, from the script names (``NNNN_what.py``), without importing Alembic
    (a test keeps them equal to Alembic's)."""
    return frozenset(path.name[:4] for path in (HERE / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


@functools.cache
def revision_fingerprints() -> tuple[tuple[str, Fingerprint], ...]:
    """Each shipped revision with the tables it makes, oldest first: the scripts run one by one on a scratch
    SQLite file (done once per process, only to identify a database that does not record its revision)."""
    import tempfile

    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = alembic_config()
    order = [script.revision for script in reversed(list(ScriptDirectory.from_config(cfg).walk_revisions()))]
    found: list[tuple[str, Fingerprint]] = []
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/scratch.db")
        for revision in order:
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
            with engine.connect() as conn:
                found.append((revision, fingerprint(conn, set(inspect(conn).get_table_names()) - {"alembic_version"})))
        engine.dispose()
    return tuple(found)


def _recorded(conn: Connection) -> tuple[bool, str | None]:
    """Whether ``alembic_version`` exists, and the revision it holds."""
    if not inspect(conn).has_table("alembic_version"):
        return False, None
    value = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return True, None if value is None else str(value)


def schema_state(conn: Connection) -> str | None:
    """The schema revision of the database: the recorded one, or the one its tables are when none is recorded.

    None for a database without srs tables. A database made before migrations existed is :data:`FIRST_REVISION`.

    Raises:
        SchemaError: some srs tables but not all, or tables that match no shipped revision, and no revision
            recorded (the message says what to do).
    """
    has_table, recorded = _recorded(conn)
    if recorded is not None:
        return recorded
    ours = set(inspect(conn).get_table_names()) & V1_TABLES
    if not ours:
        return None
    if ours != V1_TABLES:
        raise SchemaError(f"the database has some srs tables ({', '.join(sorted(ours))}) but not all, and no "
                          "schema version: it was not made by srs, or is damaged; nothing was changed")
    identified = identify(conn, revision_fingerprints())
    if identified is not None:
        return identified
    if not has_table:
        return FIRST_REVISION  # made by srs 0.1.0, as it always was recognised
    revisions = ", ".join(revision for revision, _ in revision_fingerprints())
    raise SchemaError(
        "the database has srs's tables but its alembic_version table is empty, and the tables match none of the "
        f"schema revisions this srs knows ({revisions}); nothing was changed. Restore a backup (srs.db.bak-*), "
        "or, if you know the revision, record it with: srs db stamp REVISION, then run: srs db upgrade")


def status(engine: Engine) -> SchemaStatus:
    """Where the database's schema stands: its revision (recorded or identified), whether it is recorded, and
    the release that wrote it. Changes nothing.

    Raises:
        SchemaError: see :func:`schema_state`.
    """
    with engine.connect() as conn:
        _, recorded = _recorded(conn)
        revision = recorded if recorded is not None else schema_state(conn)
        by = read_written_by(conn) if revision is not None and revision not in known_revisions() else None
        conn.rollback()
    known = revision is None or revision in known_revisions()
    return SchemaStatus(revision, SCHEMA_HEAD, known, recorded is not None or revision is None, by)


def init_schema(engine: Engine) -> Upgrade | None:
    """Bring the database to :data:`SCHEMA_HEAD`: create it, or upgrade it after a backup (SQLite).

    The usual case, a current database, costs one query and never imports Alembic.

    Returns:
        None for a database that was current; otherwise what was done (``before`` is None for a new database).

    Raises:
        SchemaError: the database was written by a newer srs (the message says which release to install), or
            is not an srs database.
    """
    with engine.connect() as conn:
        try:
            current = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except DBAPIError as exc:
            if "alembic_version" not in str(exc):  # not "no such table": a real problem
                raise
        else:
            if current == SCHEMA_HEAD:
                return None
            if current is not None and current not in known_revisions():  # refused without taking any lock
                raise SchemaError(newer_than_me(current, read_written_by(conn), SCHEMA_HEAD))
    return upgrade(engine)


def alembic_config(script_location: str | Path | None = None) -> "Config":
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location or HERE))
    return cfg


def script_head(script_location: str | Path | None = None) -> str:
    """The newest revision among the shipped scripts (tests check it equals ``SCHEMA_HEAD``)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(script_location)).get_current_head()
    assert head is not None
    return head


def _lock(conn: Connection) -> None:
    """Take the database's write lock for the rest of this transaction (waits for other writers)."""
    if conn.dialect.name == "sqlite":
        # Foreign keys cannot change inside a transaction, so switch them off first (restored in upgrade()).
        conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LOCK_KEY})")


def _backup_sqlite(conn: Connection, revision: str) -> Path | None:
    """Copy the database file beside itself, consistently (SQLite's backup API), before changing it."""
    database = conn.engine.url.database
    if not database or database == ":memory:":
        return None
    source = Path(database)
    target = source.with_name(f"{source.name}.bak-{revision}")
    n = 2
    while target.exists():  # never overwrite an older backup
        target = source.with_name(f"{source.name}.bak-{revision}-{n}")
        n += 1
    # A second connection reads the last committed state, which is what the upgrade starts from since ``conn``
    # holds the write lock; SQLite's backup API refuses a source connection that is in a write transaction.
    source_conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source_conn.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        copy.close()
        source_conn.close()
    return target


def upgrade(engine: Engine, *, to: str = "head", backup: bool = True,
            script_location: str | Path | None = None) -> Upgrade:
    """Bring the database to the newest revision (or ``to``); create it there if it is empty.

    Raises :class:`SchemaError` for a database made by a newer srs, or one that is not an srs database.
    """
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = alembic_config(script_location)
    script = ScriptDirectory.from_config(cfg)
    head = script.get_current_head() if to == "head" else to
    assert head is not None
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        try:
            _lock(conn)
            before = schema_state(conn)  # read under the lock: another process may have just upgraded
            unversioned = before is not None and _recorded(conn)[1] is None  # srs 0.1.0's, or lost its record
            if before == head and not unversioned:
                conn.rollback()
                return Upgrade(before, head)
            if before is not None and before not in {s.revision for s in script.walk_revisions()}:
                raise SchemaError(newer_than_me(before, read_written_by(conn), head))
            copy = _backup_sqlite(conn, before) if sqlite and backup and before is not None else None
            cfg.attributes["connection"] = conn
            if unversioned:
                assert before is not None
                command.stamp(cfg, before, purge=True)  # its tables are those of `before` already
            command.upgrade(cfg, head)
            record_written_by(conn)
            if sqlite:
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise SchemaError(f"upgrade left rows without their parent ({broken[:3]}...); nothing changed")
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys = ON")
                conn.rollback()
    return Upgrade(before, head, copy, stamped=unversioned)


def stamp(engine: Engine, revision: str) -> None:
    """Record ``revision`` as the database's schema revision without changing any table: to recover a database
    whose record was lost and whose tables :func:`schema_state` cannot identify.

    Raises:
        SchemaError: ``revision`` is not one this srs ships.
    """
    from alembic import command

    if revision not in known_revisions():
        raise SchemaError(f"unknown schema revision {revision!r}; this srs knows "
                          f"{', '.join(sorted(known_revisions()))}")
    cfg = alembic_config()
    with engine.connect() as conn:
        try:
            _lock(conn)
            cfg.attributes["connection"] = conn
            command.stamp(cfg, revision, purge=True)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA foreign_keys = ON")
                conn.rollback()


def new_revision(message: str) -> None:
    """Write a new revision from the difference between the models and a database at the current head."""
    import tempfile

    from alembic import command

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/head.db")
        upgrade(engine, backup=False)
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            number = len(list((HERE / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))) + 1
            command.revision(cfg, message=message, autogenerate=True, rev_id=f"{number:04d}")
        engine.dispose()


def current_revision(engine: Engine) -> tuple[str | None, str]:
    """The database's schema revision (None when it has no srs tables yet) and this srs's newest."""
    with engine.connect() as conn:
        revision = schema_state(conn)
        conn.rollback()
    return revision, SCHEMA_HEAD
