"""Today at a glance, for ``srs`` and ``srs status``: what is left per deck, what was done, what comes next.

The per-deck counts are the study queue's own (:func:`srs.store.queue.queue_counts_by_deck`, which equals
:func:`srs.store.queue.queue_counts` deck by deck), so the status and the review header never disagree; the rest are aggregates from :mod:`srs.store.stats`. Each figure is one or two indexed
queries, whatever the size of the collection. Everything here is SQLAlchemy Core on :mod:`srs.tables`, so
``srs status`` runs without loading SQLModel or the ORM.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select

from srs.review import Counts
from srs.scheduling import SchedulerSettings, day_bounds
from srs.store.stats import day_streak, retention, reviewed_between
from srs.tables import card as _CARD
from srs.tables import deck as _DECK
from srs.tables import progress as _PROGRESS

if TYPE_CHECKING:
    from srs.store.types import Executor

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


def next_due(session: Executor, learner_id: int, now: datetime, deck_id: str | None = None) -> datetime | None:
    """When the learner's next scheduled card falls due (it may be now or past); None if nothing is scheduled.

    Suspended and never-studied cards have no due time; a buried card counts from when it comes back.
    """
    not_buried = or_(_PROGRESS.c.buried_until.is_(None), _PROGRESS.c.buried_until <= now)
    base = [_PROGRESS.c.learner_id == learner_id, _PROGRESS.c.state != 0,
            _PROGRESS.c.suspended.is_(False), _CARD.c.retired.is_(False)]
    if deck_id is not None:
        base.append(_CARD.c.deck_id == deck_id)
    earliest = session.execute(
        select(func.min(_PROGRESS.c.due)).join(_CARD, _CARD.c.id == _PROGRESS.c.card_pk).where(*base, not_buried)
    ).scalar_one_or_none()
    buried = session.execute(
        select(func.min(func.coalesce(_PROGRESS.c.buried_until, _PROGRESS.c.due)))
        .join(_CARD, _CARD.c.id == _PROGRESS.c.card_pk)
        .where(*base, and_(_PROGRESS.c.buried_until.is_not(None), _PROGRESS.c.buried_until > now))
    ).scalar_one_or_none()
    found = [moment for moment in (earliest, buried) if moment is not None]
    if not found:
        return None
    # min() keeps the column's type, so values come back aware; _as_utc guards against a driver returning text.
    return min(_as_utc(moment) for moment in found)


def _as_utc(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def collect_status(session: Executor, learner_id: int, now: datetime, settings: SchedulerSettings) -> Status:
    """Today's status for one learner: the study queue's counts per deck and in total, and the day's figures."""
    from srs.store.queue import queue_counts_by_deck

    deck_rows = session.execute(select(_DECK.c.id, _DECK.c.name).order_by(_DECK.c.name)).all()
    per_deck, total = queue_counts_by_deck(session, learner_id, now, settings, [deck_id for deck_id, _ in deck_rows])

    def as_counts(c: Any) -> Counts:
        return Counts(new=c.new, learning=c.learning, due=c.due)

    decks = tuple(DeckStatus(id=deck_id, name=name, counts=as_counts(per_deck[deck_id])) for deck_id, name in deck_rows)
    today_start, tomorrow_start = day_bounds(now, settings.timezone, settings.rollover_hour)
    ret = retention(session, learner_id, today_start - timedelta(days=29), tomorrow_start)["all"]
    return Status(
        decks=decks,
        total=as_counts(total),
        reviewed_today=reviewed_between(session, learner_id, today_start, tomorrow_start),
        next_due=next_due(session, learner_id, now),
        streak=day_streak(session, learner_id, now, settings),
        retention_30d=ret.rate,
        reviews_30d=ret.reviews,
    )
