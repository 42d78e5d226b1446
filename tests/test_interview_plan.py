"""The interview plan (srs.scheduling.interview) and the FSRS formulas it plans with (srs.scheduling.memory)."""

from __future__ import annotations

import random
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import fsrs_rs_python as frs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from srs.scheduling import CardState, Rating, SchedulerSettings, State, answer, learner_day, replay
from srs.scheduling import days as _days
from srs.scheduling import interview, memory
from srs.scheduling.interview import EMPTY_PLAN, PlanCard, plan_day, readiness

UTC = timezone.utc
# FSRS-6 parameters fitted to the review log in tests/data (as in benchmarks/interview.py), and an FSRS-4.5 set
# (17 numbers) and an FSRS-5 set (19), to check that both are filled the way fsrs-rs fills them.
FITTED = (0.1726, 0.8326, 2.4851, 6.3079, 6.5383, 0.5241, 3.1816, 0.0269, 1.6629, 0.2612, 0.6194, 1.5809, 0.0423,
          0.3833, 1.798, 0.6014, 1.8729, 0.8313, 0.1011, 0.1463, 0.2433)
FSRS45 = (0.4, 0.6, 2.4, 5.8, 4.93, 0.94, 0.86, 0.01, 1.49, 0.14, 0.94, 2.18, 0.05, 0.34, 1.26, 0.29, 2.61)
FSRS5 = (*FSRS45, 0.5, 0.3)
PARAMETER_SETS = [None, FITTED, FSRS45, FSRS5]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(day: date, hour: int, zone: str, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=_days.zone(zone)).astimezone(UTC)


# -- the memory formulas ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("parameters", PARAMETER_SETS)
def test_parameters_are_filled_as_fsrs_rs_fills_them(parameters: tuple[float, ...] | None) -> None:
    expected = frs.DEFAULT_PARAMETERS if parameters is None else frs.check_and_fill_parameters(list(parameters))
    assert memory.filled(parameters) == pytest.approx(list(expected), rel=1e-6)


def test_a_parameter_set_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="17, 19 or 21"):
        memory.filled((0.1, 0.2))


@pytest.mark.parametrize("parameters", PARAMETER_SETS)
def test_memory_after_an_answer_matches_fsrs_rs(parameters: tuple[float, ...] | None) -> None:
    fsrs = frs.FSRS(list(memory.filled(parameters)))
    model = memory.model(parameters)
    rng = random.Random(7)
    first = fsrs.next_states(None, 0.9, 0)
    for rating, item in enumerate((first.again, first.hard, first.good, first.easy), start=1):
        assert model.first(rating) == pytest.approx((item.memory.stability, item.memory.difficulty), rel=1e-5)
    for _ in range(400):
        stability, difficulty = 10 ** rng.uniform(-2, 3), rng.uniform(1, 10)
        elapsed = rng.choice([0, 0, 1, 2, 5, 30, rng.randrange(0, 2000)])
        states = fsrs.next_states(frs.MemoryState(stability, difficulty), 0.9, elapsed)
        for rating, item in enumerate((states.again, states.hard, states.good, states.easy), start=1):
            ours = model.after(stability, difficulty, elapsed, rating)
            assert ours == pytest.approx((item.memory.stability, item.memory.difficulty), rel=1e-4)


@pytest.mark.parametrize("parameters", PARAMETER_SETS)
@pytest.mark.parametrize("retention", [0.8, 0.9, 0.95, 0.99])
def test_the_forgetting_curve_falls_to_fsrs_rs_intervals_retention(
    parameters: tuple[float, ...] | None, retention: float
) -> None:
    fsrs = frs.FSRS(list(memory.filled(parameters)))
    model = memory.model(parameters)
    for stability in (0.3, 2.3, 41.0, 900.0):
        days = model.days_until(retention, stability)
        assert days == pytest.approx(fsrs.next_interval(stability, retention, 3), rel=1e-4)
        assert model.recall(days, stability) == pytest.approx(retention, abs=1e-9)
    assert model.recall(0.0, 5.0) == 1.0
    assert model.recall(5.0, 5.0) == pytest.approx(0.9)


# -- readiness ----------------------------------------------------------------------------------------------------

INTERVIEW = utc(2026, 12, 4, 9)  # Friday 10:00 in Berlin


