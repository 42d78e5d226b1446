"""Two sessions doing the same thing at once both succeed: ``srs deck add`` of one file, ``srs config set`` of one
key, saving one card's wording, ``srs deck remove`` of one deck. None ends in "database error" because the other
inserted the same row first.

Deterministic: the other session's whole command runs and commits from a hook placed right before this session's
write reaches the database (after this session read "not there yet"), on SQLite and PostgreSQL. On SQLite a
command whose first write comes before its read (``deck add``, ``deck remove``) holds the database's lock from that
write on, so another writer can only come before it; those interleavings are tested on PostgreSQL only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from helpers import demo_store
from srs.cli import cli
from srs.edits import EditedText
from srs.store.edits import save_edit
from srs.store.engine import make_engine
from srs.store.models import Card, LocalEdit
from srs.store.progress import answer_card, read_progress

NOW = "2026-03-01T12:00:00+00:00"
NOW_DT = datetime.fromisoformat(NOW)


@contextmanager
def before_statement(prefix: str, action: Callable[[], None]) -> Iterator[list[int]]:
    """Run ``action`` once, right before the first statement that starts with ``prefix`` (``INSERT INTO setting``)
    is sent to the database by any engine; yields a list that gets one item when it ran. ``action`` (another
    session's whole transaction) runs the real code: the hook is spent before it starts."""
    ran: list[int] = []

    def hook(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not ran and statement.lstrip().upper().startswith(prefix.upper() + " "):
            ran.append(1)
            action()

    event.listen(Engine, "before_cursor_execute", hook)
    try:
        yield ran
    finally:
        event.remove(Engine, "before_cursor_execute", hook)


@pytest.fixture
def on_any_db(any_db_url: str, monkeypatch: pytest.MonkeyPatch, runner: CliRunner) -> str:
    """``SRS_DATABASE_URL`` set to a database with its bundled decks installed (so only the command under test
    writes)."""
    monkeypatch.setenv("SRS_DATABASE_URL", any_db_url)
    monkeypatch.setenv("SRS_NOW", NOW)
    assert runner.invoke(cli, ["deck", "list"]).exit_code == 0
    return any_db_url


@pytest.fixture
def on_pg(pg_head_url: str, monkeypatch: pytest.MonkeyPatch, runner: CliRunner) -> str:
    monkeypatch.setenv("SRS_DATABASE_URL", pg_head_url)
    monkeypatch.setenv("SRS_NOW", NOW)
    assert runner.invoke(cli, ["deck", "list"]).exit_code == 0
    return pg_head_url


def srs(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args))


def no_database_error(result: Result) -> None:
    assert "database error" not in result.output and "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


# -- srs config set ----------------------------------------------------------------------------------------------


def test_two_config_sets_of_a_new_key_both_succeed_and_the_last_commit_wins(on_any_db: str,
                                                                           runner: CliRunner) -> None:
    others: list[Result] = []
    with before_statement("INSERT INTO setting",
                          lambda: others.append(srs(runner, "config", "set", "desired_retention", "0.8"))) as ran:
        mine = srs(runner, "config", "set", "desired_retention", "0.85")
    assert ran and len(others) == 1
    no_database_error(mine)
    assert (others[0].exit_code, mine.exit_code) == (0, 0), mine.output
    assert "desired_retention = 0.85" in mine.stderr
    assert srs(runner, "config", "get", "desired_retention").stdout.split() == ["0.85"]  # committed last


def test_setting_a_key_back_to_its_default_while_another_session_sets_it(on_any_db: str, runner: CliRunner) -> None:
    others: list[Result] = []
    with before_statement("INSERT INTO setting",
                          lambda: others.append(srs(runner, "config", "set", "new_per_day", "5"))) as ran:
        mine = srs(runner, "config", "set", "new_per_day", "7")
    assert ran and others[0].exit_code == 0 and mine.exit_code == 0
    assert srs(runner, "config", "get", "new_per_day").stdout.split() == ["7"]
    assert srs(runner, "config", "set", "new_per_day", "default").exit_code == 0
    assert srs(runner, "config", "get", "new_per_day").stdout.split() == ["20"]


# -- srs deck add ------------------------------------------------------------------------------------------------


def _card_rows(url: str, deck_id: str) -> list[str]:
    engine = make_engine(url)
    with Session(engine) as session:
        rows = list(session.execute(select(Card.card_id).where(Card.deck_id == deck_id).order_by(Card.card_id))
                    .scalars())
    engine.dispose()
    return rows


def _grade(url: str, card_id: str) -> None:
    """The default learner answers a card in a session of its own (committed)."""
    engine = make_engine(url)
    with Session(engine) as session:
        pk = session.execute(select(Card.id).where(Card.card_id == card_id)).scalar_one()
        answer_card(session, 1, pk, 3, NOW_DT, 3000, read_progress(session, 1, pk).version)
    engine.dispose()


def _reps(url: str, card_id: str) -> int:
    engine = make_engine(url)
    with Session(engine) as session:
        pk = session.execute(select(Card.id).where(Card.card_id == card_id)).scalar_one()
        reps = read_progress(session, 1, pk).reps
    engine.dispose()
    return reps


def test_two_deck_adds_of_one_new_file_both_succeed(on_pg: str, runner: CliRunner, deck_file: Path) -> None:
    """The other add commits (and the learner answers one of its cards) after this add found no deck and before it
    inserts one: this add finds the deck there and says what a re-add says; no card twice, the answer kept."""
    others: list[Result] = []

    def other_adds_and_grades() -> None:
        others.append(srs(runner, "deck", "add", str(deck_file)))
        _grade(on_pg, "first")

    with before_statement("INSERT INTO deck", other_adds_and_grades) as ran:
        mine = srs(runner, "deck", "add", str(deck_file))
    assert ran
    no_database_error(mine)
    assert others[0].exit_code == 0 and "Deck 'demo' added: 3 new" in others[0].stderr
    assert mine.exit_code == 0 and "Deck 'demo': unchanged (3 cards)." in mine.stderr, mine.output
    assert _card_rows(on_pg, "demo") == ["first", "second", "third"]
    assert _reps(on_pg, "first") == 1
    assert srs(runner, "db", "check").exit_code == 0


def test_two_deck_adds_of_several_files_in_different_orders(on_pg: str, runner: CliRunner, deck_file: Path,
                                                            tmp_path: Path) -> None:
    """``srs deck add a b`` and ``srs deck add b a`` at once: both succeed, and each reports its files in the order
    it was given them (the decks are written in id order, so that two such commands running truly at once wait
    for each other rather than deadlock; that timing is not reproduced here)."""
    other_file = tmp_path / "other.toml"
    other_file.write_text(deck_file.read_text(encoding="utf-8").replace('id = "demo"', 'id = "other"'),
                          encoding="utf-8")
    others: list[Result] = []
    with before_statement("INSERT INTO deck",
                          lambda: others.append(srs(runner, "deck", "add", str(deck_file), str(other_file)))) as ran:
        mine = srs(runner, "deck", "add", str(other_file), str(deck_file))
    assert ran and others[0].exit_code == 0
    no_database_error(mine)
    assert mine.exit_code == 0
    assert mine.stderr.splitlines() == ["Deck 'other': unchanged (3 cards).", "Deck 'demo': unchanged (3 cards)."]
    assert _card_rows(on_pg, "other") == _card_rows(on_pg, "demo") == ["first", "second", "third"]


# -- srs deck remove ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("point", ["DELETE FROM meta", "INSERT INTO meta"])
def test_two_removes_of_a_bundled_deck_on_postgres(on_pg: str, runner: CliRunner, point: str) -> None:
    _two_removes(runner, point)


def test_two_removes_of_a_bundled_deck(on_any_db: str, runner: CliRunner) -> None:
    """The other removal commits right before this one's first write (on SQLite, the only place it can)."""
    _two_removes(runner, "DELETE FROM meta")


def _two_removes(runner: CliRunner, point: str) -> None:
    """The other removal commits between this one's read of the deck and its writes: this one then says what
    removing the deck again says, and the deck stays removed (it is not installed again on the next start)."""
    others: list[Result] = []
    with before_statement(point, lambda: others.append(
            srs(runner, "deck", "remove", "interview-closing", "--yes"))) as ran:
        mine = srs(runner, "deck", "remove", "interview-closing", "--yes")
    assert ran and others[0].exit_code == 0, others[0].output if others else "not run"
    no_database_error(mine)
    assert mine.exit_code == 1 and "srs: no deck with id 'interview-closing'" in mine.stderr, mine.output
    listed = srs(runner, "deck", "list")
    assert listed.exit_code == 0 and "interview-closing" not in listed.stdout


# -- a card's wording ---------------------------------------------------------------------------------------------


def test_two_sessions_saving_one_cards_wording_both_succeed(any_db_url: str) -> None:
    """Two review sessions of one learner edit the same card at once (`e` in review): both are saved, the last
    to commit is kept."""
    store = demo_store(any_db_url, NOW_DT)
    with Session(store.engine) as session:
        card = session.execute(select(Card).where(Card.card_id == "first")).scalar_one()
        assert card.id is not None
        pk, situation, reasoning = card.id, card.situation, card.reasoning

    def edit(response: str) -> bool:
        other = make_engine(any_db_url)
        with Session(other) as session:
            changed = save_edit(session, store.learner_id, pk, EditedText(situation, response, reasoning), NOW_DT)
            session.commit()
        other.dispose()
        return changed

    others: list[bool] = []
    with before_statement("INSERT INTO local_edit", lambda: others.append(edit("Theirs."))) as ran:
        mine = edit("Mine.")
    assert ran and others == [True] and mine
    with Session(store.engine) as session:
        rows = session.execute(select(LocalEdit.response)).scalars().all()
        assert rows == ["Mine."]
        assert session.execute(select(func.count()).select_from(LocalEdit)).scalar_one() == 1
    store.engine.dispose()
