"""Review statistics and ``srs status`` (the tests of ``test_stats.py`` and ``test_status_cli.py``) run
unchanged on PostgreSQL: their learner-day counts are SQL range queries that must agree on both backends."""

from __future__ import annotations

import pytest

from test_stats import *  # noqa: F401,F403
from test_status_cli import *  # noqa: F401,F403


@pytest.fixture
def db_url(pg_head_url: str) -> str:
    return pg_head_url
