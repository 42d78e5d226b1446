"""`srs review --type` driven line by line through CliRunner: one line is the answer, the next the grade, a line
starting with ':' is a command; the attempt is stored with the review; the answer_mode setting; flip mode's
self-check list."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from helpers import learner_session, run_review
from helpers.rehearsal import CLOSING_LINE_QUOTED, HESITATIONS_QUOTED, rehearsal_deck
from srs.attempts import PastAttempt
from srs.cli import cli
from srs.store.attempts import last_attempts
from srs.store.models import Card, Learner, Review

NOW = "2026-03-02T15:00:00+00:00"

DECK = rehearsal_deck(HESITATIONS_QUOTED, CLOSING_LINE_QUOTED)


@pytest.fixture
def db(tmp_path: Path, db_url: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> str:
    """A database with only the two-card rehearsal deck, at a fixed time."""
    monkeypatch.setenv("SRS_NOW", NOW)
    monkeypatch.setenv("SRS_DATABASE_URL", db_url)
    monkeypatch.setenv("COLUMNS", "80")
    path = tmp_path / "rehearse.toml"
    path.write_text(DECK, encoding="utf-8")
    assert runner.invoke(cli, ["deck", "add", str(path)]).exit_code == 0
    assert runner.invoke(cli, ["deck", "remove", "interview-closing", "--yes"]).exit_code == 0
    return db_url


def _reviews(db_url: str) -> list[tuple[str, int]]:
    with learner_session(db_url) as s:
        rows = s.execute(select(Card.card_id, Review.rating).join(Card, Card.id == Review.card_pk)
                         .order_by(Review.id))
        return [(row.card_id, row.rating) for row in rows]


def _attempts(db_url: str, card_id: str) -> list[PastAttempt]:
    with learner_session(db_url) as s:
        learner = s.execute(select(Learner.id).where(Learner.name == "default")).scalar_one()
        card = s.execute(select(Card.id).where(Card.card_id == card_id)).scalar_one()
        return last_attempts(s, learner, card)


def test_a_typed_answer_shows_marks_and_an_empty_line_accepts_the_suggestion(runner: CliRunner, db: str) -> None:
    result = run_review(runner, "I'd ask about their concerns\n\n:q\n", "--type")
    out = result.output
    assert "Type your response; Enter compares" in out
    assert "YOUR ANSWER" in out and "I'd ask about their concerns" in out
    assert 'RESPONSE\n  Ask: "What hesitations do you have about hiring me?"' in out
    assert 'KEY POINTS  1 of 2\n  [x] hesitations: "concerns"\n  [ ] hiring me\n' in out
    assert "not timed: not typed at a terminal (said aloud, the line takes ~4s)" in out
    assert "Suggested: Hard (1 of 2 key points)." in out
    assert "2 Hard <6m (Space/Enter)" in out and "an empty line gives Hard" in out
    assert _reviews(db) == [("hesitations", 2)]
    [attempt] = _attempts(db, "hesitations")
    assert (attempt.answer, attempt.hits, attempt.suggested_rating, attempt.rating) == (
        "I'd ask about their concerns", (True, False), 2, 2)
    assert attempt.points == ("hesitations | concerns | doubts", "hiring me | about me")


def test_a_grade_line_overrides_the_suggestion_and_the_attempt_keeps_both(runner: CliRunner, db: str) -> None:
    run_review(runner, "what doubts do you have about hiring me\n4\n:q\n", "--type")
    [attempt] = _attempts(db, "hesitations")
    assert (attempt.hits, attempt.suggested_rating, attempt.rating) == ((True, True), 3, 4)


def test_a_scripted_answer_is_not_timed_so_a_complete_one_suggests_good_not_easy(runner: CliRunner, db: str) -> None:
    # A script's line arrives at once: its ~0 s says nothing of the learner, and used to suggest Easy.
    result = run_review(runner, "what doubts do you have about hiring me\n\n:q\n", "--type")
    assert "Suggested: Good (every key point)." in result.output and "not timed" in result.output
    assert _reviews(db) == [("hesitations", 3)]


def test_colon_commands_undo_and_quit_and_undo_removes_the_attempt(runner: CliRunner, db: str) -> None:
    result = run_review(runner, "concerns about me\n\n:u\n:q\n", "--type")
    assert "Undid Good: the card is back." in result.output
    assert _reviews(db) == [] and _attempts(db, "hesitations") == []
    assert "Reviewed" not in result.output and "No cards reviewed this time." in result.output


def test_an_empty_answer_reveals_as_in_flip_mode_and_stores_no_attempt(runner: CliRunner, db: str) -> None:
    result = run_review(runner, "\n\n:q\n", "--type")
    assert "YOUR ANSWER" not in result.output and "DID YOU SAY\n  - hesitations\n  - hiring me" in result.output
    assert _reviews(db) == [("hesitations", 3)] and _attempts(db, "hesitations") == []


def test_a_script_reviews_a_personal_card_with_the_decks_line(runner: CliRunner, db: str) -> None:
    result = run_review(runner, "\n1\nkeen on the role\n\n", "--type")
    assert "YOUR LINE" not in result.output  # only a terminal asks for the learner's own line
    assert 'KEY POINTS  2 of 2\n  [x] interested: "keen"\n  [x] opportunity: "role"' in result.output
    assert [card for card, _ in _reviews(db)] == ["hesitations", "closing-line"]


def test_typed_control_sequences_never_reach_the_terminal(runner: CliRunner, db: str) -> None:
    result = run_review(runner, "\x1b[2J\x1b]0;owned\x07 concerns\n\n:q\n", "--type")
    assert "\x1b" not in result.output and "\x07" not in result.output


@pytest.mark.parametrize("setting, args, typed", [
    ("type", (), True), ("flip", (), False), ("type", ("--flip",), False), ("flip", ("--type",), True)])
def test_answer_mode_setting_chooses_the_mode_and_the_flags_override_it(runner: CliRunner, db: str, setting: str,
                                                                         args: tuple[str, ...], typed: bool) -> None:
    assert runner.invoke(cli, ["config", "set", "answer_mode", setting]).exit_code == 0
    result = run_review(runner, "q\n", *args)
    assert ("Type your response" in result.output) is typed
    assert ("Say or think your response" in result.output) is not typed


def test_a_bad_answer_mode_is_refused_with_the_allowed_values(runner: CliRunner, db: str) -> None:
    result = runner.invoke(cli, ["config", "set", "answer_mode", "speak"])
    assert result.exit_code == 1 and "answer_mode must be flip or type (got 'speak')" in result.output
    result = runner.invoke(cli, ["config", "get", "answer_mode"])
    assert result.output.strip() == "flip"
