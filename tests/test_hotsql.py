"""Driver-SQL execution of the keypress path's prebuilt statements (``srs.hotsql``): the same rows as
``Connection.execute``, on SQLite and PostgreSQL, with SQLAlchemy's errors and events kept."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from conftest import demo_store
from srs.store import queue
from srs.store import progress as study
from srs.app import Store, open_store
from srs.errors import ConflictError
from srs.hotsql import HotResult, insert_hot, run_hot
from srs.store.models import Card, Review
from srs.review_service import _SHOWN
from srs.scheduling import day_bounds

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(any_db_url: str) -> Store:
    """The demo deck, its first card answered Again (learning) and its second answered Good twice (review)."""
    store = demo_store(any_db_url, NOW)
    with Session(store.engine) as session:
        pks = [c.id for c in session.execute(select(Card).order_by(Card.position)).scalars()]  # type: ignore[misc]
    with store.engine.connect() as conn:
        study.answer_card(conn, store.learner_id, pks[0], 1, NOW - timedelta(hours=2), 4000, 0)
        study.answer_card(conn, store.learner_id, pks[1], 3, NOW - timedelta(days=3), 4000, 0)
        study.answer_card(conn, store.learner_id, pks[1], 3, NOW - timedelta(days=3, minutes=-10), 4000, 1)
    return store


def _statements(store: Store) -> list[tuple[str, Any, dict[str, Any]]]:
    start, end = day_bounds(NOW, "UTC", 4)
    with Session(store.engine) as session:
        pks = [c.id for c in session.execute(select(Card).order_by(Card.position)).scalars()]  # type: ignore[misc]
    base = {"learner": store.learner_id, "now": NOW, "start": start, "end": end, "cap": 200}
    plain = queue._queue_statements(False, False)
    deck = queue._queue_statements(True, False)
    out: list[tuple[str, Any, dict[str, Any]]] = [
        ("done today", queue._DONE_TODAY, base),
        ("next step", plain.next_step, {**base, "until": NOW + timedelta(days=1)}),
        ("counts step", plain.counts_step, {**base, "until": NOW + timedelta(days=1)}),
        ("new count", deck.new_count, {**base, "deck_id": "demo"}),
        ("new first", deck.new_first, {**base, "deck_id": "demo"}),
        ("learning head", plain.learning_head, {**base, "state": 1, "until": NOW + timedelta(days=1)}),
    ]
    for pk in pks:
        out.append((f"card and progress {pk}", study._CARD_PROGRESS, {"learner": store.learner_id, "card_pk": pk}))
        out.append((f"card shown {pk}", _SHOWN, {"learner": store.learner_id, "card_pk": pk}))
    return out


def test_rows_equal_execute_on_both_backends(store: Store) -> None:
    """Every prebuilt read gives the rows ``execute`` gives: values, types (aware UTC datetimes) and order."""
    checked = 0
    with store.engine.connect() as conn:
        for name, statement, params in _statements(store):
            expected = [tuple(row) for row in conn.execute(statement, params).all()]
            for _ in range(2):  # the second run uses the cached compiled form and result processors
                got = list(run_hot(conn, statement, params).all())
                assert got == expected, name
                assert [[type(v) for v in row] for row in got] == [[type(v) for v in row] for row in expected], name
            checked += 1
    assert checked >= 12
    # The fixture's reviews show up: a learning card is due, datetimes come back aware.
    with store.engine.connect() as conn:
        shown = run_hot(conn, study._CARD_PROGRESS, {"learner": store.learner_id, "card_pk": 1}).one()
    assert any(isinstance(v, datetime) and v.tzinfo is not None for v in shown)


def test_insert_returns_the_new_rows_key(store: Store) -> None:
    with store.engine.connect() as conn:
        params = {"learner": store.learner_id, "card_pk": 1, "rating_value": 3, "changed_at": NOW, "duration": 1,
                  "review_kind": 1, "interval": 2, "prev_interval": 1, "snapshot": {"row": False}}
        first = insert_hot(conn, study._REVIEW_INSERT, params)
        second = insert_hot(conn, study._REVIEW_INSERT, params)
        conn.commit()
    assert second == first + 1
    with Session(store.engine) as session:
        row = session.get(Review, second)
        assert row is not None and row.prev_state == {"row": False} and row.reviewed_at == NOW


def test_a_listener_sees_every_statement(store: Store) -> None:
    """With a cursor event listener on the engine, reads go through SQLAlchemy so the listener sees them."""
    statements = _statements(store)
    seen: list[str] = []

    def listen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", listen)
    try:
        with store.engine.connect() as conn:
            for _, statement, params in statements:
                run_hot(conn, statement, params)
    finally:
        event.remove(store.engine, "before_cursor_execute", listen)
    assert len(seen) == len(statements)


def test_driver_errors_are_sqlalchemy_errors(tmp_path: Any) -> None:
    """A failing read raises SQLAlchemy's DBAPIError subclass, as ``execute`` would, not the bare driver error."""
    store = open_store(f"sqlite:///{tmp_path / 'x.db'}", "default", NOW, install_bundled=False)
    with store.engine.connect() as conn:
        conn.execute(text("DROP TABLE local_edit"))
        with pytest.raises(OperationalError, match="no such table: local_edit") as caught:
            run_hot(conn, _SHOWN, {"learner": store.learner_id, "card_pk": 1})
    assert isinstance(caught.value, DBAPIError)


