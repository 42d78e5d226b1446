"""`srs`, `srs status` and `srs stats`: text, JSON, colour-free pictures, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from srs.cli import cli

pytestmark = pytest.mark.backends("sqlite", "postgresql")  # each test on both: tests/pg.py

NOW = "2026-03-02T15:00:00+00:00"


@pytest.fixture
def env(deck_file: Path, db_url: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SRS_NOW", NOW)
    monkeypatch.setenv("SRS_DATABASE_URL", db_url)
    assert runner.invoke(cli, ["deck", "add", str(deck_file)]).exit_code == 0


def test_bare_srs_prints_the_status(env: None, runner: CliRunner) -> None:
    result = runner.invoke(cli, [])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Deck", "New", "Learning", "Due"]
    assert any(line.split()[:4] == ["Demo", "deck", "3", "0"] for line in lines)
    assert any(line.split()[:5] == ["Interview", "Closing", "20", "0", "0"] for line in lines)
    assert any(line.split()[:2] == ["Total", "20"] for line in lines)  # the daily new-card limit is shared
    total = next(i for i, line in enumerate(lines) if line.startswith("Total"))
    assert lines[total + 1] == "New cards: 20 of today's 20 left, shared by all decks."
    assert "Reviewed today:  0" in result.stdout and "Day streak:      0 days" in result.stdout
    assert "Run `srs review`" in result.stderr and "Run `srs review`" not in result.stdout


def test_status_json_counts_reviews_today(env: None, runner: CliRunner) -> None:
    data = json.loads(runner.invoke(cli, ["status", "--json"]).stdout)
    assert data["reviewed_today"] == 0 and data["learner"] == "default"
    assert runner.invoke(cli, ["review", "--deck", "demo"], input="\n3\n\n1\nq\n").exit_code == 0
    data = json.loads(runner.invoke(cli, ["status", "--json"]).stdout)
    assert isinstance(data["reviewed_today"], int) and data["reviewed_today"] == 2
    demo = next(d for d in data["decks"] if d["id"] == "demo")
    assert (demo["new"], demo["learning"], demo["due"]) == (1, 2, 0)
    assert data["streak_days"] == 1 and data["retention_30d"] is None
    assert data["next_due"].startswith("2026-03-02T15:0")


def test_status_for_another_learner_is_their_own(env: None, runner: CliRunner) -> None:
    assert runner.invoke(cli, ["review"], input="\n3\nq\n").exit_code == 0
    assert runner.invoke(cli, ["learner", "add", "maya"]).exit_code == 0
    data = json.loads(runner.invoke(cli, ["--learner", "maya", "status", "--json"]).stdout)
    assert data["reviewed_today"] == 0 and data["learner"] == "maya"


def test_stats_text_works_without_colour(env: None, runner: CliRunner) -> None:
    assert runner.invoke(cli, ["review", "--deck", "demo"], input="\n3\n\n3\n\n3\n\n3\n\n3\n\n1\n").exit_code == 0
    result = runner.invoke(cli, ["stats", "--deck", "demo"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "\x1b" not in out and all(ord(ch) < 128 for ch in out)  # NO_COLOR and a pipe: plain ASCII
    assert "Due in the next 30 days: 3 (today 1, tomorrow 0" in out  # the Again card today, two later
    assert "today" in out and "+7d" in out
    assert "Reviews in the last 6 months: 6 on 1 day" in out
    assert "less . - o O @ more" in out
    assert "Cards by state (3 cards)" in out
    assert "Time, last 30 days" in out


def test_stats_json(env: None, runner: CliRunner) -> None:
    assert runner.invoke(cli, ["review"], input="\n3\n\n1\nq\n").exit_code == 0
    data = json.loads(runner.invoke(cli, ["stats", "--json", "--days", "7"]).stdout)
    assert len(data["forecast"]) == 7 and data["days"] == 7
    assert data["reviews_per_day"] == {"2026-03-02": 2}
    assert data["cards"]["learning"] == 2 and data["cards"]["total"] == 27
    assert data["time"]["reviews"] == 2


@pytest.mark.parametrize("args, code, message", [
    (["stats", "--deck", "nope"], 1, "srs: no deck with id 'nope'"),
    (["stats", "--days", "0"], 2, "--days"),
    (["status", "--frobnicate"], 2, "No such option"),
])
def test_errors(env: None, runner: CliRunner, args: list[str], code: int, message: str) -> None:
    result = runner.invoke(cli, args)
    assert result.exit_code == code and message in result.output


def test_the_shared_limit_is_explained_only_where_it_applies(env: None, runner: CliRunner) -> None:
    assert runner.invoke(cli, ["config", "set", "new_per_day", "8"]).exit_code == 0
    assert runner.invoke(cli, ["review", "--deck", "demo"], input="\n3\n\n3\nq\n").exit_code == 0
    out = runner.invoke(cli, ["status"]).stdout
    assert "New cards: 6 of today's 8 left, shared by all decks." in out
    assert "Reviews:" not in out  # nothing is held back by the review limit
    assert runner.invoke(cli, ["deck", "remove", "interview-closing", "--yes"]).exit_code == 0
    assert "shared by all decks" not in runner.invoke(cli, ["status"]).stdout  # one deck: its row is the total


def test_text_and_json_say_the_same_about_next_due(env: None, runner: CliRunner) -> None:
    text = runner.invoke(cli, ["status"]).stdout
    data = json.loads(runner.invoke(cli, ["status", "--json"]).stdout)
    assert "Next due:        now" in text and data["next_due"] == NOW  # new cards wait: due now, in both
    assert runner.invoke(cli, ["config", "set", "new_per_day", "0"]).exit_code == 0
    text = runner.invoke(cli, ["status"]).stdout
    data = json.loads(runner.invoke(cli, ["status", "--json"]).stdout)
    assert "Next due:        nothing scheduled" in text and data["next_due"] is None
    assert "Retention:       - over the last 30 days (no reviews of cards in review)" in text


def test_stats_time_spent_reads_in_seconds_under_a_minute(env: None, runner: CliRunner) -> None:
    from srs.cli.status_view import stats_lines

    data = json.loads(runner.invoke(cli, ["stats", "--json"]).stdout)
    for total, answers, shown in ((25.4, 1, "25.4 s per answer on average; 1 answer, 25 s in total"),
                                  (150, 3, "50.0 s per answer on average; 3 answers, 2 min 30 s in total"),
                                  (3900, 100, "39.0 s per answer on average; 100 answers, 1 h 05 min in total")):
        data["time"] = {"reviews": answers, "total_seconds": total, "average_seconds": total / answers}
        assert f"  {shown}" in stats_lines(data, color=False)
