"""Today at a glance, for ``srs`` and ``srs status``: what is left per deck, what was done, what comes next.

The per-deck counts are the study queue's own (:func:`srs.store.queue.queue_counts_by_deck`, which equals
:func:`srs.store.queue.queue_counts` deck by deck), so the status and the review header never disagree; the rest
are aggregates from :mod:`srs.store.stats`. Each figure is one or two indexed queries, whatever the size of the
collection. No SQL here: this module puts the store's figures together.

With an interview ahead, the status first makes today's plan if it is not made yet (:func:`ensure_plan`: the
caller commits it), counts the queue under it, and adds a line per interview: how many of its cards are ready
(predicted recall at the interview at least ``interview_retention``), and what today holds for its decks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from srs.review import Counts
from srs.scheduling import SchedulerSettings, day_bounds
from srs.store.day_plan import PlanHead, ensure_plan
from srs.store.decks import deck_names
from srs.store.interviews import interview_readiness
from srs.store.queue import queue_counts_by_deck
from srs.store.stats import day_streak, next_due, retention, reviewed_between


@dataclass(frozen=True)
class DeckStatus:
    """One deck's cards left today."""

    id: str
    name: str
    counts: Counts


@dataclass(frozen=True)
class InterviewStatus:
    """One interview ahead: how ready its cards are, and what today holds for them.

    Attributes:
        id: The interview's number.
        at: When it starts (aware UTC).
        deck: Its deck, or None for every deck.
        cards: Its cards (studied, not suspended).
        ready: Cards whose predicted recall at the interview is at least ``target``.
        predicted_recall_mean: Mean predicted recall at the interview (new cards count 0).
        predicted_recall_min: The lowest.
        target: ``interview_retention``.
        reviews_today: Reviews and learning steps left today on its cards, as the queue counts them.
        new_today: New cards left today on its cards.
    """

    id: int
    at: datetime
    deck: str | None
    cards: int
    ready: int
    predicted_recall_mean: float
    predicted_recall_min: float
    target: float
    reviews_today: int
    new_today: int

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {"id": self.id, "at": self.at.isoformat(), "deck": self.deck, "cards": self.cards, "ready": self.ready,
                "predicted_recall_mean": round(self.predicted_recall_mean, 4),
                "predicted_recall_min": round(self.predicted_recall_min, 4), "target": self.target,
                "reviews_today": self.reviews_today, "new_today": self.new_today}


@dataclass(frozen=True)
class Status:
    """Everything the status screen shows."""

    decks: tuple[DeckStatus, ...]
    total: Counts
    reviewed_today: int
    next_due: datetime | None
    streak: int
    retention_30d: float | None
    reviews_30d: int
    interviews: tuple[InterviewStatus, ...] = ()
    plan: PlanHead | None = None  # today's plan: says whether it asks for extra new cards, or lacks time

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""

        def counts(c: Counts) -> dict[str, int]:
            return {"new": c.new, "learning": c.learning, "due": c.due, "total": c.new + c.learning + c.due}

        return {
            "decks": [{"id": d.id, "name": d.name, **counts(d.counts)} for d in self.decks],
            "total": counts(self.total),
            "reviewed_today": self.reviewed_today,
            "next_due": self.next_due.isoformat() if self.next_due else None,
            "streak_days": self.streak,
            "retention_30d": None if self.retention_30d is None else round(self.retention_30d, 4),
            "reviews_30d": self.reviews_30d,
            "interviews": [interview.as_dict() for interview in self.interviews],
        }


def collect_status(session: Session, learner_id: int, now: datetime, settings: SchedulerSettings) -> Status:
    """Today's status for one learner: the study queue's counts per deck and in total, the day's figures, and
    the interviews ahead. It may save today's interview plan: the caller commits."""
    plan = ensure_plan(session, learner_id, now, settings)
    names = deck_names(session)
    per_deck, total = queue_counts_by_deck(session, learner_id, now, settings, [deck_id for deck_id, _ in names],
                                           plan=plan)
    decks = tuple(DeckStatus(id=deck_id, name=name, counts=per_deck[deck_id]) for deck_id, name in names)
    interviews = []
    for found in interview_readiness(session, learner_id, now, settings):
        deck = found.interview.deck_id
        today = total if deck is None else per_deck.get(deck, Counts(0, 0, 0))
        r = found.readiness
        interviews.append(InterviewStatus(
            id=found.interview.id, at=found.interview.at, deck=deck, cards=r.cards, ready=r.ready,
            predicted_recall_mean=r.predicted_recall_mean, predicted_recall_min=r.predicted_recall_min,
            target=found.target, reviews_today=today.learning + today.due, new_today=today.new))
    today_start, tomorrow_start = day_bounds(now, settings.timezone, settings.rollover_hour)
    ret = retention(session, learner_id, today_start - timedelta(days=29), tomorrow_start)["all"]
    return Status(
        decks=decks,
        total=total,
        reviewed_today=reviewed_between(session, learner_id, today_start, tomorrow_start),
        next_due=next_due(session, learner_id, now, plan=plan),  # as the queue counts: under the plan
        streak=day_streak(session, learner_id, now, settings),
        retention_30d=ret.rate,
        reviews_30d=ret.reviews,
        interviews=tuple(interviews),
        plan=plan,
    )
