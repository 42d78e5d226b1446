"""SQLite's WAL checkpoint in a review session: run while the learner reads a card, never inside a grade.

Why: keypress latency. In WAL mode a commit appends its pages to the ``-wal`` file (the log), and by default
the commit that takes the log past 1,000 pages also copies the log back into the database file and syncs it
to disk (a checkpoint): 12–20 ms on a large collection, one keypress in about 80 (benchmarks/RESULTS.md). The
first commit after a checkpoint then starts the log over, and syncs its header: another slow keypress.

:class:`IdleCheckpoints` turns SQLite's automatic checkpoint off for the engine's connections and does both at
a moment the learner is reading, not waiting (:meth:`~IdleCheckpoints.run_if_due`, called once the next card
is on screen), when the log has passed the same 1,000 pages; and once more at the end of the session
(:meth:`~IdleCheckpoints.close`).

What does not change:

* Durability. A grade is durable once its commit is in the log, checkpoint or not: after a crash SQLite reads
  the log back (``synchronous = NORMAL`` in WAL mode, :mod:`srs.store.engine`).
* Readers and writers in other processes. A PASSIVE checkpoint neither waits for them nor blocks them; what a
  reader still uses stays in the log until the next try. Their own connections keep automatic checkpoints.
* The log's bound: about 1,000 pages (4 MB) as before, plus the last grade's pages.

PostgreSQL, an in-memory database and a read-only file: nothing to do, every method returns at once.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from srs.store.engine import is_read_only

_WAL_HEADER = 32  # bytes: the log file's header, then per page a 24-byte frame header (sqlite.org/fileformat)
_FRAME_HEADER = 24


def _no_automatic_checkpoint(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA wal_autocheckpoint = 0")
    # When the log starts over, cut the file to what is written, so the file's size is the log's.
    cur.execute("PRAGMA journal_size_limit = 0")
    cur.close()


class IdleCheckpoints:
    """Checkpoints of a SQLite database's log at moments of the caller's choosing (see the module docstring).

    Args:
        engine: The review session's engine. Its pool is emptied, so that every connection it opens from now
            on (until :meth:`close`) has SQLite's automatic checkpoint off.

    Attributes:
        pages: Checkpoint once the log holds this many pages: SQLite's own default, so the log stays as small
            as it was.
    """

    pages = 1000

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        database = engine.url.database
        sqlite_file = engine.dialect.name == "sqlite" and database not in (None, "", ":memory:")
        self._log: Path | None = Path(f"{database}-wal") if sqlite_file and not is_read_only(engine) else None
        if self._log is None:
            return
        event.listen(engine, "connect", _no_automatic_checkpoint)
        engine.dispose()
        with engine.connect() as conn:
            page_size = int(conn.exec_driver_sql("PRAGMA page_size").scalar_one())
        self._limit = _WAL_HEADER + self.pages * (page_size + _FRAME_HEADER)

    def run_if_due(self) -> None:
        """Checkpoint if the log has passed :attr:`pages`, and start it over. Call it while nobody waits.

        It never waits for another process's reader; it may wait for another process's write transaction,
        which the next grade would wait for anyway.
        """
        if self._log is None or _size(self._log) < self._limit:
            return
        with self._engine.connect() as conn:
            busy, log, copied = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
            if busy or log != copied:
                return  # a reader still uses part of the log: the next call tries again
            # Start the log over now rather than in the next grade: the first commit to a new log syncs its
            # header. A write that changes nothing does it (the value the database already holds).
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            version = int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())
            conn.exec_driver_sql(f"PRAGMA user_version = {version}")
            conn.commit()

    def close(self) -> None:
        """The session is over: checkpoint what is left, and connections opened from now on check as usual."""
        if self._log is None:
            return
        with self._engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        event.remove(self._engine, "connect", _no_automatic_checkpoint)
        self._engine.dispose()
        self._log = None


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        return 0