def reviewed(key: int, stability: float, days_before: float, due_in_days: float = 30.0) -> PlanCard:
    """A review card last answered ``days_before`` the interview, due ``due_in_days`` after that answer."""
    last = INTERVIEW - timedelta(days=days_before)
    return PlanCard(key, State.REVIEW, stability, 5.0, last, last + timedelta(days=due_in_days))


def test_readiness_counts_cards_at_the_target_and_new_cards_as_zero() -> None:
    model = memory.model(None)
    fresh = reviewed(1, 50.0, 1.0)  # recall ~0.997
    fading = reviewed(2, 5.0, 5.0)  # recall exactly 0.9: stability is the time to 0.9
    cards = [fresh, fading, PlanCard(3)]
    result = readiness(cards, INTERVIEW, 0.95)
    assert (result.cards, result.ready) == (3, 1)
    assert result.predicted_recall_min == 0.0
    expected = (model.recall(1.0, 50.0) + 0.9) / 3
    assert result.predicted_recall_mean == pytest.approx(expected)
    assert readiness([], INTERVIEW).cards == 0


def test_readiness_uses_the_learners_parameters() -> None:
    card = reviewed(1, 5.0, 10.0)
    assert readiness([card], INTERVIEW, parameters=FITTED).predicted_recall_mean != pytest.approx(
        readiness([card], INTERVIEW).predicted_recall_mean
    )


# -- plan_day on chosen cases -------------------------------------------------------------------------------------

BERLIN = SchedulerSettings(timezone="Europe/Berlin")


def test_no_interview_or_a_past_one_gives_the_empty_plan() -> None:
    cards = [PlanCard(1), reviewed(2, 3.0, 4.0, due_in_days=2.0)]
    now = INTERVIEW - timedelta(days=3)
    assert plan_day(cards, None, now, BERLIN) is EMPTY_PLAN
    assert plan_day(cards, now - timedelta(minutes=1), now, BERLIN) is EMPTY_PLAN
    assert EMPTY_PLAN.empty and not EMPTY_PLAN.introduce and not EMPTY_PLAN.due_overrides
    for card in cards:
        assert EMPTY_PLAN.effective_due(card.key, card.due, card.last_review) == card.due


def test_naive_or_non_utc_times_are_refused() -> None:
    with pytest.raises(ValueError, match="now"):
        plan_day([], INTERVIEW, datetime(2026, 12, 1, 8), BERLIN)
    with pytest.raises(ValueError, match="interview_at"):
        plan_day([], datetime(2026, 12, 4, 10), utc(2026, 12, 1, 8), BERLIN)
    with pytest.raises(ValueError, match="between 0 and 1"):
        plan_day([], INTERVIEW, utc(2026, 12, 1, 8), BERLIN, target=1.5)


def test_new_cards_are_spread_over_the_days_left() -> None:
    cards = [PlanCard(i) for i in range(24)]
    first_morning = INTERVIEW - timedelta(days=7, hours=2)  # 08:00 Berlin, a week before
    plan = plan_day(cards, INTERVIEW, first_morning, BERLIN)
    assert 0 < len(plan.introduce) < 24
    assert plan.introduce == tuple(range(len(plan.introduce)))  # deck order
    assert plan.extra_new == 0 and not plan.too_little_time


def test_a_near_date_asks_for_more_new_cards_than_new_per_day_and_says_so() -> None:
    cards = [PlanCard(i) for i in range(40)]
    plan = plan_day(cards, INTERVIEW, INTERVIEW - timedelta(days=2, hours=2), BERLIN)
    assert len(plan.introduce) > BERLIN.new_per_day
    assert plan.extra_new == len(plan.introduce) - BERLIN.new_per_day
    assert not plan.too_little_time


def test_too_little_time_is_flagged_and_reviews_come_most_at_risk_first() -> None:
    morning = INTERVIEW - timedelta(hours=2)  # the interview morning: nothing new can be learned in time
    weak = reviewed(1, 1.0, 3.0, due_in_days=1.0)
    weaker = reviewed(2, 0.5, 3.0, due_in_days=1.0)
    plan = plan_day([weak, weaker, PlanCard(3)], INTERVIEW, morning, BERLIN)
    assert plan.too_little_time
    assert plan.introduce == (3,)
    assert plan.review_today == (2, 1)
    limited = SchedulerSettings(timezone="Europe/Berlin", reviews_per_day=40)  # 10 new cards a day at most
    many = [PlanCard(i) for i in range(200)]
    plan = plan_day(many, INTERVIEW, INTERVIEW - timedelta(days=2, hours=2), limited)
    assert plan.too_little_time and len(plan.introduce) == 20  # new_per_day, the larger of the two limits


