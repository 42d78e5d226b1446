"""Shell completion of values (deck ids, card refs, setting names, learner names), through click's own machinery
(``_SRS_COMPLETE=bash_complete``, ``COMP_WORDS``, ``COMP_CWORD``) in a new interpreter, as a shell runs it.

Completing a value opens the database only if it exists, and never creates it; completing command names and
setting names loads no SQLAlchemy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import GOOD_DECK, SQLALCHEMY_MODULES, data_env

NOW = "2026-11-29T07:43:00+00:00"
# A second deck that reuses the card id "first": completion must offer it as DECK-ID/CARD-ID.
OTHER_DECK = GOOD_DECK.replace('id = "demo"', 'id = "other"').replace('name = "Demo deck"', 'name = "Other deck"')


def complete(env: dict[str, str], line: str, shell: str = "bash") -> list[str]:
    """What ``srs`` offers for the last word of ``line`` (a trailing space: a new, empty word)."""
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    out = subprocess.run([sys.executable, "-m", "srs"], capture_output=True, text=True, check=True,
                         env={**env, "_SRS_COMPLETE": f"{shell}_complete", "COMP_WORDS": line,
                              "COMP_CWORD": str(cword)})
    assert out.stderr == ""
    if shell == "zsh":  # type, value, help: three lines per item
        lines = out.stdout.splitlines()
        return [f"{value}\t{help_}" for value, help_ in zip(lines[1::3], lines[2::3])]
    return [line.split(",", 1)[1] for line in out.stdout.splitlines() if line]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A database with the bundled deck, the demo deck and another deck sharing its card ids, and a learner."""
    root = tmp_path_factory.mktemp("completion")
    env = data_env(root / "data", NOW)
    for text, name in ((GOOD_DECK, "demo.toml"), (OTHER_DECK, "other.toml")):
        (root / name).write_text(text, encoding="utf-8")
        subprocess.run([sys.executable, "-m", "srs", "deck", "add", str(root / name)], env=env, check=True,
                       capture_output=True)
    subprocess.run([sys.executable, "-m", "srs", "learner", "add", "maya"], env=env, check=True,
                   capture_output=True)
    return env


@pytest.mark.parametrize("line", ["srs deck show ", "srs deck export ", "srs deck remove ", "srs card list --deck ",
                                  "srs review --deck ", "srs stats --deck ", "srs export anki --deck ",
                                  "srs export csv --deck ", "srs card suspend --deck "])
def test_deck_ids_complete_wherever_a_deck_is_named(env: dict[str, str], line: str) -> None:
    assert complete(env, line) == ["demo", "interview-closing", "other"]


def test_a_deck_id_completes_from_its_first_letters_with_its_name_beside_it(env: dict[str, str]) -> None:
    assert complete(env, "srs deck show d") == ["demo"]
    assert complete(env, "srs export anki --deck demo --deck o") == ["other"]
    assert complete(env, "srs deck show d", shell="zsh") == ["demo\tDemo deck"]


@pytest.mark.parametrize("command", ["card show", "card suspend", "card unsuspend", "card bury", "card unbury"])
def test_card_refs_complete_by_card_id_or_deck_id(env: dict[str, str], command: str) -> None:
    assert complete(env, f"srs {command} ask-about-h") == ["ask-about-hesitations"]
    # "first" is in two decks: offered with its deck, the way `srs card show` needs it.
    assert complete(env, f"srs {command} fi") == ["demo/first", "other/first"]
    assert complete(env, f"srs {command} other/") == ["other/first", "other/second", "other/third"]
    assert complete(env, f"srs {command} de") == ["demo/first", "demo/second", "demo/third"]


def test_several_refs_complete_one_after_another(env: dict[str, str]) -> None:
    assert complete(env, "srs card bury demo/first demo/s") == ["demo/second"]


def test_a_card_ref_shows_its_situation_on_one_line(env: dict[str, str]) -> None:
    assert complete(env, "srs card show demo/sec", shell="zsh") == ["demo/second\tYou shake hands. Then what?"]


