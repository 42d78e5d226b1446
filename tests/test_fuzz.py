"""Interval fuzz: Anki's ranges (the cases from rslib's fuzz.rs) and its seeded generator."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from srs.scheduling.fuzz import (
    constrained_fuzz_bounds,
    fuzz_bounds,
    fuzz_factor,
    fuzz_seed,
    learning_fuzz_secs,
    minimum_review_interval,
    with_review_fuzz,
)


@pytest.mark.parametrize(
    ("interval", "minimum", "maximum", "lower", "middle", "upper"),
    [
        (1.0, 1, 1000, 1, 1, 1),
        (2.49, 1, 1000, 2, 2, 2),
        (2.5, 1, 1000, 2, 3, 4),
        (7.0, 1, 1000, 5, 7, 9),
        (17.0, 1, 1000, 14, 17, 20),
        (37.0, 1, 1000, 33, 37, 41),
        (2.0, 2, 1000, 2, 2, 2),
        (2.0, 3, 1000, 3, 4, 4),
        (2.0, 3, 3, 3, 3, 3),
        (6.9, 3, 1000, 5, 7, 9),
        (7.1, 3, 1000, 5, 7, 9),
        (19.9, 3, 1000, 17, 20, 23),
        (20.1, 3, 1000, 17, 20, 23),
        (100.0, 101, 1000, 101, 105, 108),
        (100.0, 1, 99, 92, 96, 99),
        (100.0, 97, 103, 97, 100, 103),
    ],
)
def test_anki_fuzz_cases(interval: float, minimum: int, maximum: int, lower: int, middle: int, upper: int) -> None:
    picks = [with_review_fuzz(factor, interval, minimum, maximum) for factor in (0.0, 0.5, 0.99)]
    assert picks == [lower, middle, upper]


def test_without_a_factor_intervals_are_rounded_and_clamped() -> None:
    assert with_review_fuzz(None, 1.5, 1, 100) == 2
    assert with_review_fuzz(None, 0.1, 1, 100) == 1
    assert with_review_fuzz(None, 101.0, 1, 100) == 100


def test_review_fuzz_floor() -> None:
    assert minimum_review_interval(2.7269483, 4, 36500) == 4
    assert minimum_review_interval(2.7269483, 5, 36500) == 0
    assert minimum_review_interval(4.591988, 4, 36500) == 5


def test_generator_is_rusts_stdrng() -> None:
    # StdRng::seed_from_u64(seed).random_range(0.0..1.0) as f32, and the learning fuzz drawn from it; the same
    # values Anki's backend uses (checked against it in test_anki_parity).
    assert [round(fuzz_factor(seed), 7) for seed in range(3)] == [0.8014592, 0.8249526, 0.0811881]
    assert learning_fuzz_secs(1, 600) == 600 + int(0.8249526 * 150)
    assert learning_fuzz_secs(1, 3) == 3  # too short to fuzz
    assert fuzz_seed(2**64 - 1, 2) == 1  # wraps like a u64


@given(seed=st.integers(0, 2**64 - 1))
def test_fuzz_factor_is_deterministic_and_in_range(seed: int) -> None:
    factor = fuzz_factor(seed)
    assert 0.0 <= factor < 1.0
    assert fuzz_factor(seed) == factor


@given(
    interval=st.floats(0.0, 40000.0),
    minimum=st.integers(1, 400),
    maximum=st.integers(1, 36500),
    seed=st.integers(0, 2**64 - 1),
)
def test_fuzzed_interval_stays_in_anki_range(interval: float, minimum: int, maximum: int, seed: int) -> None:
    result = with_review_fuzz(fuzz_factor(seed), interval, minimum, maximum)
    lower, upper = constrained_fuzz_bounds(interval, minimum, maximum)
    assert lower <= result <= upper <= maximum
    assert result >= min(minimum, maximum)
    if interval >= 2.5 and minimum <= interval <= maximum:
        raw_lower, raw_upper = fuzz_bounds(interval)
        assert raw_lower <= result <= max(raw_upper, lower + 1)


@given(secs=st.integers(1, 100_000), seed=st.integers(0, 2**64 - 1))
def test_learning_fuzz_adds_at_most_a_quarter_and_five_minutes(secs: int, seed: int) -> None:
    fuzzed = learning_fuzz_secs(seed, secs)
    assert secs <= fuzzed <= secs + min(secs // 4, 300)
