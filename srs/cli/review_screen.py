"""What ``srs review`` draws: the header, the question side, the answer side, the key list, the summary.

Every function returns lines of text already wrapped to ``width`` and cleaned of control sequences (card text
comes from strangers' deck files). Meaning never rests on colour: labels are words in capitals, the current
queue's count is in brackets, a counterpoint has its own heading and a ``|`` gutter. ``style`` decides whether
bold and colour are added on top (only on a terminal without ``NO_COLOR``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import click

from srs.cli.render import clean, clean_line, display_width, wrap
from srs.review import KEYS_HELP, RATING_NAMES, Counts, QueuedCard, Summary

INDENT = "  "


@dataclass(frozen=True)
class Style:
    """How to draw: ``color`` adds bold and hues; ``unicode`` allows box-drawing characters."""

    color: bool = False
    unicode: bool = False

    def label(self, text: str) -> str:
        return click.style(text, bold=True) if self.color else text

    def dim(self, text: str) -> str:
        return click.style(text, dim=True) if self.color else text

    def accent(self, text: str, colour: str) -> str:
        return click.style(text, fg=colour, bold=True) if self.color else text

    def rule(self, width: int) -> str:
        return self.dim(("─" if self.unicode else "-") * width)


def header(counts: Counts, current: QueuedCard | None, deck_label: str, width: int, style: Style) -> list[str]:
    """Deck name and today's counts; the count the shown card comes from is in brackets."""
    parts = []
    for queue, name, value, colour in (("new", "new", counts.new, "blue"),
                                       ("learning", "learning", counts.learning, "red"),
                                       ("due", "due", counts.due, "green")):
        text = f"{value} {name}"
        if current is not None and current.queue == queue:
            text = f"[{text}]"
        parts.append(style.accent(text, colour) if style.color else text)
    sep = " · " if style.unicode else " | "
    counts_text = sep.join(parts)
    plain_len = len(click.unstyle(counts_text))
    if width - plain_len - 2 < 12:  # too narrow for both on one line
        return [style.label(clean_line(deck_label, width)), counts_text, style.rule(width)]
    deck = clean_line(deck_label, width - plain_len - 2)
    gap = max(2, width - display_width(deck) - plain_len)
    return [f"{style.label(deck)}{' ' * gap}{counts_text}", style.rule(width)]

def _section(title: str, text: str, width: int, style: Style) -> list[str]:
    return [style.label(title), *(wrap(text, width, INDENT) or [INDENT + style.dim("(empty)")]), ""]


def question(card: QueuedCard, width: int, style: Style) -> list[str]:
    """The situation, to be read as a scene, and what to do next."""
    view = card.view
    tag = "  (your wording)" if view.edited else ""
    lines = [style.dim(clean_line(view.ref, width) + tag), ""]
    lines += _section("SITUATION", view.situation, width, style)
    return lines


def question_brief(card: QueuedCard, width: int, style: Style) -> list[str]:
    """The situation cut to one line, for an answer side too tall to show it whole."""
    view = card.view
    return [style.dim(clean_line(view.ref, width)), "",
            style.label("SITUATION ") + clean_line(view.situation, width - len("SITUATION ")), ""]


def question_prompt(width: int, style: Style) -> list[str]:
    """The prompt under the situation: rehearse first, then reveal."""
    keys = "Space/Enter: show the response · ?: keys · q: quit"
    return [style.accent("Say or think your response.", "yellow"),
            *(style.dim(line) for line in wrap(keys if style.unicode else keys.replace("·", "|"), width))]


def answer(card: QueuedCard, width: int, style: Style) -> list[str]:
    """Response, reasoning, sources (title — author) and any counterpoints, each under its own heading."""
    view = card.view
    lines = [style.rule(width), ""]
    lines += _section("RESPONSE", view.response, width, style)
    lines += _section("REASONING", view.reasoning, width, style)
    if view.sources:
        lines.append(style.label("SOURCES"))
        dash = "—" if style.unicode else "-"
        for source in view.sources:
            text = clean(source.title) + (f" {dash} {clean(source.author)}" if source.author else "")
            lines += wrap(text, width, INDENT)
        lines.append("")
    gutter = "│ " if style.unicode else "| "
    for source, view_text in view.counterpoints:
        dash = "—" if style.unicode else "--"
        heading = wrap(f"Counterpoint {dash} {' '.join(clean(source.title).split())}:", width)
        lines += [style.accent(line, "yellow") for line in heading]
        lines += [style.accent(gutter, "yellow") + line for line in wrap(view_text, width - 2)]
        lines.append("")
    return lines


def grade_bar(card: QueuedCard, width: int, style: Style) -> list[str]:
    """The four grades with the interval each would give, then the other keys."""
    colours = {1: "red", 2: "yellow", 3: "green", 4: "blue"}
    cells = []
    for rating in (1, 2, 3, 4):
        label = card.previews.get(rating, "")
        cells.append(f"{style.accent(str(rating), colours[rating])} {RATING_NAMES[rating]}"
                     + (f" {style.dim(label)}" if label else ""))
    lines = ["   ".join(cells)]
    if len(click.unstyle(lines[0])) > width:
        lines = ["  ".join(cells[:2]), "  ".join(cells[2:])]
    keys = "u undo · s suspend · b bury · e edit · ? keys · q quit"
    lines += [style.dim(line) for line in wrap(keys if style.unicode else keys.replace("·", "|"), width)]
    return lines


def help_lines(style: Style) -> list[str]:
    """Every key and what it does."""
    width = max(len(k) for k, _ in KEYS_HELP)
    return [style.label("KEYS")] + [f"{INDENT}{key:<{width}}  {text}" for key, text in KEYS_HELP] + [""]


def _minutes(ms: int) -> str:
    seconds = round(ms / 1000)
    return f"{seconds // 60}m {seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def summary(totals: Summary, now: datetime, tz: str, style: Style) -> list[str]:
    """Cards reviewed, how many Again, time spent, when the next card is due, and the day streak."""
    from srs.scheduling import format_interval
    from srs.scheduling.days import zone

    if totals.reviewed:
        average = f", {totals.time_ms / totals.reviewed / 1000:.0f}s a card"
        lines = [style.label(f"Reviewed {totals.reviewed} card{'s' if totals.reviewed != 1 else ''} "
                             f"in {_minutes(totals.time_ms)}{average}."),
                 f"Again: {totals.again}."]
    else:
        lines = [style.label("No cards reviewed this time.")]
    left = totals.left
    if left is not None and left.new + left.learning + left.due:
        lines.append(f"Left for today: {left.new} new, {left.learning} learning, {left.due} due "
                     "(srs review to continue).")
    if totals.next_due is None:
        lines.append("Next review due: nothing scheduled yet.")
    elif totals.next_due <= now:
        lines.append("Next review due: now.")
    else:
        local = totals.next_due.astimezone(zone(tz))
        when = local.strftime("%H:%M") if (totals.next_due - now).total_seconds() < 72_000 \
            else local.strftime("%a %d %b %H:%M")
        lines.append(f"Next review due: in {format_interval(totals.next_due - now, timedelta(0))} ({when}).")
    lines.append(f"Day streak: {totals.streak} day{'s' if totals.streak != 1 else ''}.")
    return lines

