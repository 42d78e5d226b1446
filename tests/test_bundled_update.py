"""After a package upgrade that ships a newer bundled deck, the first command says once, on stderr, what changed:
"Interview Closing updated to 2.0.1: N new, N changed, N retired." (the real upgrades from 1.0.0 and 2.0.0)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import DATA
from srs import bundled
from srs.cli import cli
from srs.deckfile import parse_deck_text

OLD = DATA / "interview-closing-1.0.0.toml"
V2_0_0 = DATA / "interview-closing-2.0.0.toml"
NOW = "2026-11-29T07:43:00+00:00"


SHIPPED = bundled.bundled_dir() / "interview-closing.toml"


def _first_run_with(deck: Path, version: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                    runner: CliRunner) -> list[dict[str, object]]:
    """A first run with a package that bundled ``deck``, and a card studied on it; returns the card list then."""
    old_package = tmp_path / "old-package"
    old_package.mkdir()
    (old_package / "interview-closing.toml").write_bytes(deck.read_bytes())
    monkeypatch.setenv("SRS_NOW", NOW)
    with monkeypatch.context() as m:
        m.setattr(bundled, "bundled_dir", lambda: old_package)
        assert runner.invoke(cli, ["status"]).exit_code == 0
        decks = json.loads(runner.invoke(cli, ["deck", "list", "--json"]).stdout)
        assert [d["version"] for d in decks] == [version]
        assert runner.invoke(cli, ["review", "--new", "1"], input="\n3\nq\n").exit_code == 0
        cards: list[dict[str, object]] = json.loads(runner.invoke(cli, ["card", "list", "--json"]).stdout)
        return cards


@pytest.fixture
def upgraded_from_1_0_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner) -> None:
    """A database whose first run was with a package that bundled deck 1.0.0 (and a card studied on it)."""
    _first_run_with(OLD, "1.0.0", tmp_path, monkeypatch, runner)


def expected_counts(old_file: Path = OLD) -> tuple[int, int, int]:
    """New, changed and retired cards from ``old_file`` to the bundled version, worked out from the two files."""
    old = {c.id: c for c in parse_deck_text(old_file.read_text(encoding="utf-8"), str(old_file)).cards}
    new = {c.id: c for c in parse_deck_text(SHIPPED.read_text(encoding="utf-8"), str(SHIPPED)).cards}
    changed = [i for i in old.keys() & new.keys() if old[i].content_hash != new[i].content_hash]
    return len(new.keys() - old.keys()), len(changed), len(old.keys() - new.keys())


def shipped_version() -> str:
    return parse_deck_text(SHIPPED.read_text(encoding="utf-8"), str(SHIPPED)).version


def test_the_first_command_after_the_upgrade_says_what_changed_once(upgraded_from_1_0_0: None,
                                                                     runner: CliRunner) -> None:
    added, changed, retired = expected_counts()
    assert added and changed and retired  # the real upgrade adds, changes and retires cards
    first = runner.invoke(cli, ["status", "--json"])
    assert first.exit_code == 0
    assert first.stderr == (f"Interview Closing updated to {shipped_version()}: {added} new, {changed} changed, "
                            f"{retired} retired.\n")
    assert json.loads(first.stdout)["learner"] == "default"  # the data on stdout stays data
    second = runner.invoke(cli, ["status"])
    assert second.exit_code == 0 and "updated to" not in second.stderr


def test_the_upgrade_keeps_progress_and_history_of_retired_cards(upgraded_from_1_0_0: None,
                                                                runner: CliRunner) -> None:
    studied = json.loads(runner.invoke(cli, ["card", "list", "--json"]).stdout)
    assert runner.invoke(cli, ["status"]).exit_code == 0  # the upgrade
    cards = json.loads(runner.invoke(cli, ["card", "list", "--retired", "--json"]).stdout)
    first = next(c for c in studied if c["state"] != "new")
    after = next(c for c in cards if c["id"] == first["id"])
    assert after["state"] == first["state"] and after["reps"] == first["reps"]
    assert sum(c["retired"] for c in cards) == expected_counts()[2]


def test_a_first_install_is_not_an_update(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["status"])
    assert result.exit_code == 0 and "updated to" not in result.stderr


def test_the_upgrade_from_2_0_0_brings_the_wider_key_points_and_keeps_progress(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner) -> None:
    before = _first_run_with(V2_0_0, "2.0.0", tmp_path, monkeypatch, runner)
    added, changed, retired = expected_counts(V2_0_0)
    assert (added, retired) == (0, 0) and changed  # 2.0.1 only widens some cards' key points
    first = runner.invoke(cli, ["status"])
    assert first.stderr.splitlines()[0] == (f"Interview Closing updated to {shipped_version()}: 0 new, {changed} "
                                            "changed, 0 retired.")
    after = json.loads(runner.invoke(cli, ["card", "list", "--json"]).stdout)
    assert [(c["id"], c["state"], c["reps"]) for c in after] == [(c["id"], c["state"], c["reps"]) for c in before]
    # a wording 2.0.0 did not list now hits its point
    check = runner.invoke(cli, ["card", "check-answer", "story-closing-cost-the-offer",
                                "His closing questions were weak and they went with someone else", "--json"])
    assert check.exit_code == 0, check.output
    assert [p["hit"] for p in json.loads(check.stdout)["key_points"]] == [True, True]
