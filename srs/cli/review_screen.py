"""What ``srs review`` draws: the header, the question side, the answer side, the hints and keys, the summary.

Every function returns lines of text already wrapped to ``width`` and cleaned of control sequences (card text
comes from strangers' deck files). Meaning never rests on colour: labels are words in capitals, the current
queue's count is in brackets, a counterpoint has its own heading and a ``|`` gutter. ``style`` decides whether
bold and colour are added on top (only on a terminal without ``NO_COLOR``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import click

from srs.cli.render import clean, clean_line, display_width, wrap
from srs.cli.review_layout import MORE_KEY, Keep, Section
from srs.review import RATING_NAMES, Counts, QueuedCard, Summary

if TYPE_CHECKING:
    from srs.store.day_plan import Outlook

INDENT = "  "
# After the grade that Space or Enter gives on the answer side.
ENTER_MARK = "(Space/Enter)"


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


def card_title(card: QueuedCard, answer_side: bool, width: int, style: Style) -> list[str]:
    """The line above the situation: the deck's name on the question side, where the card's id would give the
    answer away (``interview-closing/handshake-smile-leave``), and the card's id once the response shows."""
    view = card.view
    tag = "  (your wording)" if view.edited else ""
    name = view.ref if answer_side else view.deck_name
    return [style.dim(clean_line(name, width - len(tag)) + tag)]


def question(card: QueuedCard, width: int, style: Style) -> list[str]:
    """The situation, to be read as a scene."""
    return _section("SITUATION", card.view.situation, width, style)


def question_sections(card: QueuedCard, width: int, style: Style) -> list[Section]:
    """The question side's body: the situation, which may be cut to its first lines when room is short."""
    return [Section("situation", tuple(question(card, width, style)), Keep.CUT)]


def question_prompt(width: int, style: Style) -> list[str]:
    """The prompt under the situation: rehearse first, then reveal."""
    return [style.accent("Say or think your response.", "yellow")]


def answer_sections(card: QueuedCard, width: int, style: Style) -> list[Section]:
    """The answer side's body after the situation: the response (never folded), then reasoning, sources and each
    counterpoint, which fold away when the window is short."""
    view = card.view
    if view.personal and not view.needs_personal and view.reference != view.response:
        # The learner's own line, with the deck's wording beneath as the reference.
        lines = [style.rule(width), *_section("YOUR LINE", view.response, width, style)[:-1],
                 *(style.dim(line) for line in wrap(f"The deck's: {view.reference}", width, INDENT)), ""]
    else:
        lines = [style.rule(width), *_section("RESPONSE", view.response, width, style)]
    sections = [Section("response", tuple(lines), Keep.WHOLE),
                Section("reasoning", tuple(_section("REASONING", view.reasoning, width, style)))]
    if view.sources:
        lines = [style.label("SOURCES")]
        dash = "—" if style.unicode else "-"
        for source in view.sources:
            text = clean(source.title) + (f" {dash} {clean(source.author)}" if source.author else "")
            lines += wrap(text, width, INDENT)
        sections.append(Section("sources", (*lines, "")))
    gutter = "│ " if style.unicode else "| "
    for source, view_text in view.counterpoints:
        dash = "—" if style.unicode else "--"
        heading = wrap(f"Counterpoint {dash} {' '.join(clean(source.title).split())}:", width)
        lines = [style.accent(line, "yellow") for line in heading]
        lines += [style.accent(gutter, "yellow") + line for line in wrap(view_text, width - 2)]
        sections.append(Section("counterpoint", (*lines, "")))
    return sections


def answer(card: QueuedCard, width: int, style: Style) -> list[str]:
    """Response, reasoning, sources (title — author) and any counterpoints, each under its own heading."""
    return [line for section in answer_sections(card, width, style) for line in section.lines]


def grade_bar(card: QueuedCard, width: int, style: Style, enter_rating: int | None = None) -> list[str]:
    """The four grades with the interval each would give; the one Space/Enter gives says so."""
    colours = {1: "red", 2: "yellow", 3: "green", 4: "blue"}
    cells = []
    for rating in (1, 2, 3, 4):
        label = card.previews.get(rating, "")
        cells.append(f"{style.accent(str(rating), colours[rating])} {RATING_NAMES[rating]}"
                     + (f" {style.dim(label)}" if label else "")
                     + (f" {ENTER_MARK}" if rating == enter_rating else ""))
    if len(click.unstyle("   ".join(cells))) <= width:
        return ["   ".join(cells)]
    lines = [cells[0]]
    for cell in cells[1:]:
        if len(click.unstyle(lines[-1] + "  " + cell)) <= width:
            lines[-1] += "  " + cell
        else:
            lines.append(cell)
    return lines


