"""``srs card wording`` (list, add, remove; ``--json``), what ``srs card show`` and ``srs card check-answer`` make
of your wordings, a wording whose point the deck then rewrote, ``:w N TEXT`` in a scripted ``srs review --type``,
and ``srs learner remove``. Bad input: a message naming what is wrong, exit 1, no traceback, nothing stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from srs.cli import cli

NOW = "2026-03-02T15:00:00+00:00"
DECK = '''\
[deck]
id = "rehearse"
name = "Rehearse"
version = "{version}"

[[sources]]
id = "a"
title = "A"

[[cards]]
id = "hesitations"
situation = "The interviewer asks whether you have any more questions."
response = 'Ask: "What hesitations do you have about hiring me?" Never ask how you did.'
key_points = ["{first}", "hiring me | about me", "avoid: ask how I did"]
reasoning = "You hear the doubt while you can still answer it."
sources = ["a"]
'''
FIRST = "hesitations | concerns | doubts"
ANSWER = "Anything giving you pause about me? I'd never ask how I did."


def _deck(tmp_path: Path, runner: CliRunner, first: str = FIRST, version: str = "1.0.0") -> None:
    path = tmp_path / "rehearse.toml"
    path.write_text(DECK.format(first=first, version=version), encoding="utf-8")
    assert runner.invoke(cli, ["deck", "add", str(path)]).exit_code == 0


@pytest.fixture
def db(tmp_path: Path, db_url: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SRS_NOW", NOW)
    monkeypatch.setenv("SRS_DATABASE_URL", db_url)
    monkeypatch.setenv("COLUMNS", "80")
    _deck(tmp_path, runner)
    assert runner.invoke(cli, ["deck", "remove", "interview-closing", "--yes"]).exit_code == 0
    return db_url


def _run(runner: CliRunner, *args: str, code: int = 0, stdin: str | None = None) -> Result:
    result = runner.invoke(cli, list(args), input=stdin)
    assert result.exit_code == code, result.output + repr(result.exception)
    assert code != 1 or result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    return result


def _listed(runner: CliRunner, *args: str) -> Any:
    return json.loads(_run(runner, "card", "wording", *args, "--json").stdout)


def test_add_list_and_remove_a_wording(runner: CliRunner, db: str) -> None:
    added = _run(runner, "card", "wording", "add", "hesitations", "1", "  giving you   pause")
    assert 'rehearse/hesitations: "giving you pause" now counts for key point 1 (hesitations / concerns / ' \
        "doubts), for you." in added.stderr
    _run(runner, "card", "wording", "add", "rehearse/hesitations", "3", "fish for compliments")
    assert _listed(runner, "hesitations") == {
        "id": "rehearse/hesitations", "key_points": [FIRST, "hiring me | about me", "avoid: ask how I did"],
        "wordings": [
            {"number": 1, "point": FIRST, "wording": "giving you pause", "added_at": NOW, "applies": True},
            {"number": 3, "point": "avoid: ask how I did", "wording": "fish for compliments", "added_at": NOW,
             "applies": True}]}
    assert _run(runner, "card", "wording", "hesitations").stdout == (
        "rehearse/hesitations\n"
        "  1. hesitations / concerns / doubts\n"
        '       "giving you pause"\n'
        "  2. hiring me / about me\n"
        "       (none of yours)\n"
        "  3. avoid: ask how I did\n"
        '       "fish for compliments"\n')
    assert [card["id"] for card in _listed(runner)] == ["rehearse/hesitations"]  # every card's
    again = _run(runner, "card", "wording", "add", "hesitations", "1", "Giving you pause")
    assert "you have that wording for key point 1" in again.stderr
    removed = _run(runner, "card", "wording", "remove", "hesitations", "1", "GIVING YOU PAUSE")
    assert "rehearse/hesitations: removed 1 wording of key point 1." in removed.stderr
    _run(runner, "card", "wording", "remove", "hesitations", "--all")
    assert _listed(runner, "hesitations")["wordings"] == [] and _listed(runner) == []


@pytest.mark.parametrize("args, message", [
    (("add", "hesitations", "4", "pause"), "card rehearse/hesitations has 3 key points: N must be 1-3, not 4"),
    (("add", "hesitations", "0", "pause"), "N must be 1-3, not 0"),
    (("add", "hesitations", "1", "about me"), "rehearse/hesitations, key point 1 (hesitations / concerns / "
                                              "doubts): 'about me' is only small words (about, me)"),
    (("add", "hesitations", "1", "a | b"), "a wording is one phrase, without '|'"),
    (("add", "hesitations", "1", "x" * 81), "alternative longer than 80 characters"),
    (("add", "hesitations", "1", "\x1b]0;owned\x07pause"), "contains the control character U+001B"),
    (("add", "hesitations", "3", "never fish for compliments"), "for an 'avoid:' point"),
    (("add", "nope", "1", "pause"), "no card with id 'nope'"),
    (("remove", "hesitations", "1", "never added"), "you have no wording 'never added' for key point 1"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_is_stored(runner: CliRunner, db: str,
                                                                    args: tuple[str, ...], message: str) -> None:
    result = _run(runner, "card", "wording", *args, code=1)
    assert message in result.stderr and "\x1b" not in result.stderr and "Traceback" not in result.output
    assert _listed(runner, "hesitations")["wordings"] == []


@pytest.mark.parametrize("args", [("remove", "hesitations"), ("remove", "hesitations", "1", "x", "--all"),
                                  ("remove", "hesitations", "--stale", "--all")])
def test_remove_without_what_to_remove_is_a_usage_error(runner: CliRunner, db: str, args: tuple[str, ...]) -> None:
    assert "Error:" in _run(runner, "card", "wording", *args, code=2).output


def test_card_show_numbers_the_points_and_lists_your_wordings(runner: CliRunner, db: str) -> None:
    _run(runner, "card", "wording", "add", "hesitations", "1", "giving you pause")
    text = _run(runner, "card", "show", "hesitations").stdout
    assert ("KEY POINTS\n  1. hesitations / concerns / doubts\n  2. hiring me / about me\n"
            "  3. avoid: ask how I did\n\nYOUR WORDINGS (they count for you only)\n"
            '  1. "giving you pause"\n') in text
    data = json.loads(_run(runner, "card", "show", "hesitations", "--json").stdout)
    assert data["wordings"] == [{"number": 1, "point": FIRST, "wording": "giving you pause", "added_at": NOW,
                                 "applies": True}]


def test_check_answer_counts_your_wordings_and_names_the_decks_point(runner: CliRunner, db: str) -> None:
    before = json.loads(_run(runner, "card", "check-answer", "hesitations", ANSWER, "--json").stdout)
    assert [p["hit"] for p in before["key_points"]] == [False, True, True] and before["suggested_rating"] == 2
    _run(runner, "card", "wording", "add", "hesitations", "1", "giving you pause")
    after = json.loads(_run(runner, "card", "check-answer", "hesitations", ANSWER, "--json").stdout)
    assert after["key_points"][0] == {"point": FIRST, "hit": True, "matched": "giving you pause"}
    assert after["suggested_rating"] == 3
    text = _run(runner, "card", "check-answer", "hesitations", ANSWER).stdout
    assert '[x] hesitations / concerns / doubts  "giving you pause"\n' in text  # the deck's phrasings, not yours
    assert "maya" not in text
    _run(runner, "learner", "add", "maya")
    theirs = json.loads(_run(runner, "--learner", "maya", "card", "check-answer", "hesitations", ANSWER,
                             "--json").stdout)
    assert theirs["suggested_rating"] == 2  # for you only


def test_a_wording_whose_point_the_deck_rewrote_is_kept_shown_and_removable(runner: CliRunner, db: str,
                                                                           tmp_path: Path) -> None:
    _run(runner, "card", "wording", "add", "hesitations", "1", "giving you pause")
    _deck(tmp_path, runner, first="hesitations | concerns | doubts | reservations", version="1.1.0")
    data = _listed(runner, "hesitations")
    assert data["wordings"] == [{"number": None, "point": FIRST, "wording": "giving you pause", "added_at": NOW,
                                 "applies": False}]
    text = _run(runner, "card", "wording", "hesitations").stdout
    assert ('No longer counts (the deck has changed the point since):\n    - "giving you pause" (for: hesitations '
            '/ concerns / doubts)\n  Remove them with: srs card wording remove rehearse/hesitations --stale\n') in text
    assert "No longer counts" in _run(runner, "card", "show", "hesitations").stdout
    result = json.loads(_run(runner, "card", "check-answer", "hesitations", ANSWER, "--json").stdout)
    assert result["suggested_rating"] == 2  # it no longer counts
    removed = _run(runner, "card", "wording", "remove", "hesitations", "--stale")
    assert "removed 1 wording whose point the deck changed" in removed.stderr
    assert _listed(runner, "hesitations")["wordings"] == []


def test_a_script_keeps_a_wording_with_colon_w_and_the_grade_stores_the_new_check(runner: CliRunner,
                                                                                  db: str) -> None:
    result = _run(runner, "review", "--type", stdin=f"{ANSWER}\n:w 2 x\n:w 1 giving you pause\n\n:q\n")
    out = result.output
    assert ":w N TEXT your wording of missed point N" in out
    assert "Key point 2 is hit already; choose a missed one: 1" in out
    assert 'KEY POINTS  3 of 3\n  [x] hesitations: "giving you pause"' in out
    assert 'Saved your wording for "hesitations": it counts for you from now on' in out
    assert "Suggested: Good (every key point)." in out
    show = json.loads(_run(runner, "card", "show", "hesitations", "--json").stdout)
    assert [a["key_points"][0]["hit"] for a in show["attempts"]] == [True]
    assert (show["attempts"][0]["suggested_rating"], show["attempts"][0]["rating"]) == (3, 3)


def test_a_scripts_colon_w_undone_stores_nothing(runner: CliRunner, db: str) -> None:
    out = _run(runner, "review", "--type", stdin=f"{ANSWER}\n:w 1 giving you pause\n:u\n:w\nw\n:q\n").output
    assert 'Undid your wording "giving you pause": it no longer counts.' in out
    assert "Write :w N TEXT" in out and "In a script, write :w N TEXT" in out
    assert _listed(runner, "hesitations")["wordings"] == []


def test_removing_a_learner_removes_their_wordings(runner: CliRunner, db: str) -> None:
    _run(runner, "learner", "add", "maya")
    _run(runner, "--learner", "maya", "card", "wording", "add", "hesitations", "1", "giving you pause")
    _run(runner, "card", "wording", "add", "hesitations", "1", "misgivings")
    _run(runner, "learner", "remove", "maya", "--yes")
    _run(runner, "learner", "add", "maya")
    assert json.loads(_run(runner, "--learner", "maya", "card", "wording", "--json").stdout) == []
    assert [w["wording"] for w in _listed(runner, "hesitations")["wordings"]] == ["misgivings"]


def test_completion_offers_card_ids_and_the_subcommands(runner: CliRunner, db: str) -> None:
    env = {"_SRS_COMPLETE": "bash_complete", "COMP_WORDS": "srs card wording ", "COMP_CWORD": "3"}
    offered = runner.invoke(cli, [], env=env, prog_name="srs").output
    assert "plain,hesitations" in offered and "plain,add" in offered
    env = {"_SRS_COMPLETE": "bash_complete", "COMP_WORDS": "srs card wording add hes", "COMP_CWORD": "4"}
    assert "plain,hesitations" in runner.invoke(cli, [], env=env, prog_name="srs").output
