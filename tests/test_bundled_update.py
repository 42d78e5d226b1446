"""After a package upgrade that ships a newer bundled deck, the first command says once, on stderr, what changed:
"Interview Closing updated to 2.0.0: N new, N changed, N retired." (the real 1.0.0 -> 2.0.0 upgrade)."""

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
NOW = "2026-11-29T07:43:00+00:00"


@pytest.fixture
def upgraded_from_1_0_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner) -> None:
    """A database whose first run was with a package that bundled deck 1.0.0 (and a card studied on it)."""
    old_package = tmp_path / "old-package"
    old_package.mkdir()
    (old_package / "interview-closing.toml").write_bytes(OLD.read_bytes())
    monkeypatch.setenv("SRS_NOW", NOW)
    with monkeypatch.context() as m:
        m.setattr(bundled, "bundled_dir", lambda: old_package)
        assert runner.invoke(cli, ["status"]).exit_code == 0
        decks = json.loads(runner.invoke(cli, ["deck", "list", "--json"]).stdout)
        assert [d["version"] for d in decks] == ["1.0.0"]
        assert runner.invoke(cli, ["review", "--new", "1"], input="\n3\nq\n").exit_code == 0


def expected_counts() -> tuple[int, int, int]:
    """New, changed and retired cards from 1.0.0 to the bundled version, worked out from the two files."""
    old = {c.id: c for c in parse_deck_text(OLD.read_text(encoding="utf-8"), str(OLD)).cards}
    shipped = bundled.bundled_dir() / "interview-closing.toml"
    new = {c.id: c for c in parse_deck_text(shipped.read_text(encoding="utf-8"), str(shipped)).cards}
    changed = [i for i in old.keys() & new.keys() if old[i].content_hash != new[i].content_hash]
    return len(new.keys() - old.keys()), len(changed), len(old.keys() - new.keys())


def test_the_first_command_after_the_upgrade_says_what_changed_once(upgraded_from_1_0_0: None,
                                                                     runner: CliRunner) -> None:
    added, changed, retired = expected_counts()
    assert added and changed and retired  # the real upgrade adds, changes and retires cards
    first = runner.invoke(cli, ["status", "--json"])
    assert first.exit_code == 0
    assert first.stderr == f"Interview Closing updated to 2.0.0: {added} new, {changed} changed, {retired} retired.\n"
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
