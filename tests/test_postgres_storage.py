"""Storage on PostgreSQL: the tests of ``test_storage.py`` (aware UTC datetimes round-trip, naive ones are
refused, the default learner needs no setup) run unchanged on a fresh PostgreSQL database."""

from __future__ import annotations

import pytest

from test_storage import *  # noqa: F401,F403
from test_storage import test_database_url_resolution, test_sqlite_pragmas

del test_sqlite_pragmas, test_database_url_resolution  # about SQLite files only


@pytest.fixture
def db_url(pg_url: str) -> str:
    return pg_url
