"""Typing one line of text during a review: the buffer, its cursor, the editing keys, and how it is drawn.

``srs review --type`` asks the learner to type their response on the question side (and a personal card asks
for their own line). While they type, every key is text: :class:`TypingInput` turns key tokens (see
:mod:`srs.cli.keys`) into edits of a :class:`LineEditor`, and only a key pressed after Esc is a command (Esc q
quits, Esc u undoes...). Editing keys: Left/Right, Home/End (and Ctrl-A/Ctrl-E), Backspace, Delete, Ctrl-U
(delete to the start), Ctrl-W (delete the word before the cursor), Ctrl-K (delete to the end).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from srs.cli.render import char_width

MAX_CHARS = 2000
"""The longest answer the editor takes: several times a spoken closing line, and bounded for the matcher."""

# Key tokens that edit the line (from srs.cli.keys).
LEFT, RIGHT, HOME, END = "left", "right", "home", "end"
BACKSPACE, DELETE = "backspace", "delete"
CTRL_A, CTRL_E, CTRL_K, CTRL_U, CTRL_W = "ctrl-a", "ctrl-e", "ctrl-k", "ctrl-u", "ctrl-w"
ESC = "esc"
ENTER = "\n"


@dataclass
class LineEditor:
    """One line of text and the cursor in it (an index between characters, 0 to ``len(text)``)."""

    text: str = ""
    cursor: int = 0

    def clear(self) -> None:
        """Start again with an empty line."""
        self.text, self.cursor = "", 0

    def set(self, text: str) -> None:
        """Replace the line (cursor at its end)."""
        self.text = _printable(text)[:MAX_CHARS]
        self.cursor = len(self.text)

    def insert(self, chars: str) -> None:
        """Type ``chars`` at the cursor; control characters are dropped and the line stays within MAX_CHARS."""
        chars = _printable(chars)[:MAX_CHARS - len(self.text)]
        self.text = self.text[:self.cursor] + chars + self.text[self.cursor:]
        self.cursor += len(chars)

    def handle(self, token: str) -> bool:
        """Apply one editing key or typed character; False if ``token`` is neither (Enter, Esc, paging keys)."""
        text, at = self.text, self.cursor
        if token in (LEFT, RIGHT):
            self.cursor = max(0, at - 1) if token == LEFT else min(len(text), at + 1)
        elif token in (HOME, CTRL_A):
            self.cursor = 0
        elif token in (END, CTRL_E):
            self.cursor = len(text)
        elif token == BACKSPACE:
            if at:
                self.text, self.cursor = text[:at - 1] + text[at:], at - 1
        elif token == DELETE:
            self.text = text[:at] + text[at + 1:]
        elif token == CTRL_U:
            self.text, self.cursor = text[at:], 0
        elif token == CTRL_K:
            self.text = text[:at]
        elif token == CTRL_W:
            start = len(text[:at].rstrip())
            while start and not text[start - 1].isspace():
                start -= 1
            self.text, self.cursor = text[:start] + text[at:], start
        elif len(token) == 1 and token.isprintable():
            self.insert(token)
        else:
            return False
        return True


class Input(NamedTuple):
    """What one key meant while typing.

    Attributes:
        kind: ``"edit"`` (the line changed or the cursor moved), ``"submit"`` (Enter: ``text`` is the line),
            ``"command"`` (a key after Esc, lower-cased, in ``text``), ``"esc"`` (Esc was pressed: the next key is
            a command), ``"cancel"`` (Esc pressed twice: back to typing) or ``"other"`` (a key that does not edit,
            e.g. an arrow that scrolls; in ``text``).
        text: The submitted line, the command key, or the other key.
    """

    kind: str
    text: str = ""


@dataclass
class TypingInput:
    """The keys of a typing screen: text into :attr:`line`, Enter submits, Esc then a key is a command."""

    line: LineEditor = field(default_factory=LineEditor)
    pending_esc: bool = False

    def reset(self, text: str = "") -> None:
        """An empty line (or ``text``) and no Esc pending: for a new card or a rewrite."""
        self.line.set(text)
        self.pending_esc = False

    def feed(self, token: str) -> Input:
        """Interpret one key token."""
        if self.pending_esc:
            self.pending_esc = False
            if token == ESC:
                return Input("cancel")
            return Input("command", token.lower() if len(token) == 1 else token)
        if token == ESC:
            self.pending_esc = True
            return Input("esc")
        if token == ENTER:
            return Input("submit", self.line.text)
        if self.line.handle(token):
            return Input("edit")
        return Input("other", token)


def _printable(text: str) -> str:
    """``text`` with line breaks and tabs as spaces and any other control character dropped."""
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")
    return "".join(ch for ch in text if ch.isprintable())


class Rendered(NamedTuple):
    """The line as drawn: its rows, and where the cursor is among them (row index, column)."""

    rows: list[str]
    cursor_row: int
    cursor_col: int


def render(text: str, cursor: int, width: int, prompt: str = "> ", max_rows: int = 4) -> Rendered:
    """Draw the line in rows of ``width`` columns, the first after ``prompt`` and the others indented to match.

    The text is cut at the column edge (not at word boundaries), so every character, and the cursor, has one
    place. A line longer than ``max_rows`` rows shows the rows around the cursor, with ``…`` at the start of the
    first row or the end of the last when part is hidden.
    """
    indent = " " * len(prompt)
    room = max(4, width - len(prompt))
    rows: list[str] = [""]
    used = 0
    cursor_row, cursor_col = 0, 0
    for index, ch in enumerate(text + " "):  # the space: a place for the cursor at the end
        w = char_width(ch)
        if used + w > room:
            rows.append("")
            used = 0
        if index == cursor:
            cursor_row, cursor_col = len(rows) - 1, used
        if index < len(text):
            rows[-1] += ch
            used += w
    first = 0
    if len(rows) > max_rows:
        first = min(max(0, cursor_row - max_rows + 1), len(rows) - max_rows)
    shown = rows[first:first + max_rows]
    if first > 0:
        shown[0] = "…" + shown[0][1:]
    if first + max_rows < len(rows):
        shown[-1] = shown[-1][:-1] + "…"
    lines = [(prompt if first + i == 0 else indent) + row for i, row in enumerate(shown)]
    return Rendered(lines, cursor_row - first, len(prompt) + cursor_col)
