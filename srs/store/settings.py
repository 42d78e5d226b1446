"""A learner's settings in the database: list, read and change them (``srs config``), and adopt fitted FSRS
parameters (``srs optimize``).

One ``setting`` row per learner and key holds the value as JSON; a key without a row has its default. What the
keys are, their ranges and how values are parsed lives in :mod:`srs.scheduling.settings`. Statements are Core
here never commit: the caller decides when the change is kept. :func:`load_settings` is the one reader of them, for
every command that schedules.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, select
from sqlmodel import Session

from srs.scheduling.settings import SETTINGS, SchedulerSettings, normalize_key
from srs.store.models import Review, Setting, table_of
from srs.store.upsert import upsert

if TYPE_CHECKING:
    from srs.optimize import OptimizeResult

_SETTING = table_of(Setting)
_S = _SETTING.c
_STORED = select(_S.key, _S.value).where(_S.learner_id == bindparam("learner"))


@dataclass(frozen=True)
class SettingInfo:
    """One setting as ``srs config`` shows it."""

    key: str
    value: str
    default: str
    is_default: bool
    allowed: str
    help: str

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "key": self.key,
            "value": self.value,
            "default": self.default,
            "is_default": self.is_default,
            "allowed": self.allowed,
            "help": self.help,
        }


def _stored(session: Session, learner_id: int) -> dict[str, Any]:
    """The learner's own values, by key (keys without a row have their default)."""
    return {row.key: row.value for row in session.execute(_STORED, {"learner": learner_id})}


def load_settings(session: Session, learner_id: int) -> SchedulerSettings:
    """The learner's scheduler settings: stored values over Anki's defaults."""
    return SchedulerSettings.from_values(_stored(session, learner_id))


def _store(session: Session, learner_id: int, key: str, value: Any) -> None:
    """Set the learner's ``key`` to ``value`` (JSON); None removes it, so the default applies.

    One upsert, so two sessions setting the same key at once both succeed and the last to commit wins."""
    if value is None:
        session.execute(delete(_SETTING).where((_S.learner_id == learner_id) & (_S.key == key)))
    else:
        upsert(session, _SETTING, {"learner_id": learner_id, "key": key, "value": value}, ("learner_id", "key"))


def _info(key: str, current: SchedulerSettings, defaults: SchedulerSettings, stored: dict[str, Any]) -> SettingInfo:
    spec = SETTINGS[key]
    return SettingInfo(
        key=key,
        value=spec.show(getattr(current, key)),
        default=spec.show(getattr(defaults, key)),
        is_default=key not in stored,
        allowed=spec.allowed,
        help=spec.help,
    )


def list_settings(session: Session, learner_id: int) -> list[SettingInfo]:
    """Every setting with its current value, its default, and whether the learner changed it."""
    stored = _stored(session, learner_id)
    current = SchedulerSettings.from_values(stored)
    defaults = SchedulerSettings()
    return [_info(f.name, current, defaults, stored) for f in fields(SchedulerSettings)]


def get_setting(session: Session, learner_id: int, key: str) -> SettingInfo:
    """One setting (``desired-retention`` and ``desired_retention`` both work).

    Raises:
        ConfigError: the key is unknown.
    """
    name = normalize_key(key)
    stored = _stored(session, learner_id)
    return _info(name, SchedulerSettings.from_values(stored), SchedulerSettings(), stored)


def set_setting(session: Session, learner_id: int, key: str, raw_value: str) -> SettingInfo:
    """Validate and store a setting from its text form (``"0.85"``, ``"1m 10m"``, ``"Europe/Berlin"``).

    The value ``default`` removes the learner's own value. The caller commits.

    Raises:
        ConfigError: the key is unknown or the value is outside the allowed range (the message names it).
    """
    name = normalize_key(key)
    value = None if raw_value.strip().lower() == "default" else SETTINGS[name].parse(raw_value)
    _store(session, learner_id, name, value)
    return get_setting(session, learner_id, name)


def review_log(session: Session, learner_id: int) -> list[tuple[int, int, datetime]]:
    """The learner's whole review log as ``(card_pk, rating, reviewed_at)``, card by card, in one statement."""
    r = table_of(Review).c
    rows = session.execute(
        select(r.card_pk, r.rating, r.reviewed_at).where(r.learner_id == learner_id)
        .order_by(r.card_pk, r.reviewed_at)
    )
    return [(int(row.card_pk), int(row.rating), row.reviewed_at) for row in rows]


def optimize_learner(session: Session, learner_id: int, now: datetime, dry_run: bool = False) -> OptimizeResult:
    """Fit FSRS parameters to the learner's review log and adopt them if they predict held-out reviews better.

    Nothing is stored under ``dry_run``, with too little history, or when the fitted parameters are no better.
    The caller commits.
    """
    from srs.optimize import optimize

    settings = load_settings(session, learner_id)
    result = optimize(
        review_log(session, learner_id),
        now,
        timezone=settings.timezone,
        rollover_hour=settings.rollover_hour,
        current=settings.fsrs_parameters,
    )
    if result.improved and result.parameters is not None and not dry_run:
        _store(session, learner_id, "fsrs_parameters", list(result.parameters))
    return result
