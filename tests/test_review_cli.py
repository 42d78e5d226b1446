"""`srs review` driven line by line through CliRunner: grades, undo, suspend, bury, edit, limits, hostile text."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from helpers import learner_session, run_review
from srs.cli import cli
from srs.store.models import Card, LocalEdit, Progress, Review
from srs.store.queue import queue_counts
from srs.store.settings import load_settings

pytestmark = pytest.mark.backends("sqlite", "postgresql")  # each test on both: tests/pg.py

NOW = "2026-03-02T15:00:00+00:00"


@pytest.fixture
def env(deck_file: Path, db_url: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A database with only the 3-card demo deck (no bundled deck), at a fixed time."""
    monkeypatch.setenv("SRS_NOW", NOW)
    monkeypatch.setenv("SRS_DATABASE_URL", db_url)
    assert runner.invoke(cli, ["deck", "add", str(deck_file)]).exit_code == 0
    assert runner.invoke(cli, ["deck", "remove", "interview-closing", "--yes"]).exit_code == 0
    return {"db": db_url}


def _reviews(db_url: str) -> list[Review]:
    with learner_session(db_url) as s:
        return list(s.execute(select(Review).order_by(Review.id)).scalars())


def _progress(db_url: str) -> dict[str, dict[str, Any]]:
    """Each touched card's progress row; a row in the untouched new state counts as no row (both mean new)."""
    untouched = {k: v for k, v in Progress(learner_id=0, card_pk=0).model_dump().items()
                 if k not in ("id", "version", "learner_id", "card_pk")}
    with learner_session(db_url) as s:
        rows = s.execute(select(Card.card_id, Progress).join(Card, Card.id == Progress.card_pk)).all()
    found = {cid: {k: v for k, v in p.model_dump().items() if k not in ("id", "version")} for cid, p in rows}
    return {cid: row for cid, row in found.items()
            if {k: v for k, v in row.items() if k not in ("learner_id", "card_pk")} != untouched}


def _counts(db_url: str) -> tuple[int, int, int]:
    from srs.clock import now

    with learner_session(db_url) as s:
        return tuple(queue_counts(s, 1, now(), load_settings(s, 1)))  # type: ignore[return-value]


def test_scripted_session_grades_each_card_and_summarises(env: dict[str, str], runner: CliRunner) -> None:
    result = run_review(runner, "\n3\n\n1\nq\n")
    assert "[3 new] | 0 learning | 0 due" in result.output
    assert "SITUATION\n  The interviewer asks whether you have any questions." in result.output
    assert "Say or think your response." in result.output
    assert "RESPONSE\n  Ask what hesitations they have." in result.output
    assert "SOURCES\n  Article A - Ann Author" in result.output
    assert "Counterpoint -- Article A:\n| Ask for feedback first." in result.output
    assert "1 Again <1m   2 Hard <6m   3 Good <10m" in result.output
    assert "Reviewed 2 cards" in result.output and "Again: 1." in result.output
    assert "Day streak: 1 day." in result.output
    assert [(r.rating, r.origin) for r in _reviews(env["db"])] == [(3, "terminal"), (1, "terminal")]
    assert "\x1b" not in result.output


def test_enter_on_the_answer_side_grades_good(env: dict[str, str], runner: CliRunner) -> None:
    result = run_review(runner, "\n\nq\n")
    assert "3 Good <10m (Space/Enter)" in result.output
    assert [r.rating for r in _reviews(env["db"])] == [3]


def test_next_review_continues_the_same_days_queue(env: dict[str, str], runner: CliRunner) -> None:
    run_review(runner, "\n3\nq\n")
    result = run_review(runner, "q\n")
    assert "[2 new] | 1 learning | 0 due" in result.output
    assert "You shake hands." in result.output  # the next new card, not the first again


def test_the_question_side_names_the_deck_and_the_answer_side_the_card(env: dict[str, str],
                                                                       runner: CliRunner) -> None:
    result = run_review(runner, "\nq\n")
    question, answer = result.output.split("Say or think your response.")
    assert "Demo deck\nSITUATION" in question and "demo/first" not in question
    assert "demo/first" in answer


def test_whole_queue_until_empty(env: dict[str, str], runner: CliRunner) -> None:
    # Each new card: Good (to the 10-minute step), then, learned ahead, Good again (graduates).
    result = run_review(runner, "\n3\n" * 6)
    assert "Reviewed 6 cards" in result.output
    assert "Next review due: in " in result.output
    assert _counts(env["db"]) == (0, 0, 0)
    assert {p["state"] for p in _progress(env["db"]).values()} == {2}


