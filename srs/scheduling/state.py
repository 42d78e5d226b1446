"""The scheduling state of one card for one learner, and the four grades.

:class:`CardState` is the scheduling part of a stored progress row, field by field, so converting between the two is
a plain copy (:class:`srs.progress.ProgressSnapshot`). It is frozen: the scheduler returns a new state and never
mutates its input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum


class State(IntEnum):
    """Where a card is in its life: Anki's card types."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


class Rating(IntEnum):
    """The learner's grade for one answer, numbered as Anki's answer buttons (and revlog ``ease``)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


@dataclass(frozen=True)
class CardState:
    """A card's scheduling state.

    Attributes:
        state: New, learning, review or relearning.
        step: Index into the learning steps (learning) or relearning steps (relearning); 0 otherwise.
        stability: FSRS stability in days; None for a new card.
        difficulty: FSRS difficulty (1-10); None for a new card.
        due: When the card is next due (aware UTC); None for a new card.
        last_review: When the card was last answered (aware UTC); None for a new card.
        scheduled_days: Anki's ``ivl``: the interval in days given the last time the card was scheduled into (or
            kept for) the review state. During relearning it holds the interval the card returns with.
        reps: Number of answers so far.
        lapses: Number of times the card was forgotten in the review state.
    """

    state: State = State.NEW
    step: int = 0
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    scheduled_days: int = 0
    reps: int = 0
    lapses: int = 0
