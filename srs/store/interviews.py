"""A learner's interviews: set, list and clear them, and read their cards' memory for the plan and for readiness.

An interview has a time (stored as UTC) and a deck, or every deck (``deck_id`` None). The plan toward the
interviews ahead is made and saved by :mod:`srs.store.day_plan`; this module reads what it needs: each
interview's cards as :class:`srs.scheduling.interview.PlanCard` records, in deck order, without suspended and
retired cards. Readiness (predicted recall at the interview) is worked out from the cards' memory as it is
now, so ``srs interview`` and ``srs status`` show the effect of every answer at once. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, false, or_, select
from sqlmodel import Session

from srs.errors import NotFoundError, SRSError
from srs.scheduling import SchedulerSettings, State
from srs.scheduling.interview import PlanCard, Readiness, readiness
from srs.store.decks import get_deck
from srs.store.models import Card, Interview, InterviewPlan, PlannedCard, Progress, table_of

_INTERVIEW = table_of(Interview)
_CARD = table_of(Card)
_PROGRESS = table_of(Progress)
_I, _C, _P = _INTERVIEW.c, _CARD.c, _PROGRESS.c

MATURE_DAYS = 21  # as srs stats counts young and mature cards
# The groups ``srs stats`` shows the predicted recall at the interview for, in order.
STATE_GROUPS = ("new", "learning", "relearning", "young", "mature")


@dataclass(frozen=True)
class InterviewRecord:
    """One interview.

    Attributes:
        id: Its number (``srs interview clear ID``).
        at: When it starts (aware UTC).
        deck_id: The deck it is for; None for every deck.
    """

    id: int
    at: datetime
    deck_id: str | None


@dataclass(frozen=True)
class StudiedCard:
    """One card of an interview's decks: its deck, its memory as the plan reads it, and its group for stats."""

    deck_id: str
    plan: PlanCard
    group: str  # one of STATE_GROUPS


@dataclass(frozen=True)
class InterviewReadiness:
    """An interview ahead and how ready its cards are now."""

    interview: InterviewRecord
    readiness: Readiness
    target: float


_LIST = select(_I.id, _I.starts_at, _I.deck_id).where(_I.learner_id == bindparam("learner")) \
    .order_by(_I.starts_at, _I.id)


def _record(row: Any) -> InterviewRecord:
    return InterviewRecord(id=int(row.id), at=row.starts_at, deck_id=row.deck_id)


def add_interview(session: Session, learner_id: int, at: datetime, deck_id: str | None,
                  now: datetime) -> InterviewRecord:
    """Add an interview at ``at`` (aware UTC) for ``deck_id`` (None: every deck). The caller commits.

    Raises:
        SRSError: ``at`` is not after ``now``.
        NotFoundError: there is no deck ``deck_id``.
    """
    if at <= now:
        raise SRSError("the interview time is in the past")
    if deck_id is not None:
        get_deck(session, deck_id)
    interview = Interview(learner_id=learner_id, starts_at=at, deck_id=deck_id, created_at=now)
    session.add(interview)
    session.flush()
    assert interview.id is not None
    discard_plan(session, learner_id)
    return InterviewRecord(id=interview.id, at=at, deck_id=deck_id)


def list_interviews(session: Session, learner_id: int) -> list[InterviewRecord]:
    """The learner's interviews, past ones included, soonest first."""
    return [_record(row) for row in session.execute(_LIST, {"learner": learner_id})]


def upcoming_interviews(session: Session, learner_id: int, now: datetime) -> list[InterviewRecord]:
    """The learner's interviews after ``now``, soonest first."""
    return [record for record in list_interviews(session, learner_id) if record.at > now]


def clear_interviews(session: Session, learner_id: int, interview_id: int | None = None) -> int:
    """Remove one interview (``interview_id``) or all the learner's; the plan goes with them. The caller commits.

    Returns:
        How many were removed.

    Raises:
        NotFoundError: the learner has no interview ``interview_id``.
    """
    where = [_I.learner_id == learner_id]
    if interview_id is not None:
        where.append(_I.id == interview_id)
    removed = session.execute(delete(_INTERVIEW).where(*where)).rowcount  # type: ignore[attr-defined]
    if interview_id is not None and not removed:
        known = ", ".join(str(record.id) for record in list_interviews(session, learner_id)) or "none"
        raise NotFoundError(f"no interview {interview_id} (yours: {known})")
    discard_plan(session, learner_id)
    return int(removed or 0)


