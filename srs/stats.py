"""Statistics over a learner's progress and review log, as SQL aggregates that stay fast at 1M reviews.

Nothing here loads review rows one by one. Per-day figures (the heatmap, the streak, the due forecast) are
counted in SQL over one time range per learner-day: a learner-day depends on the learner's time zone (with its
DST changes) and rollover hour, which neither SQLite nor PostgreSQL can compute portably, so Python works out
the day boundaries and the database counts the rows between them — up to 200 ranges in one statement, each an
index range scan (``review (learner_id, reviewed_at)``, ``progress (learner_id, due)``). The day streak asks
only whether each day has a review, which is one index seek per day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from srs.models import Card, Progress, Review
from srs.scheduling import SchedulerSettings, day_start, learner_day

MATURE_DAYS = 21  # Anki: a review card with an interval of 21 days or more is mature
RANGES_PER_QUERY = 200

DayRange = tuple[date, "datetime | None", datetime]


def _day_ranges(first: date, last: date, settings: SchedulerSettings) -> list[DayRange]:
    """``(day, start, end)`` for each learner-day from ``first`` to ``last``."""
    tz, hour = settings.timezone, settings.rollover_hour
    ranges: list[DayRange] = []
    start = day_start(first, tz, hour)
    day = first
    while day <= last:
        end = day_start(day + timedelta(days=1), tz, hour)
        ranges.append((day, start, end))
        day, start = day + timedelta(days=1), end
    return ranges


def _per_range(session: Session, ranges: list[DayRange],
               scalar: Callable[["datetime | None", datetime], Any]) -> list[Any]:
    """Evaluate ``scalar(start, end)`` (a scalar subquery) for every range, many ranges per statement."""
    values: list[Any] = []
    for i in range(0, len(ranges), RANGES_PER_QUERY):
        chunk = ranges[i:i + RANGES_PER_QUERY]
        values.extend(session.execute(select(*(scalar(lo, hi) for _, lo, hi in chunk))).one())
    return values


def _deck_filter(deck_id: str | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [col(Card.retired).is_(False)]
    if deck_id is not None:
        conditions.append(col(Card.deck_id) == deck_id)
    return conditions


def _review_count(learner_id: int, deck_id: str | None) -> Callable[["datetime | None", datetime], Any]:
    def scalar(lo: datetime | None, hi: datetime) -> Any:
        query = select(func.count()).select_from(Review).where(
            col(Review.learner_id) == learner_id, col(Review.reviewed_at) < hi)
        if lo is not None:
            query = query.where(col(Review.reviewed_at) >= lo)
        if deck_id is not None:
            query = query.join(Card, col(Card.id) == col(Review.card_pk)).where(col(Card.deck_id) == deck_id)
        return query.scalar_subquery()

    return scalar


def reviews_per_day(session: Session, learner_id: int, start: datetime, end: datetime,
                    settings: SchedulerSettings, deck_id: str | None = None) -> dict[date, int]:
    """Number of reviews on each learner-day that has any, for reviews in ``[start, end)``."""
    if end <= start:
        return {}
    tz, hour = settings.timezone, settings.rollover_hour
    ranges: list[DayRange] = [(day, max(lo, start) if lo else start, min(hi, end))
              for day, lo, hi in _day_ranges(learner_day(start, tz, hour),
                                             learner_day(end - timedelta(microseconds=1), tz, hour), settings)]
    counts = _per_range(session, ranges, _review_count(learner_id, deck_id))
    return {day: int(n) for (day, _, _), n in zip(ranges, counts) if n}


def day_streak(session: Session, learner_id: int, now: datetime, settings: SchedulerSettings) -> int:
    """Consecutive learner-days with at least one review, ending today — or yesterday, if today has none yet.

    Each day costs one index seek (does a review exist in it?), asked 64 days at a time going back.
    """
    tz, hour = settings.timezone, settings.rollover_hour
    today = learner_day(now, tz, hour)

    def any_review(lo: datetime | None, hi: datetime) -> Any:
        return exists().where(col(Review.learner_id) == learner_id, col(Review.reviewed_at) >= lo,
                              col(Review.reviewed_at) < hi)

    streak, newest, first_batch = 0, today, True
    while True:
        ranges = list(reversed(_day_ranges(newest - timedelta(days=63), newest, settings)))
        flags = [bool(v) for v in _per_range(session, ranges, any_review)]
        if first_batch and not flags[0]:
            flags = flags[1:]  # nothing yet today: the streak may still stand from yesterday
        first_batch = False
        for flag in flags:
            if not flag:
                return streak
            streak += 1
        newest = ranges[-1][0] - timedelta(days=1)


def reviewed_between(session: Session, learner_id: int, start: datetime, end: datetime) -> int:
    """Number of reviews given in ``[start, end)``."""
    return int(session.execute(
        select(func.count()).select_from(Review)
        .where(col(Review.learner_id) == learner_id, col(Review.reviewed_at) >= start, col(Review.reviewed_at) < end)
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
    mature = col(Review.prev_interval_days) >= MATURE_DAYS
    passed = col(Review.rating) > 1
    query = (
        select(
            func.count(),
            func.coalesce(func.sum(case((passed, 1), else_=0)), 0),
            func.coalesce(func.sum(case((mature, 1), else_=0)), 0),
            func.coalesce(func.sum(case((and_(mature, passed), 1), else_=0)), 0),
        )
        .select_from(Review)
        .where(col(Review.learner_id) == learner_id, col(Review.reviewed_at) >= start, col(Review.reviewed_at) < end,
               col(Review.kind) == 1)
    )
    if deck_id is not None:
        query = query.join(Card, col(Card.id) == col(Review.card_pk)).where(col(Card.deck_id) == deck_id)
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
    today = learner_day(now, settings.timezone, settings.rollover_hour)
    ranges = _day_ranges(today, today + timedelta(days=days - 1), settings)
    ranges[0] = (today, None, ranges[0][2])  # overdue cards count today

    def due_count(lo: datetime | None, hi: datetime) -> Any:
        query = (
            select(func.count()).select_from(Progress).join(Card, col(Card.id) == col(Progress.card_pk))
            .where(col(Progress.learner_id) == learner_id, col(Progress.due) < hi, col(Progress.state) != 0,
                   col(Progress.suspended).is_(False), *_deck_filter(deck_id))
        )
        if lo is not None:
            query = query.where(col(Progress.due) >= lo)
        return query.scalar_subquery()

    return [int(n) for n in _per_range(session, ranges, due_count)]


def cards_by_state(session: Session, learner_id: int, deck_id: str | None = None) -> dict[str, int]:
    """Counts of the deck's (or all decks') current cards: new, learning, relearning, young, mature, suspended.

    Each card is counted once; a suspended card counts only as suspended.
    """
    state = col(Progress.state)
    active = col(Progress.suspended).is_(False)

    def count_when(*conditions: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((and_(*conditions), 1), else_=0)), 0)

    query = (
        select(
            func.count(),
            count_when(col(Progress.suspended).is_(True)),
            count_when(active, state == 1),
            count_when(active, state == 3),
            count_when(active, state == 2, col(Progress.scheduled_days) < MATURE_DAYS),
            count_when(active, state == 2, col(Progress.scheduled_days) >= MATURE_DAYS),
        )
        .select_from(Card)
        .outerjoin(Progress, and_(col(Progress.card_pk) == col(Card.id), col(Progress.learner_id) == learner_id))
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
        select(func.count(), func.coalesce(func.sum(col(Review.duration_ms)), 0))
        .select_from(Review)
        .where(col(Review.learner_id) == learner_id, col(Review.reviewed_at) >= start, col(Review.reviewed_at) < end)
    )
    if deck_id is not None:
        query = query.join(Card, col(Card.id) == col(Review.card_pk)).where(col(Card.deck_id) == deck_id)
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
