"""Problems found in a deck file, each placed as ``FILE:LINE:COL:`` and listed in file order.

:mod:`srs.deckfile` validates the parsed values; this module reads the TOML (refusing deep nesting first, see
:mod:`srs.toml_layout`) and turns a problem's path in the document (``("cards", 2, "key_points", 1)``) into the
line and column a deck author can jump to.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from srs.errors import DeckFileError
from srs.toml_layout import Layout, Position, TooDeep, scan

__all__ = ["Problems", "Table", "read_toml"]

DocPath = tuple[str | int, ...]
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")  # a key shown as it is; any other is quoted, so no control reaches a terminal


class Problems:
    """Collects problems and warnings, each placed by its path in the document (see :mod:`srs.toml_layout`)."""

    def __init__(self, name: str, layout: Layout) -> None:
        self.name = name
        self.layout = layout
        self._items: list[tuple[Position, int, str]] = []
        self._warnings: list[tuple[Position, int, str]] = []

    def position(self, path: DocPath, value: bool = True) -> Position:
        """Where ``path`` starts (its value, when ``value``), or else its nearest enclosing table that does.

        A missing ``[deck]`` goes at the top of the file; anything else with no place at the end of it.
        """
        for end in range(len(path), 0, -1):
            found = (self.layout.values if value else self.layout.keys).get(path[:end])
            if found:
                return found
            value = False  # an enclosing table is placed by its header
        return (1, 1) if path[:1] == ("deck",) else self.layout.end

    def _entry(self, message: str, path: DocPath, label: str, field: str, at_key: bool,
               kind: str = "") -> tuple[Position, int, str]:
        line, col = where = self.position(path, value=not at_key)
        parts = [f"{self.name}:{line}:{col}"] + [p for p in (kind, label, field) if p]
        return where, len(self._items) + len(self._warnings), ": ".join(parts + [message])

    def add(self, message: str, path: DocPath = (), label: str = "", field: str = "", at_key: bool = False) -> None:
        """Record a problem: ``FILE:LINE:COL: label: field: message``, placed at ``path`` (its key if ``at_key``)."""
        self._items.append(self._entry(message, path, label, field, at_key))

    def warn(self, message: str, path: DocPath = (), label: str = "", field: str = "") -> None:
        """Record a warning: ``FILE:LINE:COL: warning: label: field: message``; it does not make the file invalid."""
        self._warnings.append(self._entry(message, path, label, field, True, "warning"))

    def __len__(self) -> int:
        return len(self._items)

    @property
    def items(self) -> list[str]:
        """The problems, in the order of their place in the file."""
        return [text for _, _, text in sorted(self._items)]

    @property
    def warnings(self) -> list[str]:
        """The warnings, in the order of their place in the file."""
        return [text for _, _, text in sorted(self._warnings)]


@dataclass(frozen=True)
class Table:
    """One table of the file (``[deck]``, a source, a card): where its problems go and how they are labelled."""

    problems: Problems
    path: DocPath
    label: str

    def add(self, message: str, key: str = "", index: int | None = None, at_key: bool = False,
            show_index: bool = True) -> None:
        """Report a problem with the table, its ``key`` or element ``index`` of that key's list.

        Args:
            at_key: Place it at the key (an unknown or repeated key) rather than at its value.
            show_index: Name the element in the message (``key_points[1]``); when False the message names it.
        """
        path = self.path + ((key,) if key else ()) + ((index,) if index is not None else ())
        name = key if _BARE_KEY.fullmatch(key) or not key else repr(key)
        field = f"{name}[{index}]" if index is not None and show_index else name
        self.problems.add(message, path, self.label, field, at_key)

    def count(self) -> int:
        """How many problems the file has so far (to tell whether checking a table added any)."""
        return len(self.problems)


_TOML_AT = re.compile(r"(?P<message>.*) \(at (?:line (?P<line>\d+), column (?P<col>\d+)|end of document)\)", re.S)


def read_toml(text: str, name: str) -> tuple[dict[str, Any], Layout]:
    """Parse the text and find where everything in it is; any problem is one ``FILE:LINE:COL:`` line."""
    if not text.strip():
        raise DeckFileError([f"{name}: the file is empty; a deck file needs a [deck] table and [[cards]]"])
    try:
        layout = scan(text)  # before tomllib, which would recurse once per level of nesting
    except TooDeep as exc:
        line, col = exc.position
        raise DeckFileError([f"{name}:{line}:{col}: nested more than {exc.limit} levels deep (tables, arrays, "
                             "dotted keys); a deck file needs five at most"]) from None
    try:
        return tomllib.loads(text), layout
    except RecursionError:  # the scan missed some nesting: still a message, never a traceback
        raise DeckFileError([f"{name}: nested too deeply to read"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise DeckFileError([_toml_error(str(exc), name, layout)]) from None


def _toml_error(error: str, name: str, layout: Layout) -> str:
    """tomllib's message, placed as ``FILE:LINE:COL:``: at the cause when the scan found it (a string never
    closed, a key set twice), else where tomllib stopped."""
    match = _TOML_AT.fullmatch(error)
    message = match["message"] if match else error
    where = (int(match["line"]), int(match["col"])) if match and match["line"] else layout.end
    if message.startswith("Cannot") and layout.duplicates:
        path, (line, col), first = layout.duplicates[0]
        return f"{name}:{line}:{col}: invalid TOML: {path[-1]!r} is set twice (first at line {first[0]})"
    if layout.unclosed is not None and layout.unclosed <= where:
        line, col = layout.unclosed
        return f"{name}:{line}:{col}: invalid TOML: this string is never closed ({message})"
    return f"{name}:{where[0]}:{where[1]}: invalid TOML: {message}"
