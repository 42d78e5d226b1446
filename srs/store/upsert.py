"""Insert a row unless its key is taken, or insert-or-update it: ``INSERT ... ON CONFLICT`` on SQLite and PostgreSQL.

Reading whether a row exists and then inserting it is a race when two sessions do it at once: both read "not
there", and the second insert fails on the unique key (PostgreSQL, and SQLite when the read ran before the
transaction's first write). One ``INSERT ... ON CONFLICT`` statement decides in the database instead: on
PostgreSQL it waits for another session's uncommitted insert of the same key, then skips or updates the row,
so neither session fails. Every insert-if-absent in the store goes through these two functions. Nothing here
commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Row
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

__all__ = ["insert_if_absent", "upsert"]


def _insert(session: Session, table: Table) -> Any:
    """The dialect's ``insert`` (both have ``on_conflict_do_nothing`` and ``on_conflict_do_update``). Imported
    here, only the one in use: the PostgreSQL dialect alone costs ~40 ms of start-up a SQLite user never needs."""
    if session.get_bind().dialect.name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table)
    from sqlalchemy.dialects import postgresql

    return postgresql.insert(table)


def insert_if_absent(session: Session, table: Table, values: Mapping[str, Any], keys: Sequence[str],
                     returning: Sequence[ColumnElement[Any]] = ()) -> Row[Any] | None:
    """Insert ``values`` unless a row with the same ``keys`` (a unique constraint's columns) exists, committed or
    not, in any session.

    Args:
        session: An open session.
        table: The table.
        values: The new row.
        keys: The columns of the unique constraint or primary key that decides whether the row exists.
        returning: The columns of the new row to return (default: ``keys``).

    Returns:
        The inserted row's ``returning`` columns, or None when the key was taken (nothing was written).
    """
    columns = list(returning) or [table.c[key] for key in keys]
    statement = _insert(session, table).values(**values).on_conflict_do_nothing(index_elements=list(keys))
    return session.execute(statement.returning(*columns)).first()


def upsert(session: Session, table: Table, values: Mapping[str, Any], keys: Sequence[str]) -> None:
    """Insert ``values``, or, when a row with the same ``keys`` exists, set its other columns to ``values``: the
    last session to commit wins, and none fails because another wrote the row first.

    Args:
        session: An open session.
        table: The table.
        values: The row; every column not in ``keys`` is written on the existing row too.
        keys: The columns of the unique constraint or primary key that identifies the row.
    """
    statement = _insert(session, table).values(**values)
    changed = {name: statement.excluded[name] for name in values if name not in keys}
    session.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=changed))