def test_tags_complete_for_the_commands_that_select_by_tag(env: dict[str, str]) -> None:
    assert complete(env, "srs card suspend --tag clo") == ["closing-question"]
    assert complete(env, "srs card bury --deck demo --tag en") == ["ending"]


@pytest.mark.parametrize(("line", "expected"), [
    ("srs config get desired", ["desired_retention"]),
    ("srs config set learning-", ["learning_steps"]),
    ("srs config set re", ["reviews_per_day", "relearning_steps"]),
    ("srs config get t", ["timezone"]),
])
def test_setting_names_complete(env: dict[str, str], line: str, expected: list[str]) -> None:
    assert complete(env, line) == expected


def test_learner_names_complete(env: dict[str, str]) -> None:
    assert complete(env, "srs --learner ") == ["default", "maya"]
    assert complete(env, "srs --learner m") == ["maya"]
    assert complete(env, "srs learner remove m") == ["maya"]


def test_db_on_the_command_line_is_the_database_completed_from(env: dict[str, str], tmp_path: Path) -> None:
    other = data_env(tmp_path / "elsewhere", NOW)  # only the bundled deck
    path = Path(other["SRS_DATA_DIR"]) / "srs.db"
    assert complete(env, f"srs --db {path} deck show ") == ["interview-closing"]


def test_no_database_completes_nothing_and_creates_nothing(tmp_path: Path) -> None:
    data = tmp_path / "never"
    env = {**os.environ, "SRS_DATA_DIR": str(data)}
    env.pop("SRS_DATABASE_URL", None)
    for line in ("srs deck show ", "srs card show a", "srs --learner ", "srs card suspend --deck "):
        assert complete(env, line) == []
    assert not data.exists()
    assert complete(env, "srs config get desired") == ["desired_retention"]  # needs no database
    assert complete(env, "srs de") == ["deck"]


def test_a_file_that_is_not_a_database_completes_nothing(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not a database\n")
    env = {**os.environ, "SRS_DATABASE_URL": str(junk)}
    assert complete(env, "srs deck show ") == []
    assert junk.read_text() == "not a database\n"
    env["SRS_DATABASE_URL"] = "mysql://nobody@nowhere/db"
    assert complete(env, "srs deck show ") == []


def _loaded(env: dict[str, str], line: str) -> list[str]:
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    code = (
        "import sys\n"
        "from srs.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('LOADED', [w for w in {SQLALCHEMY_MODULES!r} if any(m == w or m.startswith(w + '.') "
        "for m in sys.modules)])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**env, "_SRS_COMPLETE": "bash_complete", "COMP_WORDS": line, "COMP_CWORD": str(cword)})
    return eval(out.stdout.rsplit("LOADED ", 1)[1])  # noqa: S307 - our own list literal


def test_only_completing_a_value_from_the_database_loads_sqlalchemy(env: dict[str, str]) -> None:
    assert _loaded(env, "srs de") == []
    assert _loaded(env, "srs card s") == []
    assert _loaded(env, "srs config get desired") == []
    assert "sqlalchemy" in _loaded(env, "srs deck show ")


def test_values_complete_from_a_postgresql_database(pg_head_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "SRS_DATABASE_URL": pg_head_url, "SRS_NOW": NOW, "SRS_DATA_DIR": str(tmp_path / "unused")}
    deck = tmp_path / "demo.toml"
    deck.write_text(GOOD_DECK, encoding="utf-8")
    for args in (["deck", "add", str(deck)], ["learner", "add", "sam"]):
        subprocess.run([sys.executable, "-m", "srs", *args], env=env, check=True, capture_output=True)
    assert complete(env, "srs deck show ") == ["demo", "interview-closing"]
    assert complete(env, "srs card show demo/t") == ["demo/third"]
    assert complete(env, "srs --learner s") == ["sam"]
