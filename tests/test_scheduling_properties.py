"""Properties of the scheduler over random cards, grades and times (hypothesis)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import example, given, settings
from hypothesis import strategies as st

from srs.scheduling import CardState, Rating, SchedulerSettings, State, answer, preview, replay

START = datetime(2024, 1, 1, 12, tzinfo=timezone.utc)
ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Australia/Sydney"]

histories = st.lists(
    st.tuples(st.sampled_from(list(Rating)), st.integers(0, 60 * 24 * 40)),  # grade, minutes after previous
    min_size=1,
    max_size=25,
)
scheduler_settings = st.builds(
    SchedulerSettings,
    desired_retention=st.sampled_from([0.7, 0.8, 0.9, 0.95, 0.99]),
    learning_steps=st.sampled_from([(), (10.0,), (1.0, 10.0), (1.0, 10.0, 60.0, 1440.0)]),
    relearning_steps=st.sampled_from([(), (10.0,), (10.0, 1440.0)]),
    timezone=st.sampled_from(ZONES),
    rollover_hour=st.integers(0, 23),
    maximum_interval=st.sampled_from([1, 7, 30, 365, 36500]),
)


def walk(history: list[tuple[Rating, int]]) -> list[tuple[Rating, datetime]]:
    moment = START
    out = []
    for rating, minutes in history:
        moment += timedelta(minutes=minutes)
        out.append((rating, moment))
    return out


@settings(max_examples=150, deadline=None)
@given(card_id=st.integers(1, 2**40), history=histories, s=scheduler_settings, probe=st.integers(1, 60 * 24 * 400))
# Found by hypothesis: a review card squeezed by a 7-day maximum (Hard 6, Good and Easy 7) and no relearning
# steps; Again took FSRS's lapse interval clamped to the maximum only, 7 days, longer than Hard.
@example(card_id=52427, history=[(Rating.GOOD, 0)] * 4,
         s=SchedulerSettings(desired_retention=0.7, learning_steps=(1.0, 10.0, 60.0, 1440.0), relearning_steps=(),
                             timezone="UTC", rollover_hour=0, maximum_interval=7), probe=1)
def test_intervals_are_ordered_and_within_the_maximum(
    card_id: int, history: list[tuple[Rating, int]], s: SchedulerSettings, probe: int
) -> None:
    card = replay(card_id, walk(history), s)
    assert card.last_review is not None
    outcomes = preview(card, card.last_review + timedelta(minutes=probe), s, card_id)
    waits = [outcomes[r].interval for r in Rating]
    assert waits == sorted(waits)  # Again <= Hard <= Good <= Easy
    for rating in (Rating.HARD, Rating.GOOD, Rating.EASY):
        assert outcomes[rating].interval_days <= s.maximum_interval
        if outcomes[rating].state.state == State.REVIEW:
            assert 1 <= outcomes[rating].state.scheduled_days <= s.maximum_interval
    if card.state == State.REVIEW:
        passing = [outcomes[r].interval_days for r in (Rating.HARD, Rating.GOOD, Rating.EASY)]
        assert passing == sorted(passing)
        if passing[2] < s.maximum_interval:  # unless the maximum squeezes them, a day apart at least
            assert passing[0] < passing[1] < passing[2]


@settings(max_examples=100, deadline=None)
@given(card_id=st.integers(1, 2**40), history=histories, s=scheduler_settings)
def test_replaying_the_log_rebuilds_the_state_and_is_deterministic(
    card_id: int, history: list[tuple[Rating, int]], s: SchedulerSettings
) -> None:
    log = walk(history)
    card = CardState()
    for rating, moment in log:
        result = answer(card, rating, moment, s, card_id)
        assert result.state.reps == card.reps + 1
        card = result.state
    assert replay(card_id, log, s) == card
    assert card.due is not None and card.due > log[-1][1] - timedelta(seconds=1)


@settings(max_examples=100, deadline=None)
@given(card_id=st.integers(1, 2**40), history=histories)
def test_answers_do_not_depend_on_anything_but_their_inputs(card_id: int, history: list[tuple[Rating, int]]) -> None:
    s = SchedulerSettings(timezone="Europe/Berlin")
    log = walk(history)
    assert replay(card_id, log, s) == replay(card_id, log, s)


@settings(max_examples=150, deadline=None)
@given(card_id=st.integers(1, 2**40), history=histories, s=scheduler_settings, probe=st.integers(1, 60 * 24 * 400))
def test_answering_gives_exactly_the_outcome_previewed(
    card_id: int, history: list[tuple[Rating, int]], s: SchedulerSettings, probe: int
) -> None:
    """``answer`` works out only the chosen rating's outcome (and what it depends on); it must equal the one the
    buttons showed for that rating."""
    card = replay(card_id, walk(history), s)
    assert card.last_review is not None
    moment = card.last_review + timedelta(minutes=probe)
    outcomes = preview(card, moment, s, card_id)
    assert {r: answer(card, r, moment, s, card_id) for r in Rating} == outcomes
