"""Fitting one review screen into the terminal window: fold what does not fit, page through it on request.

A screen is a fixed top (the header and the card's title line), a body made of :class:`Section` blocks, and a
fixed bottom (messages, the grades, the hint line). :func:`fit` returns at most ``height`` lines: the top and
the bottom, and as much of the body as fits (in a window too small even for those, what fits of them, in order).

Each section says how it may shrink (:class:`Keep`): the recommended response is shown whole (``WHOLE``); the
situation may be cut to its first lines (``CUT``); reasoning, sources and counterpoints are shown whole or folded
away (``FOLD``), and one line then names what is folded and the key that opens it. Sections added later (the
learner's typed answer, the key points hit or missed) are ``WHOLE`` sections and take their room from the
foldable ones. With :class:`Pager` expanded, the whole body scrolls between the fixed top and bottom instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import click

from srs.cli.render import char_width, display_width

MORE_KEY = "m"
# Lines of the situation kept (heading included) when the answer side is short of room.
SITUATION_LINES = 3


class Keep(Enum):
    """How a section gives up room when the window is short: never, by its last lines, or all at once."""

    WHOLE = "whole"
    CUT = "cut"
    FOLD = "fold"


@dataclass(frozen=True)
class Section:
    """A block of the body: its lines (heading first, usually a blank line last) and how it may shrink.

    Attributes:
        name: What the fold line calls it ("reasoning", "sources", "counterpoint").
        lines: The lines, already wrapped to the width and cleaned.
        keep: How it shrinks when the window is too short.
        least: For ``CUT``: the lines always kept.
        rank: In a window too small even for every section's least, sections of higher rank get their least
            first (then the others, in reading order); a trailing blank line is then given up too.
    """

    name: str
    lines: tuple[str, ...]
    keep: Keep = Keep.FOLD
    least: int = SITUATION_LINES
    rank: int = 0

    def minimum(self) -> int:
        if self.keep is Keep.WHOLE:
            return len(self.lines)
        if self.keep is Keep.CUT:
            return min(len(self.lines), self.least)
        return 0


@dataclass(frozen=True)
class Frame:
    """What :func:`fit` drew, and what the pager needs to know about it.

    Attributes:
        lines: The screen, at most the window's height.
        hidden: The body is taller than the window: part is folded away, or it is being paged through.
        expand_at: Where the first folded line is in the whole body (the pager starts there).
        region: Rows the body's lines had (without the note).
        total: Lines of the whole body.
        offset: The first body line shown when expanded (0 otherwise).
    """

    lines: list[str]
    hidden: bool = False
    expand_at: int = 0
    region: int = 0
    total: int = 0
    offset: int = 0


@dataclass
class Pager:
    """Folded overview or the whole body from ``offset``; reset for every new card and side."""

    expanded: bool = False
    offset: int = 0

    def reset(self) -> None:
        self.expanded, self.offset = False, 0

    def handle(self, token: str, frame: Frame) -> bool:
        """Act on a paging key for the screen ``frame``; False if ``token`` is not one (the session gets it).

        ``m`` unfolds at the first hidden line, then pages down, then folds back after the last page; the arrow
        keys scroll by a line and Page Up / Page Down by a page. Arrows do nothing when nothing scrolls.
        """
        page = max(1, frame.region - 1)
        last = max(0, frame.total - frame.region)
        if token == MORE_KEY:
            if not self.expanded:
                if not frame.hidden:
                    return False
                self.expanded, self.offset = True, min(frame.expand_at, last)
            elif self.offset >= last:
                self.reset()
            else:
                self.offset = min(last, self.offset + page)
            return True
        steps = {"down": 1, "up": -1, "pgdn": page, "pgup": -page, "home": -frame.total, "end": frame.total}
        if token not in steps:
            return False
        if frame.hidden:
            if not self.expanded:
                self.expanded, self.offset = True, 0 if steps[token] < 0 else min(frame.expand_at, last)
            else:
                self.offset = max(0, min(last, self.offset + steps[token]))
        return True


def fit(top: Sequence[str], body: Sequence[Section], bottom: Sequence[str], height: int, width: int,
        pager: Pager, unicode: bool = False) -> Frame:
    """Lay out one screen in ``height`` rows of ``width`` columns.

    When the body is too tall, its last row is a note: folded, which sections are hidden and that ``m`` shows
    them (``> m more: reasoning, counterpoint (12 lines)``); expanded, which lines are showing and the keys.

    Args:
        top: Lines always shown first (the header).
        body: The card's sections, in reading order.
        bottom: Lines always shown last (messages, grades, hints).
        height: Rows of the window.
        width: Columns of the window.
        pager: Folded or expanded, and where; an offset beyond the end is clamped.
        unicode: Draw the note with Unicode marks (``▸``, ``·``) rather than ASCII (``>``, ``|``).
    """
    marker, sep = ("▸", " · ") if unicode else (">", " | ")
    region = max(2, height - len(top) - len(bottom))  # a window shorter than that loses the bottom's end
    whole = [line for section in body for line in section.lines]
    if len(whole) <= region and len(top) + len(whole) + len(bottom) <= height:
        pager.reset()
        return Frame([*top, *whole, *bottom], region=region, total=len(whole))
    rows = region - 1  # the last row is the note
    if pager.expanded:
        pager.offset = max(0, min(pager.offset, len(whole) - rows))
        shown = whole[pager.offset:pager.offset + rows]
        at_end = pager.offset + rows >= len(whole)
        note = _first_that_fits(width, [
            f"{marker} lines {pager.offset + 1}-{pager.offset + len(shown)} of {len(whole)}"
            f"{sep}{MORE_KEY} {'fold' if at_end else 'next page'}{sep}arrows scroll",
            f"{marker} {pager.offset + 1}-{pager.offset + len(shown)} of {len(whole)}"
            f"{sep}{MORE_KEY} {'fold' if at_end else 'next page'}"])
        return Frame([*top, *shown, note, *bottom][:height], hidden=True, region=rows, total=len(whole),
                     offset=pager.offset)
    counts = _overview(body, rows)
    lines: list[str] = []
    names: list[str] = []
    expand_at: int | None = None
    start = 0
    for section, count in zip(body, counts):
        part = list(section.lines[:count])
        if any(click.unstyle(line).strip() for line in section.lines[count:]):  # more than a blank line hidden
            if expand_at is None:
                expand_at = start + count
            if section.name not in names:
                names.append(section.name)
            if part and section.keep is not Keep.FOLD:
                part[-1] = _with_ellipsis(part[-1], width)
        lines += part
        start += len(section.lines)
    hidden = len(whole) - len(lines)
    many = f"{hidden} line{'s' if hidden != 1 else ''}"
    note = _first_that_fits(width, [f"{marker} {MORE_KEY} more: {', '.join(names)} ({many})",
                                    f"{marker} {MORE_KEY} more: {', '.join(names)}",
                                    f"{marker} {MORE_KEY} more: {many}"])
    return Frame([*top, *lines, note, *bottom][:height], hidden=True, expand_at=expand_at or 0,
                 region=rows, total=len(whole))


def _overview(body: Sequence[Section], room: int) -> list[int]:
    """How many lines of each section the folded overview shows in ``room`` rows."""
    counts = [section.minimum() for section in body]
    spare = room - sum(counts)
    if spare < 0:  # a tiny window: even the least does not fit; the first lines, by rank then reading order
        left = max(0, room)
        for i in sorted(range(len(body)), key=lambda i: -body[i].rank):
            lines = body[i].lines
            if counts[i] == len(lines) and lines and not click.unstyle(lines[-1]).strip():
                counts[i] -= 1
            counts[i] = min(counts[i], left)
            left -= counts[i]
        return counts
    # The situation first (context), then whole foldable sections in reading order while they fit.
    for i, section in enumerate(body):
        if section.keep is Keep.CUT:
            grow = min(spare, len(section.lines) - counts[i])
            counts[i] += grow
            spare -= grow
    for i, section in enumerate(body):
        if section.keep is Keep.FOLD and len(section.lines) <= spare:
            counts[i] = len(section.lines)
            spare -= len(section.lines)
    return counts


def _first_that_fits(width: int, notes: list[str]) -> str:
    """The first of ``notes`` (longest first) that fits ``width`` columns, else the last one cut to fit."""
    for text in notes:
        if display_width(text) <= width:
            return text
    return _cut(notes[-1], width)


def _with_ellipsis(line: str, width: int) -> str:
    """``line`` marked as continuing: an ellipsis at its end, within ``width`` columns."""
    plain = click.unstyle(line)
    if not plain.strip():
        return line
    if display_width(plain) < width:
        return line + "…"
    return _cut(plain, width - 1) + "…"


def _cut(text: str, width: int) -> str:
    """``text`` (plain) cut to ``width`` columns."""
    out, used = "", 0
    for ch in text:
        if used + char_width(ch) > width:
            break
        out += ch
        used += char_width(ch)
    return out
