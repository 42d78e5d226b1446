"""Where things are in a TOML document: the line and column of each table, key and array element.

``tomllib`` returns plain values with no positions, so a problem found while validating them ("card 'c1':
response: must be a string") could not say where it is. :func:`scan` reads the same text once more, cheaply and
without recursion, and records where every table header, key, value and array element starts, by its path in the
parsed document (``("cards", 2, "key_points", 1)``). It also refuses, before ``tomllib`` recurses into it, a
document nested deeper than :data:`MAX_DEPTH` (deep nesting would end in a ``RecursionError``).

The scan is forgiving: on text that is not valid TOML it records what it can and never raises anything but
:class:`TooDeep`; ``tomllib`` remains the judge of validity.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass, field

__all__ = ["MAX_DEPTH", "Layout", "Position", "TooDeep", "scan"]

MAX_DEPTH = 32  # tables, arrays and dotted-key parts within one another; a deck file needs 5
Path = tuple[str | int, ...]
Position = tuple[int, int]  # line and column, both from 1, the column in characters (as tomllib counts)

_BLANK = re.compile(r"(?:[ \t\r\n]++|#[^\n]*+)*+")  # whitespace, line breaks and comments
_SPACE = re.compile(r"[ \t]*+")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]++")
_BASIC = re.compile(r'"(?:[^"\\\n]++|\\.)*+"?')
_LITERAL = re.compile(r"'[^'\n]*+'?")
_BASIC_MULTI = re.compile(r'"""(?:[^"\\]++|\\.|"(?!""))*+(?:"""(?:"{0,2}))?', re.S)
_LITERAL_MULTI = re.compile(r"'''(?:[^']++|'(?!''))*+(?:'''(?:'{0,2}))?")
_SCALAR = re.compile(r"[^,\]}#\r\n]*+")


class TooDeep(Exception):
    """The document nests deeper than the limit; ``position`` is where the limit is passed."""

    def __init__(self, position: Position, limit: int) -> None:
        self.position = position
        self.limit = limit
        super().__init__(f"nested more than {limit} levels deep at line {position[0]}, column {position[1]}")


@dataclass
class Layout:
    """Positions found by :func:`scan`.

    Attributes:
        keys: Where each table header, key or array element starts.
        values: Where each key's value starts (for an array element, the element itself).
        duplicates: Paths assigned twice, each with the second and the first position.
        unclosed: Where the first string that is never closed starts, if any.
        end: The position just after the last character.
    """

    keys: dict[Path, Position] = field(default_factory=dict)
    values: dict[Path, Position] = field(default_factory=dict)
    duplicates: list[tuple[Path, Position, Position]] = field(default_factory=list)
    unclosed: Position | None = None
    end: Position = (1, 1)


@dataclass
class _Frame:
    """An open array or inline table."""

    path: Path
    array: bool
    index: int = 0


class _Scanner:
    def __init__(self, text: str, max_depth: int) -> None:
        self.text = text
        self.n = len(text)
        self.i = 0
        self.max_depth = max_depth
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.layout = Layout(end=self.position(self.n))
        self.stack: list[_Frame] = []
        self.table: Path = ()
        self.array_tables: dict[Path, int] = {}

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def run(self) -> Layout:
        while self.i < self.n:
            before = self.i
            if self.stack:
                self._in_container()
            else:
                self._statement()
            if self.i == before:  # text this scan does not understand: tomllib will say what is wrong
                self.i += 1
        return self.layout

    def _skip(self, pattern: re.Pattern[str]) -> None:
        match = pattern.match(self.text, self.i)
        if match:
            self.i = match.end()

    def _record(self, path: Path, key_at: int, value_at: int | None = None) -> None:
        if len(path) > self.max_depth:
            raise TooDeep(self.position(key_at), self.max_depth)
        where = self.position(key_at)
        if path in self.layout.keys:
            self.layout.duplicates.append((path, where, self.layout.keys[path]))
        else:
            self.layout.keys[path] = where
            self.layout.values[path] = self.position(key_at if value_at is None else value_at)

    def _key(self) -> list[str] | None:
        """A dotted key (``a."b c".d``) at the cursor, or None when there is none."""
        parts: list[str] = []
        while True:
            self._skip(_SPACE)
            start = self.i
            char = self.text[start] if start < self.n else ""
            if char == '"':
                self._skip(_BASIC)
                raw = self.text[start:self.i]
                try:
                    parts.append(tomllib.loads(f"k = {raw}")["k"] if "\\" in raw else raw[1:-1])
                except tomllib.TOMLDecodeError:
                    return None
            elif char == "'":
                self._skip(_LITERAL)
                parts.append(self.text[start + 1:self.i - 1])
            else:
                match = _BARE_KEY.match(self.text, start)
                if not match:
                    return None
                parts.append(match.group())
                self.i = match.end()
            if len(parts) > self.max_depth:
                raise TooDeep(self.position(start), self.max_depth)
            self._skip(_SPACE)
            if not self.text.startswith(".", self.i):
                return parts
            self.i += 1

    def _statement(self) -> None:
        """A table header or a ``key = value`` line, outside any array or inline table."""
        self._skip(_BLANK)
        if self.i >= self.n:
            return
        start = self.i
        if self.text[start] == "[":
            array = self.text.startswith("[[", start)
            self.i += 2 if array else 1
            keys = self._key()
            if keys is not None:
                self._header(keys, array, start)
            return
        keys = self._key()
        if keys is None:
            return
        if not self.text.startswith("=", self.i):
            return
        self.i += 1
        self._skip(_SPACE)
        path = self.table + tuple(keys)
        self._record(path, start, self.i)
        self._value(path)

    def _header(self, keys: list[str], array: bool, start: int) -> None:
        """A ``[table]`` or ``[[array.of.tables]]``: each earlier array of tables on the way is its last entry."""
        path: Path = ()
        for key in keys[:-1]:
            path += (key,)
            if path in self.array_tables:
                path += (self.array_tables[path] - 1,)
        path += (keys[-1],)
        if array:
            count = self.array_tables.get(path, 0)
            self.array_tables[path] = count + 1
            path += (count,)
        self._record(path, start)
        self.table = path

    def _value(self, path: Path) -> None:
        """The value at the cursor: skipped if a scalar; an array or inline table is opened on the stack."""
        if self.i >= self.n:
            return
        start = self.i
        char = self.text[start]
        if char in "[{":
            if len(path) >= self.max_depth:  # its elements would be one level deeper than the limit
                raise TooDeep(self.position(start), self.max_depth)
            self.stack.append(_Frame(path, array=char == "["))
            self.i += 1
            return
        if char == '"':
            self._skip(_BASIC_MULTI if self.text.startswith('"""', start) else _BASIC)
            closed = self.i - start >= 2 and self.text[self.i - 1] == '"'
        elif char == "'":
            self._skip(_LITERAL_MULTI if self.text.startswith("'''", start) else _LITERAL)
            closed = self.i - start >= 2 and self.text[self.i - 1] == "'"
        else:
            self._skip(_SCALAR)
            return
        if self.text.startswith(char * 3, start):
            closed = closed and self.i - start >= 6
        if not closed and self.layout.unclosed is None:
            self.layout.unclosed = self.position(start)

    def _in_container(self) -> None:
        """The next element of the open array, or the next key of the open inline table."""
        frame = self.stack[-1]
        self._skip(_BLANK)
        if self.i >= self.n:
            return
        char = self.text[self.i]
        if char == ("]" if frame.array else "}"):
            self.stack.pop()
            self.i += 1
        elif char == ",":
            frame.index += 1
            self.i += 1
        elif frame.array:
            path = frame.path + (frame.index,)
            self._record(path, self.i)
            self._value(path)
        else:
            start = self.i
            keys = self._key()
            if keys is None or not self.text.startswith("=", self.i):
                return
            self.i += 1
            self._skip(_SPACE)
            path = frame.path + tuple(keys)
            self._record(path, start, self.i)
            self._value(path)


def scan(text: str, max_depth: int = MAX_DEPTH) -> Layout:
    """Find where each table, key, value and array element of ``text`` starts.

    Args:
        text: A TOML document (valid or not).
        max_depth: The deepest nesting accepted (tables, arrays and dotted-key parts, counted together).

    Raises:
        TooDeep: where the document first nests deeper than ``max_depth``; found in one pass, without recursion.
    """
    return _Scanner(text, max_depth).run()