def test_a_card_ready_for_the_interview_is_not_reviewed_before_it() -> None:
    now = INTERVIEW - timedelta(days=4, hours=2)
    card = reviewed(1, 200.0, 6.0, due_in_days=3.0)  # FSRS wants it in two days; recall at the interview ~0.99
    plan = plan_day([card], INTERVIEW, now, BERLIN)
    assert plan.due_overrides == {1: INTERVIEW}
    assert plan.review_today == ()


def test_a_card_that_would_fall_below_the_aim_is_brought_forward() -> None:
    now = INTERVIEW - timedelta(days=4, hours=2)
    card = reviewed(1, 4.0, 6.0, due_in_days=8.0)  # due after the interview, recall there ~0.88
    plan = plan_day([card], INTERVIEW, now, BERLIN)
    planned = plan.due_overrides[1]
    assert now <= planned < INTERVIEW
    model = memory.model(None)
    elapsed = _days.days_elapsed(card.last_review or now, planned, "Europe/Berlin", 4)
    stability, _ = model.after(4.0, 5.0, max(elapsed, 0), 3)
    assert model.recall((INTERVIEW - planned).total_seconds() / 86400, stability) >= interview.plan_aim(0.95)
    # ... and not earlier than it has to be: a Good answer the day before the planned one falls short.
    earlier = planned - timedelta(days=1)
    if earlier >= now:
        elapsed = _days.days_elapsed(card.last_review or now, earlier, "Europe/Berlin", 4)
        stability, _ = model.after(4.0, 5.0, elapsed, 3)
        assert model.recall((INTERVIEW - earlier).total_seconds() / 86400, stability) < interview.plan_aim(0.95)


def test_the_final_pass_takes_the_cards_short_of_the_aim() -> None:
    morning = INTERVIEW - timedelta(hours=2)
    aim = interview.plan_aim(0.95)
    assert 0.95 < aim < 1.0
    model = memory.model(None)
    below = reviewed(1, 30.0, model.days_until(aim - 0.01, 30.0), due_in_days=40.0)
    above = reviewed(2, 30.0, model.days_until(aim + 0.005, 30.0), due_in_days=40.0)
    plan = plan_day([below, above], INTERVIEW, morning, BERLIN)
    assert plan.due_overrides == {1: morning}
    assert plan.review_today == (1,)
    # A day earlier the card above the aim needs nothing either.
    assert 2 not in plan_day([below, above], INTERVIEW, morning - timedelta(days=1), BERLIN).review_today


def test_an_override_holds_until_the_card_is_answered() -> None:
    now = INTERVIEW - timedelta(days=4, hours=2)
    card = reviewed(1, 4.0, 6.0, due_in_days=8.0)
    plan = plan_day([card], INTERVIEW, now, BERLIN)
    assert plan.effective_due(1, card.due, card.last_review) == plan.due_overrides[1]
    answered_at = now + timedelta(minutes=5)
    later_due = answered_at + timedelta(days=10)
    assert plan.effective_due(1, later_due, answered_at) == later_due


def test_plans_for_two_interviews_combine_to_the_earlier_due_time() -> None:
    now = INTERVIEW - timedelta(days=4, hours=2)
    card = reviewed(1, 4.0, 6.0, due_in_days=8.0)
    soon = plan_day([card], INTERVIEW, now, BERLIN)
    later = plan_day([card, PlanCard(2)], INTERVIEW + timedelta(days=20), now, BERLIN)
    both = interview.combine([later, soon, EMPTY_PLAN], [card, PlanCard(2)], new_per_day=0)
    assert both.due_overrides[1] == min(soon.due_overrides[1], later.due_overrides.get(1, card.due or now))
    assert both.introduce == later.introduce
    assert both.interview_at == INTERVIEW and both.readiness == soon.readiness
    assert both.extra_new == len(both.introduce)
    assert interview.combine([EMPTY_PLAN], [card], 20) is EMPTY_PLAN
    assert interview.combine([later], [card], 20) is later


# -- properties over random histories, dates and time zones --------------------------------------------------------

ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata"]
# Start days just before a DST change in one of the zones, and ordinary ones.
STARTS = [date(2026, 3, 5), date(2026, 3, 25), date(2026, 10, 20), date(2026, 10, 30), date(2026, 4, 1),
          date(2026, 6, 15), date(2026, 9, 30)]


