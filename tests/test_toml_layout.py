"""Positions in a TOML document: the scan agrees with tomllib on what is where, and never fails on broken text."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srs.deckfile import validate_deck
from srs.errors import DeckFileError
from srs.toml_layout import TooDeep, scan
from tests_support import GOOD

TRICKY = "\n".join([
    '# comment with [brackets] and "quotes"',
    'title = "a # not a comment"   # a comment',
    "\"quoted key\" = 'literal \"with\" quotes'",
    "'literal key'.bare = \"\"\"multi",
    "line with ] and } and \\\"\"\" and # and = signs",
    '"""',
    "dotted.key.here = 1979-05-27 07:32:00Z",
    "arr = [ 1, [2, 3], { a = 1, b.c = [4] }, # comment in an array",
    "  '''x''', 'y'",
    "]",
    "ml = '''ends with quotes'''''",
    'esc = "\\u0041 \\"[\\" "',
    "",
    "[table]",
    "inline = { x = { y = [ { z = 1 } ] } }",
    "",
    "[[aot]]",
    "v = 1",
    "",
    "  [[aot.sub]]",
    "  w = [[], [[]]]",
    "",
    "[[aot]]",
    "v = 2",
    "",
    "[aot.tab]",
    "u = 3",
    "",
])


def _paths(value: Any, path: tuple[str | int, ...] = ()) -> set[tuple[str | int, ...]]:
    """Every table, key and array element in a parsed document, by path."""
    found = {path} if path else set()
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        found |= _paths(child, path + (key,))
    return found


# The tables a document declares only by the dotted keys or headers inside them have no place of their own, nor
# has an array of tables as a whole.
IMPLICIT = {("literal key",), ("dotted",), ("dotted", "key"), ("arr", 2, "b"), ("aot",), ("aot", 0, "sub")}


def test_the_scan_places_everything_tomllib_reads() -> None:
    layout = scan(TRICKY)
    assert set(layout.keys) == _paths(tomllib.loads(TRICKY)) - IMPLICIT
    assert layout.keys[("arr", 4)] == (9, 12)
    assert layout.keys[("quoted key",)] == (3, 1) and layout.values[("quoted key",)] == (3, 16)
    assert layout.values[("esc",)] == (12, 7)
    assert layout.keys[("aot", 0, "sub", 0, "w", 1, 0)] == (21, 13)
    assert layout.keys[("aot", 1, "tab", "u")] == (27, 1)
    assert layout.duplicates == [] and layout.unclosed is None


def test_the_scan_places_everything_in_the_bundled_deck() -> None:
    from srs.bundled import bundled_files

    for path in bundled_files():
        text = path.read_text(encoding="utf-8")
        expected = _paths(tomllib.loads(text))
        implicit = {("cards",), ("sources",)} | {p for p in expected if p[-1] == "counterpoints"}
        assert set(scan(text).keys) == expected - implicit


def test_nesting_is_counted_without_recursion() -> None:
    with pytest.raises(TooDeep) as info:
        scan("a = " + "[" * 100_000)
    assert info.value.position == (1, 36)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(GOOD)), st.sampled_from(
    ['"', "'", '"""', "'''", "[", "]", "{", "}", "[[", "#", "=", ",", ".", "\n", "\\", "x = ", " "])), max_size=6))
def test_broken_text_gives_a_placed_message_never_a_crash(edits: list[tuple[int, str]]) -> None:
    text = GOOD
    for at, piece in sorted(edits, reverse=True):
        text = text[:at] + piece + text[at:]
    try:
        validate_deck(text, "f.toml")
    except DeckFileError as exc:
        lines = text.count("\n") + 2
        for problem in exc.problems:
            assert problem.startswith("f.toml:"), problem
            line = problem.split(":")[1]
            assert line.isdigit() and 1 <= int(line) <= lines, problem
