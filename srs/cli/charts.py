"""Terminal pictures for ``srs stats``: a column chart and a calendar heatmap.

Both carry their meaning in shapes and numbers, never in colour alone, so they read the same with ``NO_COLOR``,
in a pipe, or on a monochrome screen. Unicode block characters are used only when the caller says the output
is a terminal that may have them; otherwise plain ASCII (``#``, ``.``, ``o``, ``O``, ``@``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import click

_EIGHTHS = " ▁▂▃▄▅▆▇█"
HEAT_UNICODE = ("·", "░", "▒", "▓", "█")
HEAT_ASCII = (".", "-", "o", "O", "@")
_HEAT_COLOURS = (240, 22, 28, 34, 46)  # grey, then darker to brighter green (256-colour palette)


def bucket(values: Sequence[int], columns: int) -> tuple[list[int], int]:
    """Sum ``values`` into at most ``columns`` consecutive groups; return the sums and the group size."""
    size = max(1, math.ceil(len(values) / max(1, columns)))
    return [sum(values[i:i + size]) for i in range(0, len(values), size)], size


def column_chart(values: Sequence[int], labels: Sequence[str], height: int = 8, unicode: bool = False,
                 color: bool = False, bar_width: int = 2) -> list[str]:
    """Vertical bars, one per value, with a count scale on the left and ``labels`` under some columns.

    Args:
        values: One non-negative number per column.
        labels: One label per column ("" for none); a label is written starting under its column.
        height: Rows of bars.
        unicode: Use eighth-block characters for smooth tops; otherwise ``#``.
        color: Colour the bars (the shapes carry the meaning either way).
        bar_width: Characters per column, including one space of gap.

    Returns:
        The chart's lines, without trailing newlines.
    """
    top = max(values, default=0)
    scale_width = len(str(top))
    lines = []
    for row in range(height, 0, -1):
        cells = []
        for value in values:
            filled = value / top * height if top else 0.0
            if filled >= row:
                mark = "█" if unicode else "#"
            elif unicode and filled > row - 1:
                mark = _EIGHTHS[max(0, min(8, round((filled - (row - 1)) * 8)))]
            elif not unicode and filled > row - 1 and filled - (row - 1) >= 0.5:
                mark = "#"
            elif row == 1 and value > 0:
                mark = "▁" if unicode else "_"  # a small non-zero value still shows
            else:
                mark = " "
            if color and mark.strip():
                mark = click.style(mark, fg="cyan")
            cells.append(mark * (bar_width - 1) + " ")
        axis = str(top) if row == height else ("0" if row == 1 and top == 0 else "")
        lines.append(f"{axis:>{scale_width}} {'│' if unicode else '|'}{''.join(cells).rstrip()}")
    rule = ("└" if unicode else "+") + ("─" if unicode else "-") * (len(values) * bar_width)
    lines.append(" " * scale_width + " " + rule)
    label_line = [" "] * (len(values) * bar_width + 12)
    for i, label in enumerate(labels):
        if label:
            start = i * bar_width
            if all(ch == " " for ch in label_line[start:start + len(label) + 1]):
                label_line[start:start + len(label)] = list(label)
    lines.append(" " * (scale_width + 2) + "".join(label_line).rstrip())
    return lines


def heat_level(count: int, top: int) -> int:
    """0 for no reviews, else 1-4 by the share of the busiest day."""
    if count <= 0 or top <= 0:
        return 0
    return max(1, min(4, math.ceil(4 * count / top)))


def heatmap(counts: Mapping[date, int], today: date, weeks: int = 26, unicode: bool = False,
            color: bool = False) -> list[str]:
    """A calendar of reviews per day, like Anki's: a column per week (Monday at the top), ending this week.

    Each day is one character whose *shape* says how busy it was (see the legend line); months are named
    above the columns where they begin. Days after ``today`` are left blank.
    """
    marks = HEAT_UNICODE if unicode else HEAT_ASCII
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    top = max((c for d, c in counts.items() if first <= d <= today), default=0)
    labels: list[tuple[int, str]] = []
    for week in range(weeks):
        monday = first + timedelta(weeks=week)
        sunday = monday + timedelta(days=6)
        if week == 0 or monday.day == 1 or sunday.month != monday.month:
            at, name = week * 2, (monday if week == 0 else sunday).strftime("%b")
            if labels and at <= labels[-1][0] + len(labels[-1][1]):
                labels.pop()  # a month that begins soon after the first column wins over the partial one
            labels.append((at, name))
    month_row = [" "] * (weeks * 2 + 4)
    for at, name in labels:
        month_row[at:at + len(name)] = list(name)
    lines = ["    " + "".join(month_row).rstrip()]
    for weekday, name in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        cells = []
        for week in range(weeks):
            day = first + timedelta(weeks=week, days=weekday)
            if day > today:
                cells.append("  ")
                continue
            level = heat_level(counts.get(day, 0), top)
            mark = marks[level]
            if color:
                mark = click.style(mark, fg=_HEAT_COLOURS[level])
            cells.append(mark + " ")
        lines.append(f"{name:<3} {''.join(cells).rstrip()}")
    steps = " ".join(marks)
    lines.append(f"    less {steps} more   (busiest day: {top:,} review{'s' if top != 1 else ''})")
    return lines
