"""``srs card show`` for rehearsal: the card's key points, your last typed attempts (text and ``--json``), a
personal card's line beside the deck's reference, and an edit whose deck text then changed, kept and marked,
with ``srs card reset-edit`` to take the deck's."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from helpers.rehearsal import rehearsal_deck
from srs.attempts import Attempt
from srs.cli import cli
from srs.edits import EditedText
from srs.review_service import DbReviewService
from srs.store.edits import save_edit
from srs.store.engine import database_url, make_engine
from srs.store.models import Card

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
NOW = "2026-03-10T09:00:00+00:00"

DECK = rehearsal_deck()


@pytest.fixture
def deck(runner: CliRunner, tmp_path: Path) -> Path:
    path = tmp_path / "rehearse.toml"
    path.write_text(DECK)
    result = runner.invoke(cli, ["deck", "add", str(path)], env={"SRS_NOW": NOW})
    assert result.exit_code == 0, result.output
    return path


def show(runner: CliRunner, card: str, *extra: str) -> Any:
    result = runner.invoke(cli, ["card", "show", card, *extra], env={"SRS_NOW": NOW})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in extra else result.stdout


def service(clock: list[datetime]) -> tuple[DbReviewService, dict[str, int]]:
    engine = make_engine(database_url(None))
    with Session(engine) as session:
        pks = {c.card_id: c.id for c in session.exec(select(Card)).all()}
    return DbReviewService.open(engine, 1, lambda: clock[0]), pks  # type: ignore[return-value]


def test_show_lists_the_key_points(runner: CliRunner, deck: Path) -> None:
    text = show(runner, "rehearse/hesitations")
    assert ("RESPONSE\n  Ask what hesitations they have about hiring you.\n\nKEY POINTS\n"
            "  1. hesitations / concerns / reservations\n  2. about hiring me / about me / about hiring you\n") in text
    data = show(runner, "rehearse/hesitations", "--json")
    assert data["key_points"] == ["hesitations | concerns | reservations",
                                  "about hiring me | about me | about hiring you"]
    assert (data["personal"], data["needs_personal"], data["deck_text"], data["attempts"]) == (False, False, None, [])


def test_show_lists_the_last_five_attempts_newest_first(runner: CliRunner, deck: Path) -> None:
    clock = [T0]
    reviews, pks = service(clock)
    answers = ["no idea", "ask about concerns", "any concerns about me?", "reservations about hiring me?",
               "what concerns do you have about me?", "any \x1b[31mhesitations\x1b[0m about hiring me?"]
    for n, answer in enumerate(answers):
        clock[0] = T0 + timedelta(days=n)
        card = reviews.load(pks["hesitations"])
        hits = (n > 0, n > 1)
        reviews.grade(card, 3 if all(hits) else 2, 9000, Attempt(answer, 20_000 + n * 1000, hits, 3 if all(hits)
                                                                 else 2 if any(hits) else 1))
    data = show(runner, "rehearse/hesitations", "--json")
    attempts = data["attempts"]
    assert [a["answer"] for a in attempts] == answers[:0:-1]  # five, newest first
    assert attempts[-1] == {
        "time": (T0 + timedelta(days=1)).isoformat(), "answer": "ask about concerns", "typed_ms": 21_000,
        "key_points": [{"point": "hesitations | concerns | reservations", "hit": True},
                       {"point": "about hiring me | about me | about hiring you", "hit": False}],
        "suggested_rating": 2, "rating": 2}
    assert len(data["history"]) == 6
    text = show(runner, "rehearse/hesitations")
    section = text.split("YOUR LAST ATTEMPTS\n")[1].split("\nHISTORY")[0]
    assert "\x1b" not in text
    assert section.splitlines()[:4] == [
        "  2026-03-07 09:00  2 of 2 points  suggested Good, you gave Good  25 s",
        '    "any hesitations about hiring me?"',
        "    [x] hesitations / concerns / reservations",
        "    [x] about hiring me / about me / about hiring you",
    ]
    assert "  2026-03-03 09:00  1 of 2 points  suggested Hard, you gave Hard  21 s" in section
    assert "    [ ] about hiring me / about me / about hiring you" in section


def test_a_personal_card_shows_the_learners_line_and_the_decks_reference(runner: CliRunner, deck: Path) -> None:
    text = show(runner, "rehearse/closing-line")
    assert "(personal)" in text
    assert "RESPONSE - the deck's (srs review asks for your own line)\n  Really interested" in text
    assert show(runner, "rehearse/closing-line", "--json")["needs_personal"] is True
    reviews, pks = service([T0])
    reviews.save_personal_response(reviews.load(pks["closing-line"]), "Keen on this role; hope to hear soon.")
    text = show(runner, "rehearse/closing-line")
    assert "(your line, personal)" in text
    assert ("RESPONSE - your line\n  Keen on this role; hope to hear soon.\n\n"
            "RESPONSE - the deck's, for reference\n  Really interested in the opportunity.\n") in text
    assert text.count("SITUATION") == 1 and text.count("REASONING") == 1  # they are the deck's
    data = show(runner, "rehearse/closing-line", "--json")
    assert data["response"] == "Keen on this role; hope to hear soon."
    assert data["deck_text"]["response"] == "Really interested in the opportunity."
    assert (data["needs_personal"], data["edited"], data["edit_outdated"]) == (False, True, False)


def test_an_edit_whose_deck_text_changed_is_kept_marked_and_can_be_reset(runner: CliRunner, deck: Path) -> None:
    engine = make_engine(database_url(None))
    with Session(engine) as session:
        pk = session.exec(select(Card.id).where(Card.card_id == "hesitations")).one()
        assert pk is not None
        save_edit(session, 1, pk, EditedText(situation="Any more questions for me?",
                                             response="Ask what concerns they have about me.",
                                             reasoning="Gives you a chance to answer them."), T0)
        session.commit()
    assert "changed after you" not in show(runner, "rehearse/hesitations")
    deck.write_text(DECK.replace("Ask what hesitations they have about hiring you.",
                                 "Ask what hesitations they have about hiring you, then stop talking."))
    assert runner.invoke(cli, ["deck", "add", str(deck)], env={"SRS_NOW": NOW}).exit_code == 0
    text = show(runner, "rehearse/hesitations")
    assert ("The deck's text changed after you made this card's wording yours: both are shown below. Keep yours, "
            "or take the deck's with: srs card reset-edit rehearse/hesitations") in " ".join(text.split())
    assert ("RESPONSE - yours\n  Ask what concerns they have about me.\n\n"
            "RESPONSE - the deck's, for reference\n  Ask what hesitations they have about hiring you, then stop "
            "talking.\n") in text
    data = show(runner, "rehearse/hesitations", "--json")
    assert data["edit_outdated"] is True and data["response"] == "Ask what concerns they have about me."

    result = runner.invoke(cli, ["card", "reset-edit", "hesitations"], env={"SRS_NOW": NOW})
    assert result.exit_code == 0 and result.stderr == "rehearse/hesitations: back to the deck's text.\n"
    data = show(runner, "rehearse/hesitations", "--json")
    assert (data["edited"], data["edit_outdated"], data["deck_text"]) == (False, False, None)
    assert data["response"] == "Ask what hesitations they have about hiring you, then stop talking."
    again = runner.invoke(cli, ["card", "reset-edit", "hesitations"], env={"SRS_NOW": NOW})
    assert again.exit_code == 0 and "nothing changed" in again.stderr


def test_reset_edit_of_an_unknown_card_is_named(runner: CliRunner, deck: Path) -> None:
    result = runner.invoke(cli, ["card", "reset-edit", "nope"])
    assert result.exit_code == 1 and "srs: no card with id 'nope'" in result.stderr


def test_learner_remove_deletes_their_typed_answers_and_own_lines(runner: CliRunner, deck: Path) -> None:
    from sqlalchemy import func

    from srs.store.models import LocalEdit, ReviewAttempt

    assert runner.invoke(cli, ["learner", "add", "maya"]).exit_code == 0
    engine = make_engine(database_url(None))
    for learner_id in (1, 2):
        reviews = DbReviewService.open(engine, learner_id, lambda: T0)
        with Session(engine) as session:
            pks = {c.card_id: c.id for c in session.exec(select(Card)).all()}
        reviews.grade(reviews.load(pks["hesitations"]), 3, 5000,  # type: ignore[arg-type]
                      Attempt("any concerns about me?", 9000, (True, True), 3))
        reviews.save_personal_response(reviews.load(pks["closing-line"]), "Keen on the role.")  # type: ignore[arg-type]
    result = runner.invoke(cli, ["learner", "remove", "maya", "--yes"])
    assert result.exit_code == 0, result.output
    with Session(engine) as session:
        for model in (ReviewAttempt, LocalEdit):
            rows = session.exec(select(model.learner_id, func.count()).group_by(model.learner_id)).all()
            assert rows == [(1, 1)], model
    assert show(runner, "rehearse/closing-line", "--json")["response"] == "Keen on the role."
