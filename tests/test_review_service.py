"""The database side of ``srs review`` (``DbReviewService``): the header's counts come with each card, are not
asked again on a redraw, and are asked afresh after anything that changes them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session

from helpers import demo_store
from srs.store import progress as study
from srs.store import queue
from srs.app import Store
from srs.review import Counts, LazyPreviews
from srs.review_service import DbReviewService
from srs.scheduling import format_interval

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(any_db_url: str) -> Store:
    """The 3-card demo deck, no bundled deck, on SQLite and on PostgreSQL."""
    return demo_store(any_db_url, NOW)


def test_counts_come_with_the_card_and_are_refreshed_after_changes(store: Store) -> None:
    clock = [NOW]
    service = DbReviewService.open(store.engine, store.learner_id, lambda: clock[0])

    def expected() -> Counts:
        with Session(store.engine) as session:
            return queue.queue_counts(session, store.learner_id, clock[0], service.settings)

    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    card = service.next_card(True)
    assert card is not None
    event.listen(store.engine, "before_cursor_execute", count)
    try:
        assert service.counts() == expected() and service.counts().new == 3
        statements.clear()
        assert service.counts() == service.counts()  # a redraw: no statement
        assert statements == []
        service.grade(card, 1, 3000)  # Again: the card goes to learning
        clock[0] += timedelta(seconds=5)
        assert service.counts() == expected() == Counts(new=2, learning=1, due=0)
        card = service.next_card(True)
        assert card is not None and service.counts() == expected()
        service.suspend(card)
        assert service.counts() == expected()
        assert service.undo() is not None
        assert service.counts() == expected()
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


def test_previews_are_computed_once_when_first_read() -> None:
    calls: list[int] = []

    def compute() -> dict[int, str]:
        calls.append(1)
        return {1: "<1m", 3: "<10m"}

    previews = LazyPreviews(compute)
    assert calls == []
    assert previews.get(3) == "<10m" and dict(previews) == {1: "<1m", 3: "<10m"} and len(previews) == 2
    assert previews.get(2, "") == "" and calls == [1]


def test_the_buttons_intervals_are_those_of_the_moment_the_answer_is_shown(store: Store) -> None:
    """A review card's intervals grow with the time since its last review: the labels are computed for the
    moment the answer is shown, not the moment the question was."""
    clock = [NOW]
    service = DbReviewService.open(store.engine, store.learner_id, lambda: clock[0])
    first = service.next_card(True)
    assert first is not None
    service.grade(first, 4, 3000)  # Easy: straight to review, due in days

    def labels(at: datetime) -> dict[int, str]:
        with Session(store.engine) as session:
            outcomes, _ = study.preview_card(session, store.learner_id, first.view.pk, at, service.settings)
        return {int(r): format_interval(a.interval) for r, a in outcomes.items()}

    clock[0] = NOW + timedelta(days=30)
    card = service.next_card(False)  # no new cards: the review card, now due
    assert card is not None and card.view.pk == first.view.pk and card.queue == "due"
    shown_at = clock[0]
    clock[0] = NOW + timedelta(days=90)  # the learner looks at the question for a long time
    assert dict(card.previews) == labels(clock[0]) != labels(shown_at)
