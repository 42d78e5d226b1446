"""The study-queue tests of ``test_study.py`` (limits, order, exclusions, CAS, undo, replay), run unchanged on
PostgreSQL: this module imports them and points their ``db_url`` at a fresh PostgreSQL database."""

from __future__ import annotations

import pytest

from test_study import *  # noqa: F401,F403


@pytest.fixture
def db_url(pg_head_url: str) -> str:
    return pg_head_url
