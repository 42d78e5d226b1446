"""Where the data lives and how to connect to it: the database URL and the engine.

:func:`database_url` resolves where the data lives (``--db``, then ``SRS_DATABASE_URL``, then
``<user data dir>/srs.db``); :func:`make_engine` builds an engine for it. There is no engine at module level.
SQLite gets WAL, foreign keys and a busy timeout, so concurrent writers wait instead of failing.

A SQLite file that this process cannot write (the file, or its directory, where WAL keeps its ``-wal`` and
``-shm`` files) is opened read-only (``mode=ro``), and as ``immutable`` when there is no ``-wal`` file, since
then SQLite needs no ``-shm`` file either. (With a ``-wal`` file someone who can write may be writing, and an
immutable open would not see their changes.) Reading works; a write fails with an :class:`SRSError` naming the
file and why it cannot be written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url

from srs.dburl import check_url
from srs.errors import SRSError

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


def _read_only_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def writable(path: Path) -> bool:
    """Whether SQLite can write the database file ``path``: its directory (for the ``-wal`` and ``-shm`` files
    of WAL mode, and to create the file), and the file itself when it exists."""
    if not os.access(path.parent, os.W_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)


def _why_read_only(path: Path) -> str:
    if not os.access(path.parent, os.W_OK):
        return f"its directory {path.parent} cannot be written"
    return "the file cannot be written"


def is_read_only(engine: Engine) -> bool:
    """Whether ``engine`` was opened read-only by :func:`make_engine` (a SQLite file this process cannot write)."""
    return engine.dialect.name == "sqlite" and engine.url.query.get("mode") == "ro"


def require_writable(engine: Engine) -> None:
    """Refuse up front, with the message a write would give, to start work that must write (a review session).

    Raises:
        SRSError: the engine was opened read-only.
    """
    if is_read_only(engine):
        path = Path(unquote(str(engine.url.database).removeprefix("file:")))
        raise SRSError(_read_only_message(path))


def _read_only_message(path: Path) -> str:
    return f"the database {path} is read-only ({_why_read_only(path)}): commands that change it cannot run, " \
           "reading works"


def _refuse_writes(path: Path) -> Any:
    """A ``handle_error`` listener: SQLite's "attempt to write a readonly database" becomes a message that
    names the file and why, and so does "unable to open database file" on a file that cannot be written."""
    def handle(context: Any) -> None:
        text = str(context.original_exception)
        if "readonly database" in text or ("unable to open database file" in text and not writable(path)):
            raise SRSError(_read_only_message(path)) from None
    return handle


def make_engine(url: str) -> Engine:
    """Create an engine for ``url``. SQLite parent directories are created as needed, and a file this process
    cannot write is opened read-only (see the module docstring).

    Raises:
        SRSError: a SQLite file that does not exist yet, in a directory that cannot be written.
    """
    if url.startswith("sqlite"):
        database = make_url(url).database
        path = Path(database) if database and database != ":memory:" else None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not writable(path):
                if not path.exists():
                    raise SRSError(f"cannot create a database at {path}: {path.parent} cannot be written")
                return _read_only_engine(path)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        if path is not None:
            event.listen(engine, "handle_error", _refuse_writes(path))
        # The driver's own transaction handling stays on purpose: reads run outside a transaction and the
        # first write opens one, which waits on busy_timeout for the write lock. So a read-then-write never
        # has to upgrade a stale read snapshot (the case that fails at once with "database is locked"), and
        # a session left open at a prompt holds no lock. Read-then-write code guards against stale reads with
        # compare-and-set (srs.store.progress); migrations take the lock up front with BEGIN IMMEDIATE.
        return engine
    return create_engine(url, pool_pre_ping=True)



def _read_only_engine(path: Path) -> Engine:
    """An engine that opens ``path`` with SQLite's ``mode=ro`` (and ``immutable=1`` when there is no ``-wal``
    file and the directory cannot be written, so SQLite creates no ``-shm`` file either)."""
    query = {"mode": "ro", "uri": "true"}
    if not path.with_name(path.name + "-wal").exists() and not os.access(path.parent, os.W_OK):
        query["immutable"] = "1"
    url = URL.create("sqlite", database="file:" + quote(str(path.resolve())), query=query)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _read_only_pragmas)
    event.listen(engine, "handle_error", _refuse_writes(path))
    return engine
