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
    assert s.fsrs_parameters is None and s.interview_retention == 0.95
    assert s.answer_mode == "flip"


def test_a_stored_answer_mode_this_release_does_not_know_reads_as_flip() -> None:
    assert SchedulerSettings.from_values({"answer_mode": "type", "timezone": "UTC"}).answer_mode == "type"
    assert SchedulerSettings.from_values({"answer_mode": "speak", "timezone": "UTC"}).answer_mode == "flip"


def test_system_timezone_comes_from_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    assert SchedulerSettings().timezone == "Europe/Berlin"
    monkeypatch.setenv("TZ", ":Asia/Tokyo")
    assert settings_module.system_timezone() == "Asia/Tokyo"


@pytest.mark.parametrize("tz", ["EST5EDT,M3.2.0,M11.1.0", ":/etc/localtime", "../../etc/passwd", "Europe/Nowhere9",
                                "localtime", "Europe/Berlin\x1b[2J"])
def test_system_timezone_is_an_iana_name_or_utc_with_a_note(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tz: str
) -> None:
    monkeypatch.setenv("TZ", tz)
    monkeypatch.setattr(settings_module, "Path", lambda _: tmp_path / "missing")
    name, note = settings_module.detect_timezone()
    assert name == "UTC"
    assert note is not None and "is not an IANA zone name" in note and "srs config set timezone" in note
    assert "\x1b" not in note


def test_system_timezone_from_localtime_notes_an_ignored_tz(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TZ", "CET-1CEST")
    link = tmp_path / "zoneinfo" / "America" / "Chicago"
    link.parent.mkdir(parents=True)
    link.write_bytes(b"")
    monkeypatch.setattr(settings_module, "Path", lambda _: link)
    assert settings_module.detect_timezone() == (
        "America/Chicago", "TZ='CET-1CEST' is not an IANA zone name; using this machine's zone, America/Chicago.")


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
        ("answer_mode", "type", "type"),
        ("answer-mode", " Flip ", "flip"),
        ("interview_retention", "0.97", 0.97),
        ("interview-retention", "80%", 0.8),
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
        ("answer_mode", "typing", "answer_mode must be flip or type \\(got 'typing'\\)"),
        ("interview_retention", "0.75", "interview_retention must be between 0.80 and 0.99"),
        ("interview_retention", "soon", "interview_retention must be a number between 0.80 and 0.99"),
        ("nope", "1", "known settings: desired_retention"),
    ],
)
def test_refusals_name_the_allowed_values(key: str, raw: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_setting(key, raw)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("../../../../etc/passwd", "got '../../../../etc/passwd'); a file path is not a zone name"),
        ("/etc/localtime", "a file path is not a zone name"),
        ("Europe/Nowhere9", "IANA time zone name such as Europe/Berlin (got 'Europe/Nowhere9')"),
        ("Europe/Berlin\x1b]52;c;aGk=\x07", "(got 'Europe/Berlin\\x1b]52;c;aGk=\\x07')"),
        ("A" * 300, "(got 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'… (300 characters))"),
        ("localtime", "(got 'localtime')"),
        ("posixrules", "(got 'posixrules')"),
        ("EST5EDT,M3.2.0,M11.1.0", "(got 'EST5EDT,M3.2.0,M11.1.0')"),
        ("Europe/Berln", "did you mean Europe/Berlin"),
        ("New York", "did you mean America/New_York?"),
    ],
)
def test_timezone_accepts_iana_names_only(raw: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_setting("timezone", raw)
    text = str(caught.value)
    assert message in text
    assert "\x1b" not in text and "\x07" not in text and len(text) < 200


@pytest.mark.parametrize(("raw", "name"), [("europe/berlin", "Europe/Berlin"), ("utc", "UTC"),
                                           (" Pacific/Chatham ", "Pacific/Chatham"), ("Etc/GMT+5", "Etc/GMT+5")])
def test_timezone_is_stored_as_tzdata_spells_it(raw: str, name: str) -> None:
    assert parse_setting("timezone", raw) == name


def test_a_bad_timezone_stored_by_an_older_release_is_refused_with_the_fix() -> None:
    with pytest.raises(ConfigError, match="stored timezone 'Europe/Nowhere9' .* srs config set timezone"):
        SchedulerSettings.from_values({"timezone": "Europe/Nowhere9"})


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