def hints(keys: list[str], width: int, style: Style) -> list[str]:
    """The keys that work now, as ``key action`` items; an item is never split across lines."""
    sep = " · " if style.unicode else " | "
    lines: list[str] = []
    for item in keys:
        if lines and display_width(lines[-1] + sep + item) <= width:
            lines[-1] += sep + item
        else:
            lines.append(clean_line(item, width))
    return [style.dim(line) for line in lines]


def question_keys(more: str | None) -> list[str]:
    """The hint line's items on the question side; ``more`` is the paging item when part is hidden."""
    return ["Space/Enter show the response", "e edit", "u undo", *([more] if more else []), "? keys", "q quit"]


def answer_keys(more: str | None) -> list[str]:
    """The hint line's items on the answer side; the grades, and which one Space/Enter gives, are on the line
    above (:func:`grade_bar`)."""
    return ["u undo", "s suspend", "b bury", "e edit", *([more] if more else []), "? keys", "q quit"]


def keys_help(editor: str) -> tuple[tuple[str, str], ...]:
    """Every key and what it does; ``editor`` is what ``e`` opens (e.g. ``"nano ($EDITOR is not set)"``)."""
    return (
        ("Space/Enter", "show the response; once it shows, grade Good"),
        ("1 2 3 4", "grade: Again, Hard, Good, Easy"),
        ("u", "undo the last action: a grade, suspend, bury or edit"),
        ("s", "suspend this card, once the response shows (it stops coming up)"),
        ("b", "bury this card until tomorrow, once the response shows"),
        ("e", f"edit this card in {editor}: your wording, kept across deck updates"),
        ("w", "your wording: after a typed answer (--type) that missed a key point, make the words you used count "
              "for that point from now on (for you only)"),
        (MORE_KEY, "more: unfold what did not fit, then page; arrows and PgUp/PgDn scroll"),
        ("?", "show these keys"),
        ("q", "quit (every grade is already saved)"),
    )


def help_lines(width: int, style: Style, editor: str = "$EDITOR",
               typing: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """Every key and what it does, wrapped under its key; ``typing`` replaces the first entry (Space/Enter) with
    the keys of typing mode."""
    entries = (*typing, *keys_help(editor)[1:]) if typing else keys_help(editor)
    key_width = max(len(k) for k, _ in entries)
    lines = [style.label("KEYS")]
    for key, text in entries:
        wrapped = wrap(text, width - len(INDENT) - key_width - 2) or [""]
        lines.append(f"{INDENT}{key:<{key_width}}  {wrapped[0]}")
        lines += [f"{INDENT}{'':<{key_width}}  {line}" for line in wrapped[1:]]
    return lines + [""]


def _minutes(ms: int) -> str:
    seconds = round(ms / 1000)
    return f"{seconds // 60}m {seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def summary(totals: Summary, now: datetime, tz: str, style: Style, outlook: "Outlook | None" = None) -> list[str]:
    """Cards reviewed, how many Again, time spent, when the next card is due, and the day streak; with an
    interview ahead, what tomorrow holds for it."""
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
    if outlook is not None:
        lines.append(interview_outlook(outlook, now, tz))
    return lines


def interview_outlook(outlook: "Outlook", now: datetime, tz: str) -> str:
    """``Tomorrow: 8 reviews and 6 new cards toward your interview (Fri 4 Dec 10:00, in 5 days); 3 of 24 cards
    ready now.``"""
    from srs.cli.status_view import interview_when, percent

    when = interview_when(outlook.interview_at, now, tz)
    ready = (f"{outlook.ready} of {outlook.cards} card{'s' if outlook.cards != 1 else ''} ready now (predicted "
             f"recall at the interview >= {percent(outlook.target)})")
    if outlook.interview_today:
        return f"Interview {when.replace(', today', ' today')}: {ready}."
    work = [f"{count} {what}{'s' if count != 1 else ''}"
            for count, what in ((outlook.reviews, "review"), (outlook.new, "new card")) if count]
    plan = " and ".join(work) if work else "nothing planned"
    pass_ = "the final pass, " if outlook.final_pass else ""
    return f"Tomorrow: {pass_}{plan} toward your interview ({when}); {ready}."

