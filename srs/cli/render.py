"""Making untrusted card text safe to print on a terminal, and fitting it to the terminal's width.

Deck files come from strangers. Nothing in them may reach the terminal as a control sequence: everything goes
through :func:`srs.safetext.clean` (escape sequences dropped whole, other control characters shown as ``\\xNN``
/ ``\\u202E`` so the reader can see something odd is there, tabs as spaces), re-exported here.
"""

from __future__ import annotations

import unicodedata

from srs.safetext import clean as clean  # re-exported: callers here have always found it in this module


def clean_line(text: str, width: int) -> str:
    """First line of ``text``, cleaned, cut to ``width`` terminal columns with an ellipsis."""
    line = " ".join(clean(text).split())
    if display_width(line) <= width:
        return line
    out, used = "", 0
    for ch in line:
        w = char_width(ch)
        if used + w > width - 1:
            break
        out += ch
        used += w
    return out + "…"


def char_width(ch: str) -> int:
    """Terminal columns taken by one character: 0 for combining marks, 2 for wide East Asian characters."""
    if unicodedata.combining(ch) or ch in "\u200b\u200c\u200d":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Terminal columns taken by ``text`` (one line, already cleaned)."""
    return sum(char_width(ch) for ch in text)


def _split_word(word: str, width: int) -> list[str]:
    """Cut a word wider than ``width`` into pieces that fit (never splitting a character from its marks)."""
    pieces, current, used = [], "", 0
    for ch in word:
        w = char_width(ch)
        if used + w > width and current and w > 0:
            pieces.append(current)
            current, used = "", 0
        current += ch
        used += w
    if current:
        pieces.append(current)
    return pieces


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Clean untrusted ``text`` and wrap it to ``width`` terminal columns, each line prefixed by ``indent``.

    Paragraph breaks are kept, runs of blank lines collapse into one, leading and trailing blank lines are
    dropped, and a word longer than the line is broken (a URL or a hostile 10,000-letter word must not push
    the screen sideways). Width is measured in terminal columns, so wide and combining characters count right.
    """
    room = max(10, width - display_width(indent))
    lines: list[str] = []
    for paragraph in clean(text).split("\n"):
        words = paragraph.split()
        if not words:
            if lines and lines[-1] != indent.rstrip():
                lines.append(indent.rstrip())
            continue
        current, used = "", 0
        for word in words:
            for piece in _split_word(word, room):
                w = display_width(piece)
                if current and used + 1 + w <= room:
                    current, used = f"{current} {piece}", used + 1 + w
                else:
                    if current:
                        lines.append(indent + current)
                    current, used = piece, w
        if current:
            lines.append(indent + current)
    while lines and lines[-1] == indent.rstrip():
        lines.pop()
    return lines


def terminal_width(default: int = 80, maximum: int = 100) -> int:
    """Columns to wrap to: the terminal's width (or ``COLUMNS``), capped for readability; ``default`` if unknown."""
    import os
    import shutil

    columns = shutil.get_terminal_size((0, 0)).columns
    if columns <= 0:
        try:
            columns = int(os.environ.get("COLUMNS", ""))
        except ValueError:
            columns = default
    return max(30, min(columns, maximum))


def terminal_height(default: int = 24) -> int:
    """Rows of the terminal (or ``LINES``); ``default`` when unknown."""
    import shutil

    rows = shutil.get_terminal_size((0, 0)).lines
    return rows if rows > 0 else default
