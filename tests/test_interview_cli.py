"""`srs interview` (set, list, clear), and the interview where the learner looks: `srs` status, `srs status --json`,
the review summary, `srs stats`, `srs export anki`; and a learner who answers Good on what the queue gives each day
until the interview morning, when every card is ready."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from srs.cli import cli

NOW = "2026-11-30T09:00:00+01:00"  # Monday 09:00 in Berlin


def srs(runner: CliRunner, *args: str, now: str = NOW, stdin: str | None = None) -> Result:
    return runner.invoke(cli, list(args), env={"SRS_NOW": now}, input=stdin)


def ok(runner: CliRunner, *args: str, now: str = NOW, stdin: str | None = None) -> Result:
    result = srs(runner, *args, now=now, stdin=stdin)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def berlin(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default database with the bundled deck, for a learner in Berlin on a machine in Berlin (so times
    need no zone label)."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    ok(runner, "config", "set", "timezone", "Europe/Berlin")


def status_json(runner: CliRunner, now: str = NOW) -> dict[str, object]:
    data: dict[str, object] = json.loads(ok(runner, "status", "--json", now=now).stdout)
    return data


def test_set_list_and_clear(berlin: None, runner: CliRunner) -> None:
    result = ok(runner, "interview", "set", "2026-12-04 10:00")
    assert "Interview 1 set: Fri 4 Dec 10:00, in 4 days, every deck." in result.stderr
    assert "0 of 24 cards ready now (predicted recall at the interview >= 95%)" in result.stderr
    ok(runner, "interview", "set", "2026-12-10T14:30", "--deck", "interview-closing")
    lines = ok(runner, "interview").stdout.splitlines()
    assert lines[0].split("\t")[:3] == ["1", "Fri 4 Dec 10:00, in 4 days", "every deck"]
    assert lines[1].split("\t")[:3] == ["2", "Thu 10 Dec 14:30, in 10 days", "interview-closing"]
    assert "0 of 24 cards ready (predicted recall at the interview >= 95%; mean 0%, lowest 0%)" in lines[0]
    data = json.loads(ok(runner, "interview", "--json").stdout)
    assert data[0] == {"id": 1, "at": "2026-12-04T09:00:00+00:00", "deck": None, "past": False, "cards": 24,
                       "ready": 0, "predicted_recall_mean": 0.0, "predicted_recall_min": 0.0, "target": 0.95}
    assert data[1]["deck"] == "interview-closing"
    later = ok(runner, "interview", "list", now="2026-12-05T09:00:00+01:00").stdout.splitlines()
    assert later[0] == "1\t2026-12-04 10:00, past\tevery deck"
    assert "Removed interview 2." in ok(runner, "interview", "clear", "2").stderr
    assert "Removed 1 interview." in ok(runner, "interview", "clear").stderr
    assert "No interviews. Set one with: srs interview set" in ok(runner, "interview").stderr


@pytest.mark.parametrize(("when", "code", "message"), [
    ("2026-11-29 10:00", 1, "the interview time 2026-11-29 10:00 (Europe/Berlin) is in the past (now it is "
                            "2026-11-30 09:00); give a later one"),
    ("2026-11-30 08:59", 1, "is in the past"),
    ("2026-12-04", 2, "'2026-12-04' has no time of day; give the date and the time, e.g. \"2026-12-04 10:00\""),
    ("next friday", 2, "'next friday' is not a date and time; write it as YYYY-MM-DD HH:MM"),
    ("2026-13-01 10:00", 2, "is not a date and time"),
    ("2027-03-28 02:30", 1, "2027-03-28 02:30 does not exist in Europe/Berlin: the clocks skip it"),
    ("2028-01-10 10:00", 1, "more than a year ahead"),
])
def test_a_bad_or_past_time_is_refused_with_a_clear_message(berlin: None, runner: CliRunner, when: str, code: int,
                                                              message: str) -> None:
    result = srs(runner, "interview", "set", when)
    assert result.exit_code == code, result.output
    assert message in result.stderr and "Traceback" not in result.output
    assert json.loads(ok(runner, "interview", "--json").stdout) == []


def test_an_unknown_deck_or_interview_is_named(berlin: None, runner: CliRunner) -> None:
    result = srs(runner, "interview", "set", "2026-12-04 10:00", "--deck", "nope")
    assert result.exit_code == 1 and "srs: no deck with id 'nope' (decks: interview-closing)" in result.stderr
    result = srs(runner, "interview", "clear", "7")
    assert result.exit_code == 1 and "srs: no interview 7 (yours: none)" in result.stderr


def test_an_offset_makes_the_time_exact(berlin: None, runner: CliRunner) -> None:
    ok(runner, "interview", "set", "2026-12-04T10:00:00-05:00")
    assert json.loads(ok(runner, "interview", "--json").stdout)[0]["at"] == "2026-12-04T15:00:00+00:00"


def test_status_without_an_interview_says_nothing_of_one(berlin: None, runner: CliRunner) -> None:
    assert "predicted recall" not in ok(runner).stdout
    assert status_json(runner)["interviews"] == []


def test_status_shows_readiness_and_todays_work(berlin: None, runner: CliRunner) -> None:
    ok(runner, "interview", "set", "2026-12-04 10:00")
    out = ok(runner).stdout
    assert "Interview Fri 4 Dec 10:00, in 4 days: 0 of 24 cards ready (predicted recall at the interview >= 95%), " \
        "8 new cards today." in out
    # 24 new cards over the three days before the final pass's eve: 8 a day, within the daily 20.
    assert "more new card" not in out
    [interview] = status_json(runner)["interviews"]  # type: ignore[misc]
    assert interview == {"id": 1, "at": "2026-12-04T09:00:00+00:00", "deck": None, "cards": 24, "ready": 0,
                         "predicted_recall_mean": 0.0, "predicted_recall_min": 0.0, "target": 0.95,
                         "reviews_today": 0, "new_today": 8}


def test_a_near_interview_asks_for_more_new_cards_and_says_so(berlin: None, runner: CliRunner) -> None:
    ok(runner, "config", "set", "new_per_day", "5")
    ok(runner, "interview", "set", "2026-12-03 10:00")
    out = ok(runner).stdout
    assert "12 new cards today" in out
    assert "Today's plan introduces 7 more new cards than your daily 5, so that every card is learned in time." \
        in out
    ok(runner, "interview", "clear")
    out = ok(runner).stdout
    assert "predicted recall" not in out and "more new cards" not in out
    assert any(line.split()[:3] == ["Interview", "Closing", "5"] for line in out.splitlines())  # new_per_day again


def test_too_little_time_is_said(berlin: None, runner: CliRunner) -> None:
    ok(runner, "interview", "set", "2026-11-30 13:00")
    out = ok(runner).stdout
    assert "Interview Mon 30 Nov 13:00, today: 0 of 24 cards ready" in out
    assert "Too little time to get every card to 95% by the interview: the plan does what it can, most at-risk " \
        "cards first." in out


def answer_everything_good(runner: CliRunner, now: str) -> Result:
    """A non-tty `srs review`: reveal and grade Good whatever comes, until the queue is empty."""
    return ok(runner, "review", now=now, stdin="\n3\n" * 200)


def test_a_learner_who_answers_good_each_day_is_ready_on_the_morning(berlin: None, runner: CliRunner) -> None:
    ok(runner, "interview", "set", "2026-12-07 10:00")
    ready = []
    day = date(2026, 11, 30)
    while day < date(2026, 12, 7):
        now = f"{day.isoformat()}T09:00:00+01:00"
        result = answer_everything_good(runner, now)
        assert "toward your interview (Mon 7 Dec 10:00" in result.stdout  # the summary: what tomorrow holds
        [interview] = status_json(runner, now)["interviews"]  # type: ignore[misc]
        ready.append(interview["ready"])  # type: ignore[index]
        day += timedelta(days=1)
    morning = "2026-12-07T08:00:00+01:00"
    result = answer_everything_good(runner, morning)
    assert "Interview Mon 7 Dec 10:00 today: 24 of 24 cards ready now" in result.stdout
    final = ok(runner, now=morning).stdout
    assert "Interview Mon 7 Dec 10:00, today: 24 of 24 cards ready (predicted recall at the interview >= 95%), " \
        "nothing left today." in final
    assert ready == sorted(ready) and ready[-1] < 24  # ready grows, and the final pass finishes it
    data = json.loads(ok(runner, "stats", "--json", now=morning).stdout)
    [recall] = data["interviews"]
    assert sum(group["ready"] for group in recall["by_state"].values()) == 24
    assert recall["by_state"]["new"]["cards"] == 0 and recall["by_state"]["new"]["predicted_recall_min"] is None
    text = ok(runner, "stats", now=morning).stdout
    assert "Predicted recall at the interview, 2026-12-07 10:00 (ready: >= 95%)" in text


def test_the_anki_export_says_the_date_does_not_travel(berlin: None, runner: CliRunner, tmp_path: Path) -> None:
    target = str(tmp_path / "x.apkg")
    assert "Anki will schedule" not in ok(runner, "export", "anki", "-o", target).stderr
    ok(runner, "interview", "set", "2026-12-04 10:00")
    assert "Your interview date is not in the package: Anki will schedule these cards by its own rules" in \
        ok(runner, "export", "anki", "-o", target).stderr


def test_interview_retention_sets_what_ready_means(berlin: None, runner: CliRunner) -> None:
    ok(runner, "config", "set", "interview_retention", "0.9")
    ok(runner, "interview", "set", "2026-12-04 10:00")
    assert "(predicted recall at the interview >= 90%)" in ok(runner).stdout
    result = srs(runner, "config", "set", "interview_retention", "0.5")
    assert result.exit_code == 1 and "interview_retention must be between 0.80 and 0.99 (got 0.5)" in result.stderr


def test_every_interview_command_has_help(runner: CliRunner) -> None:
    for command in (["interview"], ["interview", "set"], ["interview", "list"], ["interview", "clear"]):
        result = runner.invoke(cli, [*command, "--help"])
        assert result.exit_code == 0 and "Example:" in result.stdout


def test_the_date_is_read_in_the_learners_zone_not_the_machines(runner: CliRunner) -> None:
    ok(runner, "config", "set", "timezone", "America/New_York")
    ok(runner, "interview", "set", "2026-12-04 10:00")
    assert json.loads(ok(runner, "interview", "--json").stdout)[0]["at"] == "2026-12-04T15:00:00+00:00"
    assert isinstance(datetime.fromisoformat(status_json(runner)["interviews"][0]["at"]), datetime)  # type: ignore
