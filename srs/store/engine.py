"""Where the data lives and how to connect to it: the database URL and the engine.

:func:`database_url` resolves where the data lives (``--db``, then ``SRS_DATABASE_URL``, then
``<user data dir>/srs.db``); :func:`make_engine` builds an engine for it. There is no engine at module level.
SQLite gets WAL, foreign keys and a busy timeout, so concurrent writers wait instead of failing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from srs.dburl import check_url

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


def make_engine(url: str) -> Engine:
    """Create an engine for ``url``. SQLite parent directories are created as needed."""
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
        # compare-and-set (srs.store.progress); migrations take the lock up front with BEGIN IMMEDIATE.
        return engine
    return create_engine(url, pool_pre_ping=True)

