"""Fitting FSRS parameters on a real review log (see tests/data/README.md)."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from srs.optimize import MIN_REVIEWS, build_items, optimize

DATA = Path(__file__).parent / "data" / "review_logs_josh_1711744352250_to_1728234780857.csv"
NOW = datetime(2024, 10, 7, 12, tzinfo=timezone.utc)


def load_log() -> list[tuple[int, int, datetime]]:
    with DATA.open(newline="", encoding="utf-8") as handle:
        return [
            (int(row["card_id"]), int(row["review_rating"]), datetime.fromisoformat(row["review_time"]))
            for row in csv.DictReader(handle)
        ]


@pytest.fixture(scope="module")
def log() -> list[tuple[int, int, datetime]]:
    return load_log()


def test_the_data_file_is_the_published_log(log: list[tuple[int, int, datetime]]) -> None:
    assert len(log) == 12_580
    assert len({card for card, _, _ in log}) == 1_205


def test_fitted_parameters_predict_held_out_reviews_better(log: list[tuple[int, int, datetime]]) -> None:
    result = optimize(log, NOW)
    assert result.needed == 0 and result.parameters is not None
    assert len(result.parameters) == 21
    assert result.default is not None and result.fitted is not None
    assert result.fitted.log_loss < result.default.log_loss
    assert result.improved
    assert 0 < result.fitted.rmse_bins < 1


def test_too_little_history_says_how_many_more_reviews_are_needed(log: list[tuple[int, int, datetime]]) -> None:
    result = optimize(log[:500], NOW)
    assert result.parameters is None and not result.improved
    assert result.needed == MIN_REVIEWS - result.usable > 0


def test_items_use_anki_day_gaps() -> None:
    t0 = datetime(2024, 5, 1, 10, tzinfo=timezone.utc)
    log = [
        (1, 3, t0),
        (1, 3, t0 + timedelta(minutes=10)),  # same day: history, not a prediction target
        (1, 1, t0 + timedelta(days=3)),
        (1, 3, t0 + timedelta(days=3, hours=17)),  # 03:00 next morning: still the same learner-day (4 am)
        (2, 0, t0),  # manual entries (rating 0) are ignored
    ]
    items, reviews, cards = build_items(log, datetime(2024, 6, 1, 4, tzinfo=timezone.utc))
    assert (reviews, cards) == (4, 1)
    assert len(items) == 1
    shown = [repr(review) for review in items[0][1].reviews]  # the binding exposes no attributes
    assert shown == [f"FSRSReview {{ rating: {r}, delta_t: {d} }}" for r, d in ((3, 0), (3, 0), (1, 3))]


def test_review_times_must_be_aware_utc() -> None:
    """Any aware UTC time is taken as it is; naive or other-offset times are refused, naming the field."""
    t0 = datetime(2024, 5, 1, 10)
    anchor = datetime(2024, 6, 1, 4, tzinfo=timezone.utc)
    for bad in (t0, t0.replace(tzinfo=timezone(timedelta(hours=2)))):
        with pytest.raises(ValueError, match="reviewed_at"):
            build_items([(1, 3, bad)], anchor)
    named_utc = timezone(timedelta(0), "Z")  # UTC, but not the timezone.utc object
    assert named_utc is not timezone.utc
    times = [t0, t0 + timedelta(days=2), t0 + timedelta(days=9)]
    items, _, _ = build_items([(1, 3, at.replace(tzinfo=named_utc)) for at in times], anchor)
    expected, _, _ = build_items([(1, 3, at.replace(tzinfo=timezone.utc)) for at in times], anchor)
    assert [(at, repr(item.reviews)) for at, item in items] == [(at, repr(item.reviews)) for at, item in expected]
    assert all(at.tzinfo is timezone.utc for at, _ in items)
