"""``srs config`` and ``srs optimize`` through the command line."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from srs.cli import cli

NOW = "2024-10-07T12:00:00+00:00"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SRS_NOW", NOW)
    monkeypatch.setenv("TZ", "UTC")


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_list_shows_defaults(runner: CliRunner) -> None:
    result = run(runner, "config", "list", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["key"]: row for row in json.loads(result.stdout)}
    assert rows["desired_retention"]["value"] == "0.9"
    assert rows["learning_steps"]["value"] == "1m 10m"
    assert rows["relearning_steps"]["value"] == "10m"
    assert rows["new_per_day"]["value"] == "20" and rows["reviews_per_day"]["value"] == "200"
    assert rows["maximum_interval"]["value"] == "36500" and rows["rollover_hour"]["value"] == "4"
    assert all(row["is_default"] for row in rows.values())


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("desired_retention", "0.85", "0.85"),
        ("desired-retention", "85%", "0.85"),
        ("learning_steps", "30s 5m 1h 1d", "30s 5m 1h 1d"),
        ("relearning_steps", "none", "none"),
        ("timezone", "Europe/Berlin", "Europe/Berlin"),
        ("rollover_hour", "0", "0"),
        ("new_per_day", "5", "5"),
        ("maximum_interval", "365", "365"),
        ("leech_threshold", "4", "4"),
    ],
)
def test_set_then_get(runner: CliRunner, key: str, value: str, shown: str) -> None:
    result = run(runner, "config", "set", key, value)
    assert result.exit_code == 0, result.output
    assert run(runner, "config", "get", key).stdout.strip() == shown
    listed = {row["key"]: row for row in json.loads(run(runner, "config", "list", "--json").stdout)}
    assert listed[key.replace("-", "_")]["is_default"] is False


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("desired_retention", "0.5", "between 0.70 and 0.99"),
        ("desired_retention", "lots", "between 0.70 and 0.99"),
        ("new_per_day", "10000", "between 0 and 9999"),
        ("rollover_hour", "24", "between 0 and 23"),
        ("maximum_interval", "0", "between 1 and 36500"),
        ("learning_steps", "1x", "unit s, m, h or d"),
        ("timezone", "Mars/Olympus", "IANA time zone"),
        ("colour", "blue", "unknown setting 'colour'"),
    ],
)
def test_invalid_values_are_refused_with_the_allowed_range(
    runner: CliRunner, key: str, value: str, message: str
) -> None:
    result = run(runner, "config", "set", key, value)
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stderr.startswith("srs: ")


@pytest.mark.parametrize("value", ["../../../../etc/passwd", "/etc/localtime", "Europe/Nowhere9",
                                   "Europe/Berlin\x1b[31m", "x" * 300])
def test_a_bad_timezone_is_refused_cleanly_and_nothing_is_stored(runner: CliRunner, value: str) -> None:
    assert run(runner, "config", "set", "timezone", "Asia/Tokyo").exit_code == 0
    result = run(runner, "config", "set", "timezone", value)
    assert result.exit_code == 1
    assert result.stderr.startswith("srs: timezone must be an IANA time zone name such as Europe/Berlin (got ")
    assert "Traceback" not in result.output and "\x1b" not in result.output and len(result.stderr) < 250
    assert run(runner, "config", "get", "timezone").stdout.strip() == "Asia/Tokyo"


def test_a_misspelt_timezone_gets_a_suggestion(runner: CliRunner) -> None:
    result = run(runner, "config", "set", "timezone", "Europe/Berln")
    assert result.exit_code == 1 and "did you mean Europe/Berlin" in result.stderr
    assert run(runner, "config", "set", "timezone", "europe/berlin").exit_code == 0
    assert run(runner, "config", "get", "timezone").stdout.strip() == "Europe/Berlin"


def test_config_list_notes_a_machine_zone_it_could_not_use(runner: CliRunner, monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    from srs.scheduling import settings as settings_module

    monkeypatch.setenv("TZ", "Mars/Olympus")
    monkeypatch.setattr(settings_module, "Path", lambda _: tmp_path / "missing")
    result = run(runner, "config", "list")
    assert result.exit_code == 0
    assert "timezone" in result.stdout and " UTC" in result.stdout
    assert "TZ='Mars/Olympus' is not an IANA zone name" in result.stderr and "days are counted in UTC" in result.stderr
    assert run(runner, "config", "set", "timezone", "UTC").exit_code == 0
    assert "IANA" not in run(runner, "config", "list").stderr  # your own choice needs no note


def test_config_list_explains_its_star(runner: CliRunner) -> None:
    result = run(runner, "config", "list")
    assert "*" not in result.stdout and "*" not in result.stderr  # all defaults: nothing to explain
    run(runner, "config", "set", "new_per_day", "8")
    result = run(runner, "config", "list")
    line = next(line for line in result.stdout.splitlines() if line.startswith("new_per_day"))
    assert line.split() == ["new_per_day", "*", "8", "(default:", "20)"]
    assert "* Your own value. `srs config set KEY default` goes back to the default." in result.stderr


def test_set_default_goes_back_to_the_default(runner: CliRunner) -> None:
    run(runner, "config", "set", "new_per_day", "3")
    assert run(runner, "config", "set", "new_per_day", "default").exit_code == 0
    assert run(runner, "config", "get", "new_per_day").stdout.strip() == "20"


def test_setting_a_value_again_replaces_it(runner: CliRunner) -> None:
    for value in ("30", "40"):
        assert run(runner, "config", "set", "new_per_day", value).exit_code == 0
    assert run(runner, "config", "get", "new_per_day").stdout.strip() == "40"
    assert run(runner, "config", "set", "new_per_day", "default").exit_code == 0
    assert run(runner, "config", "set", "new_per_day", "default").exit_code == 0  # nothing left to remove
    assert run(runner, "config", "get", "new_per_day").stdout.strip() == "20"


def test_every_command_has_help(runner: CliRunner) -> None:
    for args in (["config"], ["config", "list"], ["config", "get"], ["config", "set"], ["optimize"]):
        result = run(runner, *args, "--help")
        assert result.exit_code == 0 and "Example" in result.stdout


def test_optimize_with_too_little_history_says_what_it_needs(runner: CliRunner) -> None:
    result = run(runner, "optimize")
    assert result.exit_code == 0
    assert "needs 400 more" in result.stdout


def _import_log(db_path: str) -> None:
    from sqlmodel import Session

    from srs.app import open_store
    from srs.store.models import Card, Deck, Review
    from helpers import load_josh_log as load_log

    store = open_store(db_path, "default", datetime(2024, 10, 7, tzinfo=timezone.utc), install_bundled=False)
    log = load_log()
    when = datetime(2024, 3, 1, tzinfo=timezone.utc)
    with Session(store.engine) as session:
        session.add(Deck(id="josh", name="josh", version="1", content_hash="x", created_at=when, updated_at=when))
        session.flush()
        ids = sorted({card for card, _, _ in log})
        cards = {
            cid: Card(deck_id="josh", card_id=str(cid), position=i, situation="s", response="r", reasoning="w",
                      content_hash="h", anki_guid=str(cid), created_at=when, updated_at=when)
            for i, cid in enumerate(ids)
        }
        session.add_all(cards.values())
        session.flush()
        session.add_all(
            Review(learner_id=store.learner_id, card_pk=pk, rating=rating, reviewed_at=at, origin="anki")
            for cid, rating, at in log
            if (pk := cards[cid].id) is not None
        )
        session.commit()
    store.engine.dispose()


def test_optimize_dry_run_compares_and_keeps_the_defaults(runner: CliRunner, db_url: str) -> None:
    path = db_url.split(":///", 1)[1]
    _import_log(path)
    result = run(runner, "--db", path, "optimize", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["improved"] and not data["adopted"]
    assert data["fitted"]["log_loss"] < data["default"]["log_loss"]
    assert run(runner, "--db", path, "config", "get", "fsrs_parameters").stdout.strip() == "default"

    result = run(runner, "--db", path, "optimize")
    assert result.exit_code == 0
    assert "default parameters" in result.stdout and "fitted parameters" in result.stdout
    assert "Adopted" in result.stderr
    assert run(runner, "--db", path, "config", "get", "fsrs_parameters").stdout.strip() != "default"
