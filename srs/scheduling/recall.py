"""How likely a card is to be recalled now: FSRS's forgetting curve, for ``srs card show``.

FSRS models the probability of recall ``t`` days after the last review of a card with stability ``S`` as
``R(t) = (1 + factor * t / S) ** -decay``, where ``decay`` is the last FSRS-6 parameter (0.5 for FSRS-4.5 and
FSRS-5 parameter sets, which have none) and ``factor = 0.9 ** (-1 / decay) - 1``, so that ``R(S) = 0.9``. Time is
counted in fractional days, as Anki's card info does. Pure: ``now`` is a parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

DEFAULT_DECAY = 0.1542  # fsrs-rs's default w20
OLD_DECAY = 0.5  # FSRS-4.5 and FSRS-5 (17 or 19 parameters)


def decay_of(parameters: Sequence[float] | None) -> float:
    """The forgetting curve's decay for a parameter set (None: FSRS's defaults)."""
    if parameters is None:
        return DEFAULT_DECAY
    return float(parameters[20]) if len(parameters) >= 21 else OLD_DECAY


def recall_probability(stability: float, last_review: datetime, now: datetime,
                       parameters: Sequence[float] | None = None) -> float:
    """Probability of recalling a card now, given its stability (days) and when it was last reviewed.

    Args:
        stability: FSRS stability in days (positive).
        last_review: The last review, timezone-aware.
        now: The moment asked about, timezone-aware; before ``last_review`` counts as no time at all.
        parameters: The learner's FSRS parameters; None for the defaults.

    Returns:
        A probability between 0 and 1 (1 right after a review).
    """
    decay = decay_of(parameters)
    factor = 0.9 ** (-1 / decay) - 1
    elapsed = max(0.0, (now - last_review).total_seconds() / 86_400)
    return float((1 + factor * elapsed / max(stability, 1e-9)) ** -decay)
