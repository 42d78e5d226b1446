"""Learner days: the calendar day an instant belongs to, in the learner's zone, starting at the rollover hour.

A review at 02:00 with a 4 am rollover belongs to the previous day, as in Anki. Day boundaries are computed on
local wall-clock time, so they stay at the rollover hour across DST changes; where a change skips or repeats the
rollover hour, a day starts the first time the clock reaches it, so days never overlap and never run backwards
(a test checks this for every zone in tzdata and every change of offset in 2020-2030).

Anki counts *elapsed days* for FSRS differently from pure calendar arithmetic, and this module copies it: the
number of whole 86,400-second periods between the last review and the start of the learner's next day
(``rslib`` ``timing.next_day_at.elapsed_days_since(last_review)``). Away from a DST change, or more than an hour
from the rollover, this equals the difference of calendar days; within that hour across a DST change it can be
one more or one less, and matching Anki there is what keeps memory states identical.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache

SECONDS_PER_DAY = 86_400


# Files in a zoneinfo directory that are not zones of their own: this machine's zone, a template, "unset".
NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@lru_cache(maxsize=1)
def zone_names() -> frozenset[str]:
    """Every IANA time-zone name: the list the ``tzdata`` package ships (a dependency, so it is never empty).

    Reading it costs a fraction of a millisecond, where ``zoneinfo.available_timezones()`` walks the system's
    zone directories (tens of milliseconds); that is the fallback should ``tzdata`` be missing.
    """
    try:
        from importlib.resources import files

        names = files("tzdata").joinpath("zones").read_text(encoding="utf-8").split()
    except (ImportError, OSError):  # pragma: no cover - tzdata is a dependency
        from zoneinfo import available_timezones

        names = list(available_timezones())
    return frozenset(names) - NOT_ZONES


@lru_cache(maxsize=64)
def zone(name: str) -> tzinfo:
    """The tzinfo for an IANA zone name (``"UTC"`` in any case too).

    Only names in :func:`zone_names` are looked up, so a file path, a POSIX TZ string or a made-up name is never
    read from disk or interpreted as an offset.

    Raises:
        ValueError: ``name`` is not an IANA zone name.
    """
    if name.upper() == "UTC":
        return timezone.utc
    if name not in zone_names():
        raise ValueError(f"unknown time zone {name[:64]!r}")
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # pragma: no cover - listed but not installed
        raise ValueError(f"time zone {name!r} is not installed") from None


def require_utc(moment: datetime, name: str = "now") -> datetime:
    """Return ``moment`` as a ``timezone.utc`` datetime; refuse naive or non-UTC datetimes.

    Raises:
        ValueError: ``moment`` is naive or has a non-zero UTC offset.
    """
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError(f"{name} must be timezone-aware UTC, got naive datetime {moment!r}")
    if offset != timedelta(0):
        raise ValueError(f"{name} must be in UTC, got offset {offset} ({moment.isoformat()})")
    return moment.replace(tzinfo=timezone.utc)


def learner_day(moment: datetime, tz_name: str, rollover_hour: int) -> date:
    """The learner-day ``moment`` falls in: the latest day whose start (:func:`day_start`) is not after it.

    Usually its local date, minus one if before the rollover hour. Near a DST change the wall clock can show the
    rollover hour twice (Pacific/Chatham at 03:45 -> 02:45 with a 03:00 rollover) or skip it: the day is then the
    one that has already started, so that time never runs backwards from one day to the previous one.
    """
    local = moment.astimezone(zone(tz_name)).replace(tzinfo=None)
    day = (local - timedelta(hours=rollover_hour)).date()
    # The wall-clock guess is off by a day at most near a change of UTC offset; day starts are ordered.
    while day_start(day, tz_name, rollover_hour) > moment:
        day -= timedelta(days=1)
    while day_start(day + timedelta(days=1), tz_name, rollover_hour) <= moment:
        day += timedelta(days=1)
    return day


@lru_cache(maxsize=4096)
def day_start(day: date, tz_name: str, rollover_hour: int) -> datetime:
    """When learner-day ``day`` starts, as UTC: the first instant the local clock reads its rollover hour or later.

    A rollover hour shown twice (clocks going back) starts the day at its first occurrence; one the clocks skip
    (going forward) starts it at the instant of the change. So day starts never go backwards, whatever the zone.
    """
    tz = zone(tz_name)
    wall = datetime.combine(day, time(rollover_hour))
    first = wall.replace(tzinfo=tz).astimezone(timezone.utc)  # fold=0: the earlier offset
    if first.astimezone(tz).replace(tzinfo=None) == wall:
        return first
    # In a gap: with the earlier offset the wall time lands after the change, with the later one before it.
    # Find the change to the second (offsets change on whole seconds).
    lo = math.floor(wall.replace(tzinfo=tz, fold=1).astimezone(timezone.utc).timestamp())
    hi = math.ceil(first.timestamp())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, tz).replace(tzinfo=None) >= wall:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, timezone.utc)


def day_bounds(moment: datetime, tz_name: str, rollover_hour: int) -> tuple[datetime, datetime]:
    """Start (inclusive) and end (exclusive) of the learner-day containing ``moment``, in UTC."""
    today = learner_day(moment, tz_name, rollover_hour)
    return day_start(today, tz_name, rollover_hour), day_start(today + timedelta(days=1), tz_name, rollover_hour)


def next_day_start(moment: datetime, tz_name: str, rollover_hour: int) -> datetime:
    """When the learner-day after the one containing ``moment`` starts (Anki's ``next_day_at``)."""
    return day_bounds(moment, tz_name, rollover_hour)[1]


def _whole_seconds(moment: datetime) -> int:
    return math.floor(moment.timestamp())


def days_elapsed(last_review: datetime, now: datetime, tz_name: str, rollover_hour: int) -> int:
    """Days since ``last_review`` as Anki counts them when a card is answered at ``now``.

    Whole 86,400-second periods from ``last_review`` (truncated to the second) to the start of the next
    learner-day; never negative. Same learner-day gives 0, yesterday 1, and so on.
    """
    anchor = next_day_start(now, tz_name, rollover_hour)
    return max(0, _whole_seconds(anchor) - _whole_seconds(last_review)) // SECONDS_PER_DAY


def day_offsets(moments: Sequence[datetime], anchor: datetime) -> list[int]:
    """For each moment, the number of whole days before ``anchor`` (Anki's revlog-to-FSRS day numbering).

    Anki builds FSRS training items from a review log this way, with ``anchor`` the start of the learner's next
    day; the difference of two offsets is the ``delta_t`` between two reviews.
    """
    base = _whole_seconds(anchor)
    return [max(0, base - _whole_seconds(m)) // SECONDS_PER_DAY for m in moments]

