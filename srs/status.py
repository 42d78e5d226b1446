"""Today at a glance, for ``srs`` and ``srs status``: what is left per deck, what was done, what comes next.

The per-deck counts are the study queue's own (:func:`srs.store.queue.queue_counts_by_deck`, which equals
:func:`srs.store.queue.queue_counts` deck by deck), so the status and the review header never disagree; the rest
are aggregates from :mod:`srs.store.stats`. Each figure is one or two indexed queries, whatever the size of the
collection. No SQL here: this module puts the store's figures together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from srs.review import Counts
from srs.scheduling import SchedulerSettings, day_bounds
from srs.store.decks import deck_names
from srs.store.queue import queue_counts_by_deck
from srs.store.stats import day_streak, next_due, retention, reviewed_between

@dataclass(frozen=True)
class DeckStatus:
    """One deck's cards left today."""

    id: str
    name: str
    counts: Counts


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
        }


def collect_status(session: Session, learner_id: int, now: datetime, settings: SchedulerSettings) -> Status:
    """Today's status for one learner: the study queue's counts per deck and in total, and the day's figures."""
    names = deck_names(session)
    per_deck, total = queue_counts_by_deck(session, learner_id, now, settings, [deck_id for deck_id, _ in names])
    decks = tuple(DeckStatus(id=deck_id, name=name, counts=per_deck[deck_id]) for deck_id, name in names)
    today_start, tomorrow_start = day_bounds(now, settings.timezone, settings.rollover_hour)
    ret = retention(session, learner_id, today_start - timedelta(days=29), tomorrow_start)["all"]
    return Status(
        decks=decks,
        total=total,
        reviewed_today=reviewed_between(session, learner_id, today_start, tomorrow_start),
        next_due=next_due(session, learner_id, now),
        streak=day_streak(session, learner_id, now, settings),
        retention_30d=ret.rate,
        reviews_30d=ret.reviews,
    )
