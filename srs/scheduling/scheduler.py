"""Answering a card: Anki's learning, review and relearning rules on top of FSRS.

Pure functions of ``(card, rating, now, settings, card_id)``: no I/O, no clock, no database. The memory model is
``fsrs-rs-python`` (the fsrs-rs crate inside Anki); the state machine follows Anki's ``rslib`` scheduler with
FSRS on:

* **Learning** (a new card uses the learning steps from the first one): Again goes back to the first step;
  Hard repeats the current step, except on the first step, where it waits the average of the first two steps
  (or 1.5x the only step, at most a day more); Good moves to the next step or graduates; Easy graduates at once.
* **Graduating** takes FSRS's interval for the grade, rounded, at least one day, fuzzed. Easy is kept at least
  one day longer than Good would have been.
* **Review**: Again is a lapse (relearning steps follow, and the card is flagged a leech at the threshold and
  every half threshold after); Hard < Good < Easy each at least a day apart, fuzzed, within the maximum
  interval, and not fuzzed below the previous interval unless FSRS asks for clearly less.
* **Relearning** uses the relearning steps the same way and graduates back to review with FSRS's interval.

Learning steps that end past the next day boundary become whole-day delays due at the start of a later learner
day, as in Anki; shorter ones get Anki's small learning fuzz. Review cards fall due at the start of their day.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from srs.scheduling import days as _days
from srs.scheduling import fuzz as _fuzz
from srs.scheduling.settings import SchedulerSettings
from srs.scheduling.state import CardState, Rating, State

if TYPE_CHECKING:
    import fsrs_rs_python

DAY_SECS = 86_400

# Anki revlog ``type`` values.
KIND_LEARN = 0
KIND_REVIEW = 1
KIND_RELEARN = 2


@dataclass(frozen=True)
class Answer:
    """The outcome of one grade: the card's new state and what the review log records.

    Attributes:
        rating: The grade given.
        state: The card's state after the answer.
        kind: Anki revlog type of this answer: 0 learning, 1 review, 2 relearning.
        interval_days: Interval in days the answer scheduled (0 while in learning or relearning steps).
        prev_interval_days: The card's interval in days before the answer (0 unless it was a review card).
        leech: The answer made the card a leech (at the threshold, and every half threshold after).
        interval: The nominal wait until the card is due, as Anki labels the answer button (no learning fuzz).
    """

    rating: Rating
    state: CardState
    kind: int
    interval_days: int
    prev_interval_days: int
    leech: bool
    interval: timedelta


def _short_term_allowed(parameters: tuple[float, ...] | None) -> bool:
    """Anki lets FSRS schedule same-day repeats only with parameters that model them (w17, w18 > 0)."""
    if parameters is None:
        return True
    return len(parameters) >= 19 and parameters[17] > 0 and parameters[18] > 0


@lru_cache(maxsize=8)
def _fsrs_model(parameters: tuple[float, ...] | None) -> fsrs_rs_python.FSRS:
    import fsrs_rs_python as frs

    return frs.FSRS(list(parameters) if parameters is not None else frs.DEFAULT_PARAMETERS)


def _step_secs(minutes: float) -> int:
    """Anki's ``(minutes * 60.0) as u32`` on an f32."""
    return int(_fuzz.f32(_fuzz.f32(minutes) * 60.0))


def _maybe_round_in_days(secs: int) -> int:
    if secs > DAY_SECS:
        return int(_fuzz.round_half_away(_fuzz.f32(secs / DAY_SECS))) * DAY_SECS
    return secs


