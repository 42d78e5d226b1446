"""The day's plan toward the learner's interviews, saved: made once per learner-day, read by every queue lookup.

:func:`ensure_plan` is called where a unit of work starts (``srs review`` opening, ``srs status``, a new
learner-day during a review). It reads the saved plan and returns it while it holds: until the next learner-day
(or the first interview, if sooner), and while what it was made from is unchanged (its *basis*: the interviews,
the learner's settings, the decks' content, the newest review brought in from Anki). Otherwise it makes a new
one with the pure planner (:func:`srs.scheduling.interview.plan_day` per interview, merged with
:func:`~srs.scheduling.interview.combine`) and saves it: an ``interview_plan`` row, and a ``planned_card`` row
for each card it moves (its planned due time), ranks among today's reviews, or introduces today. The queue
(:mod:`srs.store.queue`) reads those rows: a planned row holds while the card has not been answered since the
plan was made.

With no interview ahead there is no plan: the saved rows are deleted, and the queue is plain FSRS again from
each card's real memory state. Nothing here commits; a plan made at the same moment by another process
replaces this one or is kept instead, which is the same plan.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from srs.scheduling import SchedulerSettings, learner_day, next_day_start
from srs.scheduling.interview import FINAL_PASS_LEAD, DayPlan, combine, plan_day, readiness
from srs.store.decks import deck_names
from srs.store.interviews import (
    InterviewRecord,
    StudiedCard,
    cards_for,
    covers,
    discard_plan,
    upcoming_interviews,
)
from srs.store.models import Deck, InterviewPlan, PlannedCard, Review, table_of

_PLAN = table_of(InterviewPlan)
_PLANNED = table_of(PlannedCard)
_HEAD = select(_PLAN).where(_PLAN.c.learner_id == bindparam("learner"))
_DECKS_STAMP = select(func.count().label("decks"), func.max(table_of(Deck).c.updated_at).label("updated"))
# The newest review brought in from Anki: one seek in uq_review_learner_anki.
_NEWEST_IMPORT = select(func.max(table_of(Review).c.anki_id)).where(
    table_of(Review).c.learner_id == bindparam("learner"))


@dataclass(frozen=True)
class PlanHead:
    """The saved plan, as the queue needs it.

    Attributes:
        made_at: When it was made (aware UTC).
        valid_until: When it must be made again: the next learner-day, or the first interview if sooner.
        interview_at: The first interview ahead.
        other_decks: The decks no interview is about, whose new cards come within ``new_per_day`` as usual
            (None: every deck has an interview).
        extra_new: How many of today's new cards are beyond ``new_per_day``.
        too_little_time: The date leaves too little time to get every card ready.
    """

    made_at: datetime
    valid_until: datetime
    interview_at: datetime
    other_decks: tuple[str, ...] | None
    extra_new: int
    too_little_time: bool


def _basis(session: Session, learner_id: int, settings: SchedulerSettings,
           interviews: Sequence[InterviewRecord]) -> str:
    """A digest of what a plan is made from, besides the cards' memory (which changes with every answer, and
    is read afresh the next learner-day)."""
    stamp = session.execute(_DECKS_STAMP).one()
    newest_import = session.execute(_NEWEST_IMPORT, {"learner": learner_id}).scalar()
    text = repr((
        [(i.id, i.at.isoformat(), i.deck_id) for i in interviews],
        settings,
        int(stamp.decks), str(stamp.updated),
        newest_import,
    ))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _head(row: object) -> PlanHead:
    others = getattr(row, "other_decks")
    return PlanHead(made_at=getattr(row, "made_at"), valid_until=getattr(row, "valid_until"),
                    interview_at=getattr(row, "interview_at"), other_decks=None if not others else tuple(others),
                    extra_new=int(getattr(row, "extra_new")), too_little_time=bool(getattr(row, "too_little_time")))


def saved_plan(session: Session, learner_id: int) -> PlanHead | None:
    """The learner's saved plan as it is, current or not (None: none saved)."""
    row = session.execute(_HEAD, {"learner": learner_id}).first()
    return None if row is None else _head(row)


def ensure_plan(session: Session, learner_id: int, now: datetime, settings: SchedulerSettings) -> PlanHead | None:
    """Today's plan toward the learner's interviews: the saved one while it holds, else a new one, saved.

    Call it at the start of a unit of work: when another process saves a plan at the same moment, this
    session's work is rolled back and that plan is returned. The caller commits.

    Returns:
        The plan, or None when no interview is ahead (then no plan is saved and the queue is plain FSRS).
    """
    interviews = upcoming_interviews(session, learner_id, now)
    basis = _basis(session, learner_id, settings, interviews)
    row = session.execute(_HEAD, {"learner": learner_id}).first()
    if row is not None and row.basis == basis and row.made_at <= now < row.valid_until:
        return _head(row)
    if row is not None:
        discard_plan(session, learner_id)
    if not interviews:
        return None
    cards = cards_for(interviews, session, learner_id)
    plan = make_plan(interviews, cards, now, settings)
    if plan.empty:
        return None
    head = PlanHead(made_at=now, valid_until=min(next_day_start(now, settings.timezone, settings.rollover_hour),
                                                 interviews[0].at),
                    interview_at=interviews[0].at,
                    other_decks=_other_decks(session, interviews),
                    extra_new=plan.extra_new, too_little_time=plan.too_little_time)
    try:
        _save(session, learner_id, head, plan, cards, basis)
    except IntegrityError:  # saved by another process meanwhile (PostgreSQL): theirs is the same plan
        session.rollback()
        return saved_plan(session, learner_id)
    return head


