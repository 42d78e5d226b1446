"""Settings: Anki's defaults, parsing of ``srs config set`` values, refusals naming the allowed range."""

from __future__ import annotations

from pathlib import Path

import pytest

from srs.errors import ConfigError
from srs.scheduling import SchedulerSettings, parse_setting, show_setting
from srs.scheduling import settings as settings_module


def test_defaults_are_ankis() -> None:
    s = SchedulerSettings(timezone="UTC")
    assert (s.desired_retention, s.new_per_day, s.reviews_per_day) == (0.9, 20, 200)
    assert (s.learning_steps, s.relearning_steps) == ((1.0, 10.0), (10.0,))
    assert (s.rollover_hour, s.maximum_interval, s.leech_threshold, s.learn_ahead_minutes) == (4, 36500, 8, 20)
    assert s.fsrs_parameters is None


def test_system_timezone_comes_from_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    assert SchedulerSettings().timezone == "Europe/Berlin"
    monkeypatch.setenv("TZ", ":Asia/Tokyo")
    assert settings_module.system_timezone() == "Asia/Tokyo"


def test_system_timezone_falls_back_to_localtime_then_utc(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TZ", raising=False)
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/America/Chicago")
    monkeypatch.setattr(settings_module, "Path", lambda _: link)
    if Path("/usr/share/zoneinfo/America/Chicago").exists():
        assert settings_module.system_timezone() == "America/Chicago"
    monkeypatch.setattr(settings_module, "Path", lambda _: tmp_path / "missing")
    assert settings_module.system_timezone() == "UTC"


@pytest.mark.parametrize(
    ("key", "raw", "value"),
    [
        ("desired_retention", "0.85", 0.85),
        ("desired_retention", "90%", 0.9),
        ("learning_steps", "1m 10m", [1.0, 10.0]),
        ("learning_steps", "30s,1h 2d", [0.5, 60.0, 2880.0]),
        ("learning_steps", "15", [15.0]),
        ("relearning_steps", "none", []),
        ("relearning_steps", "", []),
        ("timezone", "Europe/Berlin", "Europe/Berlin"),
        ("rollover-hour", "23", 23),
        ("fsrs_parameters", "default", None),
    ],
)
def test_parse(key: str, raw: str, value: object) -> None:
    assert parse_setting(key, raw) == value


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("desired_retention", "0.995", "between 0.70 and 0.99"),
        ("reviews_per_day", "1e3", "whole number between 0 and 99999"),
        ("learning_steps", "0m", "between 1s and 365d"),
        ("learning_steps", "ten", "unit s, m, h or d"),
        ("timezone", "Nowhere", "IANA time zone"),
        ("fsrs_parameters", "1 2 3", "17, 19 or 21 numbers"),
        ("nope", "1", "known settings: desired_retention"),
    ],
)
def test_refusals_name_the_allowed_values(key: str, raw: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_setting(key, raw)


def test_values_round_trip_through_storage() -> None:
    stored = {
        "learning_steps": parse_setting("learning_steps", "30s 5m 1h"),
        "desired_retention": parse_setting("desired_retention", "0.8"),
        "unknown_key": 1,
    }
    s = SchedulerSettings.from_values(stored)
    assert s.learning_steps == (0.5, 5.0, 60.0) and s.desired_retention == 0.8
    assert show_setting(s, "learning_steps") == "30s 5m 1h"
    assert show_setting(s, "desired-retention") == "0.8"
