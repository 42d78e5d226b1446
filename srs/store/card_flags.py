"""Suspend and bury a learner's cards, one or many at once, with the same compare-and-set as answers.

A flag computed from a state another session has changed since is refused (:class:`~srs.errors.ConflictError`),
never applied to the wrong state (:func:`srs.store.progress.compare_and_set`). The batch forms
(:func:`set_suspended`, :func:`set_buried`) change all their cards or, on a conflict, none. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from srs.errors import NotFoundError
from srs.progress import ProgressSnapshot
from srs.scheduling import SchedulerSettings, day_bounds, require_utc
from srs.store.models import Card, table_of
from srs.store.progress import ProgressWrite, compare_and_set, progress_columns, progress_join, snapshot_of

__all__ = ["bury_until_tomorrow", "is_buried", "set_buried", "set_suspended", "suspend", "unbury"]

_CARD = table_of(Card)


def _set_flags(session: Session, learner_id: int, card_pk: int, now: datetime, **flags: Any) -> None:
    """Change a card's suspended/buried flags with the same compare-and-set as answers. The caller commits."""
    _set_flags_many(session, learner_id, [card_pk], now, lambda seen: flags)


def suspend(session: Session, learner_id: int, card_pk: int, suspended: bool = True,
            now: datetime | None = None) -> None:
    """Stop (or, with ``suspended=False``, resume) showing a card to the learner. The caller commits.

    ``now`` (default: the wall clock) is recorded as when the card last changed here.
    """
    _set_flags(session, learner_id, card_pk, now or datetime.now(timezone.utc), suspended=suspended)


def bury_until_tomorrow(
    session: Session, learner_id: int, card_pk: int, now: datetime, settings: SchedulerSettings
) -> datetime:
    """Hide a card until the start of the learner's next day; returns that moment. The caller commits."""
    until = day_bounds(require_utc(now), settings.timezone, settings.rollover_hour)[1]
    _set_flags(session, learner_id, card_pk, now, buried_until=until)
    return until


def unbury(session: Session, learner_id: int, card_pk: int, now: datetime) -> None:
    """Show a buried card again today (undoes :func:`bury_until_tomorrow`). The caller commits."""
    _set_flags(session, learner_id, card_pk, now, buried_until=None)


# Cards read per statement by the batch functions below: well under any backend's limit on bound parameters.
_BATCH = 500


def _read_many(session: Session, learner_id: int, card_pks: Sequence[int]) -> list[ProgressSnapshot]:
    """The learner's progress on each of ``card_pks``, in that order (a few statements, whatever the count).

    Raises:
        NotFoundError: one of the cards does not exist.
    """
    found: dict[int, ProgressSnapshot] = {}
    unique = list(dict.fromkeys(card_pks))
    for start in range(0, len(unique), _BATCH):
        chunk = unique[start:start + _BATCH]
        query = (select(_CARD.c.id, *progress_columns()).select_from(progress_join(learner_id))
                 .where(_CARD.c.id.in_(chunk)))
        for row in session.execute(query).mappings():
            found[int(row["id"])] = snapshot_of(int(row["id"]), row)
    missing = [pk for pk in unique if pk not in found]
    if missing:
        raise NotFoundError(f"no card with pk {missing[0]}")
    return [found[pk] for pk in unique]


def _set_flags_many(session: Session, learner_id: int, card_pks: Sequence[int], now: datetime,
                    change: Callable[[ProgressSnapshot], dict[str, Any] | None]) -> list[int]:
    """Apply ``change`` (snapshot -> the flags to write, or None when the card already is as wanted) to each
    card in one compare-and-set batch; returns the pks of the cards that changed, in order. The caller commits."""
    writes = []
    for seen in _read_many(session, learner_id, card_pks):
        flags = change(seen)
        if flags is not None:
            writes.append(ProgressWrite(seen, seen.values() | flags | {"updated_at": now}))
    if writes:
        compare_and_set(session, learner_id, writes)
    return [w.seen.card_pk for w in writes]


def set_suspended(session: Session, learner_id: int, card_pks: Sequence[int], suspended: bool,
                  now: datetime) -> list[int]:
    """Suspend (or, with ``suspended=False``, unsuspend) several cards at once: all of them or, on a conflict,
    none. Returns the pks of the cards that changed; the others already were so. The caller commits.

    Raises:
        ConflictError: one of the cards changed in another session meanwhile; roll back.
        NotFoundError: one of the cards does not exist.
    """
    now = require_utc(now)
    return _set_flags_many(session, learner_id, card_pks, now,
                           lambda seen: None if seen.suspended == suspended else {"suspended": suspended})


def is_buried(progress: ProgressSnapshot, now: datetime) -> bool:
    """Whether the card is hidden by a bury at ``now`` (a bury ends at the start of the learner's next day)."""
    return progress.buried_until is not None and progress.buried_until > now


def set_buried(session: Session, learner_id: int, card_pks: Sequence[int], buried: bool, now: datetime,
               settings: SchedulerSettings) -> tuple[list[int], datetime]:
    """Bury several cards until the start of the learner's next day (or, with ``buried=False``, show them again
    today): all of them or, on a conflict, none. Returns the pks of the cards that changed (the others already
    were so) and when a bury made now ends. The caller commits.

    Raises:
        ConflictError: one of the cards changed in another session meanwhile; roll back.
        NotFoundError: one of the cards does not exist.
    """
    now = require_utc(now)
    until = day_bounds(now, settings.timezone, settings.rollover_hour)[1]

    def change(seen: ProgressSnapshot) -> dict[str, Any] | None:
        if is_buried(seen, now) == buried:
            return None
        return {"buried_until": until if buried else None}

    return _set_flags_many(session, learner_id, card_pks, now, change), until
