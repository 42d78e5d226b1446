"""Storage: aware UTC datetimes round-trip; the default learner exists with no setup."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from srs.store.engine import database_url, make_engine
from srs.store.learners import get_or_create_learner
from srs.store.migrations import init_schema
from srs.errors import NotFoundError
from srs.store.models import Learner

# The db_url tests on a SQLite file and on an empty PostgreSQL database (tests/pg.py); the pragmas are SQLite's.
pytestmark = pytest.mark.backends("sqlite", "postgresql", postgresql="pg_url")


def test_aware_datetimes_round_trip_as_utc(db_url: str) -> None:
    engine = make_engine(db_url)
    init_schema(engine)
    berlin = timezone(timedelta(hours=2))
    moment = datetime(2026, 3, 29, 3, 30, 15, 123456, tzinfo=berlin)
    with Session(engine) as s:
        s.add(Learner(name="x", created_at=moment))
        s.commit()
    with Session(engine) as s:
        back = s.exec(select(Learner).where(Learner.name == "x")).one().created_at
    assert back == moment and back.tzinfo == timezone.utc and back.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(db_url: str) -> None:
    engine = make_engine(db_url)
    init_schema(engine)
    with Session(engine) as s:
        s.add(Learner(name="x", created_at=datetime(2026, 1, 1)))
        with pytest.raises(Exception, match="naive datetime"):
            s.commit()


@pytest.mark.backends("sqlite")
def test_sqlite_pragmas(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.connect() as con:
        assert con.exec_driver_sql("pragma journal_mode").scalar() == "wal"
        assert con.exec_driver_sql("pragma foreign_keys").scalar() == 1
        assert con.exec_driver_sql("pragma busy_timeout").scalar() == 30000


def test_default_learner_needs_no_setup(db_url: str) -> None:
    engine = make_engine(db_url)
    init_schema(engine)
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with Session(engine) as s:
        first = get_or_create_learner(s, "default", now)
        assert get_or_create_learner(s, "default", now) == first
        with pytest.raises(NotFoundError):
            get_or_create_learner(s, "someone", now)


def test_database_url_resolution(monkeypatch: pytest.MonkeyPatch, isolated_data: object) -> None:
    assert database_url().endswith("/data/srs.db")
    assert database_url("/tmp/x.db") == "sqlite:////tmp/x.db"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("SRS_DATABASE_URL", "sqlite:///env.db")
    assert database_url() == "sqlite:///env.db"
    assert database_url("cli.db") == "sqlite:///cli.db"


@pytest.mark.parametrize("moment", [
    datetime(2026, 3, 8, 7, 30, tzinfo=timezone.utc),
    datetime(2026, 3, 8, 7, 30, 0, 5, tzinfo=timezone.utc),
    datetime(2026, 3, 8, 2, 30, tzinfo=timezone(timedelta(hours=-5))),
    datetime(999, 1, 2, 3, 4, 5, 60, tzinfo=timezone.utc),
    datetime(2026, 3, 8, 7, 30, tzinfo=__import__("zoneinfo").ZoneInfo("UTC")),
])
def test_sqlite_datetime_text_is_the_utc_text_sqlalchemy_writes(moment: datetime) -> None:
    """The fast SQLite bind processor writes the same text as the generic path (process_bind_param, then the
    dialect's own DATETIME formatting): what every stored time and every comparison relies on."""
    from sqlalchemy import DateTime
    from sqlalchemy.dialects import sqlite

    from srs.store.types import UTCDateTime

    dialect = sqlite.dialect()
    fast = UTCDateTime().bind_processor(dialect)
    generic = DateTime().dialect_impl(dialect).bind_processor(dialect)
    assert fast is not None and generic is not None
    expected = generic(UTCDateTime().process_bind_param(moment, dialect))
    assert fast(moment) == expected == fast(moment)  # the second call comes from the remembered value
    with pytest.raises(ValueError, match="naive datetime"):
        fast(moment.replace(tzinfo=None))
