"""FSRS's memory model in plain Python: recall probability over time, and the memory state after an answer.

The formulas are FSRS-6's, as fsrs-rs (the crate inside Anki and ``fsrs-rs-python``) computes them, with the
same parameters (17- and 19-number sets are filled the way fsrs-rs fills them). They exist here, besides the
extension, for planning: the interview plan asks "what would recall be at the interview if this card were
answered Good on that day?" for every card and every day left, thousands of times a day, and a call into the
extension costs more than the arithmetic. Answering a card still goes through the extension
(:mod:`srs.scheduling.scheduler`); ``tests/test_interview_plan.py`` checks these formulas against it.

Times are in days (fractions allowed). No clock, no I/O, no imports beyond ``math``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# fsrs-rs's FSRS-6 defaults (``fsrs_rs_python.DEFAULT_PARAMETERS``), as 32-bit floats read back.
DEFAULT_PARAMETERS: tuple[float, ...] = (
    0.21199999749660492, 1.2930999994277954, 2.30649995803833, 8.295599937438965, 6.413300037384033,
    0.8334000110626221, 3.019399881362915, 0.0010000000474974513, 1.8722000122070312, 0.16660000383853912,
    0.7960000038146973, 1.4835000038146973, 0.061400000005960464, 0.2628999948501587, 1.648300051689148,
    0.6014000177383423, 1.8729000091552734, 0.5425000190734863, 0.09120000153779984, 0.0658000037074089,
    0.1542000025510788,
)  # fmt: skip
FSRS5_DECAY = 0.5
S_MIN = 0.001
S_MAX = 36500.0
D_MIN = 1.0
D_MAX = 10.0


@dataclass(frozen=True)
class Model:
    """One parameter set, filled to FSRS-6's 21 numbers, with the forgetting curve's constants worked out."""

    w: tuple[float, ...]
    decay: float  # w20: how fast recall falls (the curve is a power law with this exponent)
    factor: float  # chosen so that recall is 0.9 when the elapsed time equals the stability

    def recall(self, elapsed_days: float, stability: float) -> float:
        """Probability of recall ``elapsed_days`` after the last review, for a memory of ``stability`` days."""
        t = max(0.0, elapsed_days)
        return math.pow(1.0 + self.factor * t / max(stability, S_MIN), -self.decay)

    def days_until(self, retention: float, stability: float) -> float:
        """Days after a review until recall falls to ``retention`` (FSRS's interval for that retention)."""
        retention = min(max(retention, 0.0001), 0.9999)
        days = max(stability, S_MIN) / self.factor * (math.pow(retention, -1.0 / self.decay) - 1.0)
        return min(max(days, 0.0), S_MAX)

    def init_difficulty(self, rating: int) -> float:
        """Difficulty after the first answer (unclamped, as the mean reversion uses it for Easy)."""
        return self.w[4] - math.exp(self.w[5] * (rating - 1)) + 1.0

    def first(self, rating: int) -> tuple[float, float]:
        """``(stability, difficulty)`` after a new card's first answer."""
        return self.w[rating - 1], _clamp(self.init_difficulty(rating), D_MIN, D_MAX)

    def after(self, stability: float, difficulty: float, elapsed_days: int, rating: int) -> tuple[float, float]:
        """``(stability, difficulty)`` after answering ``rating`` ``elapsed_days`` whole days after the last review.

        ``elapsed_days`` is Anki's count (:func:`srs.scheduling.days.days_elapsed`); 0 is a same-day repeat.
        """
        w = self.w
        s = max(stability, S_MIN)
        if elapsed_days <= 0:
            grow = math.exp(w[17] * (rating - 3 + w[18])) * s ** -w[19]
            new_s = s * (max(grow, 1.0) if rating >= 2 else grow)  # only Again may shrink it
        else:
            r = self.recall(float(elapsed_days), s)
            if rating == 1:
                failed = w[11] * difficulty ** -w[12] * ((s + 1.0) ** w[13] - 1.0) * math.exp((1.0 - r) * w[14])
                new_s = min(failed, s / math.exp(w[17] * w[18]))
            else:
                bonus = w[15] if rating == 2 else w[16] if rating == 4 else 1.0
                grow = math.exp(w[8]) * (11.0 - difficulty) * s ** -w[9] * (math.exp((1.0 - r) * w[10]) - 1.0)
                new_s = s * (grow * bonus + 1.0)
        changed = difficulty + (10.0 - difficulty) / 9.0 * (-w[6] * (rating - 3))
        new_d = w[7] * self.init_difficulty(4) + (1.0 - w[7]) * changed
        return _clamp(new_s, S_MIN, S_MAX), _clamp(new_d, D_MIN, D_MAX)


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def filled(parameters: Sequence[float] | None) -> tuple[float, ...]:
    """The parameters as FSRS-6's 21 numbers (fsrs-rs's ``check_and_fill_parameters``); None: the defaults.

    Raises:
        ValueError: not 17, 19 or 21 numbers.
    """
    if parameters is None:
        return DEFAULT_PARAMETERS
    w = [float(v) for v in parameters]
    if len(w) == 17:
        w[4] = w[5] * 2.0 + w[4]
        w[5] = math.log(w[5] * 3.0 + 1.0) / 3.0
        w[6] += 0.5
        w.extend((0.0, 0.0, 0.0, FSRS5_DECAY))
    elif len(w) == 19:
        w.extend((0.0, FSRS5_DECAY))
    elif len(w) != 21:
        raise ValueError(f"FSRS parameters must be 17, 19 or 21 numbers (got {len(w)})")
    return tuple(w)


@lru_cache(maxsize=16)
def model(parameters: tuple[float, ...] | None = None) -> Model:
    """The memory model for a parameter set (``SchedulerSettings.fsrs_parameters``; None: FSRS's defaults)."""
    w = filled(parameters)
    decay = w[20]
    return Model(w, decay, 0.9 ** (-1.0 / decay) - 1.0)
