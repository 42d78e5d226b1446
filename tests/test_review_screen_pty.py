"""`srs review` as a learner sees it: a real pseudo-terminal at a fixed size, read back through a terminal
emulator (pyte), so the tests check what is on the screen after each key, not what was printed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")
pyte = pytest.importorskip("pyte")

from helpers.terminal import Terminal, assert_fits, screen_text  # noqa: E402

SITUATION_START = "Final interview for a job you really want."
RESPONSE_START = "Ask: \"What hesitations do you have"


def _text(rows: list[str]) -> str:
    return screen_text(rows)


def _assert_fits(rows: list[str], cols: int) -> None:
    assert_fits(rows, cols)


@pytest.mark.parametrize("rows, cols", [(24, 80), (20, 40)])
def test_answer_side_of_a_card_with_a_counterpoint_fits_the_window(isolated_data: Path, rows: int,
                                                                   cols: int) -> None:
    term = Terminal(isolated_data, rows, cols)
    term.frame()
    screen = term.key(" ")
    text = _text(screen)
    assert screen[0].startswith("All decks"), screen  # the header is the top row
    assert "[20 new]" in text
    assert "SITUATION" in text and SITUATION_START[:30] in text
    assert "RESPONSE" in text and RESPONSE_START in text
    assert "1 Again" in text and "4 Easy" in text
    # What did not fit is folded, and the fold line says which key opens it (and, where it fits, what it is).
    assert "m more: " in text
    assert cols < 80 or re.search(r"m more: reasoning, counterpoint \(\d+ lines\)", text)
    assert cols < 80 or "DID YOU SAY - hesitations - hiring me" in text  # the key points, to check yourself
    _assert_fits(screen, cols)
    term.close()


def test_m_unfolds_then_pages_then_folds_back_under_a_fixed_header(isolated_data: Path) -> None:
    term = Terminal(isolated_data, 24, 80)
    term.frame()
    term.key(" ")
    screen = term.key("m")
    text = _text(screen)
    assert screen[0].startswith("All decks") and "1 Again" in text
    assert "Counterpoint -- Untitled article on closing an interview:" in text
    assert "and leave." in text  # the counterpoint's last words: this card ends on the first page
    assert "m fold" in text
    screen = term.key("m")
    assert "m more: " in _text(screen) and "Counterpoint" not in _text(screen)
    screen = term.key("\x1b[B")  # the down arrow opens the whole text where the fold began...
    shown = re.search(r"lines (\d+)-(\d+) of (\d+)", _text(screen))
    assert screen[0].startswith("All decks") and shown and int(shown[2]) == int(shown[3])
    screen = term.key("\x1b[A")  # ...and the arrows scroll it by a line
    assert screen[0].startswith("All decks")
    assert f"lines {int(shown[1]) - 1}-{int(shown[2]) - 1} of {shown[3]}" in _text(screen)
    term.close()


def test_resizing_the_window_redraws_the_card_to_fit(isolated_data: Path) -> None:
    term = Terminal(isolated_data, 24, 80)
    term.frame()
    term.key(" ")
    for rows, cols in ((20, 40), (30, 100), (24, 80)):
        screen = term.resize(rows, cols)
        text = _text(screen)
        assert screen[0].startswith("All decks") and "SITUATION" in text and RESPONSE_START in text, screen
        assert "4 Easy" in text
        _assert_fits(screen, cols)
    term.close()


def test_question_side_names_the_deck_and_only_the_answer_side_shows_the_card_id(isolated_data: Path) -> None:
    term = Terminal(isolated_data, 24, 80)
    question = _text(term.frame())
    assert "Interview Closing" in question
    assert "ask-about-hesitations" not in question  # the id would give the answer away
    answer = _text(term.key(" "))
    assert "interview-closing/ask-about-hesitations" in answer
    term.close()


def test_space_on_the_answer_side_grades_good_as_the_hint_line_says(isolated_data: Path) -> None:
    term = Terminal(isolated_data, 24, 80)
    assert "Space/Enter show the response" in _text(term.frame())
    answer = term.key(" ")
    assert "3 Good <10m (Space/Enter)" in _text(answer)
    question = _text(term.key(" "))
    assert "Tomorrow is your final interview" in question  # the next card: the first was graded
    assert "[19 new] | 1 learning" in question
    term.close()


def test_s_on_the_question_side_keeps_the_card_and_undo_brings_back_a_suspended_one(isolated_data: Path) -> None:
    term = Terminal(isolated_data, 24, 80)
    question = term.frame()
    assert "Space/Enter show the response | e edit | u undo | ? keys | q quit" in question
    text = _text(term.key("s"))
    assert "show the response first" in text and SITUATION_START in text
    answer = term.key(" ")
    assert "u undo | s suspend | b bury | e edit | m more | ? keys | q quit" in answer
    text = _text(term.key("s"))
    assert "Suspended interview-closing/ask-about-hesitations." in text
    assert "Tomorrow is your final interview" in text
    text = _text(term.key("u"))
    assert "Undid the suspend: the card is back." in text and SITUATION_START in text
    term.close()
