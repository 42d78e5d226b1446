"""Fitting FSRS parameters to a learner's own review log, and checking that they predict better.

Pure: takes ``(card_id, rating, reviewed_at)`` tuples, returns numbers; the caller loads the log and stores the
result. Reviews become FSRS training items the way Anki builds them: per card, day gaps counted as Anki counts
them (whole days back from the start of the learner's next day), one item per review made on a later day than
the card's previous one, with everything before it as history.

The check is a time-series split: items are ordered by when their predicted review happened; parameters fitted
on the earlier part are compared with the baseline (FSRS's defaults, or the learner's current parameters) on
the later, held-out part, by log loss and RMSE over bins. Only if the fitted parameters predict the held-out
reviews better are they worth adopting; those adopted are then fitted again on the whole log.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from srs.scheduling.days import day_offsets, next_day_start, require_utc

if TYPE_CHECKING:
    import fsrs_rs_python

MIN_REVIEWS = 400  # reviews on a later day than the card's previous one; fewer fit noise
TEST_FRACTION = 0.2


@dataclass(frozen=True)
class Metrics:
    """How well a parameter set predicts recall: lower is better for both."""

    log_loss: float
    rmse_bins: float


@dataclass(frozen=True)
class OptimizeResult:
    """The outcome of :func:`optimize`.

    Attributes:
        reviews: Reviews in the log.
        cards: Cards with at least one review.
        usable: Reviews FSRS can learn from (made on a later day than the card's previous review).
        needed: How many more usable reviews are needed before fitting (0 when there are enough).
        parameters: The fitted parameters (fitted on the whole log), or None when there was too little history.
        baseline: Held-out metrics of the parameters in use (FSRS's defaults unless the learner has their own).
        default: Held-out metrics of FSRS's default parameters.
        fitted: Held-out metrics of the parameters fitted on the earlier part of the log.
        improved: The fitted parameters predict the held-out reviews better than the baseline (lower log loss).
    """

    reviews: int
    cards: int
    usable: int
    needed: int
    parameters: tuple[float, ...] | None = None
    baseline: Metrics | None = None
    default: Metrics | None = None
    fitted: Metrics | None = None
    improved: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""

        def metrics(m: Metrics | None) -> dict[str, float] | None:
            return None if m is None else {"log_loss": m.log_loss, "rmse_bins": m.rmse_bins}

        return {
            "reviews": self.reviews,
            "cards": self.cards,
            "usable_reviews": self.usable,
            "needed_reviews": self.needed,
            "parameters": None if self.parameters is None else list(self.parameters),
            "baseline": metrics(self.baseline),
            "default": metrics(self.default),
            "fitted": metrics(self.fitted),
            "improved": self.improved,
        }


def build_items(
    reviews: Iterable[tuple[int, int, datetime]], anchor: datetime
) -> tuple[list[tuple[datetime, fsrs_rs_python.FSRSItem]], int, int]:
    """Turn a review log into FSRS training items, each with the time of the review it predicts.

    Returns:
        ``(items, review_count, card_count)``; items are ordered by time.
    """
    import fsrs_rs_python as frs

    by_card: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    count = 0
    for card_id, rating, reviewed_at in reviews:
        rating = int(rating)
        if 1 <= rating <= 4:
            if reviewed_at.tzinfo is not UTC:  # the database gives timezone.utc (UTC); anything else is checked
                reviewed_at = require_utc(reviewed_at, "reviewed_at")
            by_card[card_id].append((reviewed_at, rating))
            count += 1
    items: list[tuple[datetime, frs.FSRSItem]] = []
    for history in by_card.values():
        history.sort()
        offsets = day_offsets([moment for moment, _ in history], anchor)
        so_far: list[frs.FSRSReview] = []
        for index, ((moment, rating), offset) in enumerate(zip(history, offsets)):
            delta = 0 if index == 0 else offsets[index - 1] - offset
            so_far.append(frs.FSRSReview(rating, delta))
            if delta > 0:
                items.append((moment, frs.FSRSItem(list(so_far))))
    items.sort(key=lambda pair: pair[0])
    return items, count, len(by_card)


def _metrics(parameters: Sequence[float], items: Sequence[fsrs_rs_python.FSRSItem]) -> Metrics:
    import fsrs_rs_python as frs

    evaluation = frs.FSRS(list(parameters)).evaluate(list(items))
    return Metrics(log_loss=float(evaluation.log_loss), rmse_bins=float(evaluation.rmse_bins))


def optimize(
    reviews: Iterable[tuple[int, int, datetime]],
    now: datetime,
    timezone: str = "UTC",
    rollover_hour: int = 4,
    current: Sequence[float] | None = None,
    min_reviews: int = MIN_REVIEWS,
    test_fraction: float = TEST_FRACTION,
) -> OptimizeResult:
    """Fit FSRS parameters to a review log and compare them with the baseline on held-out reviews.

    Args:
        reviews: ``(card_id, rating, reviewed_at)`` for every review (ratings 1-4; others are ignored).
        now: The current time (aware UTC); day gaps are counted back from the start of the next learner-day.
        timezone: The learner's time zone.
        rollover_hour: The learner's day rollover hour.
        current: The learner's current parameters, if not FSRS's defaults.
        min_reviews: Usable reviews required before fitting.
        test_fraction: Share of the latest usable reviews held out for the comparison.

    Returns:
        The fitted parameters and both sets of metrics, or (when there is too little history) how many more
        reviews are needed.
    """
    import fsrs_rs_python as frs

    anchor = next_day_start(require_utc(now), timezone, rollover_hour)
    timed, count, cards = build_items(reviews, anchor)
    usable = len(timed)
    if usable < min_reviews:
        return OptimizeResult(reviews=count, cards=cards, usable=usable, needed=min_reviews - usable)
    items = [item for _, item in timed]
    cut = max(1, min(usable - 1, round(usable * (1 - test_fraction))))
    train, test = items[:cut], items[cut:]
    default_parameters = list(frs.DEFAULT_PARAMETERS)
    fitted_on_train = frs.FSRS(default_parameters).compute_parameters(train)
    default = _metrics(default_parameters, test)
    baseline = default if current is None else _metrics(frs.check_and_fill_parameters(list(current)), test)
    fitted = _metrics(fitted_on_train, test)
    parameters = tuple(float(v) for v in frs.FSRS(default_parameters).compute_parameters(items))
    return OptimizeResult(
        reviews=count,
        cards=cards,
        usable=usable,
        needed=0,
        parameters=parameters,
        baseline=baseline,
        default=default,
        fitted=fitted,
        improved=fitted.log_loss < baseline.log_loss,
    )
