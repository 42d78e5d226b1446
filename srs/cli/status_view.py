"""Text for ``srs status`` and ``srs stats``: tables and charts built from the plain data the services return."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import click

from srs.cli import charts
from srs.cli.render import clean_line
from srs.cli.times import duration, when, zone_is_obvious
from srs.status import InterviewStatus, Status


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.0f}%"


def next_due(status: Status, now: datetime) -> datetime | None:
    """When the next card can be studied, for the text and the JSON alike: ``now`` while today's queue has cards
    (new ones included, which have no due time of their own), else the earliest scheduled due time; None when
    nothing is scheduled."""
    t = status.total
    if t.new + t.learning + t.due:
        return now if status.next_due is None or status.next_due > now else status.next_due
    return status.next_due


def shared_limit_notes(status: Status, new_per_day: int | None, reviews_per_day: int | None) -> list[str]:
    """Why the Total row can be less than its decks added up: the daily limits are shared by all decks.

    Only said when it is so, e.g. ``New cards: 8 of today's 20 left, shared by all decks.``
    """
    notes = []
    for column, limit, what in (("new", new_per_day, "New cards"), ("due", reviews_per_day, "Reviews")):
        total = getattr(status.total, column)
        if limit is not None and sum(getattr(d.counts, column) for d in status.decks) > total:
            notes.append(f"{what}: {total} of today's {limit} left, shared by all decks.")
    return notes


def status_lines(status: Status, now: datetime, tz: str, color: bool, new_per_day: int | None = None,
                 reviews_per_day: int | None = None) -> list[str]:
    """The status table (one row per deck and a total) and the day's figures; times in the learner's zone.

    With the daily limits, a note under the table explains a Total less than its decks added up.
    """
    rows = [(clean_line(d.name, 40), d.counts) for d in status.decks]
    name_width = max([len("Deck"), len("Total"), *(len(name) for name, _ in rows)])

    def row(name: str, new: object, learning: object, due: object) -> str:
        return f"{name:<{name_width}}  {new!s:>5}  {learning!s:>8}  {due!s:>5}"

    bold = (lambda s: click.style(s, bold=True)) if color else (lambda s: s)
    lines = [bold(row("Deck", "New", "Learning", "Due"))]
    lines += [row(name, c.new, c.learning, c.due) for name, c in rows]
    t = status.total
    label = not zone_is_obvious(tz)
    if len(rows) != 1:
        lines.append(bold(row("Total", t.new, t.learning, t.due)))
        lines += shared_limit_notes(status, new_per_day, reviews_per_day)
    if status.interviews:
        names = {d.id: d.name for d in status.decks}
        lines += ["", *(interview_line(i, now, tz, names, label) for i in status.interviews)]
        lines += plan_notes(status, new_per_day)
    lines += [
        "",
        f"Reviewed today:  {status.reviewed_today}",
        f"Next due:        {when(next_due(status, now), now, tz, label)}",
        f"Day streak:      {status.streak} day{'s' if status.streak != 1 else ''}",
        f"Retention:       {_percent(status.retention_30d)} over the last 30 days "
        f"({status.reviews_30d or 'no'} review{'s' if status.reviews_30d != 1 else ''} of cards in review)",
    ]
    return lines


def interview_when(at: datetime, now: datetime, tz: str, label: bool = False) -> str:
    """``Fri 4 Dec 10:00, in 5 days`` (``today``, ``tomorrow``): the interview's day and time in the learner's
    zone, and how many calendar days away it is there."""
    from srs.scheduling.days import zone

    local, here = at.astimezone(zone(tz)), now.astimezone(zone(tz))
    days = (local.date() - here.date()).days
    away = "today" if days <= 0 else "tomorrow" if days == 1 else f"in {days} days"
    text = f"{local:%a} {local.day} {local:%b %H:%M}" + (f" {local.tzname()}" if label else "")
    return f"{text}, {away}"


def percent(target: float) -> str:
    """``95%``, ``97.5%``."""
    return f"{round(target * 100, 1):g}%"


def interview_line(interview: InterviewStatus, now: datetime, tz: str, deck_names: dict[str, str],
                   label: bool = False) -> str:
    """``Interview Fri 4 Dec 10:00, in 5 days: 18 of 28 cards ready (predicted recall at the interview >= 95%),
    9 reviews today.``; an interview about one deck names it."""
    deck = "" if interview.deck is None else f" ({clean_line(deck_names.get(interview.deck, interview.deck), 40)})"
    today = []
    if interview.reviews_today:
        today.append(f"{interview.reviews_today} review{'s' if interview.reviews_today != 1 else ''}")
    if interview.new_today:
        today.append(f"{interview.new_today} new card{'s' if interview.new_today != 1 else ''}")
    left = " and ".join(today) + " today" if today else "nothing left today"
    return (f"Interview{deck} {interview_when(interview.at, now, tz, label)}: {interview.ready} of "
            f"{interview.cards} card{'s' if interview.cards != 1 else ''} ready (predicted recall at the interview "
            f">= {percent(interview.target)}), {left}.")


def plan_notes(status: Status, new_per_day: int | None) -> list[str]:
    """What today's interview plan does beyond plain scheduling, in words: more new cards than the daily limit,
    or too little time to get every card ready."""
    plan = status.plan
    notes: list[str] = []
    if plan is None:
        return notes
    if plan.extra_new:
        daily = f"your daily {new_per_day}" if new_per_day is not None else "your daily limit"
        notes.append(f"Today's plan introduces {plan.extra_new} more new card{'s' if plan.extra_new != 1 else ''} "
                     f"than {daily}, so that every card is learned in time.")
    if plan.too_little_time:
        target = percent(status.interviews[0].target) if status.interviews else "the target"
        notes.append(f"Too little time to get every card to {target} by the interview: the plan does what it can, "
                     "most at-risk cards first.")
    return notes


def _forecast_labels(days: int, group: int) -> list[str]:
    columns = -(-days // group)
    labels = [""] * columns
    labels[0] = "today"
    step = 7 if group == 1 else max(1, 28 // group)
    for i in range(step, columns, step):
        labels[i] = f"+{i * group}d"
    return labels


def stats_lines(data: dict[str, Any], color: bool, tz: str | None = None) -> list[str]:
    """The stats page: forecast chart, review calendar, retention, cards by state, time per answer, and the
    predicted recall at each interview ahead (its time in zone ``tz``)."""
    unicode = color
    bold = (lambda s: click.style(s, bold=True)) if color else (lambda s: s)
    days = data["days"]
    forecast: list[int] = data["forecast"]
    values, group = charts.bucket(forecast, 40)
    per = "day" if group == 1 else f"{group} days"
    lines = [bold(f"Due in the next {days} days: {sum(forecast):,} "
                  f"(today {forecast[0]:,}, tomorrow {forecast[1] if days > 1 else 0:,}; one column per {per})")]
    lines += charts.column_chart(values, _forecast_labels(days, group), height=8, unicode=unicode, color=color)

    per_day = {date.fromisoformat(k): v for k, v in data["reviews_per_day"].items()}
    today = date.fromisoformat(data["today"])
    total = sum(per_day.values())
    lines += ["", bold(f"Reviews in the last 6 months: {total:,} on {len(per_day)} "
                       f"day{'s' if len(per_day) != 1 else ''}")]
    lines += charts.heatmap(per_day, today, weeks=26, unicode=unicode, color=color)

    ret = data["retention"]
    lines += ["", bold(f"Retention, last {days} days (answers to cards in review that were not Again)")]
    for key, label in (("young", "Young (interval < 21d)"), ("mature", "Mature (interval >= 21d)"),
                       ("all", "All")):
        r = ret[key]
        lines.append(f"  {label:<26} {_percent(r['rate']):>5}  of {r['reviews']:,} "
                     f"review{'s' if r['reviews'] != 1 else ''}")

    cards = data["cards"]
    lines += ["", bold(f"Cards by state ({cards['total']:,} cards)")]
    top = max([cards[k] for k in ("new", "learning", "relearning", "young", "mature", "suspended")] + [1])
    for key in ("new", "learning", "relearning", "young", "mature", "suspended"):
        bar = ("█" if unicode else "#") * (round(30 * cards[key] / top) if cards[key] else 0)
        lines.append(f"  {key.capitalize():<11} {cards[key]:>7,}  {bar}".rstrip())

    t = data["time"]
    lines += ["", bold(f"Time, last {days} days")]
    if t["reviews"]:
        lines.append(f"  {t['average_seconds']:.1f} s per answer on average; {t['reviews']:,} "
                     f"answer{'s' if t['reviews'] != 1 else ''}, {duration(t['total_seconds'])} in total")
    else:
        lines.append("  No answers yet.")
    for interview in data.get("interviews", []):
        lines += ["", *interview_recall_lines(interview, bold, tz)]
    return lines


def interview_recall_lines(interview: dict[str, Any], bold: Any, tz: str | None = None) -> list[str]:
    """One interview's predicted recall per card state, as ``srs stats`` shows it (``interview`` is an item of
    ``collect_stats(...)["interviews"]``)."""
    from srs.cli.times import local_time

    at = local_time(interview["at"], tz) if tz else interview["at"]
    deck = "" if interview["deck"] is None else f" ({clean_line(interview['deck'], 40)})"
    lines = [bold(f"Predicted recall at the interview{deck}, {at} (ready: >= {percent(interview['target'])})")]
    for state in ("new", "learning", "relearning", "young", "mature"):
        group = interview["by_state"][state]
        if not group["cards"]:
            continue
        mean, lowest = percent(group["predicted_recall_mean"]), percent(group["predicted_recall_min"])
        lines.append(f"  {state.capitalize():<11} {group['cards']:>7,}  mean {mean:>6}  lowest {lowest:>6}  "
                     f"ready {group['ready']:,}")
    if len(lines) == 1:
        lines.append("  No cards.")
    return lines
