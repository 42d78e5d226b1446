"""Column types shared by the table classes (:mod:`srs.models`) and the Core tables (:mod:`srs.tables`).

Only SQLAlchemy Core is imported here, so the read-only start-up path (``srs status``, ``srs stats``) can bind
and read datetimes without loading SQLModel.
"""

from __future__ import annotations

from datetime import datetime, timezone
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Optional, Union

from sqlalchemy import BigInteger, DateTime, Integer
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:
    from typing import TypeAlias

    from sqlalchemy.orm import Session

    # What read-only services run their Core statements on: a Connection (the start-up path, without the ORM)
    # or a Session (commands and tests that also use the ORM).
    Executor: TypeAlias = Union[Connection, Session]


class UTCDateTime(TypeDecorator[datetime]):
    """A datetime column that only accepts aware datetimes and always returns aware UTC datetimes.

    SQLite has no time zone support, so values are stored as naive UTC there; PostgreSQL uses
    ``timestamp with time zone``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Dialect) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: store timezone-aware datetimes only")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def bind_processor(self, dialect: Dialect) -> Optional[Callable[[Any], Any]]:
        """On SQLite, aware datetime straight to the stored text, and the last one remembered.

        The queue's statements bind the same three or four moments at up to 17 places each (SQLite's
        positional parameters repeat a name once per use); each went through :meth:`process_bind_param` and
        then the dialect's own formatting, ~3 us a time. Same text as that path:
        ``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC.
        """
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)
        utc = timezone.utc
        last: list[tuple[Any, Any]] = [(None, None)]

        def process(value: Any) -> Any:
            if value is None:
                return None
            seen, text = last[0]
            if value is seen:
                return text
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"naive datetime {value!r}: store timezone-aware datetimes only")
            text = value.astimezone(utc).replace(tzinfo=None).isoformat(" ", "microseconds")
            last[0] = (value, text)
            return text

        return process

    def process_result_value(self, value: Optional[datetime], dialect: Dialect) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


# 64-bit ids on PostgreSQL; on SQLite only INTEGER PRIMARY KEY is the auto-incrementing rowid.
BigId = BigInteger().with_variant(Integer(), "sqlite")


# -- hot statements as driver SQL ---------------------------------------------------------------------------------

# (statement id, dialect, driver) -> (the statement, kept to check the id; its SQL for the dialect, None when
# SQLAlchemy must run it; positional or named parameters; (name, default value, bind processor or None) per
# parameter, in order; the names that must be given).
_DRIVER_SQL: dict[tuple[int, str, str], Any] = {}


def _driver_form(statement: Any, dialect: Dialect) -> Any:
    key = (id(statement), dialect.name, dialect.driver)
    entry = _DRIVER_SQL.get(key)
    if entry is not None and entry[0] is statement:
        return entry
    compiled = statement.compile(dialect=dialect)
    if compiled.positional:
        pairs = [(compiled.binds.get(name), name) for name in compiled.positiontup]
    else:
        pairs = list(dict((name, (bind, name)) for bind, name in compiled.bind_names.items()).values())
    if "POSTCOMPILE" in compiled.string or any(
            bind is None or bind.expanding or bind.callable is not None for bind, _ in pairs):
        entry = (statement, None, None, None, None)  # not eligible: SQLAlchemy runs it
    else:
        processors = compiled._bind_processors
        spec = tuple((name, None if bind.required else bind.effective_value, processors.get(name))
                     for bind, name in pairs)
        required = frozenset(name for bind, name in pairs if bind.required)
        entry = (statement, compiled.string, compiled.positional, spec, required)
    _DRIVER_SQL[key] = entry
    return entry


def run_hot(session: Executor, statement: Any, params: dict[str, Any]) -> Any:
    """Execute a prebuilt Core statement whose result needs no type processing (integers, or values only
    compared with each other), as driver SQL on a ``Connection``: compiled once per dialect, parameters put in
    the dialect's paramstyle with the same bind processors SQLAlchemy applies. That skips SQLAlchemy's
    per-execute compiled-parameter work (~30-60 us on a statement with dozens of parameters).

    Rows come back as the driver returns them: on SQLite a datetime column is its stored text. Statements with
    expanding (``IN``) parameters, and calls on a ``Session``, go through ``execute`` as before.
    """
    if not isinstance(session, Connection):
        return session.execute(statement, params)
    _, sql, positional, spec, required = _driver_form(statement, session.dialect)
    if sql is None:
        return session.execute(statement, params)
    if not required <= params.keys():
        raise KeyError(f"missing parameters: {sorted(required - params.keys())}")
    get = params.get
    values = [get(name, default) if processor is None else processor(get(name, default))
              for name, default, processor in spec]
    args: Any = tuple(values) if positional else {name: value for (name, _, _), value in zip(spec, values)}
    return session.exec_driver_sql(sql, args)
