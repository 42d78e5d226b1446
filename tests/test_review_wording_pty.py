"""``w`` in ``srs review --type`` on a real 80x24 pseudo-terminal (pexpect + pyte): an answer that misses a point
it said in other words, w opens the line editor with the answer, the learner cuts it down to the phrase, Enter
keeps it: the mark turns to hit and the suggestion changes; Enter accepts and the attempt is stored as checked
again."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")
pyte = pytest.importorskip("pyte")

from sqlalchemy import select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from helpers.terminal import Terminal, assert_fits, screen_text  # noqa: E402
from srs.app import open_store  # noqa: E402
from srs.store.attempts import last_attempts  # noqa: E402
from srs.store.models import Card, Learner  # noqa: E402
from srs.store.wordings import wordings_of  # noqa: E402

ANSWER = "anything giving you pause about me?"
# The wording's line editor ends its frame with its own keys, then puts the cursor in the line.
WORDING_FRAME_END = r"Esc cancel[^\x1b]*\x1b\[\d+;\d+H"


def _wording_frame(term: Terminal) -> list[str]:
    term.child.expect(WORDING_FRAME_END)
    term.stream.feed(term.child.before + term.child.after)
    return term.rows()


def test_w_cuts_the_answer_down_to_a_wording_that_then_hits_and_the_attempt_is_stored(isolated_data: Path) -> None:
    term = Terminal(isolated_data, 24, 80, args=("review", "--type"))
    term.typing_frame()
    term.type(ANSWER)
    text = screen_text(term.key("\r"))
    assert "KEY POINTS 1 of 2" in text and "[ ] hesitations" in text and "Suggested: Hard" in text
    assert "w your wording" in text  # the hint line offers it: a point was missed

    term.child.send("w")  # one missed point: chosen at once, the line starts as the answer
    screen = _wording_frame(term)
    assert 'Your wording for "hesitations": cut your answer down' in screen_text(screen)
    input_row = max(i for i, row in enumerate(screen) if row.startswith("> "))  # the fold line has one too
    assert screen[input_row] == "> " + ANSWER and term.cursor == (input_row, 2 + len(ANSWER))
    for _ in range(2):  # Ctrl-W twice: "me?", then "about "
        term.child.send("\x17")
        screen = _wording_frame(term)
    assert screen[input_row] == "> anything giving you pause"
    assert_fits(screen, 80)

    answer = term.key("\r")
    text = screen_text(answer)
    assert answer[0].startswith("All decks"), answer  # the frame still fits the window
    assert 'KEY POINTS 2 of 2 [x] hesitations: "anything giving you pause"' in text
    assert 'Saved your wording for "hesitations": it counts for you from now on' in text
    assert "Suggested: Easy" in text or "Suggested: Good" in text
    suggested = 4 if "Suggested: Easy" in text else 3
    assert "w your wording" not in text
    assert_fits(answer, 80)

    term.child.send("\r")  # accept the new suggestion
    assert "[19 new]" in screen_text(term.typing_frame())
    term.close("\x1bq")
    store = open_store(f"sqlite:///{isolated_data / 'srs.db'}", "default", datetime.now(timezone.utc),
                       install_bundled=False)
    with Session(store.engine) as s:
        learner = s.execute(select(Learner.id).where(Learner.name == "default")).scalar_one()
        card = s.execute(select(Card.id).where(Card.card_id == "ask-about-hesitations")).scalar_one()
        [attempt] = last_attempts(s, learner, card)
        assert (attempt.answer, attempt.hits, attempt.suggested_rating, attempt.rating) == (
            ANSWER, (True, True), suggested, suggested)
        assert [w.text for w in wordings_of(s, learner, card)] == ["anything giving you pause"]