def test_undo_restores_the_exact_state_and_counts(env: dict[str, str], runner: CliRunner) -> None:
    run_review(runner, "\n3\n\n3\nq\n")  # two cards into learning
    before_progress, before_counts, before_rows = _progress(env["db"]), _counts(env["db"]), len(_reviews(env["db"]))
    # The queue now offers the third (new) card; grade it, reveal the next, then undo.
    result = run_review(runner, "\n1\n\nu\nq\n")
    assert "Undid Again: the card is back." in result.output
    assert "You get home." in result.output.split("Undid Again")[0].rsplit("SITUATION", 1)[1]  # the card is back
    assert _progress(env["db"]) == before_progress
    assert _counts(env["db"]) == before_counts
    assert len(_reviews(env["db"])) == before_rows
    assert "No cards reviewed this time." in result.output


def test_undo_of_a_learning_card_restores_its_row(env: dict[str, str], runner: CliRunner) -> None:
    run_review(runner, "\n3\n\n3\n\n3\nq\n")  # three cards in learning; next come the learned-ahead ones
    before = _progress(env["db"])
    result = run_review(runner, "\n4\nu\nq\n")
    assert "Undid Easy: the card is back." in result.output
    assert _progress(env["db"]) == before


def test_nothing_to_undo(env: dict[str, str], runner: CliRunner) -> None:
    result = run_review(runner, "u\nq\n")
    assert "Nothing to undo in this session." in result.output


def test_suspend_and_bury(env: dict[str, str], runner: CliRunner) -> None:
    result = run_review(runner, "\ns\n\nb\nq\n")
    assert "Suspended demo/first." in result.output and "Buried demo/second until tomorrow." in result.output
    progress = _progress(env["db"])
    assert progress["first"]["suspended"] and progress["second"]["buried_until"] is not None
    assert _counts(env["db"]) == (1, 0, 0)
    assert _reviews(env["db"]) == []


def test_suspend_and_bury_on_the_question_side_change_nothing(env: dict[str, str], runner: CliRunner) -> None:
    result = run_review(runner, "s\nb\nq\n")
    assert "show the response first" in result.output and "Suspended" not in result.output
    assert _progress(env["db"]) == {}


def test_undo_a_suspend(env: dict[str, str], runner: CliRunner) -> None:
    result = run_review(runner, "\ns\nu\nq\n")
    assert "Suspended demo/first." in result.output and "Undid the suspend: the card is back." in result.output
    assert _progress(env["db"]).get("first", {}).get("suspended") in (None, False)
    assert _counts(env["db"]) == (3, 0, 0)


def test_undo_a_bury(env: dict[str, str], runner: CliRunner) -> None:
    result = run_review(runner, "\nb\nu\nq\n")
    assert "Undid the bury: the card is back." in result.output
    assert _progress(env["db"]).get("first", {}).get("buried_until") is None
    assert _counts(env["db"]) == (3, 0, 0)


def test_limits(env: dict[str, str], runner: CliRunner) -> None:
    assert "Reviewed 1 card " in run_review(runner, "\n3\n\n3\n", "--limit", "1").output
    result = run_review(runner, "\n3\n\n3\n\n3\n", "--new", "1")
    # One new card (second), then the learning cards learned ahead; the third card stays new.
    assert "Reviewed 3 cards" in result.output and "Left for today: 1 new, 0 learning" in result.output
    assert "demo/third" not in result.output


def test_bad_options_and_unknown_deck(env: dict[str, str], runner: CliRunner) -> None:
    result = runner.invoke(cli, ["review", "--limit", "0"])
    assert result.exit_code == 2 and "--limit" in result.output
    result = runner.invoke(cli, ["review", "--deck", "nope"])
    assert result.exit_code == 1 and "srs: no deck with id 'nope'" in result.output


def test_grading_before_reveal_and_unknown_keys_are_explained(env: dict[str, str], runner: CliRunner) -> None:
    result = run_review(runner, "3\nz\nq\n")
    assert "Say or think your response, then press Space or Enter" in result.output
    assert "'z' does nothing here; press ? for the keys." in result.output
    assert _reviews(env["db"]) == []