def _other_decks(session: Session, interviews: Sequence[InterviewRecord]) -> tuple[str, ...] | None:
    """The decks none of the interviews is about; None when there are none. (A new deck changes the plan's
    basis, so the list stays right for as long as the plan holds.)"""
    if any(i.deck_id is None for i in interviews):
        return None
    about = {i.deck_id for i in interviews}
    others = tuple(deck for deck, _ in deck_names(session) if deck not in about)
    return others or None


def make_plan(interviews: Sequence[InterviewRecord], cards: Sequence[StudiedCard], now: datetime,
              settings: SchedulerSettings) -> DayPlan:
    """One plan for all the interviews ahead: each planned over its own decks' cards, then merged."""
    plans = [plan_day([c.plan for c in cards if covers(interview, c)], interview.at, now, settings,
                      settings.interview_retention) for interview in interviews]
    return combine(plans, [c.plan for c in cards], settings.new_per_day)


def _save(session: Session, learner_id: int, head: PlanHead, plan: DayPlan, cards: Sequence[StudiedCard],
          basis: str) -> None:
    session.execute(insert(_PLAN).values(
        learner_id=learner_id, made_at=head.made_at, valid_until=head.valid_until, interview_at=head.interview_at,
        other_decks=None if head.other_decks is None else list(head.other_decks), extra_new=head.extra_new,
        too_little_time=head.too_little_time, basis=basis))
    state = {c.plan.key: int(c.plan.state) for c in cards}
    review_rank = {key: rank for rank, key in enumerate(plan.review_today)}
    introduce_rank = {key: rank for rank, key in enumerate(plan.introduce)}
    rows = [{"learner_id": learner_id, "card_pk": int(key), "made_at": head.made_at, "state": state.get(key, 0),
             "due": plan.due_overrides.get(key), "review_rank": review_rank.get(key),
             "introduce_rank": introduce_rank.get(key)}
            for key in dict.fromkeys([*plan.due_overrides, *plan.review_today, *plan.introduce])]
    if rows:
        session.execute(insert(_PLANNED), rows)


@dataclass(frozen=True)
class Outlook:
    """What the plan holds for the learner's next day, for the review summary.

    Attributes:
        interview_at: The first interview ahead.
        deck_id: Its deck (None: every deck).
        reviews: Cards the plan has due on the next day, if nothing more is done today.
        new: New cards the plan introduces on the next day.
        final_pass: The next day is the interview's final pass (its morning, or the evening before).
        interview_today: The interview is before the next day starts (``reviews`` and ``new`` are then 0).
        ready: Cards ready for it now; ``cards``: of how many.
        target: ``interview_retention``.
    """

    interview_at: datetime
    deck_id: str | None
    reviews: int
    new: int
    final_pass: bool
    interview_today: bool
    ready: int
    cards: int
    target: float


def tomorrow_outlook(session: Session, learner_id: int, now: datetime,
                     settings: SchedulerSettings) -> Outlook | None:
    """The plan for the learner's next day as it stands now (the next day's own plan is made from the memory
    the cards have then); None with no interview ahead."""
    interviews = upcoming_interviews(session, learner_id, now)
    if not interviews:
        return None
    first = interviews[0]
    cards = cards_for(interviews, session, learner_id)
    now_ready = readiness([c.plan for c in cards if covers(first, c)], first.at, settings.interview_retention,
                          settings.fsrs_parameters)
    tz, hour = settings.timezone, settings.rollover_hour
    tomorrow = next_day_start(now, tz, hour)
    ahead = [i for i in interviews if i.at > tomorrow]
    plan = make_plan(ahead, cards, tomorrow, settings) if ahead else None
    return Outlook(
        interview_at=first.at, deck_id=first.deck_id,
        reviews=len(plan.review_today) if plan is not None else 0,
        new=len(plan.introduce) if plan is not None else 0,
        final_pass=learner_day(first.at - FINAL_PASS_LEAD, tz, hour) == learner_day(tomorrow, tz, hour),
        interview_today=first.at <= tomorrow,
        ready=now_ready.ready, cards=now_ready.cards, target=settings.interview_retention)
