"""A learner's settings in the database: list, read and change them (``srs config``), and adopt fitted FSRS
parameters (``srs optimize``).

One ``setting`` row per learner and key holds the value as JSON; a key without a row has its default. What the
keys are, their ranges and how values are parsed lives in :mod:`srs.scheduling.settings`. Statements are Core
ones on :mod:`srs.tables` (on a connection or a session), so neither command loads SQLModel or the ORM. Functions
here never commit: the caller decides when the change is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select, update

from srs import tables as t
from srs.scheduling.settings import SETTINGS, SchedulerSettings, normalize_key

if TYPE_CHECKING:
    from srs.optimize import OptimizeResult
    from srs.store.types import Executor

_S = t.setting.c


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


def _stored(conn: Executor, learner_id: int) -> dict[str, Any]:
    rows = conn.execute(select(_S.key, _S.value).where(_S.learner_id == learner_id))
    return {key: value for key, value in rows.all()}


def _store(conn: Executor, learner_id: int, key: str, value: Any) -> None:
    """Set the learner's ``key`` to ``value`` (JSON); None removes it, so the default applies."""
    this = (_S.learner_id == learner_id) & (_S.key == key)
    if value is None:
        conn.execute(delete(t.setting).where(this))
    elif conn.execute(select(_S.key).where(this)).first() is None:
        conn.execute(insert(t.setting).values(learner_id=learner_id, key=key, value=value))
    else:
        conn.execute(update(t.setting).where(this).values(value=value))


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


def list_settings(conn: Executor, learner_id: int) -> list[SettingInfo]:
    """Every setting with its current value, its default, and whether the learner changed it."""
    stored = _stored(conn, learner_id)
    current = SchedulerSettings.from_values(stored)
    defaults = SchedulerSettings()
    return [_info(f.name, current, defaults, stored) for f in fields(SchedulerSettings)]


def get_setting(conn: Executor, learner_id: int, key: str) -> SettingInfo:
    """One setting (``desired-retention`` and ``desired_retention`` both work).

    Raises:
        ConfigError: the key is unknown.
    """
    name = normalize_key(key)
    stored = _stored(conn, learner_id)
    return _info(name, SchedulerSettings.from_values(stored), SchedulerSettings(), stored)


def set_setting(conn: Executor, learner_id: int, key: str, raw_value: str) -> SettingInfo:
    """Validate and store a setting from its text form (``"0.85"``, ``"1m 10m"``, ``"Europe/Berlin"``).

    The value ``default`` removes the learner's own value. The caller commits.

    Raises:
        ConfigError: the key is unknown or the value is outside the allowed range (the message names it).
    """
    name = normalize_key(key)
    value = None if raw_value.strip().lower() == "default" else SETTINGS[name].parse(raw_value)
    _store(conn, learner_id, name, value)
    return get_setting(conn, learner_id, name)


def review_log(conn: Executor, learner_id: int) -> list[tuple[int, int, datetime]]:
    """The learner's whole review log as ``(card_pk, rating, reviewed_at)``, card by card, in one statement."""
    r = t.review.c
    rows = conn.execute(
        select(r.card_pk, r.rating, r.reviewed_at).where(r.learner_id == learner_id)
        .order_by(r.card_pk, r.reviewed_at)
    )
    return [(int(card), int(rating), at) for card, rating, at in rows.all()]


def optimize_learner(conn: Executor, learner_id: int, now: datetime, dry_run: bool = False) -> OptimizeResult:
    """Fit FSRS parameters to the learner's review log and adopt them if they predict held-out reviews better.

    Nothing is stored under ``dry_run``, with too little history, or when the fitted parameters are no better.
    The caller commits.
    """
    from srs.optimize import optimize

    settings = SchedulerSettings.from_values(_stored(conn, learner_id))
    result = optimize(
        review_log(conn, learner_id),
        now,
        timezone=settings.timezone,
        rollover_hour=settings.rollover_hour,
        current=settings.fsrs_parameters,
    )
    if result.improved and result.parameters is not None and not dry_run:
        _store(conn, learner_id, "fsrs_parameters", list(result.parameters))
    return result
