"""``srs card suspend | unsuspend | bury | unbury REF...``: several cards at once, by ref, ``--deck`` or ``--tag``;
all or nothing; a bury lasts until the learner's next day. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from srs.cli import cli

NOW = "2026-11-29T07:43:00+00:00"  # 08:43 in Berlin; the next day starts there at 04:00 on 30 Nov (03:00 UTC)


def srs(runner: CliRunner, url: str, *args: str, code: int = 0) -> Result:
    result = runner.invoke(cli, ["--db", url, *args], env={"SRS_NOW": NOW, "TZ": "UTC"})
    assert result.exit_code == code, result.output
    return result


def states(runner: CliRunner, url: str, deck: str = "demo") -> dict[str, dict[str, Any]]:
    listed = json.loads(srs(runner, url, "card", "list", "--deck", deck, "--json").stdout)
    return {card["id"].split("/")[1]: card for card in listed}


@pytest.fixture
def demo(any_db_url: str, runner: CliRunner, deck_file: Path) -> str:
    srs(runner, any_db_url, "deck", "add", str(deck_file))
    srs(runner, any_db_url, "config", "set", "timezone", "Europe/Berlin")
    return any_db_url


def test_suspend_and_unsuspend_several_cards_say_what_changed_per_card(demo: str, runner: CliRunner) -> None:
    result = srs(runner, demo, "card", "suspend", "first", "demo/second")
    assert result.stderr.splitlines() == ["Suspended demo/first.", "Suspended demo/second."]
    assert [c["suspended"] for c in states(runner, demo).values()] == [True, True, False]
    status = json.loads(srs(runner, demo, "status", "--json").stdout)
    assert [d["new"] for d in status["decks"] if d["id"] == "demo"] == [1]  # only 'third' is left to learn

    again = srs(runner, demo, "card", "suspend", "first", "third")
    assert again.stderr.splitlines() == ["demo/first was already suspended.", "Suspended demo/third."]
    back = srs(runner, demo, "card", "unsuspend", "first", "second")
    assert back.stderr.splitlines() == ["Unsuspended demo/first.", "Unsuspended demo/second."]
    assert [c["suspended"] for c in states(runner, demo).values()] == [False, False, True]
    assert srs(runner, demo, "card", "unsuspend", "first").stderr == "demo/first was not suspended.\n"


def test_an_unknown_ref_changes_nothing(demo: str, runner: CliRunner) -> None:
    result = srs(runner, demo, "card", "suspend", "first", "nope", "demo/gone", code=1)
    assert result.stderr.splitlines() == [
        "srs: no card with id 'nope' (see: srs card list)",
        "srs: no card with id 'demo/gone' (see: srs card list)",
        "srs: nothing was changed",
    ]
    assert not any(c["suspended"] for c in states(runner, demo).values())  # not even 'first'
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("args", "message"), [
    (("--deck", "nope"), "srs: no deck with id 'nope' (see: srs deck list)"),
    (("--deck", "nope", "--tag", "ending"), "srs: no deck with id 'nope' (see: srs deck list)"),  # one cause
    (("--tag", "nope"), "srs: no card has the tag 'nope'"),
    (("--deck", "demo", "--tag", "nope"), "srs: no card in deck 'demo' has the tag 'nope'"),
])
def test_a_selection_that_matches_nothing_is_named(demo: str, runner: CliRunner, args: tuple[str, ...],
                                                  message: str) -> None:
    result = srs(runner, demo, "card", "bury", *args, code=1)
    assert result.stderr.splitlines() == [message, "srs: nothing was changed"]


def test_no_cards_named_is_a_usage_error(demo: str, runner: CliRunner) -> None:
    result = srs(runner, demo, "card", "suspend", code=2)
    assert "name the cards to suspend (REF...), or select them with --deck or --tag" in result.output


def test_deck_and_tag_select_many_and_report_a_count(demo: str, runner: CliRunner) -> None:
    tagged = srs(runner, demo, "card", "suspend", "--deck", "demo", "--tag", "ending", "--tag", "closing-question")
    assert tagged.stderr.splitlines() == ["Suspended demo/first.", "Suspended demo/second."]
    assert [c["suspended"] for c in states(runner, demo).values()] == [True, True, False]

    bundled = states(runner, demo, "interview-closing")
    assert len(bundled) > 10
    result = srs(runner, demo, "card", "suspend", "--deck", "interview-closing")
    assert result.stderr == f"Suspended {len(bundled)} cards.\n"
    srs(runner, demo, "card", "unsuspend", "ask-about-hesitations")
    result = srs(runner, demo, "card", "unsuspend", "--deck", "interview-closing", "--deck", "demo")
    assert result.stderr == f"Unsuspended {len(bundled) + 1} cards; 2 were not suspended.\n"
    assert not any(c["suspended"] for c in states(runner, demo).values())


def test_bury_lasts_until_the_learners_next_day_and_unbury_brings_the_card_back(demo: str,
                                                                              runner: CliRunner) -> None:
    result = srs(runner, demo, "card", "bury", "first", "second")
    assert result.stderr.splitlines() == ["Buried demo/first until 04:00 CET.", "Buried demo/second until 04:00 CET."]
    cards = states(runner, demo)
    assert datetime.fromisoformat(cards["first"]["buried_until"]) == datetime.fromisoformat("2026-11-30T03:00:00+00:00")
    listed = srs(runner, demo, "card", "list", "--deck", "demo").stdout
    assert listed.count("buried") == 2

    assert srs(runner, demo, "card", "bury", "first").stderr == "demo/first was already buried.\n"
    result = srs(runner, demo, "card", "unbury", "first", "third")
    assert result.stderr.splitlines() == ["Unburied demo/first.", "demo/third was not buried."]
    cards = states(runner, demo)
    assert cards["first"]["buried_until"] is None and cards["second"]["buried_until"] is not None


def test_a_bury_from_yesterday_is_over(demo: str, runner: CliRunner) -> None:
    srs(runner, demo, "card", "bury", "first")
    later = runner.invoke(cli, ["--db", demo, "card", "unbury", "first"],
                          env={"SRS_NOW": "2026-11-30T03:00:00+00:00", "TZ": "UTC"})
    assert later.exit_code == 0 and later.stderr == "demo/first was not buried.\n"
    again = runner.invoke(cli, ["--db", demo, "card", "bury", "first"],
                          env={"SRS_NOW": "2026-11-30T03:00:00+00:00", "TZ": "UTC"})
    assert again.exit_code == 0 and again.stderr == "Buried demo/first until Tue 01 Dec 04:00 CET.\n"
