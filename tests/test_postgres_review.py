"""``srs review`` scripted through the CLI (the tests of ``test_review_cli.py``), run unchanged on PostgreSQL
by pointing their ``db_url`` at a fresh PostgreSQL database."""

from __future__ import annotations

import pytest

from test_review_cli import *  # noqa: F401,F403


@pytest.fixture
def db_url(pg_head_url: str) -> str:
    return pg_head_url
