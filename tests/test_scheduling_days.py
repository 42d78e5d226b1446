"""Learner days: local calendar days from the rollover hour, DST included, and Anki's elapsed-day count."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

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
