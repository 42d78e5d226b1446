"""``srs card check-answer``: each key point hit or missed (with a shape, not only colour), the suggested rating,
and exactly the documented JSON; a card without key points is a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import GOOD_DECK
from srs.cli import cli

CARD = "interview-closing/ask-about-hesitations"


def test_json_has_exactly_the_documented_shape(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["card", "check-answer", CARD, "What concerns do you have about me?", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"suggested_rating", "key_points"}
    assert data["suggested_rating"] == 3
    assert [set(p) for p in data["key_points"]] == [{"point", "hit", "matched"}] * 2
    assert [(p["hit"], p["matched"]) for p in data["key_points"]] == [(True, "concerns"), (True, "about me")]
    assert data["key_points"][0]["point"].startswith("hesitations | concerns")


def test_a_partial_answer_marks_the_miss_and_suggests_hard(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["card", "check-answer", CARD, "Do you have any concerns?"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("[x] hesitations / concerns") and lines[0].endswith('"concerns"')
    assert lines[1].startswith("[ ] hiring me / about me")
    assert lines[2] == "Suggested rating: 2 Hard (1 of 2 key points)"


def test_on_a_terminal_the_marks_are_ticks_and_crosses(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    import srs.cli.card_rehearse_cmds as commands

    monkeypatch.setattr(commands, "use_color", lambda: True)
    result = runner.invoke(cli, ["card", "check-answer", CARD, "Do you have any concerns?"], color=True)
    lines = result.stdout.splitlines()
    assert "\u2713" in lines[0] and "\u2717" in lines[1]  # the shape says it; the colour only adds to it


def test_a_negated_answer_hits_nothing_and_suggests_again(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["card", "check-answer", CARD, "I would never ask about their concerns about me.",
                                 "--json"])
    data = json.loads(result.stdout)
    assert data["suggested_rating"] == 1 and not any(p["hit"] for p in data["key_points"])


def test_the_answer_can_come_from_stdin(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["card", "check-answer", CARD, "-", "--json"],
                           input="Any hesitations about hiring me?\n")
    assert json.loads(result.stdout)["suggested_rating"] == 3


def test_escape_sequences_in_the_answer_never_reach_the_terminal(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["card", "check-answer", CARD, "\x1b]52;c;owned\x07 any \x1b[31mconcerns\x1b[0m?"])
    assert result.exit_code == 0 and "\x1b" not in result.output and "\x07" not in result.output
    json_result = runner.invoke(cli, ["card", "check-answer", CARD, "\x9b2J concerns \u202e", "--json"])
    assert "\x9b" not in json_result.output and "\u202e" not in json_result.output


def test_a_card_without_key_points_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    deck = tmp_path / "demo.toml"
    deck.write_text(GOOD_DECK)
    assert runner.invoke(cli, ["deck", "add", str(deck)]).exit_code == 0
    result = runner.invoke(cli, ["card", "check-answer", "demo/first", "Ask about hesitations", "--json"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == ("srs: card demo/first has no key points, so there is nothing to check an answer "
                             "against (its deck gives none)\n")


def test_an_unknown_card_is_named(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["card", "check-answer", "nope", "text"])
    assert result.exit_code == 1 and "srs: no card with id 'nope'" in result.stderr


@pytest.mark.parametrize("args", [["card", "check-answer"], ["card", "check-answer", CARD]])
def test_missing_arguments_are_usage_errors(runner: CliRunner, args: list[str]) -> None:
    assert runner.invoke(cli, args).exit_code == 2