class _Steps:
    """Anki's ``LearningSteps``, indexed by position instead of "remaining steps"."""

    def __init__(self, minutes: Sequence[float]) -> None:
        self.secs = [_step_secs(m) for m in minutes]

    def __len__(self) -> int:
        return len(self.secs)

    def index(self, step: int) -> int:
        return max(0, min(step, len(self.secs) - 1))

    def hard_secs(self, index: int) -> int | None:
        if not self.secs:
            return None
        current = self.secs[index]
        if index > 0:
            return current
        if len(self.secs) > 1:
            return _maybe_round_in_days((current + self.secs[1]) // 2)
        return _maybe_round_in_days(min(current * 3 // 2, current + DAY_SECS))


class _Context:
    """Everything shared by the four possible answers to one card at one moment."""

    def __init__(self, card: CardState, now: datetime, settings: SchedulerSettings, card_id: int) -> None:
        self.card = card
        self.now = now
        self.settings = settings
        self.maximum = max(1, settings.maximum_interval)
        self.seed = _fuzz.fuzz_seed(card_id, card.reps)
        self.factor = _fuzz.fuzz_factor(self.seed)
        self.next_day = _days.next_day_start(now, settings.timezone, settings.rollover_hour)
        self.today = _days.learner_day(now, settings.timezone, settings.rollover_hour)
        elapsed = 0
        if card.last_review is not None and card.state != State.NEW:
            elapsed = _days.days_elapsed(card.last_review, now, settings.timezone, settings.rollover_hour)
        memory: Any = None
        import fsrs_rs_python as frs

        if card.state != State.NEW and card.stability is not None and card.difficulty is not None:
            memory = frs.MemoryState(card.stability, card.difficulty)
        self.fsrs = _fsrs_model(settings.fsrs_parameters).next_states(memory, settings.desired_retention, elapsed)
        self.short_term = _short_term_allowed(settings.fsrs_parameters)

    def item(self, rating: Rating) -> Any:
        return (self.fsrs.again, self.fsrs.hard, self.fsrs.good, self.fsrs.easy)[rating - 1]

    def fuzzed(self, interval: float, minimum: int = 1) -> int:
        minimum = max(1, min(minimum, self.maximum))
        return _fuzz.with_review_fuzz(self.factor, interval, minimum, self.maximum)

    def graduating(self, rating: Rating) -> int:
        """Days for leaving (re)learning with ``rating``: FSRS's interval, rounded, fuzzed; Easy beyond Good."""
        interval = max(1.0, _fuzz.round_half_away(_fuzz.f32(self.item(rating).interval)))
        minimum = 1
        if rating == Rating.EASY:
            minimum = self.fuzzed(self.fsrs.good.interval) + 1
        return self.fuzzed(interval, minimum)

    def short_term_secs(self, rating: Rating) -> int | None:
        """Without steps, FSRS may schedule a same-day repeat itself: its interval in seconds when under 12 h."""
        interval = self.item(rating).interval
        if self.short_term and interval < 0.5:
            return int(_fuzz.f32(_fuzz.f32(interval) * 86_400.0))
        return None

    def step_due(self, secs: int) -> tuple[datetime, timedelta]:
        """Due time of a (re)learning step; steps past the day boundary are due at the start of a later day."""
        until_rollover = max(0, math.floor(self.next_day.timestamp()) - math.floor(self.now.timestamp()))
        if secs >= until_rollover:
            day_count = (secs - until_rollover) // DAY_SECS + 1
            due = _days.day_start(
                self.today + timedelta(days=day_count), self.settings.timezone, self.settings.rollover_hour
            )
            return due, timedelta(days=day_count)
        return self.now + timedelta(seconds=_fuzz.learning_fuzz_secs(self.seed, secs)), timedelta(seconds=secs)

    def review_due(self, scheduled_days: int) -> datetime:
        return _days.day_start(
            self.today + timedelta(days=scheduled_days), self.settings.timezone, self.settings.rollover_hour
        )


def _after(ctx: _Context, rating: Rating, state: State, step: int, due: datetime, scheduled_days: int | None = None,
           lapses: int | None = None) -> CardState:
    """The card's state after answering ``rating``: FSRS's memory state for it, one more rep, the rest as given
    (scheduled days and lapses unchanged unless given)."""
    card = ctx.card
    memory = ctx.item(rating).memory
    return CardState(
        state,
        step,
        float(memory.stability),
        float(memory.difficulty),
        due,
        ctx.now,
        card.scheduled_days if scheduled_days is None else scheduled_days,
        card.reps + 1,
        card.lapses if lapses is None else lapses,
    )


def _stepping(ctx: _Context, rating: Rating, state: State, step: int, secs: int, scheduled_days: int | None = None,
              lapses: int | None = None) -> Answer:
    due, interval = ctx.step_due(secs)
    return _answer(ctx, rating, _after(ctx, rating, state, step, due, scheduled_days, lapses), interval)


def _reviewing(ctx: _Context, rating: Rating, scheduled_days: int, lapses: int | None = None) -> Answer:
    new = _after(ctx, rating, State.REVIEW, 0, ctx.review_due(scheduled_days), scheduled_days, lapses)
    return _answer(ctx, rating, new, timedelta(days=scheduled_days))


def _answer(ctx: _Context, rating: Rating, new: CardState, interval: timedelta, leech: bool = False) -> Answer:
    old = ctx.card
    kind = {State.NEW: KIND_LEARN, State.LEARNING: KIND_LEARN, State.REVIEW: KIND_REVIEW}.get(
        old.state, KIND_RELEARN
    )
    return Answer(
        rating=rating,
        state=new,
        kind=kind,
        interval_days=new.scheduled_days if new.state == State.REVIEW else 0,
        prev_interval_days=old.scheduled_days if old.state == State.REVIEW else 0,
        leech=leech,
        interval=interval,
    )


def _graduate_or_repeat(ctx: _Context, rating: Rating, state: State) -> Answer:
    """No steps left to use: a short-term FSRS repeat today when FSRS asks for one, else graduate."""
    secs = ctx.short_term_secs(rating)
    if secs is None:
        return _reviewing(ctx, rating, ctx.graduating(rating))
    extra = {"scheduled_days": 1} if state == State.RELEARNING else {}
    return _stepping(ctx, rating, state, 0, secs, **extra)


def _learning(ctx: _Context, only: Rating | None = None) -> dict[Rating, Answer]:
    return _stepped(ctx, _Steps(ctx.settings.learning_steps), State.LEARNING, {}, only)


def _stepped(
    ctx: _Context, steps: _Steps, state: State, again_extra: dict[str, Any], only: Rating | None
) -> dict[Rating, Answer]:
    """The four outcomes of a new, learning or relearning card (``state``: the learning state it stays in), or
    only ``only``'s: each one is computed on its own."""
    index = 0 if ctx.card.state == State.NEW else steps.index(ctx.card.step)
    out: dict[Rating, Answer] = {}
    if only in (None, Rating.AGAIN):
        out[Rating.AGAIN] = (_stepping(ctx, Rating.AGAIN, state, 0, steps.secs[0], **again_extra) if steps
                             else _graduate_or_repeat(ctx, Rating.AGAIN, state))
    if only in (None, Rating.HARD):
        if steps:
            hard = steps.hard_secs(index)
            assert hard is not None
            out[Rating.HARD] = _stepping(ctx, Rating.HARD, state, index, hard)
        else:
            out[Rating.HARD] = _graduate_or_repeat(ctx, Rating.HARD, state)
    if only in (None, Rating.GOOD):
        if index + 1 < len(steps):
            out[Rating.GOOD] = _stepping(ctx, Rating.GOOD, state, index + 1, steps.secs[index + 1])
        elif steps:
            out[Rating.GOOD] = _reviewing(ctx, Rating.GOOD, ctx.graduating(Rating.GOOD))
        else:
            out[Rating.GOOD] = _graduate_or_repeat(ctx, Rating.GOOD, state)
    if only in (None, Rating.EASY):
        out[Rating.EASY] = _reviewing(ctx, Rating.EASY, ctx.graduating(Rating.EASY))
    return out


def leech_threshold_met(lapses: int, threshold: int) -> bool:
    """Anki's leech rule: at the threshold, then every half threshold (rounded up) after it."""
    if threshold <= 0:
        return False
    half = max(1, math.ceil(threshold / 2))
    return lapses >= threshold and (lapses - threshold) % half == 0


def _review(ctx: _Context, only: Rating | None = None) -> dict[Rating, Answer]:
    card = ctx.card
    steps = _Steps(ctx.settings.relearning_steps)
    lapses = card.lapses + 1
    leech = leech_threshold_met(lapses, ctx.settings.leech_threshold)
    lapse_days = max(1, int(_fuzz.round_half_away(_fuzz.f32(ctx.fsrs.again.interval))))
    # The passing ratings' days, each at least a day beyond the one before it: Good needs Hard's days, Easy both;
    # Again (when it stays a review) needs Hard's, as it never waits longer.
    days: dict[Rating, int] = {}
    previous = 0
    for rating in (Rating.HARD, Rating.GOOD, Rating.EASY):
        if only is not None and rating > max(only, Rating.HARD):
            break
        interval = ctx.item(rating).interval
        floor = _fuzz.minimum_review_interval(interval, card.scheduled_days, ctx.maximum)
        days[rating] = previous = ctx.fuzzed(interval, max(floor, previous + 1))
    out: dict[Rating, Answer] = {}
    if only not in (None, Rating.AGAIN):
        pass
    elif steps:
        again = _stepping(
            ctx, Rating.AGAIN, State.RELEARNING, 0, steps.secs[0], scheduled_days=lapse_days, lapses=lapses
        )
    elif (secs := ctx.short_term_secs(Rating.AGAIN)) is not None:
        again = _stepping(ctx, Rating.AGAIN, State.RELEARNING, 0, secs, scheduled_days=lapse_days, lapses=lapses)
    else:
        # Anki leaves this one interval unclamped. We keep it within the maximum and within Hard's days: when the
        # maximum squeezes Hard below it (maximum 7: Hard 6, Good and Easy 7), Again would otherwise be longer.
        again = _reviewing(ctx, Rating.AGAIN, min(lapse_days, ctx.maximum, days[Rating.HARD]), lapses=lapses)
    if only in (None, Rating.AGAIN):
        out[Rating.AGAIN] = replace(again, leech=leech)
    for rating, scheduled in days.items():
        if only in (None, rating):
            out[rating] = _reviewing(ctx, rating, scheduled)
    return out


def _relearning(ctx: _Context, only: Rating | None = None) -> dict[Rating, Answer]:
    lapse_days = max(1, int(_fuzz.round_half_away(_fuzz.f32(ctx.fsrs.again.interval))))
    return _stepped(ctx, _Steps(ctx.settings.relearning_steps), State.RELEARNING, {"scheduled_days": lapse_days},
                    only)


def preview(card: CardState, now: datetime, settings: SchedulerSettings, card_id: int) -> dict[Rating, Answer]:
    """The four possible outcomes of answering ``card`` at ``now``, one per rating.

    Args:
        card: The card's current state.
        now: The moment of the answer (aware UTC).
        settings: The learner's settings.
        card_id: The card's integer id; with ``card.reps`` it seeds the fuzz, as in Anki.

    Returns:
        Again, Hard, Good and Easy mapped to their :class:`Answer`.

    Raises:
        ValueError: ``now`` is naive or not UTC.
    """
    return _outcomes(card, now, settings, card_id, None)


def _outcomes(
    card: CardState, now: datetime, settings: SchedulerSettings, card_id: int, only: Rating | None
) -> dict[Rating, Answer]:
    """:func:`preview`'s outcomes: all four, or only ``only``'s (what it depends on is computed, not kept)."""
    now = _days.require_utc(now)
    ctx = _Context(card, now, settings, card_id)
    if card.state in (State.NEW, State.LEARNING):
        return _learning(ctx, only)
    if card.state == State.REVIEW:
        return _review(ctx, only)
    return _relearning(ctx, only)


def answer(card: CardState, rating: Rating, now: datetime, settings: SchedulerSettings, card_id: int) -> Answer:
    """Grade ``card`` with ``rating`` at ``now`` and return its new state and review-log fields.

    Args:
        card: The card's current state (not modified).
        rating: Again, Hard, Good or Easy.
        now: The moment of the answer (aware UTC).
        settings: The learner's settings.
        card_id: The card's integer id; with ``card.reps`` it seeds the fuzz, as in Anki.

    Raises:
        ValueError: ``now`` is naive or not UTC, or ``rating`` is not 1-4.
    """
    rating = Rating(rating)
    # Only the chosen rating's outcome (the buttons' preview is computed when the card is shown): the same
    # Answer as ``preview(...)[rating]``, by the same code.
    return _outcomes(card, now, settings, card_id, rating)[rating]


def replay(card_id: int, reviews: Sequence[tuple[Rating, datetime]], settings: SchedulerSettings) -> CardState:
    """Rebuild a card's state by answering a new card with each logged ``(rating, reviewed_at)`` in order.

    Answering is deterministic (fuzz is seeded by card id and reps), so this reproduces the stored state
    exactly when the settings are the ones the answers were given with.
    """
    state = CardState()
    for rating, moment in reviews:
        state = answer(state, rating, moment, settings, card_id).state
    return state
