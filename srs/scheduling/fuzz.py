"""Interval fuzz, as Anki applies it (``rslib/src/scheduler/states/fuzz.rs``).

Review intervals of 2.5 days or more are spread over a range of ±(1 day + 15% of the part between 2.5 and 7
days + 10% of the part between 7 and 20 + 5% of the part above 20), clamped to the allowed minimum and maximum.
Where in that range a card lands is decided by a *fuzz factor* in [0, 1) drawn from Rust's ``StdRng``
(ChaCha12) seeded with ``card id + reps``: the same card at the same repetition always gets the same interval,
and undoing and redoing an answer gives the same result. This module reproduces that generator bit for bit
(PCG32 seed expansion, one ChaCha12 block, rand's float conversion) and does the arithmetic in 32-bit floats,
as Anki does, so the chosen interval is the one Anki would choose for the same card id.

Anki's load balancer (an optional feature that picks inside the same range by daily load) is not reproduced.
"""

from __future__ import annotations

import math
import struct
from functools import lru_cache

_MASK32 = 0xFFFF_FFFF
_MASK64 = 0xFFFF_FFFF_FFFF_FFFF

FUZZ_RANGES: tuple[tuple[float, float, float], ...] = (
    (2.5, 7.0, 0.15),
    (7.0, 20.0, 0.10),
    (20.0, 3.4028234663852886e38, 0.05),
)


# -- 32-bit float arithmetic -----------------------------------------------------------------------------------


_F32 = struct.Struct("<f")


def f32(value: float) -> float:
    """Round a Python float to the nearest 32-bit float (as a Rust ``f32`` holds it)."""
    return float(_F32.unpack(_F32.pack(value))[0])


def round_half_away(value: float) -> float:
    """Rust's ``f32::round``: halves round away from zero (Python's ``round`` rounds them to even)."""
    return math.copysign(math.floor(abs(value) + 0.5), value)


def _as_u32(value: float) -> int:
    """Rust's saturating ``as u32`` cast."""
    if value != value or value <= 0:
        return 0
    return min(int(value), _MASK32)


# -- Rust rand StdRng (ChaCha12), seeded from a u64 ------------------------------------------------------------


def _pcg32_seed(state: int) -> list[int]:
    """rand_core's ``seed_from_u64``: eight PCG32 outputs become the 32-byte ChaCha key."""
    mul, inc = 6364136223846793005, 11634580027462260723
    words = []
    for _ in range(8):
        state = (state * mul + inc) & _MASK64
        xorshifted = (((state >> 18) ^ state) >> 27) & _MASK32
        rot = state >> 59
        words.append(((xorshifted >> rot) | (xorshifted << ((32 - rot) & 31))) & _MASK32)
    return words


def _quarter(a: int, b: int, c: int, d: int) -> tuple[int, int, int, int]:
    """ChaCha's quarter round on four u32 words (rotations written out: this runs 48 times per block)."""
    a = (a + b) & _MASK32
    d ^= a
    d = ((d << 16) | (d >> 16)) & _MASK32
    c = (c + d) & _MASK32
    b ^= c
    b = ((b << 12) | (b >> 20)) & _MASK32
    a = (a + b) & _MASK32
    d ^= a
    d = ((d << 8) | (d >> 24)) & _MASK32
    c = (c + d) & _MASK32
    b ^= c
    b = ((b << 7) | (b >> 25)) & _MASK32
    return a, b, c, d


def _chacha12_block(key: list[int]) -> list[int]:
    """The first 64-byte ChaCha12 block (counter 0, stream 0) as sixteen u32 words.

    The state lives in sixteen locals rather than a list: ~35 us a block instead of ~45 (it is drawn for
    every card shown).
    """
    initial = (0x61707865, 0x3320646E, 0x79622D32, 0x6B206574, *key, 0, 0, 0, 0)
    x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15 = initial
    for _ in range(6):  # 12 rounds = 6 double rounds: columns, then diagonals
        x0, x4, x8, x12 = _quarter(x0, x4, x8, x12)
        x1, x5, x9, x13 = _quarter(x1, x5, x9, x13)
        x2, x6, x10, x14 = _quarter(x2, x6, x10, x14)
        x3, x7, x11, x15 = _quarter(x3, x7, x11, x15)
        x0, x5, x10, x15 = _quarter(x0, x5, x10, x15)
        x1, x6, x11, x12 = _quarter(x1, x6, x11, x12)
        x2, x7, x8, x13 = _quarter(x2, x7, x8, x13)
        x3, x4, x9, x14 = _quarter(x3, x4, x9, x14)
    final = (x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15)
    return [(a + b) & _MASK32 for a, b in zip(final, initial)]


