"""`srs review --type` as a learner sees it on a real pseudo-terminal (pexpect + pyte): type an answer with the
line editor, submit, see each key point marked, accept the suggested rating with Enter; the attempt is stored.
A personal card's first showing asks for the learner's own line."""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")
pyte = pytest.importorskip("pyte")

from sqlalchemy import select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from helpers.rehearsal import CLOSING_LINE_QUOTED, rehearsal_deck  # noqa: E402
from helpers.terminal import SRS, Terminal, assert_fits, screen_text, terminal_env  # noqa: E402
from srs.app import open_store  # noqa: E402
from srs.attempts import PastAttempt  # noqa: E402
from srs.store.attempts import last_attempts  # noqa: E402
from srs.store.models import Card, Learner, LocalEdit  # noqa: E402

ANSWER = "I'd ask what concerns they have about me"


def _attempts(data: Path, card_id: str) -> list[PastAttempt]:
    store = open_store(f"sqlite:///{data / 'srs.db'}", "default", datetime.now(timezone.utc), install_bundled=False)
    with Session(store.engine) as s:
        learner = s.execute(select(Learner.id).where(Learner.name == "default")).scalar_one()
        card = s.execute(select(Card.id).where(Card.card_id == card_id)).scalar_one()
        return last_attempts(s, learner, card)


@pytest.mark.parametrize("rows, cols", [(24, 80), (20, 40)])
def test_type_submit_see_the_marks_accept_with_enter_and_the_attempt_is_stored(isolated_data: Path, rows: int,
                                                                                cols: int) -> None:
    term = Terminal(isolated_data, rows, cols, args=("review", "--type"))
    screen = term.typing_frame()
    text = screen_text(screen)
    assert screen[0].startswith("All decks") and "Type your response" in text and "Esc q quit" in text
    screen = term.type(ANSWER)
    assert screen_text(screen).count(ANSWER[:20]) == 1
    input_row = next(i for i, row in enumerate(screen) if row.startswith("> "))
    if cols == 80:  # one row: the cursor stands after the last character typed
        assert screen[input_row] == "> " + ANSWER and term.cursor == (input_row, 2 + len(ANSWER))
    assert_fits(screen, cols)

    answer = term.key("\r")
    text = screen_text(answer)
    assert answer[0].startswith("All decks"), answer  # the frame fits: the header was not scrolled away
    assert "YOUR ANSWER" in text and "KEY POINTS 2 of 2" in text
    assert '[x] hesitations: "concerns"' in text and '[x] hiring me: "about me"' in text
    assert "Suggested: Easy" in text or "Suggested: Good" in text
    suggested = 4 if "Suggested: Easy" in text else 3
    assert f"Enter {'Easy' if suggested == 4 else 'Good'}" in text  # the hint line names what Enter gives
    assert cols < 80 or "said aloud, the line takes ~4s; typed, quick is within 18s" in text
    assert_fits(answer, cols)

    term.child.send("\r")
    assert "[19 new]" in screen_text(term.typing_frame())  # the next card: the first was graded
    [attempt] = _attempts(isolated_data, "ask-about-hesitations")
    assert (attempt.answer, attempt.hits, attempt.suggested_rating, attempt.rating) == (
        ANSWER, (True, True), suggested, suggested)
    assert attempt.typed_ms > 0
    term.close("\x1bq")


def test_the_line_editor_keys_and_esc_commands_on_a_terminal(isolated_data: Path) -> None:
    term = Terminal(isolated_data, 24, 80, args=("review", "--type"))
    term.typing_frame()
    term.type("about me")
    for key in ("\x1b[H", "c", "o", "n", "c", "e", "r", "n", "s", " "):  # Home, then type before it
        term.child.send(key)
        screen = term.typing_frame()
    assert "> concerns about me" in screen and term.cursor[1] == 2 + len("concerns ")
    term.child.send("\x17")  # Ctrl-W: the word before the cursor
    screen = term.typing_frame()
    assert "> about me" in screen
    term.child.send("\x1b")  # Esc: the hint line says the next key is a command
    screen = term.typing_frame()
    assert "Esc, then u undo | e edit | ? keys | q quit | Esc: back to typing" in screen_text(screen)
    term.child.send("q")  # a letter after Esc is a command, not text
    term.child.expect("No cards reviewed this time.")
    term.child.expect(pexpect.EOF)


DECK = rehearsal_deck(CLOSING_LINE_QUOTED, deck_id="mine", name="My lines")


def test_a_personal_card_asks_for_your_line_says_what_is_missing_and_keeps_it(isolated_data: Path,
                                                                               tmp_path: Path) -> None:
    deck = tmp_path / "mine.toml"
    deck.write_text(DECK, encoding="utf-8")
    subprocess.run([SRS, "deck", "add", str(deck)], env=terminal_env(isolated_data), check=True,
                   capture_output=True)
    term = Terminal(isolated_data, 24, 80, args=("review", "--deck", "mine"))  # flip mode asks too
    screen = term.typing_frame()
    text = screen_text(screen)
    assert "YOUR LINE" in text and "It should have: interested; opportunity." in text
    assert "The deck's: Something like:" in text and "Enter check | Esc e your editor | Esc s skip" in text
    term.type("So keen to hear back")
    text = screen_text(term.key("\r"))
    assert '[x] interested: "keen"' in text and "[ ] opportunity" in text
    assert "Missing: opportunity. Keep it anyway, or rewrite it." in text
    assert "Enter keep it | r rewrite" in text
    term.child.send("r")  # rewrite: the line comes back to edit
    screen = term.typing_frame()
    assert "> So keen to hear back" in screen
    term.type(" about the role")
    assert "It has every key point." in screen_text(term.key("\r"))
    text = screen_text(term.key("\r"))
    assert "Saved your line" in text and "Say or think your response." in text
    text = screen_text(term.key(" "))
    assert "YOUR LINE So keen to hear back about the role" in text
    assert "The deck's: Something like: \"Really interested in the opportunity.\"" in text
    term.close()
    store = open_store(f"sqlite:///{isolated_data / 'srs.db'}", "default", datetime.now(timezone.utc),
                       install_bundled=False)
    with Session(store.engine) as s:
        assert [e.response for e in s.execute(select(LocalEdit)).scalars()] == ["So keen to hear back about the role"]


def test_typing_with_the_output_piped_reads_whole_lines_the_terminal_echoes(isolated_data: Path) -> None:
    child = pexpect.spawn("/bin/sh", ["-c", f"{SRS} review --type | cat"], env=terminal_env(isolated_data),
                          encoding="utf-8", timeout=30, dimensions=(24, 80))
    child.expect("one line is your answer")
    child.send("concerns about me\r")
    child.expect("concerns about me")  # echoed as typed
    child.expect("KEY POINTS  2 of 2")
    child.expect("an empty line gives")
    child.send("\r")
    child.expect(r"\[19 new\]")
    child.send(":q\r")
    child.expect("Reviewed 1 card")
    child.expect(pexpect.EOF)
