"""A learner's settings in the database: list, read and change them (``srs config``), and adopt fitted FSRS
parameters (``srs optimize``).

One :class:`srs.models.Setting` row per learner and key holds the value as JSON; a key without a row has its
default. What the keys are, their ranges and how values are parsed lives in :mod:`srs.scheduling.settings`.
Functions here flush but never commit: the caller decides when the change is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session, col

from srs.models import Review, Setting
from srs.optimize import OptimizeResult
from srs.scheduling.settings import SETTINGS, SchedulerSettings, normalize_key


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
    rows = session.execute(select(col(Setting.key), col(Setting.value)).where(col(Setting.learner_id) == learner_id))
    return {key: value for key, value in rows.all()}


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
    if raw_value.strip().lower() == "default":
        session.execute(delete(Setting).where(col(Setting.learner_id) == learner_id, col(Setting.key) == name))
    else:
        value = SETTINGS[name].parse(raw_value)
        row = session.get(Setting, (learner_id, name))
        if value is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(Setting(learner_id=learner_id, key=name, value=value))
        else:
            row.value = value
    session.flush()
    return get_setting(session, learner_id, name)


def review_log(session: Session, learner_id: int) -> list[tuple[int, int, datetime]]:
    """The learner's whole review log as ``(card_pk, rating, reviewed_at)``, card by card."""
    rows = session.execute(
        select(col(Review.card_pk), col(Review.rating), col(Review.reviewed_at))
        .where(col(Review.learner_id) == learner_id)
        .order_by(col(Review.card_pk), col(Review.reviewed_at))
    )
    return [(int(card), int(rating), at) for card, rating, at in rows.all()]


def optimize_learner(session: Session, learner_id: int, now: datetime, dry_run: bool = False) -> OptimizeResult:
    """Fit FSRS parameters to the learner's review log and adopt them if they predict held-out reviews better.

    Nothing is stored under ``dry_run``, with too little history, or when the fitted parameters are no better.
    The caller commits.
    """
    from srs.optimize import optimize

    stored = _stored(session, learner_id)
    settings = SchedulerSettings.from_values(stored)
    result = optimize(
        review_log(session, learner_id),
        now,
        timezone=settings.timezone,
        rollover_hour=settings.rollover_hour,
        current=settings.fsrs_parameters,
    )
    if result.improved and result.parameters is not None and not dry_run:
        row = session.get(Setting, (learner_id, "fsrs_parameters"))
        if row is None:
            session.add(Setting(learner_id=learner_id, key="fsrs_parameters", value=list(result.parameters)))
        else:
            row.value = list(result.parameters)
        session.flush()
    return result