@lru_cache(maxsize=256)
def _first_words(seed: int) -> tuple[int, ...]:
    """The generator's first block for ``seed``. Cached: the pure-Python ChaCha12 costs ~0.035 ms, and a review
    draws from the same seed (card id + reps) for the intervals it shows and again for the grade it saves."""
    return tuple(_chacha12_block(_pcg32_seed(seed & _MASK64)))


def fuzz_seed(card_id: int, reps: int) -> int:
    """Anki's fuzz seed: the card id plus the number of answers so far (wrapping at 64 bits)."""
    return (card_id + reps) & _MASK64


def fuzz_factor(seed: int) -> float:
    """The fuzz factor in [0, 1) Anki draws with ``StdRng::seed_from_u64(seed).random_range(0.0..1.0)`` (f32)."""
    return (_first_words(seed)[0] >> 9) / 8_388_608.0


# -- review interval fuzz ----------------------------------------------------------------------------------------


def fuzz_delta(interval: float) -> float:
    """How many days an interval may move either way (0 below 2.5 days)."""
    interval = f32(interval)
    if interval < 2.5:
        return 0.0
    delta = 1.0
    for start, end, factor in FUZZ_RANGES:
        delta = f32(delta + f32(factor) * max(0.0, f32(min(interval, end) - start)))
    return delta


# Pure, and asked again for the same intervals: a card's answer repeats the arithmetic of the preview shown
# just before it (same state, same learner-day), about a dozen f32 round trips per interval.
@lru_cache(maxsize=1024)
def fuzz_bounds(interval: float) -> tuple[int, int]:
    """The unconstrained range ``(lower, upper)`` of fuzzed intervals, in whole days."""
    interval = f32(interval)
    delta = fuzz_delta(interval)
    return _as_u32(round_half_away(f32(interval - delta))), _as_u32(round_half_away(f32(interval + delta)))


def constrained_fuzz_bounds(interval: float, minimum: int, maximum: int) -> tuple[int, int]:
    """The fuzz range clamped to ``[minimum, maximum]``; widened to two days where the limits allow."""
    minimum = min(minimum, maximum)
    interval = min(max(f32(interval), float(minimum)), float(maximum))
    lower, upper = fuzz_bounds(interval)
    lower = min(max(lower, minimum), maximum)
    upper = min(max(upper, minimum), maximum)
    if upper == lower and 2 < upper < maximum:
        upper = lower + 1
    return lower, upper


def with_review_fuzz(factor: float | None, interval: float, minimum: int, maximum: int) -> int:
    """Pick the interval in days inside the fuzz range (no fuzz when ``factor`` is None: round and clamp)."""
    if factor is None:
        return min(max(_as_u32(round_half_away(f32(interval))), minimum), maximum)
    lower, upper = constrained_fuzz_bounds(interval, minimum, maximum)
    return _as_u32(math.floor(f32(float(lower) + f32(f32(factor) * float(1 + upper - lower)))))


def minimum_review_interval(interval: float, previous: int, maximum: int) -> int:
    """The least interval fuzz may give a review card whose last interval was ``previous`` days.

    Growing intervals stay above the previous one; an interval that barely changed is not fuzzed below it; one
    that shrank well below it (new parameters or retention) is not limited.
    """
    rounded = _as_u32(round_half_away(f32(interval)))
    upper = constrained_fuzz_bounds(interval, 1, maximum)[1]
    if rounded > previous:
        return previous + 1
    if previous <= upper:
        return previous
    return 0


# -- learning-step fuzz ------------------------------------------------------------------------------------------


def learning_fuzz_secs(seed: int, secs: int) -> int:
    """A learning step's delay plus Anki's learning fuzz: up to 25% more, at most 5 minutes more.

    Anki draws ``random_range(secs..upper)`` (an unsigned integer range, rand 0.9's method) from the same seeded
    generator as the review fuzz.
    """
    upper_exclusive = secs + math.floor(min(f32(f32(float(secs)) * 0.25), 300.0))
    if secs >= upper_exclusive:
        return secs
    span = upper_exclusive - secs
    words = _first_words(seed)
    product = words[0] * span
    result, low_order = product >> 32, product & _MASK32
    if low_order > ((-span) & _MASK32):
        carry_in = (words[1] * span) >> 32
        if low_order + carry_in > _MASK32:
            result += 1
    return secs + result
