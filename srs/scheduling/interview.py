"""The interview plan: which new cards to introduce today and which cards to review, so all are ready on the day.

Pure: cards come in as plain records, ``now`` is a parameter, nothing is stored. The queue calls
:func:`plan_day` once per learner-day (and again after an import) and applies the :class:`DayPlan` it returns;
answering a card goes on through :func:`srs.scheduling.answer` as always, and after the interview the plan is
empty, so scheduling resumes from each card's real memory state.

How the plan decides, from each card's FSRS memory state (:mod:`srs.scheduling.memory`, the learner's
parameters). It **aims** above the target (``interview_retention``), at 1 - 0.3 x (1 - target), 0.985 for 0.95:
the memory model is never exactly the learner's, and in the simulation (``benchmarks/interview.py``) true recall
at the interview came out 0.02-0.03 below the scheduler's prediction when the two used different parameters.

* A card whose predicted recall at the interview already reaches the aim needs nothing more before it (if it
  falls due before the interview, which happens only with a desired retention above the aim, it waits).
* A card below the aim gets its last review before the interview on the **earliest day from which a Good
  answer carries it to the aim**: late enough to last, and no later, since a later review is more likely to be
  forgotten. A review FSRS wants sooner is kept (it holds recall at the desired retention on the way).
* On the **final-pass day** (the learner-day holding the moment three hours before the interview: the
  interview morning, or the evening before an early interview) every card still below the aim is due. That is
  the final pass; it is short when the reviews before it landed where planned.
* **New cards** are introduced evenly over the days before the final pass, leaving the last of those days for
  reviews, in deck order; more than ``new_per_day`` when the date demands it, counted in ``extra_new``.
* With **too little time** (new cards left for the final-pass day, or more to introduce than the learner's
  daily review limit can take), the plan says so, introduces what it can, and lists today's reviews most at
  risk first.

Learning and relearning cards keep their steps, unless the next step would come after the final pass while the
card is below the aim: then it is due on the final-pass day.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeAlias

from srs.scheduling import days as _days
from srs.scheduling import memory as _memory
from srs.scheduling.settings import SchedulerSettings
from srs.scheduling.state import Rating, State

CardKey: TypeAlias = int | str

DEFAULT_TARGET = 0.95
# The final pass happens on the learner-day that holds this moment before the interview: at 10:00 with a 4 am
# rollover that is the interview morning; at 06:00 it is the evening before.
FINAL_PASS_LEAD = timedelta(hours=3)
# The plan aims this share of the target's distance from 1 short of 1 (0.3: 0.985 for a target of 0.95).
AIM_SHARE = 0.3
# Answers a new card takes on its first day (first sight, the learning steps, a lapse now and then): the daily
# review limit divided by this is the most new cards the plan asks for in one day.
ANSWERS_PER_NEW_CARD = 4


@dataclass(frozen=True)
class PlanCard:
    """One card of the interview's decks, as the plan needs it (a progress row, or a new card without one).

    Attributes:
        key: The card's identity for the caller (the queue uses the card's primary key).
        state: New, learning, review or relearning.
        stability: FSRS stability in days; None for a new card.
        difficulty: FSRS difficulty; None for a new card.
        last_review: When the card was last answered (aware UTC); None for a new card.
        due: When the card is due by plain scheduling (aware UTC); None for a new card.
    """

    key: CardKey
    state: State = State.NEW
    stability: float | None = None
    difficulty: float | None = None
    last_review: datetime | None = None
    due: datetime | None = None

    @property
    def is_new(self) -> bool:
        """No memory yet: never answered (or no memory state to predict from)."""
        return self.state == State.NEW or self.stability is None or self.last_review is None


@dataclass(frozen=True)
class Readiness:
    """How ready a set of cards is for the interview, for the status line.

    Attributes:
        cards: Cards counted.
        ready: Cards whose predicted recall at the interview is at least the target.
        predicted_recall_mean: Mean predicted recall at the interview (new cards count 0); 0 with no cards.
        predicted_recall_min: The lowest predicted recall at the interview; 0 with no cards.
    """

    cards: int
    ready: int
    predicted_recall_mean: float
    predicted_recall_min: float


@dataclass(frozen=True)
class DayPlan:
    """What the queue does differently today because of an interview. The empty plan changes nothing.

    Attributes:
        made_at: When the plan was made (aware UTC). An override applies to a card only until it is next
            answered: after that its own due time (a learning step, its next interval) governs, and the next
            day's plan decides again.
        interview_at: The interview (aware UTC); None in the empty plan.
        introduce: New cards to introduce today, in order (instead of the first ``new_per_day`` new cards).
        due_overrides: Planned due times (aware UTC, never before ``made_at``) that differ from the cards' own:
            earlier when a card must be reviewed sooner for the interview, the interview time when a card due
            before it needs no review. A card not listed keeps its own due time.
        review_today: Cards already studied that are due today under the plan (overrides and own due times,
            learning steps included), most at risk first: the order to show reviews in when the review limit
            cannot take them all.
        extra_new: How many of ``introduce`` are beyond the learner's ``new_per_day``.
        too_little_time: The date leaves too little time to get every card to the target; the plan does the
            best it can.
        readiness: Readiness at ``made_at`` (before today's reviews).
        target: The predicted recall at the interview that counts as ready (``interview_retention``); the plan
            aims above it (:func:`plan_aim`).
    """

    made_at: datetime | None = None
    interview_at: datetime | None = None
    introduce: tuple[CardKey, ...] = ()
    due_overrides: Mapping[CardKey, datetime] = field(default_factory=dict)
    review_today: tuple[CardKey, ...] = ()
    extra_new: int = 0
    too_little_time: bool = False
    readiness: Readiness | None = None
    target: float = DEFAULT_TARGET

    @property
    def empty(self) -> bool:
        """True when the plan changes nothing (no interview ahead)."""
        return self.interview_at is None

    def effective_due(self, key: CardKey, due: datetime | None, last_review: datetime | None) -> datetime | None:
        """A card's due time under the plan, from its own ``due`` and ``last_review``: the override while the card
        has not been answered since the plan was made, else its own."""
        override = self.due_overrides.get(key)
        if override is None or self.made_at is None:
            return due
        if last_review is not None and last_review >= self.made_at:
            return due
        return override


EMPTY_PLAN = DayPlan()


def plan_aim(target: float) -> float:
    """The predicted recall at the interview the plan aims each card at, for a ``target`` (above it)."""
    return 1.0 - (1.0 - target) * AIM_SHARE


def predicted_recall(card: PlanCard, at: datetime, parameters: Sequence[float] | None = None) -> float:
    """The card's predicted recall at ``at`` with no review before it (0 for a new card)."""
    if card.is_new:
        return 0.0
    assert card.stability is not None and card.last_review is not None
    model = _memory.model(_parameters(parameters))
    return model.recall(_days_between(card.last_review, at), card.stability)


def readiness(
    cards: Iterable[PlanCard],
    interview_at: datetime,
    target: float = DEFAULT_TARGET,
    parameters: Sequence[float] | None = None,
) -> Readiness:
    """Count the cards ready for the interview: predicted recall at ``interview_at`` at least ``target``.

    Args:
        cards: The interview's cards (new cards count as not ready, with recall 0).
        interview_at: The interview (aware UTC).
        target: The predicted recall that counts as ready (``interview_retention``).
        parameters: The learner's FSRS parameters (None: FSRS's defaults).
    """
    interview_at = _days.require_utc(interview_at, "interview_at")
    recalls = [predicted_recall(card, interview_at, parameters) for card in cards]
    if not recalls:
        return Readiness(0, 0, 0.0, 0.0)
    ready = sum(1 for r in recalls if r >= target)
    return Readiness(len(recalls), ready, sum(recalls) / len(recalls), min(recalls))


def plan_day(
    cards: Sequence[PlanCard],
    interview_at: datetime | None,
    now: datetime,
    settings: SchedulerSettings,
    target: float = DEFAULT_TARGET,
) -> DayPlan:
    """Plan today's part of the preparation for an interview.

    Args:
        cards: Every card of the interview's decks that the learner studies (not suspended), in deck order.
        interview_at: The interview (aware UTC); None, or a time not after ``now``, gives the empty plan.
        now: The current time (aware UTC), normally the first time the learner's queue is built today.
        settings: The learner's settings (time zone, rollover hour, limits, FSRS parameters).
        target: The predicted recall each card should reach at the interview (``interview_retention``).

    Returns:
        Today's :class:`DayPlan`.

    Raises:
        ValueError: ``now`` or ``interview_at`` is naive or not UTC, or ``target`` is not between 0 and 1.
    """
    now = _days.require_utc(now)
    if interview_at is None:
        return EMPTY_PLAN
    interview_at = _days.require_utc(interview_at, "interview_at")
    if not 0.0 < target < 1.0:
        raise ValueError(f"interview target recall must be between 0 and 1 (got {target})")
    if interview_at <= now:
        return EMPTY_PLAN
    calendar = _Calendar(now, interview_at, settings)
    model = _memory.model(settings.fsrs_parameters)
    aim = plan_aim(target)

    overrides: dict[CardKey, datetime] = {}
    due_today: list[tuple[float, int, CardKey]] = []
    new_cards: list[CardKey] = []
    for position, card in enumerate(cards):
        if card.is_new:
            new_cards.append(card.key)
            continue
        assert card.stability is not None and card.difficulty is not None and card.last_review is not None
        at_interview = model.recall(_days_between(card.last_review, interview_at), card.stability)
        planned = card.due
        if at_interview < aim:
            if card.state == State.REVIEW:
                moment = calendar.moments[_review_day(card, model, calendar, aim)]
            else:  # between steps: moved only when the next step would miss the final pass
                moment = calendar.moments[-1]
            if card.due is None or moment < card.due:
                planned = max(moment, now)
        elif card.state == State.REVIEW and card.due is not None and card.due < interview_at:
            planned = interview_at
        if planned is not None and planned != card.due:
            overrides[card.key] = planned
        if planned is not None and planned < calendar.day_end:
            due_today.append((at_interview, position, card.key))

    introduce, too_little_time = _introductions(new_cards, calendar, settings)
    due_today.sort()
    return DayPlan(
        made_at=now,
        interview_at=interview_at,
        introduce=introduce,
        due_overrides=overrides,
        review_today=tuple(key for _, _, key in due_today),
        extra_new=max(0, len(introduce) - settings.new_per_day),
        too_little_time=too_little_time,
        readiness=readiness(cards, interview_at, target, settings.fsrs_parameters),
        target=target,
    )


class _Calendar:
    """The learner-days from today to the final pass, and for each the instant the plan reasons with."""

    def __init__(self, now: datetime, interview_at: datetime, settings: SchedulerSettings) -> None:
        tz, hour = settings.timezone, settings.rollover_hour
        self.now = now
        self.interview_at = interview_at
        self.today = _days.learner_day(now, tz, hour)
        self.day_end = _days.next_day_start(now, tz, hour)
        self.final_day = max(self.today, _days.learner_day(interview_at - FINAL_PASS_LEAD, tz, hour))
        self.days = [self.today + timedelta(days=n) for n in range((self.final_day - self.today).days + 1)]
        # A review on a later day is taken to happen at its start; today's, now. Anki counts the days elapsed at
        # an answer back from the start of the next learner-day: its whole seconds, kept for each day.
        starts = [_days.day_start(day, tz, hour) for day in [*self.days, self.final_day + timedelta(days=1)]]
        self.moments = [now, *starts[1:-1]]
        self.anchors = [math.floor(start.timestamp()) for start in starts[1:]]

    @property
    def days_left(self) -> int:
        """Learner-days from today to the final-pass day, both counted."""
        return len(self.days)

    def elapsed(self, last_review: datetime, index: int) -> int:
        """Anki's whole days between the last review and an answer on day ``index``
        (:func:`srs.scheduling.days.days_elapsed`)."""
        return max(0, self.anchors[index] - math.floor(last_review.timestamp())) // _days.SECONDS_PER_DAY


def _review_day(card: PlanCard, model: _memory.Model, calendar: _Calendar, target: float) -> int:
    """The earliest day (an index into ``calendar.days``) on which a Good answer carries the card to the target
    at the interview; with no such day, the final-pass day.

    Each day is judged at its start (today: now), which is the pessimistic end of the day twice over: the most
    time left until the interview, and the highest recall at the review, hence the smallest gain in stability.
    A later day does no worse (less time left, and FSRS's gain in stability grows as recall falls), so a binary
    search finds it.
    """
    assert card.stability is not None and card.difficulty is not None and card.last_review is not None
    low, high = 0, calendar.days_left - 1
    while low < high:
        middle = (low + high) // 2
        at = calendar.moments[middle]
        stability, _ = model.after(
            card.stability, card.difficulty, calendar.elapsed(card.last_review, middle), int(Rating.GOOD)
        )
        if model.recall(_days_between(at, calendar.interview_at), stability) >= target:
            high = middle
        else:
            low = middle + 1
    return low


def _introductions(
    new_cards: Sequence[CardKey], calendar: _Calendar, settings: SchedulerSettings
) -> tuple[tuple[CardKey, ...], bool]:
    """Today's share of the new cards, and whether the date leaves too little time for them."""
    if not new_cards:
        return (), False
    days_before_final = calendar.days_left - 1
    if days_before_final <= 0:
        return tuple(new_cards), True  # only the final-pass day is left: learn them now, and say it is late
    window = days_before_final - 1 if days_before_final > 1 else 1  # the day before the final pass: reviews only
    wanted = math.ceil(len(new_cards) / window)
    cap = max(settings.new_per_day, settings.reviews_per_day // ANSWERS_PER_NEW_CARD, 1)
    count = min(wanted, cap)
    return tuple(new_cards[:count]), wanted > cap


def combine(plans: Sequence[DayPlan], cards: Sequence[PlanCard], new_per_day: int) -> DayPlan:
    """One plan for several interviews, each planned over its own decks' cards: each card's earliest planned due
    time, every introduction, today's reviews for the earliest interview first, too little time if any says so,
    and the earliest interview's readiness.

    Args:
        plans: The interviews' plans, made at the same time.
        cards: Every card any of them covers (their own due times count where a plan has no override).
        new_per_day: The learner's ``new_per_day``, for ``extra_new``.
    """
    live = sorted((plan for plan in plans if not plan.empty), key=_interview_time)
    if len(live) <= 1:
        return live[0] if live else EMPTY_PLAN
    by_key = {card.key: card for card in cards}
    overrides: dict[CardKey, datetime] = {}
    for key in {key for plan in live for key in plan.due_overrides}:
        own = by_key[key].due if key in by_key else None
        planned = [moment for plan in live if (moment := plan.due_overrides.get(key, own)) is not None]
        if planned and min(planned) != own:
            overrides[key] = min(planned)
    introduce = tuple(dict.fromkeys(key for plan in live for key in plan.introduce))
    first = live[0]
    return DayPlan(
        made_at=first.made_at,
        interview_at=first.interview_at,
        introduce=introduce,
        due_overrides=overrides,
        review_today=tuple(dict.fromkeys(key for plan in live for key in plan.review_today)),
        extra_new=max(0, len(introduce) - new_per_day),
        too_little_time=any(plan.too_little_time for plan in live),
        readiness=first.readiness,
        target=first.target,
    )


def _interview_time(plan: DayPlan) -> datetime:
    assert plan.interview_at is not None
    return plan.interview_at


def _days_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 86_400.0


def _parameters(parameters: Sequence[float] | None) -> tuple[float, ...] | None:
    return None if parameters is None else tuple(parameters)
