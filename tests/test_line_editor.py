"""The line editor of `srs review --type`: editing keys, Esc then a key as a command, drawing with the cursor,
and the key tokens a terminal sends for them."""

from __future__ import annotations

import io

import pytest

from srs.cli.keys import LineReader, split_key, token_from_bytes
from srs.cli.line_editor import MAX_CHARS, Input, LineEditor, TypingInput, render


def _typed(keys: list[str], text: str = "") -> LineEditor:
    editor = LineEditor()
    editor.set(text)
    for key in keys:
        assert editor.handle(key), key
    return editor


@pytest.mark.parametrize("keys, text, cursor", [
    (list("abc"), "abc", 3),
    (list("abc") + ["left", "left", "X"], "aXbc", 2),
    (list("abc") + ["home", "X"], "Xabc", 1),
    (list("abc") + ["ctrl-a", "right", "end", "X"], "abcX", 4),
    (list("abc") + ["backspace"], "ab", 2),
    (list("abc") + ["home", "backspace"], "abc", 0),  # nothing before the cursor
    (list("abc") + ["home", "delete"], "bc", 0),
    (list("abc") + ["delete"], "abc", 3),  # nothing after the cursor
    (list("ask about it") + ["left", "left", "ctrl-u"], "it", 0),
    (list("ask about it") + ["left", "left", "ctrl-k"], "ask about ", 10),
    (list("ask about it  ") + ["ctrl-w"], "ask about ", 10),
    (list("ask about it") + ["left", "left", "left", "ctrl-w"], "ask  it", 4),
    (list("Ask ÉMILE") + ["left", "right", "right"], "Ask ÉMILE", 9),  # case kept, right stops at the end
])
def test_editing_keys_change_the_line_and_move_the_cursor(keys: list[str], text: str, cursor: int) -> None:
    editor = _typed(keys)
    assert (editor.text, editor.cursor) == (text, cursor)


def test_keys_that_do_not_edit_are_left_to_the_caller() -> None:
    editor = _typed(list("ab"))
    for key in ("\n", "esc", "up", "pgdn", "resize", ""):
        assert not editor.handle(key)
    assert editor.text == "ab"


def test_pasted_control_characters_never_enter_the_line_and_it_stays_bounded() -> None:
    editor = LineEditor()
    editor.insert("one\ttwo\nthree\x1b[31m\x07")
    assert editor.text == "one two three[31m"
    editor.insert("x" * (MAX_CHARS * 2))
    assert len(editor.text) == MAX_CHARS


def test_esc_then_a_key_is_a_command_and_every_other_key_is_text() -> None:
    typing = TypingInput()
    assert [typing.feed(k) for k in "quit"] == [Input("edit")] * 4  # q and u are text while typing
    assert typing.feed("esc") == Input("esc")
    assert typing.feed("Q") == Input("command", "q")
    assert typing.feed("esc") == Input("esc")
    assert typing.feed("esc") == Input("cancel")  # Esc twice: back to typing
    assert typing.feed("!") == Input("edit")
    assert typing.feed("up") == Input("other", "up")
    assert typing.feed("\n") == Input("submit", "quit!")


def test_render_puts_the_cursor_where_the_next_character_goes() -> None:
    shown = render("hello", 2, 20)
    assert shown.rows == ["> hello"] and (shown.cursor_row, shown.cursor_col) == (0, 4)
    shown = render("abcdefghij", 10, 8)  # 6 columns a row after the prompt
    assert shown.rows == ["> abcdef", "  ghij"] and (shown.cursor_row, shown.cursor_col) == (1, 6)
    shown = render("abcdef", 6, 8)  # the cursor after a full row starts the next one
    assert shown.rows == ["> abcdef", "  "] and (shown.cursor_row, shown.cursor_col) == (1, 2)


def test_render_of_a_long_line_shows_the_rows_around_the_cursor() -> None:
    text = "".join(str(i % 10) for i in range(60))
    shown = render(text, 60, 12, max_rows=3)  # 10 columns a row: 6 rows, cursor on the 7th
    assert len(shown.rows) == 3 and shown.rows[0].startswith("  …") and shown.cursor_row == 2
    shown = render(text, 0, 12, max_rows=3)
    assert shown.rows[0] == "> 0123456789" and shown.rows[-1].endswith("…") and shown.cursor_row == 0
    assert all(len(row) <= 12 for row in shown.rows)


def test_wide_characters_count_two_columns() -> None:
    shown = render("日本語です", 5, 8)  # 6 columns: three wide characters a row
    assert shown.rows == ["> 日本語", "  です"] and shown.cursor_col == 2 + 4


@pytest.mark.parametrize("data, token", [
    (b"\x1b[D", "left"), (b"\x1b[C", "right"), (b"\x1bOD", "left"), (b"\x1b[3~", "delete"),
    (b"\x7f", "backspace"), (b"\x08", "backspace"), (b"\x15", "ctrl-u"), (b"\x17", "ctrl-w"),
    (b"\x01", "ctrl-a"), (b"\x05", "ctrl-e"), (b"\x0b", "ctrl-k"), (b"\x1b", "esc"), (b"\x1b[H", "home"),
])
def test_terminal_bytes_of_the_editing_keys(data: bytes, token: str) -> None:
    assert token_from_bytes(data) == token
    assert split_key(data + b"x") == (data, b"x")


def test_typed_letters_keep_their_case_only_when_typing() -> None:
    assert token_from_bytes(b"Q") == "q"
    assert token_from_bytes(b"Q", text=True) == "Q"
    assert token_from_bytes("É".encode(), text=True) == "É"


def test_a_scripted_line_keeps_its_case_and_spaces() -> None:
    reader = LineReader(io.StringIO("I Would Ask  \n\n"))
    assert reader.read_line() == "I Would Ask  "
    assert reader.read_line() == ""
    assert reader.read_line() is None
