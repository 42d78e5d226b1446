"""Pure scheduling: Anki's FSRS scheduler, learner days and settings. No database, no clock.

Importing this package is cheap: ``fsrs_rs_python`` is imported the first time a card is answered.

Public API::

    answer(card, rating, now, settings, card_id) -> Answer
    preview(card, now, settings, card_id) -> dict[Rating, Answer]
    replay(card_id, [(rating, reviewed_at), ...], settings) -> CardState
    format_interval(timedelta) -> str
"""

from srs.scheduling.days import (
    day_bounds,
    day_start,
    days_elapsed,
    learner_day,
    next_day_start,
    require_utc,
)
from srs.scheduling.fuzz import constrained_fuzz_bounds, fuzz_factor, fuzz_seed, with_review_fuzz
from srs.scheduling.labels import format_interval
from srs.scheduling.scheduler import (
    KIND_LEARN,
    KIND_RELEARN,
    KIND_REVIEW,
    Answer,
    answer,
    leech_threshold_met,
    preview,
    replay,
)
from srs.scheduling.settings import (
    SETTINGS,
    SchedulerSettings,
    normalize_key,
    parse_setting,
    show_setting,
    system_timezone,
)
from srs.scheduling.state import CardState, Rating, State

__all__ = [
    "KIND_LEARN",
    "KIND_RELEARN",
    "KIND_REVIEW",
    "SETTINGS",
    "Answer",
    "CardState",
    "Rating",
    "SchedulerSettings",
    "State",
    "answer",
    "constrained_fuzz_bounds",
    "day_bounds",
    "day_start",
    "days_elapsed",
    "format_interval",
    "fuzz_factor",
    "fuzz_seed",
    "learner_day",
    "leech_threshold_met",
    "next_day_start",
    "normalize_key",
    "parse_setting",
    "preview",
    "replay",
    "require_utc",
    "show_setting",
    "system_timezone",
    "with_review_fuzz",
]