@dataclass
class Case:
    settings: SchedulerSettings
    sitting_hour: int  # local hour the learner studies at every day (after the rollover)
    interview_hour: int
    days: int
    start: date
    histories: list[list[tuple[Rating, int]]]  # per card: grades and minutes after the previous (empty: new)
    target: float


cases = st.builds(
    lambda zone, rollover, sit, after, days, start, histories, target, steps: Case(
        SchedulerSettings(timezone=zone, rollover_hour=rollover, learning_steps=steps), rollover + 1 + sit,
        rollover + 2 + sit + after, days, start, histories, target),
    zone=st.sampled_from(ZONES),
    rollover=st.integers(0, 5),
    sit=st.integers(0, 5),
    after=st.integers(0, 10),
    days=st.integers(1, 21),
    start=st.sampled_from(STARTS),
    histories=st.tuples(
        st.lists(st.lists(st.tuples(st.sampled_from(list(Rating)), st.integers(1, 60 * 24 * 20)), min_size=1,
                          max_size=6), max_size=6),
        st.integers(0, 12),
    ).map(lambda studied_and_new: [*studied_and_new[0], *[[]] * studied_and_new[1]]),
    target=st.sampled_from([0.8, 0.9, 0.95, 0.97]),
    steps=st.sampled_from([(1.0, 10.0), (), (10.0, 1440.0)]),
)


def prior_state(card_id: int, history: list[tuple[Rating, int]], first_sitting: datetime,
                s: SchedulerSettings) -> CardState:
    """The card's state from a history that ends before the first sitting (minutes counted back from it)."""
    total = sum(minutes for _, minutes in history)
    moment = first_sitting - timedelta(minutes=total + 1)
    log = []
    for rating, minutes in history:
        log.append((rating, moment))
        moment += timedelta(minutes=minutes)
    return replay(card_id, log, s)


def as_plan_card(key: int, state: CardState) -> PlanCard:
    return PlanCard(key, state.state, state.stability, state.difficulty, state.last_review, state.due)


def study_until_the_interview(case: Case) -> tuple[datetime, list[CardState], list[interview.DayPlan]]:
    """A diligent learner: every day at the same hour, a plan, then everything it shows, never forgotten."""
    s, zone = case.settings, case.settings.timezone
    interview_at = local(case.start + timedelta(days=case.days), case.interview_hour, zone)
    first = local(case.start, case.sitting_hour, zone)
    cards = [prior_state(i + 1, h, first, s) for i, h in enumerate(case.histories)]
    rng = random.Random(case.days)
    plans = []
    day = case.start
    while (now := local(day, case.sitting_hour, zone)) < interview_at:
        plan = plan_day([as_plan_card(i, c) for i, c in enumerate(cards)], interview_at, now, s, case.target)
        plans.append(plan)
        assert all(moment >= now for moment in plan.due_overrides.values())  # nothing planned in the past
        assert set(plan.introduce) <= {i for i, c in enumerate(cards) if c.state == State.NEW}
        shown = set(plan.introduce)
        end = _days.next_day_start(now, zone, s.rollover_hour)
        for _ in range(200):  # a sitting: the due cards, the new ones, learning steps within the learn-ahead limit
            ahead = now + timedelta(minutes=s.learn_ahead_minutes)
            due = [i for i, c in enumerate(cards) if c.state != State.NEW
                   and (plan.effective_due(i, c.due, c.last_review) or end) < (end if c.state == State.REVIEW
                                                                               else ahead)]
            pick = due[0] if due else next((i for i in shown if cards[i].state == State.NEW), None)
            if pick is None:
                break
            rating = rng.choice([Rating.HARD, Rating.GOOD, Rating.EASY])
            cards[pick] = answer(cards[pick], rating, now, s, pick + 1).state
            now += timedelta(seconds=30)
        day += timedelta(days=1)
    return interview_at, cards, plans


@settings(max_examples=60, deadline=None)
@given(case=cases)
@example(case=Case(SchedulerSettings(timezone="America/New_York"), 8, 10, 5, date(2026, 3, 5),
                   [[], [], [(Rating.GOOD, 10), (Rating.GOOD, 60 * 24 * 3)]], 0.95))  # DST starts 8 March
@example(case=Case(SchedulerSettings(timezone="Australia/Sydney", rollover_hour=2), 3, 5, 3, date(2026, 4, 3),
                   [[], [(Rating.AGAIN, 10)]], 0.95))  # DST ends 5 April; an interview 3 hours after the rollover
