"""The keypress path's prebuilt statements, run with less of SQLAlchemy's per-execution work.

A review keypress runs four or five statements, each built once at import (:mod:`srs.store.queue`, :mod:`srs.store.progress`,
:mod:`srs.review_service`). Through ``Connection.execute`` each one costs 40-100 us of SQLAlchemy work (cache
key, compiled parameters, execution context, result metadata) on top of a few tens of microseconds of SQL.
:func:`run_hot` compiles a statement once per dialect and then only does what the statement needs: the bind
processors SQLAlchemy would apply, the dialect's paramstyle, the result processors of its columns.

Where it runs:

- on a ``Session``, or for a statement with expanding (``IN``) parameters: ``execute``, as usual;
- on a SQLite ``Connection`` with no cursor event listeners (on it or its engine): the connection's own
  ``sqlite3`` cursor. Reads on SQLite run outside a transaction (the driver begins one at the first write;
  see :func:`srs.store.engine.make_engine`), so there is nothing for SQLAlchemy to track; a write first begins
  SQLAlchemy's transaction, so the caller's ``commit()`` and ``rollback()`` work as after ``execute``.
  Driver errors are raised as SQLAlchemy's ``DBAPIError`` subclasses, as ``execute`` raises them;
- otherwise (PostgreSQL, or listeners): ``Connection.exec_driver_sql``, which keeps SQLAlchemy's events and
  error handling.

Rows come back as tuples with each column's result processing applied (datetimes are aware UTC datetimes, as
``execute`` returns them); a test keeps every prebuilt statement's results equal to ``execute``'s on both
backends.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from srs.store.types import Executor

_Processor = Callable[[Any], Any]


class _Form(NamedTuple):
    """A statement compiled for one dialect and driver."""

    statement: Any  # kept so that a new statement reusing a freed one's id() is not mistaken for it
    sql: str | None  # None: not eligible (SQLAlchemy runs it)
    # (name, default value, bind processor) of each distinct parameter: each is processed once, however many
    # times the SQL uses it (the queue binds "now" at up to 17 places).
    binds: tuple[tuple[str, Any, _Processor | None], ...]
    # Positional paramstyle (SQLite's ``?``): the index in ``binds`` of each placeholder, in order. None for a
    # named paramstyle (psycopg), which takes a dict.
    positions: tuple[int, ...] | None
    required: frozenset[str]
    read: bool  # a SELECT
    # Result processors per column (None when there are none), once known: some types' depend on the type the
    # driver reports for the column (PostgreSQL's numbers), so they are made from the first result's cursor
    # description and kept here.
    columns: list[tuple[_Processor | None, ...] | None]


_FORMS: dict[tuple[int, str, str], _Form] = {}


def _columns(form: _Form, dialect: Dialect, description: Sequence[Sequence[Any]] | None) -> Any:
    if not form.columns:
        types = [column.type for column in form.statement.selected_columns]
        codes = [None] * len(types) if description is None else [entry[1] for entry in description]
        processors = tuple(type_.dialect_impl(dialect).result_processor(dialect, code)
                           for type_, code in zip(types, codes))
        form.columns.append(processors if any(processors) else None)
    return form.columns[0]


def _form(statement: Any, dialect: Dialect) -> _Form:
    key = (id(statement), dialect.name, dialect.driver)
    form = _FORMS.get(key)
    if form is not None and form.statement is statement:
        return form
    compiled = statement.compile(dialect=dialect)
    if compiled.positional:
        pairs = [(compiled.binds.get(name), name) for name in compiled.positiontup]
    else:
        pairs = list(dict((name, (bind, name)) for bind, name in compiled.bind_names.items()).values())
    if "POSTCOMPILE" in compiled.string or any(
            bind is None or bind.expanding or bind.callable is not None for bind, _ in pairs):
        form = _Form(statement, None, (), None, frozenset(), False, [])
    else:
        processors = compiled._bind_processors
        distinct = {name: bind for bind, name in pairs}
        binds = tuple((name, None if bind.required else bind.effective_value, processors.get(name))
                      for name, bind in distinct.items())
        index = {name: i for i, name in enumerate(distinct)}
        positions = tuple(index[name] for _, name in pairs) if compiled.positional else None
        required = frozenset(name for name, bind in distinct.items() if bind.required)
        form = _Form(statement, compiled.string, binds, positions, required, bool(statement.is_select), [])
    _FORMS[key] = form
    return form


class HotResult:
    """The rows of a :func:`run_hot` read (or a write's row count), with the ``Result`` methods its callers use."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rows: Sequence[tuple[Any, ...]], rowcount: int = -1) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def all(self) -> Sequence[tuple[Any, ...]]:
        return self._rows

    def first(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None

    def one(self) -> tuple[Any, ...]:
        if len(self._rows) != 1:
            raise ValueError(f"expected one row, got {len(self._rows)}")
        return self._rows[0]

    def scalar(self) -> Any:
        return self._rows[0][0] if self._rows else None


def _processed(rows: list[Any], columns: tuple[_Processor | None, ...] | None) -> list[Any]:
    if columns is None:
        return rows
    return [tuple(value if process is None else process(value) for process, value in zip(columns, row))
            for row in rows]


def _args(form: _Form, params: dict[str, Any]) -> Any:
    """The statement's parameters in the dialect's paramstyle, with SQLAlchemy's bind processing."""
    if not form.required <= params.keys():
        raise KeyError(f"missing parameters: {sorted(form.required - params.keys())}")
    get = params.get
    values = [get(name, default) if process is None else process(get(name, default))
              for name, default, process in form.binds]
    if form.positions is not None:
        return tuple(map(values.__getitem__, form.positions))
    return {name: value for (name, _, _), value in zip(form.binds, values)}


def _on_driver_cursor(session: Connection) -> bool:
    """Whether statements may skip SQLAlchemy on this connection: SQLite, and no cursor event listeners."""
    return session.dialect.name == "sqlite" and not (session._has_events or session.engine._has_events)


def _driver_execute(session: Connection, form: _Form, args: Any) -> Any:
    """Run on the connection's own ``sqlite3`` cursor; driver errors become SQLAlchemy's, as in ``execute``.

    A write first begins SQLAlchemy's transaction if none is open. On SQLite that is bookkeeping only (the
    driver opens the database transaction at the write itself), and it is what makes the caller's
    ``commit()`` or ``rollback()`` reach the driver.
    """
    if not form.read and not session.in_transaction():
        session.begin()
    dbapi_connection = session.connection.dbapi_connection
    assert dbapi_connection is not None
    error = session.dialect.loaded_dbapi.Error
    try:
        return dbapi_connection.execute(form.sql, args)
    except error as exc:
        raise DBAPIError.instance(form.sql, args, exc, error, dialect=session.dialect) from exc


def run_hot(session: Executor, statement: Any, params: dict[str, Any]) -> Any:
    """Execute a prebuilt Core statement as driver SQL, as described in the module docstring.

    Returns:
        A :class:`HotResult` (``all``, ``first``, ``one``, ``scalar``, ``rowcount``), or SQLAlchemy's
        ``Result`` where SQLAlchemy runs the statement; rows are the same either way.
    """
    if not isinstance(session, Connection):
        return session.execute(statement, params)
    form = _form(statement, session.dialect)
    if form.sql is None:
        return session.execute(statement, params)
    args = _args(form, params)
    if _on_driver_cursor(session):
        cursor = _driver_execute(session, form, args)
        if not form.read:
            return HotResult((), cursor.rowcount)
        description = cursor.description
        rows = cursor.fetchall()
    else:
        result = session.exec_driver_sql(form.sql, args)
        if not form.read:
            return HotResult((), result.rowcount)
        description = result.cursor.description
        rows = result.fetchall()
    return HotResult(_processed(rows, _columns(form, session.dialect, description)))


def insert_hot(session: Executor, statement: Any, params: dict[str, Any]) -> int:
    """Run a prebuilt one-row ``INSERT`` (every value a bound parameter) and return the new row's integer
    primary key: on SQLite as driver SQL, the key being the driver's ``lastrowid``; elsewhere through
    ``execute`` (PostgreSQL returns the key with ``RETURNING``)."""
    if isinstance(session, Connection) and session.dialect.name == "sqlite":
        form = _form(statement, session.dialect)
        if form.sql is not None:
            args = _args(form, params)
            if _on_driver_cursor(session):
                return int(_driver_execute(session, form, args).lastrowid)
            return int(session.exec_driver_sql(form.sql, args).lastrowid)
    return int(session.execute(statement, params).inserted_primary_key[0])  # type: ignore[attr-defined]