def test_help_lists_the_keys(env: dict[str, str], runner: CliRunner) -> None:
    result = run_review(runner, "?\nq\n")
    assert "KEYS" in result.output and "bury this card until tomorrow" in result.output


def _editor(tmp_path: Path, code: str) -> str:
    script = tmp_path / "editor.py"
    script.write_text("import sys, pathlib\np = pathlib.Path(sys.argv[1])\nt = p.read_text()\n" + code)
    return f"{sys.executable} {script}"


def test_edit_is_saved_as_a_local_edit_and_shown(env: dict[str, str], runner: CliRunner, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "p.write_text(t.replace('Ask what', 'Calmly ask what'))"))
    result = run_review(runner, "e\n\nq\n")
    assert "Saved your edit" in result.output
    assert "RESPONSE\n  Calmly ask what hesitations they have." in result.output
    assert "demo/first  (your wording)" in result.output
    with learner_session(env["db"]) as s:
        edit = s.execute(select(LocalEdit)).scalar_one()
        assert edit.response == "Calmly ask what hesitations they have."
        assert s.execute(select(Card.response).where(Card.card_id == "first")).scalar_one() == \
            "Ask what hesitations they have."


@pytest.mark.parametrize("code, message", [
    ("p.write_text(t.replace('Ask what hesitations they have.', '   '))", "response must not be empty"),
    ("p.write_text(t.replace('=== reasoning ===', ''))", "the '=== reasoning ===' heading is missing"),
    ("p.write_text(t.replace('Ask what', 'Ask \\x1b[31m what'))", "control character U+001B"),
    ("p.write_text(t.replace('Ask what', 'x' * 10001))", "the limit is 10,000"),
])
def test_invalid_edits_are_refused(env: dict[str, str], runner: CliRunner, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch, code: str, message: str) -> None:
    monkeypatch.setenv("EDITOR", _editor(tmp_path, code))
    result = run_review(runner, "e\nq\n")
    assert "Edit refused:" in result.output and message in result.output
    with learner_session(env["db"]) as s:
        assert s.execute(select(func.count()).select_from(LocalEdit)).scalar_one() == 0


def test_undo_an_edit_brings_back_the_decks_wording(env: dict[str, str], runner: CliRunner, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "p.write_text(t.replace('Ask what', 'Calmly ask what'))"))
    result = run_review(runner, "e\nu\n\nq\n")
    assert "Undid your edit" in result.output
    assert "RESPONSE\n  Ask what hesitations they have." in result.output
    with learner_session(env["db"]) as s:
        assert s.execute(select(func.count()).select_from(LocalEdit)).scalar_one() == 0


def test_unchanged_edit_changes_nothing(env: dict[str, str], runner: CliRunner, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "p.write_text(t + '\\n')"))
    assert "No changes." in run_review(runner, "e\nq\n").output


def test_hostile_text_in_the_database_is_shown_as_text(env: dict[str, str], runner: CliRunner) -> None:
    with learner_session(env["db"]) as s:
        card = s.execute(select(Card).where(Card.card_id == "first")).scalar_one()
        card.situation = "\x1b[2J\x1b]0;owned\x07Clear?\n\n\n\n" + "w" * 300 + "\n\u202eevil\u202c שלום"
        card.response = "\x1b[31mred\x1b[0m\x07"
        s.add(card)
        s.commit()
    result = run_review(runner, "\nq\n")
    assert "\x1b" not in result.output and "\x07" not in result.output and "\u202e" not in result.output
    assert "Clear?\n\n  wwww" in result.output and "\\u202eevil" in result.output
    assert "RESPONSE\n  red\\x07" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 100


def test_reverting_an_edit_moves_the_card_time_so_anki_gets_the_text_back(
        env: dict[str, str], runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "p.write_text(t.replace('Ask what', 'Calmly ask what'))"))
    run_review(runner, "e\n\nq\n")
    with learner_session(env["db"]) as s:
        edited_at = s.execute(select(LocalEdit.updated_at)).scalar_one()
    monkeypatch.setenv("SRS_NOW", "2026-12-01T12:00:00+00:00")
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "p.write_text(t.replace('Calmly ask what', 'Ask what'))"))
    run_review(runner, "e\n\nq\n")
    with learner_session(env["db"]) as s:
        assert s.execute(select(func.count()).select_from(LocalEdit)).scalar_one() == 0
        card_time = s.execute(select(Card.updated_at).where(Card.card_id == "first")).scalar_one()
    assert card_time > edited_at
