"""Anki's answering rules, one at a time, with a fixed clock."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from srs.scheduling import (
    KIND_LEARN,
    KIND_RELEARN,
    KIND_REVIEW,
    CardState,
    Rating,
    SchedulerSettings,
    State,
    answer,
    format_interval,
    leech_threshold_met,
    preview,
)

NOW = datetime(2025, 1, 6, 15, 0, tzinfo=timezone.utc)
UTC = SchedulerSettings(timezone="UTC")
CARD_ID = 1234


def test_importing_scheduling_is_cheap() -> None:
    code = (
        "import sys, srs.scheduling;"
        "heavy = [m for m in ('fsrs_rs_python', 'sqlmodel', 'sqlalchemy') if m in sys.modules];"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("bad", [datetime(2025, 1, 1), datetime(2025, 1, 1, tzinfo=ZoneInfo("Europe/Berlin"))])
def test_naive_or_non_utc_now_is_refused(bad: datetime) -> None:
    with pytest.raises(ValueError):
        answer(CardState(), Rating.GOOD, bad, UTC, CARD_ID)


def test_new_card_uses_the_learning_steps() -> None:
    out = preview(CardState(), NOW, UTC, CARD_ID)
    waits = [timedelta(minutes=1), timedelta(seconds=330), timedelta(minutes=10)]
    assert [out[r].interval for r in Rating][:3] == waits
    assert [out[r].state.state for r in Rating] == [State.LEARNING, State.LEARNING, State.LEARNING, State.REVIEW]
    assert [out[r].state.step for r in Rating] == [0, 0, 1, 0]
    assert all(a.kind == KIND_LEARN and a.prev_interval_days == 0 for a in out.values())
    assert out[Rating.EASY].interval_days == out[Rating.EASY].state.scheduled_days >= 1
    assert [format_interval(out[r].interval) for r in Rating][:3] == ["<1m", "<6m", "<10m"]


def test_learning_due_times_get_anki_learning_fuzz() -> None:
    good = answer(CardState(), Rating.GOOD, NOW, UTC, CARD_ID).state
    assert good.due is not None
    assert timedelta(minutes=10) <= good.due - NOW < timedelta(minutes=12, seconds=30)
    assert good.last_review == NOW and good.reps == 1


def test_hard_on_the_first_step_waits_between_the_first_two_steps() -> None:
    two = preview(CardState(), NOW, UTC, CARD_ID)[Rating.HARD]
    assert two.interval == timedelta(minutes=5, seconds=30)
    one = preview(CardState(), NOW, SchedulerSettings(timezone="UTC", learning_steps=(10.0,)), CARD_ID)[Rating.HARD]
    assert one.interval == timedelta(minutes=15)  # 1.5x the only step
    days = SchedulerSettings(timezone="UTC", learning_steps=(3 * 1440.0,))
    assert preview(CardState(), NOW, days, CARD_ID)[Rating.HARD].interval == timedelta(days=4)  # at most a day more


def test_hard_on_a_later_step_repeats_it_and_again_goes_back_to_the_first() -> None:
    card = answer(CardState(), Rating.GOOD, NOW, UTC, CARD_ID).state
    later = NOW + timedelta(minutes=11)
    out = preview(card, later, UTC, CARD_ID)
    assert (out[Rating.HARD].state.step, out[Rating.HARD].interval) == (1, timedelta(minutes=10))
    assert (out[Rating.AGAIN].state.step, out[Rating.AGAIN].interval) == (0, timedelta(minutes=1))


def test_good_on_the_last_step_graduates_with_the_fsrs_interval() -> None:
    card = answer(CardState(), Rating.GOOD, NOW, UTC, CARD_ID).state
    graduated = answer(card, Rating.GOOD, NOW + timedelta(minutes=11), UTC, CARD_ID)
    assert graduated.state.state == State.REVIEW
    assert graduated.interval_days == graduated.state.scheduled_days == 2  # FSRS's 2.3 days, rounded, unfuzzed
    assert graduated.state.due == datetime(2025, 1, 8, 4, tzinfo=timezone.utc)  # start of that learner-day


def test_review_intervals_are_ordered_a_day_apart_and_fuzzed() -> None:
    card = CardState(State.REVIEW, 0, 30.0, 5.0, NOW, NOW - timedelta(days=30), 30, 5, 0)
    out = preview(card, NOW, UTC, CARD_ID)
    hard, good, easy = (out[r].interval_days for r in (Rating.HARD, Rating.GOOD, Rating.EASY))
    assert hard < good < easy
    assert all(out[r].kind == KIND_REVIEW and out[r].prev_interval_days == 30 for r in Rating)
    again = out[Rating.AGAIN]
    assert again.state.state == State.RELEARNING and again.state.lapses == 1
    assert again.interval == timedelta(minutes=10) and again.interval_days == 0


def test_relearning_graduates_back_to_review() -> None:
    card = CardState(State.REVIEW, 0, 30.0, 5.0, NOW, NOW - timedelta(days=30), 30, 5, 0)
    lapsed = answer(card, Rating.AGAIN, NOW, UTC, CARD_ID).state
    back = answer(lapsed, Rating.GOOD, NOW + timedelta(minutes=10), UTC, CARD_ID)
    assert back.kind == KIND_RELEARN
    assert back.state.state == State.REVIEW and back.state.lapses == 1 and back.interval_days >= 1


def test_maximum_interval_caps_passing_grades() -> None:
    capped = SchedulerSettings(timezone="UTC", maximum_interval=10)
    card = CardState(State.REVIEW, 0, 300.0, 3.0, NOW, NOW - timedelta(days=300), 300, 9, 0)
    out = preview(card, NOW, capped, CARD_ID)
    assert [out[r].interval_days for r in (Rating.HARD, Rating.GOOD, Rating.EASY)] == [10, 10, 10]


@pytest.mark.parametrize(
    ("lapses", "threshold", "met"),
    [(7, 8, False), (8, 8, True), (9, 8, False), (12, 8, True), (16, 8, True), (3, 3, True), (4, 3, False),
     (5, 3, True), (1, 1, True), (2, 1, True), (0, 0, False)],
)
def test_leech_rule(lapses: int, threshold: int, met: bool) -> None:
    assert leech_threshold_met(lapses, threshold) is met


def test_the_eighth_lapse_makes_a_leech() -> None:
    card = CardState(State.REVIEW, 0, 3.0, 9.0, NOW, NOW - timedelta(days=3), 3, 20, 7)
    assert answer(card, Rating.AGAIN, NOW, UTC, CARD_ID).leech
    assert not answer(card, Rating.GOOD, NOW, UTC, CARD_ID).leech


@pytest.mark.parametrize(
    ("delta", "label"),
    [
        (timedelta(seconds=30), "<30s"),
        (timedelta(minutes=1), "<1m"),
        (timedelta(minutes=10), "<10m"),
        (timedelta(minutes=25), "25m"),
        (timedelta(hours=2, minutes=30), "2.5h"),
        (timedelta(hours=3), "3h"),
        (timedelta(days=1), "1d"),
        (timedelta(days=29), "29d"),
        (timedelta(days=97), "3.2mo"),
        (timedelta(days=400), "1.1y"),
        (timedelta(days=365), "1y"),
    ],
)
def test_button_labels(delta: timedelta, label: str) -> None:
    assert format_interval(delta) == label
