"""The study queue and answering on a real database: limits, order, exclusions, CAS, undo, replay."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from srs.store import card_flags
from srs.store import progress as study

from srs.store.settings import load_settings

from srs.store import queue
from srs.store.learners import get_or_create_learner
from srs.errors import ConflictError, NotFoundError
from srs.store.models import Card, Deck, Progress, Review, Setting
from srs.scheduling import CardState, Rating, SchedulerSettings, State, day_bounds

pytestmark = pytest.mark.backends("sqlite", "postgresql")  # each test on both: tests/pg.py

T0 = datetime(2025, 3, 3, 15, 0, tzinfo=timezone.utc)  # 10:00 in New York, a Monday
ZONE = "America/New_York"


@pytest.fixture
def learner(session: Session) -> int:
    learner_id = get_or_create_learner(session, "default", T0)
    session.add(Setting(learner_id=learner_id, key="timezone", value=ZONE))
    session.commit()
    return learner_id


def add_deck(session: Session, deck_id: str, cards: int) -> list[int]:
    session.add(Deck(id=deck_id, name=deck_id, version="1", content_hash="x", created_at=T0, updated_at=T0))
    session.flush()
    rows = [
        Card(deck_id=deck_id, card_id=f"c{i}", position=i, situation=f"s{i}", response="r", reasoning="why",
             content_hash="h", anki_guid=f"{deck_id}-{i}", created_at=T0, updated_at=T0)
        for i in range(cards)
    ]
    # Insert in reverse so primary keys do not follow deck order: the queue must use the position.
    session.add_all(reversed(rows))
    session.commit()
    return [row.id for row in sorted(rows, key=lambda r: r.position) if row.id is not None]


def settings(session: Session, learner_id: int) -> SchedulerSettings:
    return load_settings(session, learner_id)


def grade(session: Session, learner_id: int, card_pk: int, rating: Rating, now: datetime) -> study.Answered:
    progress = study.get_progress(session, learner_id, card_pk)
    version = progress.version if progress is not None else 0
    return study.answer_card(session, learner_id, card_pk, rating, now, 5_000, version)


def test_settings_come_from_rows_over_defaults(session: Session, learner: int) -> None:
    session.add(Setting(learner_id=learner, key="new_per_day", value=5))
    session.add(Setting(learner_id=learner, key="learning_steps", value=[2.0]))
    session.commit()
    loaded = settings(session, learner)
    assert (loaded.timezone, loaded.new_per_day, loaded.learning_steps) == (ZONE, 5, (2.0,))
    assert loaded.reviews_per_day == 200 and loaded.desired_retention == 0.9


def test_new_cards_come_in_deck_order_within_the_daily_limit(session: Session, learner: int) -> None:
    cards = add_deck(session, "d", 30)
    s = settings(session, learner)
    assert queue.queue_counts(session, learner, T0, s) == (20, 0, 0)
    assert queue.next_card(session, learner, T0, s) == cards[0]
    assert queue.next_card(session, learner, T0, s, exclude={cards[0]}) == cards[1]
    assert queue.next_card(session, learner, T0, s, new_limit=0) is None


def test_answering_writes_progress_and_one_review_row(session: Session, learner: int) -> None:
    cards = add_deck(session, "d", 3)
    done = grade(session, learner, cards[0], Rating.GOOD, T0)
    progress = study.get_progress(session, learner, cards[0])
    assert progress is not None and progress.version == 1
    assert study.card_state(progress) == done.answer.state
    assert progress.state == State.LEARNING and progress.step == 1
    review = session.get(Review, done.review_id)
    assert review is not None
    assert (review.rating, review.kind, review.duration_ms, review.origin) == (3, 0, 5_000, "terminal")
    assert review.prev_state == {"row": False}
    assert review.reviewed_at == T0


def test_daily_limits_count_what_was_done_today(session: Session, learner: int) -> None:
    cards = add_deck(session, "d", 30)
    session.add(Setting(learner_id=learner, key="new_per_day", value=3))
    session.commit()
    s = settings(session, learner)
    for offset, card in enumerate(cards[:2]):
        grade(session, learner, card, Rating.EASY, T0 + timedelta(minutes=offset))
    later = T0 + timedelta(hours=1)
    assert queue.queue_counts(session, learner, later, s).new == 1
    grade(session, learner, cards[2], Rating.EASY, later)
    assert queue.queue_counts(session, learner, later, s).new == 0
    assert queue.next_card(session, learner, later, s) is None
    # 03:59 New York is still the same learner-day; 04:00 starts the next one.
    start, end = day_bounds(T0, ZONE, 4)
    assert queue.queue_counts(session, learner, end - timedelta(seconds=1), s).new == 0
    assert queue.queue_counts(session, learner, end, s).new == 3


def test_learning_cards_first_reviews_next_new_last_and_learn_ahead_when_idle(session: Session, learner: int) -> None:
    cards = add_deck(session, "d", 4)
    s = settings(session, learner)
    grade(session, learner, cards[0], Rating.GOOD, T0)  # learning, due in ~10 minutes
    grade(session, learner, cards[1], Rating.EASY, T0)  # review, due in days
    review_day = study.get_progress(session, learner, cards[1])
    assert review_day is not None and review_day.due is not None
    # Right after: the learning card is not due yet, so new cards come first; it is learnt ahead when idle.
    now = T0 + timedelta(minutes=1)
    assert queue.next_card(session, learner, now, s) == cards[2]
    assert queue.next_card(session, learner, now, s, new_limit=0) == cards[0]
    assert queue.queue_counts(session, learner, now, s).learning == 1
    # Once due, the learning card comes first.
    assert queue.next_card(session, learner, T0 + timedelta(minutes=15), s) == cards[0]
    # On the review's day, the review comes before new cards.
    on_due = review_day.due + timedelta(hours=6)
    grade(session, learner, cards[0], Rating.EASY, T0 + timedelta(minutes=15))
    first = queue.next_card(session, learner, on_due, s)
    assert first in (cards[0], cards[1])
    assert queue.queue_counts(session, learner, on_due, s).due >= 1


def test_suspended_buried_and_retired_cards_are_skipped(session: Session, learner: int) -> None:
    cards = add_deck(session, "d", 4)
    s = settings(session, learner)
    card_flags.suspend(session, learner, cards[0])
    until = card_flags.bury_until_tomorrow(session, learner, cards[1], T0, s)
    retired = session.get(Card, cards[2])
    assert retired is not None
    retired.retired = True
    session.commit()
    assert until == day_bounds(T0, ZONE, 4)[1]
    assert queue.next_card(session, learner, T0, s) == cards[3]
    assert queue.queue_counts(session, learner, T0, s).new == 1
    # The buried card is back the next learner-day; the suspended one stays away until resumed.
    assert queue.queue_counts(session, learner, until, s).new == 2
    card_flags.suspend(session, learner, cards[0], suspended=False)
    session.commit()
    assert queue.next_card(session, learner, until, s) == cards[0]


def test_deck_filter(session: Session, learner: int) -> None:
    first = add_deck(session, "a", 2)
    second = add_deck(session, "b", 2)
    s = settings(session, learner)
    assert queue.next_card(session, learner, T0, s, deck_id="b") == second[0]
    assert queue.queue_counts(session, learner, T0, s, deck_id="a") == (2, 0, 0)
    assert queue.next_card(session, learner, T0, s) == first[0]


def test_review_limit_also_caps_new_cards(session: Session, learner: int) -> None:
    cards = add_deck(session, "d", 6)
    session.add(Setting(learner_id=learner, key="reviews_per_day", value=2))
    session.commit()
    s = settings(session, learner)
    for card in cards[:3]:
        grade(session, learner, card, Rating.EASY, T0)
    due_day = T0 + timedelta(days=40)
    counts = queue.queue_counts(session, learner, due_day, s)
    assert counts.due == 2 and counts.new == 0


def test_stale_version_is_a_conflict_and_writes_nothing(session: Session, learner: int) -> None:
    cards = add_deck(session, "d", 1)
    grade(session, learner, cards[0], Rating.GOOD, T0)
    with pytest.raises(ConflictError):
        study.answer_card(session, learner, cards[0], Rating.GOOD, T0 + timedelta(minutes=11), 1000, 0)
    assert session.execute(select(func.count()).select_from(Review)).scalar_one() == 1
    progress = study.get_progress(session, learner, cards[0])
    assert progress is not None and progress.version == 1


def test_first_answer_racing_another_is_a_conflict(session: Session, learner: int) -> None:
    cards = add_deck(session, "d", 1)
    grade(session, learner, cards[0], Rating.GOOD, T0)
    with pytest.raises(ConflictError):
        study.answer_card(session, learner, cards[0], Rating.AGAIN, T0, 1000, expected_version=0)


def test_unknown_card_is_not_found(session: Session, learner: int) -> None:
    with pytest.raises(NotFoundError):
        study.answer_card(session, learner, 999, Rating.GOOD, T0, 0, 0)


def test_naive_now_is_refused(session: Session, learner: int) -> None:
    with pytest.raises(ValueError, match="naive"):
        queue.queue_counts(session, learner, datetime(2025, 1, 1), settings(session, learner))


def _row(progress: Progress | None) -> dict[str, Any]:
    assert progress is not None
    return {name: getattr(progress, name) for name in study.ROW_FIELDS}


def test_undo_restores_the_previous_state_exactly(session: Session, learner: int) -> None:
    cards = add_deck(session, "d", 1)
    grade(session, learner, cards[0], Rating.GOOD, T0)
    grade(session, learner, cards[0], Rating.GOOD, T0 + timedelta(minutes=10))
    before = _row(study.get_progress(session, learner, cards[0]))
    done = grade(session, learner, cards[0], Rating.AGAIN, T0 + timedelta(days=3))
    assert study.undo_last(session, learner) == cards[0]
    progress = study.get_progress(session, learner, cards[0])
    assert _row(progress) == before
    assert progress is not None and progress.version == 4  # never reused, so stale answers stay refused
    assert session.get(Review, done.review_id) is None


def test_undo_by_id_never_takes_back_another_sessions_later_grade(session: Session, learner: int) -> None:
    cards = add_deck(session, "d", 2)
    mine = grade(session, learner, cards[0], Rating.GOOD, T0)
    other_card = grade(session, learner, cards[1], Rating.GOOD, T0 + timedelta(minutes=1))
    # Another session's later answer on a different card does not stop this session undoing its own.
    assert study.undo_last(session, learner, mine.review_id) == cards[0]
    assert session.get(Review, other_card.review_id) is not None
    again = grade(session, learner, cards[1], Rating.AGAIN, T0 + timedelta(minutes=2))
    # The card was answered again after other_card: undoing other_card would lose that grade.
    with pytest.raises(ConflictError, match="answered again"):
        study.undo_last(session, learner, other_card.review_id)
    assert session.get(Review, again.review_id) is not None


def test_undoing_the_first_answer_makes_the_card_new_again(session: Session, learner: int) -> None:
    cards = add_deck(session, "d", 2)
    s = settings(session, learner)
    grade(session, learner, cards[0], Rating.GOOD, T0)
    assert study.undo_last(session, learner) == cards[0]
    assert study.card_state(study.get_progress(session, learner, cards[0])) == CardState()
    assert queue.next_card(session, learner, T0, s) == cards[0]
    assert queue.queue_counts(session, learner, T0, s).new == 2
    assert study.undo_last(session, learner) is None


def test_undo_leaves_anki_imports_alone(session: Session, learner: int) -> None:
    cards = add_deck(session, "d", 1)
    session.add(Review(learner_id=learner, card_pk=cards[0], rating=3, reviewed_at=T0, origin="anki", anki_id=1))
    session.commit()
    assert study.undo_last(session, learner) is None


def test_leech_is_flagged_at_the_threshold(session: Session, learner: int) -> None:
    cards = add_deck(session, "d", 1)
    session.add(Setting(learner_id=learner, key="leech_threshold", value=2))
    session.add(Setting(learner_id=learner, key="relearning_steps", value=[]))
    session.commit()
    now = T0
    grade(session, learner, cards[0], Rating.EASY, now)
    leeches = []
    for _ in range(3):
        progress = study.get_progress(session, learner, cards[0])
        assert progress is not None and progress.due is not None
        now = max(now, progress.due) + timedelta(hours=8)
        if progress.state == State.REVIEW:
            leeches.append(grade(session, learner, cards[0], Rating.AGAIN, now).answer.leech)
        else:
            grade(session, learner, cards[0], Rating.GOOD, now)
    progress = study.get_progress(session, learner, cards[0])
    assert progress is not None and progress.leech
    assert True in leeches


def test_replaying_the_log_rebuilds_the_stored_state(session: Session, learner: int) -> None:
    cards = add_deck(session, "d", 3)
    s = settings(session, learner)
    now = T0
    pattern = [Rating.GOOD, Rating.GOOD, Rating.HARD, Rating.AGAIN, Rating.GOOD, Rating.EASY, Rating.GOOD]
    for rating in pattern * 2:
        for card in cards:
            grade(session, learner, card, rating, now)
        progress = study.get_progress(session, learner, cards[0])
        assert progress is not None and progress.due is not None
        now = max(now + timedelta(minutes=1), progress.due + timedelta(minutes=30))
    for card in cards:
        stored = study.card_state(study.get_progress(session, learner, card))
        assert study.rebuild_state(session, learner, card, s) == stored


def test_counts_by_deck_equal_the_queue_counts_of_each_deck(session: Session, learner: int) -> None:
    """The status screen counts every deck at once; each deck's numbers must be the review queue's own."""
    a, b, c = add_deck(session, "a", 30), add_deck(session, "b", 12), add_deck(session, "c", 3)
    session.add(Setting(learner_id=learner, key="reviews_per_day", value=6))
    session.commit()
    s = settings(session, learner)
    for card in a[:5] + b[:4]:
        grade(session, learner, card, Rating.EASY, T0)  # review cards, due in a few days
    grade(session, learner, a[5], Rating.GOOD, T0)  # learning
    grade(session, learner, c[0], Rating.AGAIN, T0)  # learning
    card_flags.suspend(session, learner, b[5])
    session.commit()
    for now in (T0 + timedelta(minutes=1), T0 + timedelta(minutes=30), T0 + timedelta(days=6), T0 + timedelta(days=60)):
        per_deck, total = queue.queue_counts_by_deck(session, learner, now, s, ["a", "b", "c"])
        assert total == queue.queue_counts(session, learner, now, s), now
        for deck_id in ("a", "b", "c"):
            assert per_deck[deck_id] == queue.queue_counts(session, learner, now, s, deck_id), (now, deck_id)
    # The review limit caps due cards (6 of 9 due) and leaves no room for new ones.
    assert total.due == 6 and total.new == 0


def test_queue_state_is_queue_counts_and_next_card_together(session: Session, learner: int) -> None:
    """Over several days of answers (new, learning, relearning, due reviews, both daily limits reached), with and
    without a deck filter and new cards, queue_state gives exactly what queue_counts and next_card give."""
    import random

    cards = add_deck(session, "a", 20) + add_deck(session, "b", 12)
    session.add(Setting(learner_id=learner, key="new_per_day", value=6))
    session.add(Setting(learner_id=learner, key="reviews_per_day", value=9))
    session.commit()
    s = settings(session, learner)
    rng = random.Random(7)
    checked = set()
    moment = T0
    for step in range(160):
        moment += timedelta(minutes=rng.choice([1, 7, 30, 240, 600]))
        for deck_id in (None, "a", "b"):
            for new_limit in (None, 0):
                state = queue.queue_state(session, learner, moment, s, deck_id, new_limit)
                assert state.counts == queue.queue_counts(session, learner, moment, s, deck_id), (step, deck_id)
                assert state.next_card == queue.next_card(session, learner, moment, s, deck_id, new_limit), step
                checked.add((state.next_card is None, state.counts.new > 0, state.counts.learning > 0,
                             state.counts.due > 0))
        nxt = queue.next_card(session, learner, moment, s)
        if nxt is not None:
            grade(session, learner, nxt, Rating(rng.choice([1, 3, 3, 3, 4])), moment)
    # The walk went through queues with and without each kind of card, and through empty ones.
    assert len(checked) >= 6, checked
