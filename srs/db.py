"""Engines and sessions.

:func:`database_url` resolves where the data lives (``--db``, then ``SRS_DATABASE_URL``, then
``<user data dir>/srs.db``); :func:`make_engine` builds an engine for it. There is no engine at module level.
SQLite gets WAL, foreign keys and a busy timeout, so concurrent writers wait instead of failing.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from srs.dburl import check_url
from srs.errors import SRSError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlmodel import Session

    from srs.migrations import Upgrade

# The newest migration in srs/migrations/versions (a test keeps the two equal). Start-up compares the database's
# alembic_version with this constant and imports Alembic only when they differ.
SCHEMA_HEAD = "0004"
# The schema srs 0.1.0 (commit fe248ac) created before migrations existed: its tables, no alembic_version.
FIRST_REVISION = "0001"
V1_TABLES = frozenset({"learner", "deck", "card", "progress", "review", "setting", "local_edit", "meta"})
DEFAULT_LEARNER = "default"
BUSY_TIMEOUT_MS = 30_000


def data_dir() -> Path:
    """The directory for the default database: ``SRS_DATA_DIR`` or the platform's user data dir."""
    override = os.environ.get("SRS_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path("srs", appauthor=False)


def database_url(db: str | None = None) -> str:
    """Turn ``--db PATH|URL`` (or ``SRS_DATABASE_URL``, or the default file) into a SQLAlchemy URL."""
    value = db or os.environ.get("SRS_DATABASE_URL")
    if not value:
        return f"sqlite:///{data_dir() / 'srs.db'}"
    if "://" in value:
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value[len("postgresql://"):]
        return check_url(value)
    return f"sqlite:///{Path(value).expanduser()}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")  # in WAL mode: durable across a process crash
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def make_engine(url: str) -> "Engine":
    """Create an engine for ``url``. SQLite parent directories are created as needed."""
    from sqlalchemy import create_engine, event

    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        # The driver's own transaction handling stays on purpose: reads run outside a transaction and the
        # first write opens one, which waits on busy_timeout for the write lock. So a read-then-write never
        # has to upgrade a stale read snapshot (the case that fails at once with "database is locked"), and
        # a session left open at a prompt holds no lock. Read-then-write code guards against stale reads with
        # compare-and-set (Progress.version); migrations take the lock up front with BEGIN IMMEDIATE.
        return engine
    return create_engine(url, pool_pre_ping=True)


class SchemaError(SRSError):
    """The database's schema cannot be used or upgraded by this version of srs."""


def schema_state(conn: "Connection") -> str | None:
    """The schema revision of the database, read with plain SQL (no Alembic).

    None for a database without srs tables; :data:`FIRST_REVISION` for one made before migrations existed.
    """
    from sqlalchemy import inspect

    tables = set(inspect(conn).get_table_names())
    if "alembic_version" in tables:
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    ours = tables & V1_TABLES
    if ours == V1_TABLES:
        return FIRST_REVISION
    if ours:
        raise SchemaError(f"the database has some srs tables ({', '.join(sorted(ours))}) but not all, and no "
                          "schema version: it was not made by srs, or is damaged; nothing was changed")
    return None


def init_schema(engine: "Engine") -> "Upgrade | None":
    """Bring the database to :data:`SCHEMA_HEAD`: create it, or upgrade it after a backup (SQLite).

    The usual case, a current database, costs one query and never imports Alembic.

    Returns:
        None for a database that was current; otherwise what was done (``before`` is None for a new database).
    """
    from sqlalchemy.exc import DBAPIError

    with engine.connect() as conn:
        try:
            if conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == SCHEMA_HEAD:
                return None
        except DBAPIError as exc:
            if "alembic_version" not in str(exc):  # not "no such table": a real problem
                raise
    from srs.migrations import upgrade

    return upgrade(engine)


def find_learner(conn: "Connection", name: str) -> int | None:
    """The id of learner ``name``, or None; a Core read, for the start-up path that does without the ORM."""
    from sqlalchemy import select

    from srs.tables import learner

    found = conn.execute(select(learner.c.id).where(learner.c.name == name)).scalar()
    return None if found is None else int(found)


def get_or_create_learner(session: "Session", name: str, now: datetime) -> int:
    """Return the id of learner ``name``, creating the default learner on first use."""
    from srs.errors import NotFoundError
    from srs.models import Learner

    found = find_learner(session.connection(), name)
    if found is not None:
        return found
    if name != DEFAULT_LEARNER:
        raise NotFoundError(f"no learner named {name!r} (add one with: srs learner add {name})")
    learner = Learner(name=name, created_at=now)
    session.add(learner)
    session.flush()
    assert learner.id is not None
    return learner.id