@example(case=Case(SchedulerSettings(timezone="Europe/Berlin"), 8, 10, 2, date(2026, 6, 15), [[]] * 4, 0.95))
def test_a_learner_who_follows_the_plan_is_ready_at_the_interview(case: Case) -> None:
    """Following the plan, answering what it shows (never forgetting), every card of the interview's decks is
    predicted at or above the target at the interview: none is left for after it below the target."""
    interview_at, cards, plans = study_until_the_interview(case)
    model = memory.model(case.settings.fsrs_parameters)
    for card in cards:
        assert card.state != State.NEW
        assert card.stability is not None and card.last_review is not None
        recall = model.recall((interview_at - card.last_review).total_seconds() / 86400, card.stability)
        assert recall >= case.target
    # With a day or more before the final pass, every new card is learned before it: no plan is short of time.
    final_day = learner_day(interview_at - interview.FINAL_PASS_LEAD, case.settings.timezone,
                            case.settings.rollover_hour)
    assert plans[0].made_at is not None
    first_day = learner_day(plans[0].made_at, case.settings.timezone, case.settings.rollover_hour)
    assert any(plan.too_little_time for plan in plans) == (first_day >= final_day and bool(plans[0].introduce))


@settings(max_examples=100, deadline=None)
@given(case=cases, hours=st.integers(-72, 24 * 40))
def test_each_days_plan_leaves_no_card_below_the_target_after_the_interview(case: Case, hours: int) -> None:
    """On any day, for any history: a card predicted below the target at the interview is planned before it;
    nothing is planned in the past; with no interview (or after it) the plan is empty."""
    s = case.settings
    now = local(case.start, case.sitting_hour, s.timezone)
    states = [prior_state(i + 1, h, now, s) for i, h in enumerate(case.histories)]
    cards = [as_plan_card(i, c) for i, c in enumerate(states)]
    interview_at = now + timedelta(hours=hours, minutes=7)
    plan = plan_day(cards, interview_at, now, s, case.target)
    if interview_at <= now:
        assert plan is EMPTY_PLAN
    assert plan_day(cards, None, now, s, case.target) is EMPTY_PLAN
    if plan.empty:
        assert all(plan.effective_due(c.key, c.due, c.last_review) == c.due for c in cards)
        return
    assert all(moment >= now for moment in plan.due_overrides.values())
    for card in cards:
        if card.is_new:
            continue
        due = plan.effective_due(card.key, card.due, card.last_review)
        if interview.predicted_recall(card, interview_at, s.fsrs_parameters) < case.target:
            assert due is not None and due < interview_at


def test_a_learning_step_that_would_miss_the_final_pass_is_brought_to_it() -> None:
    now = INTERVIEW - timedelta(days=1, hours=2)  # 08:00 the day before
    last = now - timedelta(hours=1)
    step_past = PlanCard(1, State.LEARNING, 0.2, 7.0, last, INTERVIEW + timedelta(hours=1))
    step_before = PlanCard(2, State.LEARNING, 0.2, 7.0, last, now + timedelta(minutes=10))
    plan = plan_day([step_past, step_before], INTERVIEW, now, BERLIN)
    final_pass_start = _days.day_start(date(2026, 12, 4), "Europe/Berlin", 4)
    assert plan.due_overrides == {1: final_pass_start}
    assert plan.review_today == (2,)


def test_planning_loads_neither_the_database_layer_nor_the_fsrs_extension() -> None:
    """The plan is pure and cheap: a day's plan for studied and new cards imports no SQLAlchemy and no
    fsrs_rs_python (its formulas are srs.scheduling.memory's)."""
    code = (
        "import sys\n"
        "from datetime import datetime, timezone\n"
        "from srs.scheduling import SchedulerSettings, State\n"
        "from srs.scheduling.interview import PlanCard, plan_day\n"
        "now = datetime(2026, 12, 1, 8, tzinfo=timezone.utc)\n"
        "cards = [PlanCard(1), PlanCard(2, State.REVIEW, 3.0, 5.0, datetime(2026, 11, 28, tzinfo=timezone.utc),\n"
        "                   datetime(2026, 12, 9, tzinfo=timezone.utc))]\n"
        "interview = datetime(2026, 12, 4, 9, tzinfo=timezone.utc)\n"
        "plan = plan_day(cards, interview, now, SchedulerSettings(timezone='UTC'))\n"
        "assert plan.introduce == (1,) and 2 in plan.due_overrides, plan\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'fsrs_rs_python', 'click') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
