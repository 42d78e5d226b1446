"""What an export writes, as plain frozen records: decks as one learner sees them, and that learner's progress
and review log.

The store fills them (:mod:`srs.store.export`); the writers in ``exporters/`` turn them into files (Anki
packages, CSV). Neither side knows the other: the CLI fetches the records and passes them to a writer. No
database code here, so importing an exporter loads no SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from srs.cardview import CardView
from srs.progress import ProgressSnapshot


@dataclass(frozen=True)
class ExportDeck:
    """A deck and its active cards, in deck order, as the learner sees them (local edits applied).

    ``retired`` holds the cards a deck update dropped (:attr:`CardView.retired`), when the export asked for them:
    an Anki package carries them suspended and tagged ``retired``, so they stop coming up on a phone that has
    them (Anki never deletes a note on import).
    """

    id: str
    name: str
    description: str
    cards: tuple[CardView, ...]
    retired: tuple[CardView, ...] = ()


@dataclass(frozen=True)
class ReviewRecord:
    """One answer from the learner's review log (mirrors :class:`srs.store.models.Review`)."""

    rating: int
    reviewed_at: datetime
    duration_ms: int
    kind: int
    interval_days: int
    prev_interval_days: int


@dataclass(frozen=True)
class CardHistory:
    """A card's current progress (None while it is new) and its review log, oldest first."""

    progress: ProgressSnapshot | None
    reviews: tuple[ReviewRecord, ...]
