"""``srs card list`` and ``srs card show``: times in the learner's zone, numbers for people, tables that fit."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from srs.cli import cli

NOW = "2026-11-29T07:43:00+00:00"  # 08:43 in Berlin


def run(runner: CliRunner, *args: str, input: str | None = None) -> Result:
    result = runner.invoke(cli, list(args), input=input)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def studied(deck_file: Path, db_url: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo deck in Berlin time on a UTC machine; 'first' answered Good at NOW (due again in 10 minutes)."""
    monkeypatch.setenv("SRS_NOW", NOW)
    monkeypatch.setenv("SRS_DATABASE_URL", db_url)
    monkeypatch.setenv("TZ", "UTC")
    run(runner, "deck", "add", str(deck_file))
    for key, value in (("timezone", "Europe/Berlin"), ("new_per_day", "1"), ("learn_ahead_minutes", "0")):
        run(runner, "config", "set", key, value)
    run(runner, "review", "--deck", "demo", input="\n3\nq\n")


def due_of(runner: CliRunner, ref: str) -> datetime:
    return datetime.fromisoformat(json.loads(run(runner, "card", "show", ref, "--json").stdout)["progress"]["due"])


def test_times_read_in_the_learners_zone_labelled_when_the_machine_is_elsewhere(
    studied: None, runner: CliRunner
) -> None:
    due = due_of(runner, "demo/first")  # ten minutes from NOW, give or take Anki's fuzz of learning steps
    berlin, utc = (due + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"), due.strftime("%H:%M")
    listed = run(runner, "card", "list", "--deck", "demo").stdout
    assert f"{berlin} CET" in listed and utc not in listed
    shown = run(runner, "card", "show", "demo/first").stdout
    assert f"{berlin} CET" in shown  # due
    assert "2026-11-29 08:43 CET" in shown  # the answer, in the history
    assert utc not in shown and "+00:00" not in shown and "T07" not in shown
    status = run(runner, "status").stdout
    assert "Next due:        in 1" in status and f"({berlin[-5:]} CET)" in status


def test_no_label_when_the_machine_shares_the_learners_zone(
    studied: None, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    berlin = (due_of(runner, "demo/first") + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    listed = run(runner, "card", "list", "--deck", "demo").stdout
    assert berlin in listed and "CET" not in listed
    assert f"({berlin[-5:]})" in run(runner, "status").stdout


def test_json_keeps_iso_8601_with_an_offset(studied: None, runner: CliRunner) -> None:
    first = json.loads(run(runner, "card", "show", "demo/first", "--json").stdout)
    assert first["progress"]["due"].endswith("+00:00")
    assert first["history"][0]["time"] == "2026-11-29T07:43:00+00:00"
    listed = json.loads(run(runner, "card", "list", "--deck", "demo", "--json").stdout)
    assert listed[0]["due"] == first["progress"]["due"]
    assert json.loads(run(runner, "status", "--json").stdout)["next_due"] == first["progress"]["due"]
