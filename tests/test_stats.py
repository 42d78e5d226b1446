"""Statistics queries on review and progress rows inserted directly, at fixed times, in a learner's time zone."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

import pytest
from sqlmodel import Session

from srs.app import Store
from srs.store.models import Card, Progress, Review
from srs.scheduling import SchedulerSettings
from srs.store.stats import (
    answer_time,
    cards_by_state,
    collect_stats,
    day_streak,
    due_forecast,
    retention,
    reviews_per_day,
)
from srs.store.stats import next_due
from helpers import demo_store

# Learner-day counts are SQL range queries that must agree on both backends (tests/pg.py).
pytestmark = pytest.mark.backends("sqlite", "postgresql")

# Monday 2 March 2026, 15:00 UTC = 10:00 in New York (EST, UTC-5).
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
NY = SchedulerSettings(timezone="America/New_York", rollover_hour=4)
UTC = SchedulerSettings(timezone="UTC", rollover_hour=4)


@pytest.fixture
def store(db_url: str) -> Store:
    return demo_store(db_url, NOW)


@pytest.fixture
def session(store: Store) -> Iterator[Session]:
    with Session(store.engine) as session:
        yield session


def _cards(session: Session) -> list[int]:
    from sqlalchemy import select

    return [c.id for c in session.execute(select(Card).order_by(Card.position)).scalars()]  # type: ignore[misc]


def _review(session: Session, learner: int, card: int, at: datetime, rating: int = 3, kind: int = 1,
            prev: int = 3, ms: int = 5000) -> None:
    session.add(Review(learner_id=learner, card_pk=card, rating=rating, reviewed_at=at, duration_ms=ms, kind=kind,
                       prev_interval_days=prev))


def _progress(session: Session, learner: int, card: int, **fields: Any) -> None:
    session.add(Progress(learner_id=learner, card_pk=card, **fields))


def test_reviews_count_on_the_learners_day_not_the_utc_day(store: Store, session: Session) -> None:
    card = _cards(session)[0]
    _review(session, store.learner_id, card, datetime(2026, 3, 2, 8, 30, tzinfo=timezone.utc))  # 03:30 EST: Mar 1
    _review(session, store.learner_id, card, datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc))  # 04:30 EST: Mar 2
    _review(session, store.learner_id, card, datetime(2026, 3, 2, 14, 59, tzinfo=timezone.utc))
    session.commit()
    start, end = NOW - timedelta(days=3), NOW + timedelta(days=1)
    days = reviews_per_day(session, store.learner_id, start, end, NY)
    assert {d.isoformat(): n for d, n in days.items()} == {"2026-03-01": 1, "2026-03-02": 2}
    utc_days = reviews_per_day(session, store.learner_id, start, end, UTC)
    assert {d.isoformat(): n for d, n in utc_days.items()} == {"2026-03-02": 3}


def test_half_hour_zones_bucket_correctly(store: Store, session: Session) -> None:
    card = _cards(session)[0]
    india = SchedulerSettings(timezone="Asia/Kolkata", rollover_hour=4)  # UTC+5:30; day starts 22:30 UTC
    _review(session, store.learner_id, card, datetime(2026, 3, 1, 22, 29, tzinfo=timezone.utc))
    _review(session, store.learner_id, card, datetime(2026, 3, 1, 22, 31, tzinfo=timezone.utc))
    session.commit()
    days = reviews_per_day(session, store.learner_id, NOW - timedelta(days=3), NOW, india)
    assert {d.isoformat(): n for d, n in days.items()} == {"2026-03-01": 1, "2026-03-02": 1}


@pytest.mark.parametrize("offsets, expected", [
    ([0, 1, 2, 4], 3),
    ([1, 2, 3], 3),  # nothing yet today: the streak still stands from yesterday
    ([2, 3], 0),
    ([], 0),
    (list(range(0, 150)), 150),  # longer than the first window looked at
])
def test_day_streak(store: Store, session: Session, offsets: list[int], expected: int) -> None:
    card = _cards(session)[0]
    for offset in offsets:
        _review(session, store.learner_id, card, NOW - timedelta(days=offset))
    session.commit()
    assert day_streak(session, store.learner_id, NOW, NY) == expected


def test_retention_splits_young_and_mature_and_skips_learning(store: Store, session: Session) -> None:
    card = _cards(session)[0]
    learner = store.learner_id
    for rating, prev in ((3, 5), (1, 5), (3, 30), (3, 30), (1, 30)):
        _review(session, learner, card, NOW - timedelta(days=1), rating=rating, prev=prev)
    _review(session, learner, card, NOW - timedelta(days=1), rating=1, kind=0, prev=0)  # learning step
    _review(session, learner, card, NOW - timedelta(days=40), rating=1)  # outside the window
    session.commit()
    result = retention(session, learner, NOW - timedelta(days=30), NOW)
    assert (result["young"].reviews, result["young"].passed) == (2, 1)
    assert (result["mature"].reviews, result["mature"].passed) == (3, 2)
    assert result["all"].rate == pytest.approx(3 / 5)
    assert retention(session, learner, NOW - timedelta(days=30), NOW, deck_id="nope")["all"].rate is None


def test_due_forecast_puts_overdue_cards_today_and_leaves_out_suspended_and_new(store: Store,
                                                                                 session: Session) -> None:
    a, b, c = _cards(session)
    learner = store.learner_id
    _progress(session, learner, a, state=2, due=NOW - timedelta(days=3))
    _progress(session, learner, b, state=2, due=datetime(2026, 3, 4, 9, 0, tzinfo=timezone.utc))  # 04:00 EST
    _progress(session, learner, c, state=2, due=NOW + timedelta(days=1), suspended=True)
    session.commit()
    forecast = due_forecast(session, learner, NOW, NY, 7)
    assert forecast == [1, 0, 1, 0, 0, 0, 0]
    assert due_forecast(session, learner, NOW, NY, 1) == [1]  # later cards are not in a 1-day forecast


def test_cards_by_state_counts_each_card_once(store: Store, session: Session) -> None:
    a, b, c = _cards(session)
    learner = store.learner_id
    _progress(session, learner, a, state=2, scheduled_days=30, due=NOW)
    _progress(session, learner, b, state=1, due=NOW, suspended=True)
    session.commit()
    assert cards_by_state(session, learner) == {"new": 1, "learning": 0, "relearning": 0, "young": 0,
                                                 "mature": 1, "suspended": 1, "total": 3}
    assert cards_by_state(session, learner, "other-deck")["total"] == 0


def test_answer_time_and_next_due(store: Store, session: Session) -> None:
    a, b, _ = _cards(session)
    learner = store.learner_id
    _review(session, learner, a, NOW - timedelta(hours=1), ms=4000)
    _review(session, learner, a, NOW - timedelta(hours=2), ms=60000)
    _progress(session, learner, a, state=2, due=NOW + timedelta(hours=5))
    _progress(session, learner, b, state=2, due=NOW - timedelta(hours=1), buried_until=NOW + timedelta(hours=3))
    session.commit()
    assert answer_time(session, learner, NOW - timedelta(days=1), NOW) == {
        "reviews": 2, "total_seconds": 64.0, "average_seconds": 32.0}
    assert next_due(session, learner, NOW) == NOW + timedelta(hours=3)  # the buried card comes back first


def test_collect_stats_shape(store: Store, session: Session) -> None:
    data = collect_stats(session, store.learner_id, NOW, NY, days=10)
    assert data["days"] == 10 and len(data["forecast"]) == 10
    assert set(data) >= {"forecast", "retention", "cards", "time", "reviews_per_day"}