def discard_plan(session: Session, learner_id: int) -> None:
    """Drop the learner's saved day plan; the next queue lookup makes a new one. The caller commits."""
    session.execute(delete(table_of(PlannedCard)).where(table_of(PlannedCard).c.learner_id == learner_id))
    session.execute(delete(table_of(InterviewPlan)).where(table_of(InterviewPlan).c.learner_id == learner_id))


_CARDS_BASE = (
    select(_C.id, _C.deck_id, _P.state, _P.stability, _P.difficulty, _P.last_review, _P.due, _P.scheduled_days)
    .select_from(_CARD.outerjoin(_PROGRESS, and_(_P.card_pk == _C.id, _P.learner_id == bindparam("learner"))))
    .where(_C.retired == false(), or_(_P.suspended.is_(None), _P.suspended == false()))
    .order_by(_C.deck_id, _C.position, _C.id)
)


def studied_cards(session: Session, learner_id: int, deck_ids: Sequence[str] | None) -> list[StudiedCard]:
    """The cards of ``deck_ids`` (None: every deck) the learner studies (not retired, not suspended), in deck
    order, each with its memory as the plan reads it (a card never answered is a new card)."""
    statement = _CARDS_BASE
    params: dict[str, Any] = {"learner": learner_id}
    if deck_ids is not None:
        statement = statement.where(_C.deck_id.in_(bindparam("decks", expanding=True)))
        params["decks"] = list(deck_ids)
    found = []
    for row in session.execute(statement, params):
        state = State(row.state) if row.state is not None else State.NEW
        plan = PlanCard(int(row.id), state, row.stability, row.difficulty, row.last_review, row.due) \
            if state != State.NEW else PlanCard(int(row.id))
        found.append(StudiedCard(row.deck_id, plan, _group(plan, row.scheduled_days)))
    return found


def _group(card: PlanCard, scheduled_days: int | None) -> str:
    if card.is_new:
        return "new"
    if card.state == State.LEARNING:
        return "learning"
    if card.state == State.RELEARNING:
        return "relearning"
    return "mature" if (scheduled_days or 0) >= MATURE_DAYS else "young"


def covers(interview: InterviewRecord, card: StudiedCard) -> bool:
    """Whether the interview is about the card's deck."""
    return interview.deck_id is None or interview.deck_id == card.deck_id


def cards_for(interviews: Sequence[InterviewRecord], session: Session, learner_id: int) -> list[StudiedCard]:
    """The studied cards of every deck the interviews cover, read once."""
    if not interviews:
        return []
    decks = None if any(i.deck_id is None for i in interviews) else sorted({str(i.deck_id) for i in interviews})
    return studied_cards(session, learner_id, decks)


def interview_readiness(session: Session, learner_id: int, now: datetime,
                        settings: SchedulerSettings) -> list[InterviewReadiness]:
    """Each interview ahead, soonest first, with its cards' readiness now (predicted recall at the interview)."""
    interviews = upcoming_interviews(session, learner_id, now)
    cards = cards_for(interviews, session, learner_id)
    target = settings.interview_retention
    return [InterviewReadiness(interview, readiness([c.plan for c in cards if covers(interview, c)], interview.at,
                                                    target, settings.fsrs_parameters), target)
            for interview in interviews]


def recall_by_state(session: Session, learner_id: int, now: datetime, settings: SchedulerSettings,
                    deck_id: str | None = None) -> list[dict[str, Any]]:
    """For ``srs stats``: each interview ahead (those about ``deck_id``, when given) with the predicted recall at
    the interview of its cards (of ``deck_id`` only, when given), per card state."""
    interviews = [i for i in upcoming_interviews(session, learner_id, now)
                  if deck_id is None or i.deck_id in (None, deck_id)]
    cards = cards_for(interviews, session, learner_id)
    target = settings.interview_retention
    result = []
    for interview in interviews:
        mine = [c for c in cards if covers(interview, c) and (deck_id is None or c.deck_id == deck_id)]
        groups: dict[str, dict[str, Any]] = {}
        for group in STATE_GROUPS:
            found = readiness([c.plan for c in mine if c.group == group], interview.at, target,
                              settings.fsrs_parameters)
            empty = not found.cards  # no mean or lowest of no cards
            groups[group] = {"cards": found.cards, "ready": found.ready,
                             "predicted_recall_mean": None if empty else round(found.predicted_recall_mean, 4),
                             "predicted_recall_min": None if empty else round(found.predicted_recall_min, 4)}
        result.append({"id": interview.id, "at": interview.at.isoformat(), "deck": interview.deck_id,
                       "target": target, "by_state": groups})
    return result
