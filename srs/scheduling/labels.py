"""Interval labels as Anki prints them above its answer buttons: ``<10m``, ``2.5h``, ``1d``, ``3.2mo``, ``1.1y``."""

from __future__ import annotations

import math
from datetime import timedelta

MINUTE = 60.0
HOUR = 3600.0
DAY = 86_400.0
MONTH = 30.417 * DAY  # Anki's month: 365/12 days, rounded as rslib does
YEAR = 365.0 * DAY


def _round_half_away(value: float) -> float:
    return math.copysign(math.floor(abs(value) + 0.5), value)


def format_interval(delta: timedelta, collapse: timedelta = timedelta(minutes=20)) -> str:
    """Label an interval the way Anki labels an answer button.

    Seconds, minutes and days are whole numbers; hours, months and years have at most one decimal. An interval
    shorter than ``collapse`` (the learn-ahead limit, 20 minutes by default) gets a ``<`` prefix, as Anki shows
    it: such a card may come back before its exact time.

    Args:
        delta: The interval.
        collapse: Intervals below this are prefixed with ``<``; ``timedelta(0)`` turns that off.

    Returns:
        A short label such as ``"<10m"``, ``"1d"``, ``"3.2mo"``.
    """
    secs = delta.total_seconds()
    if secs <= 0:
        return ""
    if secs < MINUTE:
        unit, size = "s", 1.0
    elif secs < HOUR:
        unit, size = "m", MINUTE
    elif secs < DAY:
        unit, size = "h", HOUR
    elif secs < MONTH:
        unit, size = "d", DAY
    elif secs < YEAR:
        unit, size = "mo", MONTH
    else:
        unit, size = "y", YEAR
    amount = secs / size
    if unit in ("h", "mo", "y"):
        text = f"{_round_half_away(amount * 10) / 10:.1f}".removesuffix(".0")
    else:
        text = str(int(_round_half_away(amount)))
    prefix = "<" if secs < collapse.total_seconds() else ""
    return f"{prefix}{text}{unit}"
