"""`srs import anki` while the learner grades in another session: no grade is ever lost (issue 18.1).

The import reads the learner's progress and history, recomputes each matched card from the merged history and
writes it with a compare-and-set. A grade committed in another session at any point between those reads and
that write must either be counted by the import or stop it with a message and nothing written; it must never
be overwritten by a state computed without it. Deterministic: the other session's grade is committed from a hook
placed right after one of the import's reads (no threads, no sleeping), on SQLite and on PostgreSQL.

Afterwards ``srs db check`` must agree: a card whose progress ignores an answer in its log is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select, update
from sqlmodel import Session

from anki_corpus import tampered
from srs.cli import cli
from srs.store import anki_merge
from srs.store.engine import database_url, make_engine
from srs.store.models import Card, Progress, Review
from srs.errors import ConflictError
from srs.store.progress import answer_card, read_progress, undo_last

NOW = "2026-03-01T12:00:00+00:00"
NOW_DT = datetime.fromisoformat(NOW)
NOW_MS = int(NOW_DT.timestamp() * 1000)
DAY_MS = 86_400_000
CONFLICT = "a card's progress changed in another session during the import; nothing was imported"


def _revlog(card_sql: str, review_id: int, ease: int = 3, kind: int = 0, ivl: int = 0) -> str:
    return (f"INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
            f"SELECT {review_id}, id, -1, {ease}, {ivl}, 0, 0, 5000, {kind} FROM cards {card_sql}")


def _pk(card_id: str) -> int:
    engine = make_engine(database_url(None))
    with Session(engine) as session:
        pk = session.execute(select(Card.id).where(Card.card_id == card_id)).scalar_one()
    engine.dispose()
    return int(pk)


def grade(card_id: str, at: datetime, rating: int = 3) -> None:
    """A terminal answer, committed by another session (its own engine) as ``srs review`` would."""
    engine = make_engine(database_url(None))
    with Session(engine) as session:
        pk = session.execute(select(Card.id).where(Card.card_id == card_id)).scalar_one()
        seen = read_progress(session, 1, pk)
        answer_card(session, 1, pk, rating, at, 3000, seen.version)
    engine.dispose()


def log_and_progress(card_id: str) -> tuple[int, int, int]:
    """(reviews in the log, reps, version) of the default learner's card."""
    engine = make_engine(database_url(None))
    with Session(engine) as session:
        pk = session.execute(select(Card.id).where(Card.card_id == card_id)).scalar_one()
        count = session.execute(select(func.count()).select_from(Review).where(Review.card_pk == pk)).scalar_one()
        progress = read_progress(session, 1, pk)
    engine.dispose()
    return int(count), progress.reps, progress.version


def import_anki(runner: CliRunner, path: Path, *extra: str) -> Result:
    return runner.invoke(cli, ["import", "anki", str(path), *extra], env={"SRS_NOW": NOW})


