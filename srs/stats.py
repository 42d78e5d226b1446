"""Statistics over a learner's progress and review log, as SQL aggregates that stay fast at 1M reviews.

Nothing here loads review rows one by one. Per-day figures (the heatmap, the streak, the due forecast) are
grouped in SQL into 15-minute UTC buckets — at most 96 rows a day, whatever the number of reviews — and only
the buckets are mapped to learner-days in Python, because a learner-day depends on the learner's time zone
(with its DST changes) and rollover hour, which neither SQLite nor PostgreSQL can compute portably. Every zone
offset in use is a multiple of 15 minutes, so no bucket straddles a day boundary.

Queries use the indexes in :mod:`srs.models`: ``review (learner_id, reviewed_at)`` for anything over time and
``progress (learner_id, due)`` for the forecast.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import BigInteger, Integer, and_, case, cast, func, literal_column, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from srs.models import Card, Progress, Review
from srs.scheduling import SchedulerSettings, day_start, learner_day

BUCKET_SECONDS = 900
MATURE_DAYS = 21  # Anki: a review card with an interval of 21 days or more is mature


def _epoch(session: Session, column: Any) -> ColumnElement[int]:
    """Seconds since 1970 of a UTC datetime column, on SQLite and PostgreSQL."""
    assert session.bind is not None
    if session.bind.dialect.name == "sqlite":
        return cast(func.strftime("%s", column), Integer)
    return cast(func.extract("epoch", column), BigInteger)


def _bucket(session: Session, column: Any) -> ColumnElement[int]:
    # floor() in both dialects: epoch values are positive, so integer division truncates down.
    return cast(_epoch(session, column) / literal_column(str(BUCKET_SECONDS)), Integer)


def _bucket_day(bucket: int, settings: SchedulerSettings) -> date:
    moment = datetime.fromtimestamp(bucket * BUCKET_SECONDS, tz=timezone.utc)
    return learner_day(moment, settings.timezone, settings.rollover_hour)


def _deck_filter(deck_id: str | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Card.retired == False]  # noqa: E712
    if deck_id is not None:
        conditions.append(Card.deck_id == deck_id)
    return conditions


def reviews_per_day(session: Session, learner_id: int, start: datetime, end: datetime,
                    settings: SchedulerSettings, deck_id: str | None = None) -> dict[date, int]:
    """Number of reviews on each learner-day with any, for reviews in ``[start, end)``."""
    bucket = _bucket(session, Review.reviewed_at).label("bucket")
    query = (
        select(bucket, func.count())
        .where(Review.learner_id == learner_id, Review.reviewed_at >= start, Review.reviewed_at < end)
        .group_by(bucket)
    )
    if deck_id is not None:
        query = query.join(Card, Card.id == Review.card_pk).where(Card.deck_id == deck_id)
    days: dict[date, int] = {}
    for value, count in session.execute(query):
        day = _bucket_day(int(value), settings)
        days[day] = days.get(day, 0) + int(count)
    return days


def day_streak(session: Session, learner_id: int, now: datetime, settings: SchedulerSettings) -> int:
    """Consecutive learner-days with at least one review, ending today — or yesterday, if today has none yet."""
    tz, hour = settings.timezone, settings.rollover_hour
    today = learner_day(now, tz, hour)
    window = 64
    while True:
        first = today - timedelta(days=window - 1)
        days = reviews_per_day(session, learner_id, day_start(first, tz, hour),
                               day_start(today + timedelta(days=1), tz, hour), settings)
        day = today if days.get(today) else today - timedelta(days=1)
        streak = 0
        while days.get(day):
            streak += 1
            day -= timedelta(days=1)
        if day >= first or window > 100_000:
            return streak
        window *= 4  # the streak reaches the window's start: look further back


def reviewed_between(session: Session, learner_id: int, start: datetime, end: datetime) -> int:
    """Number of reviews given in ``[start, end)``."""
    return int(session.execute(
        select(func.count()).select_from(Review)
        .where(Review.learner_id == learner_id, Review.reviewed_at >= start, Review.reviewed_at < end)
    ).scalar_one())


@dataclass(frozen=True)
class Retention:
    """Share of review-state answers that were not Again (Anki's "true retention")."""

    reviews: int
    passed: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.reviews if self.reviews else None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rate": None if self.rate is None else round(self.rate, 4)}


def retention(session: Session, learner_id: int, start: datetime, end: datetime,
              deck_id: str | None = None) -> dict[str, Retention]:
    """Retention of review cards answered in ``[start, end)``: ``young``, ``mature`` and ``all``.

    Young and mature are split by the interval the card had when it was answered (mature: 21 days or more).
    Learning and relearning steps are not counted, as in Anki.
    """
    mature = Review.prev_interval_days >= MATURE_DAYS
    passed = Review.rating > 1
    query = (
        select(
            func.count(),
            func.coalesce(func.sum(case((passed, 1), else_=0)), 0),
            func.coalesce(func.sum(case((mature, 1), else_=0)), 0),
            func.coalesce(func.sum(case((and_(mature, passed), 1), else_=0)), 0),
        )
        .select_from(Review)
        .where(Review.learner_id == learner_id, Review.reviewed_at >= start, Review.reviewed_at < end,
               Review.kind == 1)
    )
    if deck_id is not None:
        query = query.join(Card, Card.id == Review.card_pk).where(Card.deck_id == deck_id)
    total, total_passed, mature_total, mature_passed = (int(v) for v in session.execute(query).one())
    return {
        "young": Retention(total - mature_total, total_passed - mature_passed),
        "mature": Retention(mature_total, mature_passed),
        "all": Retention(total, total_passed),
    }


def due_forecast(session: Session, learner_id: int, now: datetime, settings: SchedulerSettings, days: int,
                 deck_id: str | None = None) -> list[int]:
    """Cards falling due on each of the next ``days`` learner-days; index 0 is today, overdue cards included.

    Suspended cards and new cards (never scheduled) are left out; buried cards count on their due day.
    """
    tz, hour = settings.timezone, settings.rollover_hour
    today = learner_day(now, tz, hour)
    end = day_start(today + timedelta(days=days), tz, hour)
    bucket = _bucket(session, Progress.due).label("bucket")
    query = (
        select(bucket, func.count())
        .join(Card, Card.id == Progress.card_pk)
        .where(Progress.learner_id == learner_id, Progress.due < end, Progress.state != 0,
               Progress.suspended == False, *_deck_filter(deck_id))  # noqa: E712
        .group_by(bucket)
    )
    forecast = [0] * days
    for value, count in session.execute(query):
        offset = (_bucket_day(int(value), settings) - today).days
        forecast[max(0, min(days - 1, offset))] += int(count)
    return forecast


def cards_by_state(session: Session, learner_id: int, deck_id: str | None = None) -> dict[str, int]:
    """Counts of the deck's (or all decks') current cards: new, learning, relearning, young, mature, suspended.

    Each card is counted once; a suspended card counts only as suspended.
    """
    state = Progress.state
    active = Progress.suspended == False  # noqa: E712

    def count_when(*conditions: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((and_(*conditions), 1), else_=0)), 0)

    query = (
        select(
            func.count(),
            count_when(Progress.suspended == True),  # noqa: E712
            count_when(active, state == 1),
            count_when(active, state == 3),
            count_when(active, state == 2, Progress.scheduled_days < MATURE_DAYS),
            count_when(active, state == 2, Progress.scheduled_days >= MATURE_DAYS),
        )
        .select_from(Card)
        .outerjoin(Progress, and_(Progress.card_pk == Card.id, Progress.learner_id == learner_id))
        .where(*_deck_filter(deck_id))
    )
    total, suspended, learning, relearning, young, mature = (int(v) for v in session.execute(query).one())
    new = total - suspended - learning - relearning - young - mature
    return {"new": new, "learning": learning, "relearning": relearning, "young": young, "mature": mature,
            "suspended": suspended, "total": total}


