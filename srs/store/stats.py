"""Statistics over a learner's progress and review log, as SQL aggregates that stay fast at 1M reviews.

Nothing here loads review rows one by one. Per-day figures (the heatmap, the streak, the due forecast) are
counted in SQL over one time range per learner-day: a learner-day depends on the learner's time zone (with its
DST changes) and rollover hour, which neither SQLite nor PostgreSQL can compute portably, so Python works out
the day boundaries and the database counts the rows between them — up to 200 ranges in one statement, each an
index range scan (``review (learner_id, reviewed_at)``, ``progress (learner_id, due)``). The day streak asks
only whether each day has a review, which is one index seek per day.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, case, func, or_, select, text
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from srs.scheduling import SchedulerSettings, day_start, learner_day
from srs.store.models import Card, Progress, Review, table_of
from srs.store.queue_sql import planned_next_due
from srs.store.types import UTCDateTime

if TYPE_CHECKING:
    from srs.store.day_plan import PlanHead

_CARD = table_of(Card)
_PROGRESS = table_of(Progress)
_REVIEW = table_of(Review)

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


def _per_range(session: Session, ranges: list[DayRange], scalar: str, params: dict[str, Any]) -> list[Any]:
    """Evaluate one of :data:`_SCALARS` for every range, many ranges per statement. The statements are built
    once per shape and cached (:func:`_range_statement`), so a long streak or forecast costs index seeks."""
    values: list[Any] = []
    for i in range(0, len(ranges), RANGES_PER_QUERY):
        chunk = ranges[i:i + RANGES_PER_QUERY]
        statement = _range_statement(scalar, len(chunk), chunk[0][1] is None)
        bound = dict(params)
        for j, (_, lo, hi) in enumerate(chunk):
            if lo is not None:
                bound[f"lo{j}"] = lo
            bound[f"hi{j}"] = hi
        values.extend(session.execute(statement, bound).one())
    return values


@lru_cache(maxsize=64)
def _range_statement(scalar: str, count: int, open_start: bool) -> Any:
    """``SELECT <scalar for :lo0, :hi0>, <scalar for :lo1, :hi1>, ...`` for one of :data:`_SCALARS`; with
    ``open_start`` the first range has no start.

    Plain SQL text, because SQLAlchemy's compiler takes ~0.35 ms per subquery: 23 ms for a 64-day streak batch
    and 65 ms for the 183-day heatmap, paid again by every ``srs status`` and ``srs stats`` process.
    """
    template, time_column = _SCALARS[scalar]
    parts, binds = [], []
    for j in range(count):
        lower = "" if (j == 0 and open_start) else f" AND {time_column} >= :lo{j}"
        parts.append(template.format(hi=f":hi{j}", lower=lower))
        binds.append(bindparam(f"hi{j}", type_=UTCDateTime()))
        if lower:
            binds.append(bindparam(f"lo{j}", type_=UTCDateTime()))
    return text("SELECT " + ", ".join(parts)).bindparams(*binds)


# One figure per learner-day, as (template, time column): {hi} is the range's end, {lower} its start condition.
_SCALARS = {
    "reviews": ("(SELECT count(*) FROM review WHERE review.learner_id = :learner AND review.reviewed_at < {hi}"
                "{lower})", "review.reviewed_at"),
    "deck_reviews": ("(SELECT count(*) FROM review JOIN card ON card.id = review.card_pk WHERE review.learner_id"
                     " = :learner AND card.deck_id = :deck_id AND review.reviewed_at < {hi}{lower})",
                     "review.reviewed_at"),
    "any_review": ("EXISTS (SELECT 1 FROM review WHERE review.learner_id = :learner AND review.reviewed_at < {hi}"
                   "{lower})", "review.reviewed_at"),
    "due": ("(SELECT count(*) FROM progress JOIN card ON card.id = progress.card_pk WHERE progress.learner_id ="
            " :learner AND progress.due < {hi}{lower} AND progress.state != 0 AND progress.suspended = false AND"
            " card.retired = false)", "progress.due"),
    "deck_due": ("(SELECT count(*) FROM progress JOIN card ON card.id = progress.card_pk WHERE"
                 " progress.learner_id = :learner AND progress.due < {hi}{lower} AND progress.state != 0 AND"
                 " progress.suspended = false AND card.retired = false AND card.deck_id = :deck_id)",
                 "progress.due"),
}


def _deck_filter(deck_id: str | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [_CARD.c.retired.is_(False)]
    if deck_id is not None:
        conditions.append(_CARD.c.deck_id == deck_id)
    return conditions


def _params(learner_id: int, deck_id: str | None) -> dict[str, Any]:
    return {"learner": learner_id} if deck_id is None else {"learner": learner_id, "deck_id": deck_id}


def reviews_per_day(session: Session, learner_id: int, start: datetime, end: datetime,
                    settings: SchedulerSettings, deck_id: str | None = None) -> dict[date, int]:
    """Number of reviews on each learner-day that has any, for reviews in ``[start, end)``."""
    if end <= start:
        return {}
    tz, hour = settings.timezone, settings.rollover_hour
    ranges: list[DayRange] = [(day, max(lo, start) if lo else start, min(hi, end))
              for day, lo, hi in _day_ranges(learner_day(start, tz, hour),
                                             learner_day(end - timedelta(microseconds=1), tz, hour), settings)]
    scalar = "reviews" if deck_id is None else "deck_reviews"
    counts = _per_range(session, ranges, scalar, _params(learner_id, deck_id))
    return {day: int(n) for (day, _, _), n in zip(ranges, counts) if n}


def day_streak(session: Session, learner_id: int, now: datetime, settings: SchedulerSettings) -> int:
    """Consecutive learner-days with at least one review, ending today — or yesterday, if today has none yet.

    Each day costs one index seek (does a review exist in it?), asked 64 days at a time going back.
    """
    tz, hour = settings.timezone, settings.rollover_hour
    today = learner_day(now, tz, hour)

    streak, newest, first_batch = 0, today, True
    while True:
        ranges = list(reversed(_day_ranges(newest - timedelta(days=63), newest, settings)))
        flags = [bool(v) for v in _per_range(session, ranges, "any_review", _params(learner_id, None))]
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
        select(func.count()).select_from(_REVIEW)
        .where(_REVIEW.c.learner_id == learner_id, _REVIEW.c.reviewed_at >= start, _REVIEW.c.reviewed_at < end)
    ).scalar_one())


def next_due(session: Session, learner_id: int, now: datetime, deck_id: str | None = None,
             plan: PlanHead | None = None) -> datetime | None:
    """When the learner's next scheduled card falls due (it may be now or past); None if nothing is scheduled.

    Suspended and never-studied cards have no due time; a buried card counts from when it comes back. Under an
    interview plan (today's, from :func:`srs.store.day_plan.ensure_plan`) a card's due time is the one the queue
    goes by: its planned one while that is in force, else its own.
    """
    p = _PROGRESS.c
    not_buried = or_(p.buried_until.is_(None), p.buried_until <= now)
    base = [p.learner_id == learner_id, p.state != 0, p.suspended.is_(False), _CARD.c.retired.is_(False)]
    if deck_id is not None:
        base.append(_CARD.c.deck_id == deck_id)
    if plan is None:
        earliest = [session.execute(
            select(func.min(p.due)).join(_CARD, _CARD.c.id == p.card_pk).where(*base, not_buried)
        ).scalar_one_or_none()]
    else:
        statements = planned_next_due(deck_id is not None)
        params: dict[str, Any] = {"learner": learner_id, "now": now, "deck_id": deck_id}
        earliest = [session.execute(statements.plain, params).scalar_one_or_none(),
                    *session.execute(statements.planned, params).one()]
    buried = session.execute(
        select(func.min(func.coalesce(p.buried_until, p.due)))
        .join(_CARD, _CARD.c.id == p.card_pk)
        .where(*base, and_(p.buried_until.is_not(None), p.buried_until > now))
    ).scalar_one_or_none()
    found = [moment for moment in (*earliest, buried) if moment is not None]
    if not found:
        return None
    # min() keeps the column's type, so values come back aware; _as_utc guards against a driver returning text.
    return min(_as_utc(moment) for moment in found)


def _as_utc(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


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
    mature = _REVIEW.c.prev_interval_days >= MATURE_DAYS
    passed = _REVIEW.c.rating > 1
    query = (
        select(
            func.count(),
            func.coalesce(func.sum(case((passed, 1), else_=0)), 0),
            func.coalesce(func.sum(case((mature, 1), else_=0)), 0),
            func.coalesce(func.sum(case((and_(mature, passed), 1), else_=0)), 0),
        )
        .select_from(_REVIEW)
        .where(_REVIEW.c.learner_id == learner_id, _REVIEW.c.reviewed_at >= start, _REVIEW.c.reviewed_at < end,
               _REVIEW.c.kind == 1)
    )
    if deck_id is not None:
        query = query.join(_CARD, _CARD.c.id == _REVIEW.c.card_pk).where(_CARD.c.deck_id == deck_id)
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

    scalar = "due" if deck_id is None else "deck_due"
    return [int(n) for n in _per_range(session, ranges, scalar, _params(learner_id, deck_id))]


def cards_by_state(session: Session, learner_id: int, deck_id: str | None = None) -> dict[str, int]:
    """Counts of the deck's (or all decks') current cards: new, learning, relearning, young, mature, suspended.

    Each card is counted once; a suspended card counts only as suspended.
    """
    state = _PROGRESS.c.state
    active = _PROGRESS.c.suspended.is_(False)

    def count_when(*conditions: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((and_(*conditions), 1), else_=0)), 0)

    query = (
        select(
            func.count(),
            count_when(_PROGRESS.c.suspended.is_(True)),
            count_when(active, state == 1),
            count_when(active, state == 3),
            count_when(active, state == 2, _PROGRESS.c.scheduled_days < MATURE_DAYS),
            count_when(active, state == 2, _PROGRESS.c.scheduled_days >= MATURE_DAYS),
        )
        .select_from(_CARD)
        .outerjoin(_PROGRESS, and_(_PROGRESS.c.card_pk == _CARD.c.id, _PROGRESS.c.learner_id == learner_id))
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
        select(func.count(), func.coalesce(func.sum(_REVIEW.c.duration_ms), 0))
        .select_from(_REVIEW)
        .where(_REVIEW.c.learner_id == learner_id, _REVIEW.c.reviewed_at >= start, _REVIEW.c.reviewed_at < end)
    )
    if deck_id is not None:
        query = query.join(_CARD, _CARD.c.id == _REVIEW.c.card_pk).where(_CARD.c.deck_id == deck_id)
    count, total_ms = (int(v) for v in session.execute(query).one())
    return {"reviews": count, "total_seconds": round(total_ms / 1000, 1),
            "average_seconds": round(total_ms / count / 1000, 1) if count else None}


def collect_stats(session: Session, learner_id: int, now: datetime, settings: SchedulerSettings, days: int = 30,
                  deck_id: str | None = None, heatmap_days: int = 183) -> dict[str, Any]:
    """Everything ``srs stats`` shows, as plain data: forecast for the next ``days`` days; retention and answer
    time over the last ``days`` days; reviews per day over the last ``heatmap_days`` days; cards by state; and
    for each interview ahead, the predicted recall at the interview per card state."""
    from srs.store.interviews import recall_by_state

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
        "interviews": recall_by_state(session, learner_id, now, settings, deck_id),
    }