def after(monkeypatch: pytest.MonkeyPatch, name: str, action: Callable[[], None]) -> list[int]:
    """Run ``action`` once, right after the import's read ``anki_merge.<name>`` returns; returns a list that gets
    one item when it ran."""
    real = getattr(anki_merge, name)
    ran: list[int] = []

    def hooked(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if not ran:
            ran.append(1)
            setattr(anki_merge, name, real)  # the other session runs the real code
            try:
                action()
            finally:
                setattr(anki_merge, name, hooked)
        return result

    monkeypatch.setattr(anki_merge, name, hooked)
    return ran


def phone_package(export: Path, tmp_path: Path) -> Path:
    """Three phone reviews of card "first", two days ago."""
    return tampered(export, tmp_path, *(_revlog("ORDER BY id LIMIT 1", NOW_MS - 2 * DAY_MS + n * 60_000)
                                        for n in range(3)))


# The import's reads of the learner's rows, in the order it makes them; a grade may land after any of them.
READS = ["_progress_rows", "_known_anki_ids", "_local_history"]


@pytest.mark.parametrize("read", READS)
def test_a_grade_committed_during_the_import_is_never_overwritten(on_any_db: str, runner: CliRunner, demo_apkg: Path,
                                                                   tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   read: str) -> None:
    """The README's promise: "If a card is answered in another session while the import runs, the import stops
    with a message and writes nothing; run it again." """
    grade("first", NOW_DT - timedelta(days=5))  # studied here before the phone
    path = phone_package(demo_apkg, tmp_path)
    ran = after(monkeypatch, read, lambda: grade("first", NOW_DT - timedelta(minutes=5)))
    result = import_anki(runner, path)
    assert ran
    reviews, reps, _ = log_and_progress("first")
    assert reps == reviews, "the card's progress ignores an answer in its log (a lost update)"
    assert result.exit_code == 1, result.output
    assert CONFLICT in result.stderr and "Traceback" not in result.output
    assert (reviews, reps) == (2, 2)  # both terminal answers, nothing from the phone
    again = import_anki(runner, path)  # run it again: now everything is counted
    assert again.exit_code == 0, again.output
    assert "reviews merged: 3 (already here: 0)" in again.stdout
    assert log_and_progress("first")[:2] == (5, 5)
    assert runner.invoke(cli, ["db", "check"]).exit_code == 0


def test_the_same_package_imported_meanwhile_stops_the_import(on_any_db: str, runner: CliRunner, demo_apkg: Path,
                                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two imports of one file at once: the reviews go in exactly once, and the later import says why it stopped
    (not a database error about a unique constraint)."""
    path = phone_package(demo_apkg, tmp_path)

    def other_import() -> None:
        other = import_anki(runner, path)
        assert other.exit_code == 0 and "reviews merged: 3" in other.stdout, other.output

    ran = after(monkeypatch, "_local_history", other_import)
    result = import_anki(runner, path)
    assert ran and result.exit_code == 1, result.output
    assert CONFLICT in result.stderr and "database error" not in result.stderr
    assert log_and_progress("first")[:2] == (3, 3)


def test_reviews_merged_meanwhile_by_another_import_are_never_overwritten(on_any_db: str, runner: CliRunner,
                                                                          demo_apkg: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Another file's reviews of the same card, merged after this import read the history: this import's state
    would not count them, so it must not be written."""
    grade("first", NOW_DT - timedelta(days=5))
    (tmp_path / "mine").mkdir()
    (tmp_path / "theirs").mkdir()
    mine = phone_package(demo_apkg, tmp_path / "mine")
    theirs = tampered(demo_apkg, tmp_path / "theirs", _revlog("ORDER BY id LIMIT 1", NOW_MS - DAY_MS, kind=1, ivl=3))

    def other_import() -> None:
        assert import_anki(runner, theirs).exit_code == 0

    ran = after(monkeypatch, "_local_history", other_import)
    result = import_anki(runner, mine)
    assert ran
    reviews, reps, _ = log_and_progress("first")
    assert reps == reviews
    assert result.exit_code == 1 and CONFLICT in result.stderr


def test_undoing_an_answer_after_an_import_never_drops_the_imported_reviews(on_any_db: str, runner: CliRunner,
                                                                           demo_apkg: Path, tmp_path: Path) -> None:
    """The same class elsewhere: a review session's undo restores the state from before its answer. An import
    since then recomputed the card with the phone's reviews (dated before that answer); restoring would drop them
    from the schedule while they stay in the log. The undo is refused instead."""
    grade("first", NOW_DT - timedelta(days=5))
    grade("first", NOW_DT - timedelta(minutes=1))  # the answer a review session still has on its undo stack
    assert import_anki(runner, phone_package(demo_apkg, tmp_path)).exit_code == 0  # phone reviews two days ago
    engine = make_engine(database_url(None))
    with Session(engine) as session:
        answer_id = session.execute(select(Review.id).where(Review.origin == "terminal")
                                    .order_by(Review.id.desc())).scalars().first()
        with pytest.raises(ConflictError, match="answered again"):
            undo_last(session, 1, answer_id)
    engine.dispose()
    assert log_and_progress("first")[:2] == (5, 5)
    assert runner.invoke(cli, ["db", "check"]).exit_code == 0


# -- srs db check: progress against the review log ------------------------------------------------------------------


def test_db_check_reports_progress_that_ignores_an_answer_in_its_log(runner: CliRunner, deck_file: Path) -> None:
    env = {"SRS_NOW": NOW}
    assert runner.invoke(cli, ["deck", "add", str(deck_file)], env=env).exit_code == 0
    grade("first", NOW_DT - timedelta(days=3))
    grade("first", NOW_DT - timedelta(days=2))
    grade("second", NOW_DT - timedelta(days=2))
    assert runner.invoke(cli, ["db", "check"]).exit_code == 0
    engine = make_engine(database_url(None))
    with Session(engine) as session:  # what a lost update leaves: the state from before the newest answer
        pk = _pk("first")
        first = session.execute(select(Review).where(Review.card_pk == pk).order_by(Review.id)).scalars().first()
        assert first is not None and first.reviewed_at is not None
        session.execute(update(Progress).where(Progress.card_pk == pk).values(reps=1, last_review=first.reviewed_at))
        session.commit()
    engine.dispose()
    result = runner.invoke(cli, ["db", "check"])
    assert result.exit_code == 1
    assert "progress\t1 card disagrees with its review log" in result.stdout
    assert "learner 'default', card demo/first: " in result.stderr
    assert "its newest answer" in result.stderr


def test_the_summary_says_when_phone_history_was_set_aside(on_any_db: str, runner: CliRunner, demo_apkg: Path,
                                                           tmp_path: Path) -> None:
    """Studied on the phone, then learned here as a new card before the phone's reviews came back: as in Anki,
    the schedule starts from the last group of learning answers (here), and the summary says the phone's
    reviews were set aside (they stay in the history)."""
    path = tampered(demo_apkg, tmp_path, _revlog("ORDER BY id LIMIT 1", NOW_MS - 3 * DAY_MS),
                    _revlog("ORDER BY id LIMIT 1", NOW_MS - 2 * DAY_MS, kind=1, ivl=2))
    grade("first", NOW_DT - timedelta(days=1))
    grade("first", NOW_DT - timedelta(days=1) + timedelta(minutes=10))
    line = ("phone history set aside: 1 card(s) (demo/first): answered here as new cards after those phone "
            "reviews, so their schedule starts from those answers (the phone reviews stay in the history)")
    dry = import_anki(runner, path, "--dry-run")
    assert dry.exit_code == 0 and line in dry.stdout, dry.output
    as_json = import_anki(runner, path, "--dry-run", "--json")
    assert '"history_set_aside": [\n    "demo/first"\n  ]' in as_json.stdout
    result = import_anki(runner, path)
    assert result.exit_code == 0 and line in result.stdout
    assert log_and_progress("first")[:2] == (4, 2)  # four answers in the log, two in the schedule
    again = import_anki(runner, path)
    assert "set aside" not in again.stdout  # said once, when those reviews came in
    assert runner.invoke(cli, ["db", "check"]).exit_code == 0
