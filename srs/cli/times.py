"""How times and durations read on the terminal: in the learner's zone, to the minute, labelled when not obvious.

Every time a person reads (``srs card list``, ``srs card show``, ``srs status``) goes through here, so they all
agree on the zone. ``--json`` keeps ISO 8601 with its offset instead; these functions are for text only.
"""

from __future__ import annotations

from datetime import datetime, timedelta

# Names that all mean UTC: the learner's UTC and a machine's Etc/UTC need no label.
_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu",
                        "Etc/GMT", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "Etc/Greenwich", "GMT", "GMT0", "GMT+0",
                        "GMT-0", "Greenwich"})


def _is_utc(name: str) -> bool:
    return name in _UTC_NAMES or name.upper() == "UTC"


def zone_is_obvious(tz: str) -> bool:
    """Whether times in zone ``tz`` read as local time without a label: this machine is in that zone too."""
    from srs.scheduling.settings import system_timezone

    here = system_timezone()
    return tz == here or (_is_utc(tz) and _is_utc(here))


def _aware(moment: datetime | str) -> datetime:
    return datetime.fromisoformat(moment) if isinstance(moment, str) else moment


def local_time(moment: datetime | str, tz: str, label: bool = False) -> str:
    """``moment`` (a datetime, or ISO 8601 text as ``--json`` prints it) in zone ``tz``, to the minute.

    Args:
        moment: An aware datetime or ISO 8601 text with an offset.
        tz: The learner's IANA zone.
        label: Add the zone's abbreviation (``CET``), or its offset where tzdata has none (``+0545``).

    Returns:
        ``2026-11-29 08:44`` or ``2026-11-29 08:44 CET``.
    """
    from srs.scheduling.days import zone

    local = _aware(moment).astimezone(zone(tz))
    text = local.strftime("%Y-%m-%d %H:%M")
    return f"{text} {local.tzname()}" if label else text


def clock_time(moment: datetime, now: datetime, tz: str, label: bool = False) -> str:
    """A time near ``now`` as a clock reads it: ``14:05`` within 20 hours, else ``Fri 06 Mar 04:00``; the zone's
    abbreviation after it with ``label``."""
    from srs.scheduling.days import zone

    local = moment.astimezone(zone(tz))
    text = local.strftime("%H:%M") if abs(moment - now) < timedelta(hours=20) else local.strftime("%a %d %b %H:%M")
    return f"{text} {local.tzname()}" if label else text


def when(moment: datetime | None, now: datetime, tz: str, label: bool = False) -> str:
    """``now``, ``in 3h (14:05)``, ``in 4d (Fri 06 Mar 04:00)``, or ``nothing scheduled`` (for None)."""
    from srs.scheduling import format_interval

    if moment is None:
        return "nothing scheduled"
    if moment <= now:
        return "now"
    return f"in {format_interval(moment - now, timedelta(0))} ({clock_time(moment, now, tz, label)})"


def duration(seconds: float) -> str:
    """Time spent, as a person says it: ``25 s``, ``2 min 30 s``, ``14 min``, ``1 h 05 min``; never ``0 min``."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 600:
        return f"{whole // 60} min" + (f" {whole % 60:02d} s" if whole % 60 else "")
    minutes = (whole + 30) // 60
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"