def test_missing_parameters_and_row_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="expected one row, got 0"):
        HotResult([]).one()
    with pytest.raises(ValueError, match="expected one row, got 2"):
        HotResult([(1,), (2,)]).one()
    assert HotResult([]).first() is None and HotResult([]).scalar() is None
    assert HotResult([(7, 8)]).scalar() == 7


def test_a_required_parameter_left_out_is_named(tmp_path: Any) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'x.db'}", "default", NOW, install_bundled=False)
    with store.engine.connect() as conn, pytest.raises(KeyError, match="card_pk"):
        run_hot(conn, _SHOWN, {"learner": store.learner_id})


def _progress_versions(store: Store) -> list[tuple[int, int]]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT card_pk, version FROM progress ORDER BY card_pk"))]


def test_writes_follow_the_callers_commit_and_rollback(store: Store) -> None:
    """A write run as driver SQL is undone by the caller's rollback() and kept by its commit()."""
    before = _progress_versions(store)
    params = {"progress_id": 1, "expected_version": before[0][1], "new_version": before[0][1] + 1,
              "leech_flag": False, "changed_at": NOW}
    params |= {f"new_{name}": value for name, value in zip(study.STATE_FIELDS, (2, 0, 3.0, 5.0, NOW, NOW, 3, 2, 0))}
    with store.engine.connect() as conn:
        assert run_hot(conn, study._ANSWER_UPDATE, params).rowcount == 1
        conn.rollback()
    assert _progress_versions(store) == before
    with store.engine.connect() as conn:
        assert run_hot(conn, study._ANSWER_UPDATE, params).rowcount == 1
        conn.commit()
    after = _progress_versions(store)
    assert after[0] == (before[0][0], before[0][1] + 1) and after[1:] == before[1:]


def test_a_stale_answer_on_a_connection_writes_nothing(store: Store) -> None:
    with store.engine.connect() as conn:
        seen = study._card_and_progress(conn, store.learner_id, 2)
    with store.engine.connect() as conn:  # someone else answers card 2 meanwhile
        study.answer_card(conn, store.learner_id, 2, 3, NOW, 1000, seen[2])
    before = _progress_versions(store)
    with Session(store.engine) as session:
        reviews = session.execute(select(Review.id)).all()
    with store.engine.connect() as conn, pytest.raises(ConflictError):
        study.answer_card(conn, store.learner_id, 2, 1, NOW, 1000, seen[2], seen=seen)
    assert _progress_versions(store) == before
    with Session(store.engine) as session:
        assert session.execute(select(Review.id)).all() == reviews