def answer_time(session: Session, learner_id: int, start: datetime, end: datetime,
                deck_id: str | None = None) -> dict[str, Any]:
    """Reviews given in ``[start, end)``, the total time on them, and the average seconds per answer."""
    query = (
        select(func.count(), func.coalesce(func.sum(Review.duration_ms), 0))
        .select_from(Review)
        .where(Review.learner_id == learner_id, Review.reviewed_at >= start, Review.reviewed_at < end)
    )
    if deck_id is not None:
        query = query.join(Card, Card.id == Review.card_pk).where(Card.deck_id == deck_id)
    count, total_ms = (int(v) for v in session.execute(query).one())
    return {"reviews": count, "total_seconds": round(total_ms / 1000, 1),
            "average_seconds": round(total_ms / count / 1000, 1) if count else None}


def collect_stats(session: Session, learner_id: int, now: datetime, settings: SchedulerSettings, days: int = 30,
                  deck_id: str | None = None, heatmap_days: int = 183) -> dict[str, Any]:
    """Everything ``srs stats`` shows, as plain data: forecast for the next ``days`` days; retention and answer
    time over the last ``days`` days; reviews per day over the last ``heatmap_days`` days; cards by state."""
    tz, hour = settings.timezone, settings.rollover_hour
    today = learner_day(now, tz, hour)
    tomorrow_start = day_start(today + timedelta(days=1), tz, hour)
    since = day_start(today - timedelta(days=days - 1), tz, hour)
    heat_start = day_start(today - timedelta(days=heatmap_days - 1), tz, hour)
    per_day = reviews_per_day(session, learner_id, heat_start, tomorrow_start, settings, deck_id)
    return {
        "deck": deck_id,
        "today": today.isoformat(),
        "days": days,
        "forecast": due_forecast(session, learner_id, now, settings, days, deck_id),
        "retention": {k: v.as_dict() for k, v in retention(session, learner_id, since, tomorrow_start,
                                                           deck_id).items()},
        "cards": cards_by_state(session, learner_id, deck_id),
        "time": answer_time(session, learner_id, since, tomorrow_start, deck_id),
        "reviews_per_day": {d.isoformat(): n for d, n in sorted(per_day.items())},
    }
