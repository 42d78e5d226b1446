"""A learner's progress on one card as a plain, frozen record: what the store reads and writes, what a review holds.

:class:`ProgressSnapshot` is built once from a row, by column name, in the store (:mod:`srs.store.progress`); every
other layer reads its fields by name. It carries the ``version`` the compare-and-set of the next write checks,
so a review screen that shows a card keeps the snapshot it read and answers from it without reading it again.
:meth:`ProgressSnapshot.to_json` and :meth:`ProgressSnapshot.from_json` are the one conversion to and from the
copy each review row keeps for undo. No database code: any layer can hold one.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime, timezone
from typing import Any

from srs.scheduling.state import CardState, State

MAX_DURATION_MS = 60_000  # time on one answer is recorded up to 60 s, as Anki does

# The scheduling state's columns (CardState's fields), and the flags a progress row adds to them.
STATE_FIELDS = tuple(f.name for f in fields(CardState))
FLAG_FIELDS = ("suspended", "buried_until", "leech", "updated_at")
ROW_FIELDS = (*STATE_FIELDS, *FLAG_FIELDS)
_TIME_FIELDS = frozenset({"due", "last_review", "buried_until", "updated_at"})


@dataclass(frozen=True)
class ProgressSnapshot:
    """One learner's progress on one card as read from the store (mirrors :class:`srs.store.models.Progress`).

    Attributes:
        card_pk: The card's primary key.
        id: The progress row's primary key; None while the card has no row (a new card nobody touched).
        version: The row's compare-and-set version (0 without a row).
        state ... lapses: The scheduling state (see :class:`srs.scheduling.CardState`).
        suspended: Not shown until unsuspended.
        buried_until: Not shown before this moment (aware UTC), if set.
        leech: Forgotten often enough to be tagged a leech.
        updated_at: When the row last changed (answer, undo, suspend, bury, import); None for rows older than
            that column, and without a row.
    """

    card_pk: int
    id: int | None = None
    version: int = 0
    state: State = State.NEW
    step: int = 0
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    scheduled_days: int = 0
    reps: int = 0
    lapses: int = 0
    suspended: bool = False
    buried_until: datetime | None = None
    leech: bool = False
    updated_at: datetime | None = None

    @property
    def exists(self) -> bool:
        """Whether the learner has a progress row for the card."""
        return self.id is not None

    @property
    def card_state(self) -> CardState:
        """The scheduling state alone, as the scheduler takes it."""
        return CardState(**{name: getattr(self, name) for name in STATE_FIELDS})

    def with_state(self, state: CardState) -> ProgressSnapshot:
        """A copy with ``state``'s scheduling fields."""
        return replace(self, **{name: getattr(state, name) for name in STATE_FIELDS})

    def values(self) -> dict[str, Any]:
        """The row's columns by name (:data:`ROW_FIELDS`), as the store writes them."""
        data = {name: getattr(self, name) for name in ROW_FIELDS}
        data["state"] = int(self.state)
        return data

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe copy, kept on a review row so that undo can restore this exact progress."""
        if not self.exists:
            return {"row": False}
        data: dict[str, Any] = {"row": True, "version": self.version}
        for name, value in self.values().items():
            data[name] = value.isoformat() if isinstance(value, datetime) else value
        return data

    @classmethod
    def from_json(cls, card_pk: int, data: dict[str, Any]) -> ProgressSnapshot:
        """The snapshot :meth:`to_json` wrote ("no row" gives a new card's values, without an id)."""
        if not data.get("row"):
            return cls(card_pk)
        values: dict[str, Any] = {}
        for name in ROW_FIELDS:
            value = data.get(name)
            if name in _TIME_FIELDS and value is not None:
                value = datetime.fromisoformat(value).astimezone(timezone.utc)
            values[name] = value
        values["state"] = State(values["state"] or 0)
        values["leech"] = bool(values["leech"])
        values["suspended"] = bool(values["suspended"])
        return cls(card_pk, None, int(data.get("version", 0)), **values)
