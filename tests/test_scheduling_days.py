"""Learner days: local calendar days from the rollover hour, DST included, and Anki's elapsed-day count."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from srs.scheduling.days import day_bounds, day_offsets, day_start, days_elapsed, learner_day, next_day_start

NY = "America/New_York"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("moment", "zone", "rollover", "day"),
    [
        (utc(2025, 1, 6, 3, 59), "UTC", 4, date(2025, 1, 5)),
        (utc(2025, 1, 6, 4, 0), "UTC", 4, date(2025, 1, 6)),
        (utc(2025, 1, 6, 8, 30), NY, 4, date(2025, 1, 5)),  # 03:30 in New York
        (utc(2025, 1, 6, 9, 0), NY, 4, date(2025, 1, 6)),  # 04:00 in New York
        (utc(2025, 1, 6, 23, 30), "Asia/Tokyo", 0, date(2025, 1, 7)),
    ],
)
def test_learner_day(moment: datetime, zone: str, rollover: int, day: date) -> None:
    assert learner_day(moment, zone, rollover) == day


def test_days_start_at_the_rollover_hour_on_both_sides_of_dst() -> None:
    assert day_start(date(2025, 3, 8), NY, 4) == utc(2025, 3, 8, 9)  # EST
    assert day_start(date(2025, 3, 9), NY, 4) == utc(2025, 3, 9, 8)  # EDT, the day DST starts
    start, end = day_bounds(utc(2025, 3, 9, 12), NY, 4)
    assert end - start == timedelta(hours=24)
    start, end = day_bounds(utc(2025, 3, 8, 12), NY, 4)
    assert end - start == timedelta(hours=23)  # the night the clocks go forward
    start, end = day_bounds(utc(2025, 11, 1, 12), NY, 4)
    assert end - start == timedelta(hours=25)


def test_rollover_in_a_dst_gap_starts_the_day_at_the_change() -> None:
    assert day_start(date(2025, 3, 9), NY, 2) == utc(2025, 3, 9, 7)  # 02:00 does not exist: 03:00 EDT


def test_days_elapsed_counts_calendar_days_after_the_rollover() -> None:
    last = utc(2025, 1, 6, 23, 0)
    assert days_elapsed(last, utc(2025, 1, 7, 3, 0), "UTC", 4) == 0  # before the rollover: same day
    assert days_elapsed(last, utc(2025, 1, 7, 4, 0), "UTC", 4) == 1
    assert days_elapsed(last, utc(2025, 1, 16, 12), "UTC", 4) == 10
    assert days_elapsed(utc(2025, 1, 7), utc(2025, 1, 6), "UTC", 4) == 0  # never negative


def test_days_elapsed_follows_anki_within_the_dst_hour() -> None:
    # Anki counts whole 24-hour periods back from the next day start. A review at 03:30 EST on March 8 is on
    # learner-day March 7; answered on March 10 (EDT), the calendar says 3 days but Anki counts 2, because
    # 24-hour periods back from 04:00 EDT end at 03:00 EST.
    last = utc(2025, 3, 8, 8, 30)
    assert learner_day(last, NY, 4) == date(2025, 3, 7)
    assert days_elapsed(last, utc(2025, 3, 10, 15), NY, 4) == 2
    last = utc(2025, 3, 8, 8, 30) + timedelta(hours=24)  # March 9, 04:30 EDT: learner-day March 9
    assert learner_day(last, NY, 4) == date(2025, 3, 9)
    assert days_elapsed(last, utc(2025, 3, 10, 15), NY, 4) == 1
    # In autumn the other way round: 04:30 EDT on November 1, answered November 3: calendar 2 days, Anki 3.
    last = utc(2025, 11, 1, 8, 30)  # 04:30 EDT, learner-day November 1
    assert learner_day(last, NY, 4) == date(2025, 11, 1)
    assert days_elapsed(last, utc(2025, 11, 3, 15), NY, 4) == 3


def test_day_offsets_count_back_from_an_anchor() -> None:
    anchor = next_day_start(utc(2025, 1, 10, 12), "UTC", 4)
    assert day_offsets([utc(2025, 1, 10, 5), utc(2025, 1, 9, 5), utc(2025, 1, 9, 3)], anchor) == [0, 1, 2]


# -- every zone, every transition: the learner day never goes backwards ----------------------------------------

WEEK = 7 * 86_400
FIRST = int(datetime(2020, 1, 1, tzinfo=timezone.utc).timestamp())
LAST = int(datetime(2031, 1, 1, tzinfo=timezone.utc).timestamp())


def _offset(ts: int, tz: ZoneInfo) -> timedelta:
    offset = datetime.fromtimestamp(ts, tz).utcoffset()
    assert offset is not None
    return offset


def _transitions(name: str) -> list[tuple[int, timedelta, timedelta]]:
    """Every UTC-offset change of zone ``name`` in 2020-2030 as (instant, offset before, offset after).

    Offsets are sampled weekly, then each change is bisected to the second. (Sampling every day instead finds the
    same changes in this tzdata, at seven times the cost; no zone changes offset twice within a week here.)
    """
    tz = ZoneInfo(name)
    found = []
    previous = _offset(FIRST, tz)
    for ts in range(FIRST + WEEK, LAST + WEEK, WEEK):
        offset = _offset(ts, tz)
        if offset != previous:
            lo, hi = ts - WEEK, ts  # offset(lo) == previous != offset(hi)
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if _offset(mid, tz) == previous else (lo, mid)
            found.append((hi, previous, _offset(hi, tz)))
            previous = offset
    return found


def _distinct_zones() -> list[str]:
    """One name per distinct set of rules (aliases such as US/Eastern share America/New_York's data)."""
    from importlib.resources import files

    seen: dict[bytes, str] = {}
    for name in sorted(files("tzdata").joinpath("zones").read_text(encoding="utf-8").split()):
        data = files("tzdata.zoneinfo").joinpath(name).read_bytes()
        seen.setdefault(data, name)
    return sorted(seen.values())


def _rollovers_near(instant: int, before: timedelta, after: timedelta) -> set[int]:
    """Rollover hours whose wall-clock time falls within an hour of a transition's local times."""
    at = datetime.fromtimestamp(instant, timezone.utc).replace(tzinfo=None)
    lo, hi = at + min(before, after) - timedelta(hours=1), at + max(before, after) + timedelta(hours=1)
    hours = set()
    moment = lo.replace(minute=0, second=0)
    while moment <= hi:
        hours.add(moment.hour)
        moment += timedelta(hours=1)
    return hours


def _samples(instant: int, before: timedelta, after: timedelta, rollover: int) -> list[datetime]:
    """Instants around a transition: the change itself, each moment near it when the wall clock reads the
    rollover hour under either offset (and one second either side), and an hourly grid three hours either side."""
    points = {instant - 1, instant, instant + 1, *range(instant - 3 * 3600, instant + 3 * 3600 + 1, 3600)}
    for offset in (before, after):
        local_day = (datetime.fromtimestamp(instant, timezone.utc) + offset).date()
        for day in (local_day - timedelta(days=1), local_day, local_day + timedelta(days=1)):
            at = int((datetime.combine(day, time(rollover)) - offset).replace(tzinfo=timezone.utc).timestamp())
            if abs(at - instant) <= 6 * 3600:
                points.update((at - 1, at, at + 1))
    return [datetime.fromtimestamp(ts, timezone.utc) for ts in sorted(points)]


def test_every_zone_every_transition_keeps_now_inside_its_day_and_days_in_order() -> None:
    """For every zone in tzdata and every UTC-offset change in 2020-2030, at each rollover hour near it:
    ``start <= now < end``, and as ``now`` moves on, the day never starts earlier and days neither overlap nor
    leave gaps (Pacific/Chatham and Antarctica/Troll failed this)."""
    problems: list[str] = []
    checked = 0
    for name in _distinct_zones():
        for instant, before, after in _transitions(name):
            for rollover in sorted(_rollovers_near(instant, before, after)):
                previous: tuple[datetime, datetime] | None = None
                for now in _samples(instant, before, after, rollover):
                    checked += 1
                    start, end = day_bounds(now, name, rollover)
                    if not start <= now < end:
                        problems.append(f"{name} rollover {rollover}: {now} outside [{start}, {end})")
                    if previous is not None and start != previous[0] and start != previous[1]:
                        problems.append(f"{name} rollover {rollover}: day [{previous[0]}, {previous[1]}) "
                                        f"then [{start}, {end}) at {now}")
                    previous = (start, end)
    assert checked > 50_000
    assert not problems, f"{len(problems)} problems, first: {problems[:3]}"


def test_chatham_day_does_not_go_back_when_the_clocks_do() -> None:
    # Chatham leaves DST at 03:45 local on 2026-04-05 (14:00 UTC): 03:45 becomes 02:45 again. With a 03:00
    # rollover, the learner-day that started at 03:00 (13:15 UTC) must not end when 03:00 comes round again.
    chatham = "Pacific/Chatham"
    days = [learner_day(utc(2026, 4, 4, 13, minute), chatham, 3) for minute in (40,)] + [
        learner_day(utc(2026, 4, 4, 14, minute), chatham, 3) for minute in (5, 20)]
    assert days == [date(2026, 4, 5)] * 3
    assert day_bounds(utc(2026, 4, 4, 14, 5), chatham, 3) == (utc(2026, 4, 4, 13, 15), utc(2026, 4, 5, 14, 15))


def test_troll_day_starts_when_the_clocks_jump_past_the_rollover() -> None:
    # Antarctica/Troll jumps from +00 to +02 at 01:00 UTC on 2025-03-30: local 01:00 becomes 03:00, so a 02:00
    # rollover never shows on the clock; the day starts at the jump.
    assert day_start(date(2025, 3, 30), "Antarctica/Troll", 2) == utc(2025, 3, 30, 1)
    start, end = day_bounds(utc(2025, 3, 30, 1, 30), "Antarctica/Troll", 2)
    assert start <= utc(2025, 3, 30, 1, 30) < end
