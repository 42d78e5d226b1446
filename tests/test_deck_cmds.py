"""`srs deck` and `srs card` as a user runs them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import GOOD_DECK
from srs.cli import cli

BAD = Path(__file__).parent / "bad_decks"


def run(runner: CliRunner, *args: str, input: str | None = None) -> "object":
    return runner.invoke(cli, list(args), input=input, catch_exceptions=False)


def deck_json(runner: CliRunner) -> dict[str, dict[str, object]]:
    result = run(runner, "deck", "list", "--json")
    return {d["id"]: d for d in json.loads(result.output)}


def test_first_run_installs_the_bundled_deck(runner: CliRunner) -> None:
    decks = deck_json(runner)
    assert decks["interview-closing"]["cards"] >= 3


def test_deck_check_reports_ok_and_exit_zero(runner: CliRunner, deck_file: Path) -> None:
    result = run(runner, "deck", "check", str(deck_file))
    assert result.exit_code == 0
    assert "ok (deck 'demo' version 1.0.0, 3 cards)" in result.output


def test_deck_check_lists_every_bad_file_and_exits_one(runner: CliRunner, deck_file: Path) -> None:
    files = [str(deck_file), str(BAD / "unknown_source.toml"), str(BAD / "empty.toml")]
    result = run(runner, "deck", "check", *files)
    assert result.exit_code == 1
    assert "unknown_source.toml:15:12: card 'c1': sources: unknown source id 'nope'" in result.stderr
    assert "empty.toml: the file is empty" in result.stderr
    assert "srs: 2 of 3 files are invalid" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.iterdir()))
def test_bad_deck_add_changes_nothing(runner: CliRunner, name: str, isolated_data: Path) -> None:
    before = deck_json(runner)
    db = isolated_data / "srs.db"
    counts_before = _counts(db)
    result = run(runner, "deck", "add", str(BAD / name))
    assert result.exit_code == 1
    assert result.stderr.startswith("srs: ")
    assert "nothing was imported" in result.stderr
    assert deck_json(runner) == before
    assert _counts(db) == counts_before


def _counts(db: Path) -> tuple[int, int]:
    con = sqlite3.connect(db)
    try:
        return con.execute("select count(*) from deck").fetchone()[0], con.execute(
            "select count(*) from card").fetchone()[0]
    finally:
        con.close()


def test_add_then_readd_unchanged_changes_nothing(runner: CliRunner, deck_file: Path, isolated_data: Path) -> None:
    result = run(runner, "deck", "add", str(deck_file))
    assert "Deck 'demo' added: 3 new" in result.stderr
    con = sqlite3.connect(isolated_data / "srs.db")
    before = con.execute("select * from card where deck_id='demo' order by id").fetchall()
    result = run(runner, "deck", "add", str(deck_file))
    assert "Deck 'demo': unchanged (3 cards)." in result.stderr
    assert con.execute("select * from card where deck_id='demo' order by id").fetchall() == before


def test_edit_keeps_progress_and_dropped_card_is_retired(runner: CliRunner, deck_file: Path,
                                                        isolated_data: Path) -> None:
    run(runner, "deck", "add", str(deck_file))
    con = sqlite3.connect(isolated_data / "srs.db")
    pk = con.execute("select id from card where card_id='first'").fetchone()[0]
    learner = con.execute("select id from learner where name='default'").fetchone()[0]
    con.execute("insert into progress (learner_id, card_pk, state, step, scheduled_days, reps, lapses, suspended,"
                " leech, version) values (?, ?, 2, 0, 5, 3, 0, 0, 0, 1)", (learner, pk))
    con.commit()
    text = deck_file.read_text().replace("Ask what hesitations they have.", "Ask about their hesitations.")
    text = text[: text.index('[[cards]]\nid = "third"')]
    deck_file.write_text(text)
    result = run(runner, "deck", "add", str(deck_file))
    assert "1 changed, 1 retired" in result.stderr
    row = con.execute("select response, id from card where card_id='first'").fetchone()
    assert row == ("Ask about their hesitations.", pk)
    assert con.execute("select reps from progress where card_pk=?", (pk,)).fetchone() == (3,)
    assert con.execute("select retired from card where card_id='third'").fetchone() == (1,)
    listed = run(runner, "card", "list", "--deck", "demo", "--json")
    assert [c["id"] for c in json.loads(listed.output)] == ["demo/first", "demo/second"]


def test_export_check_add_round_trips(runner: CliRunner, deck_file: Path, tmp_path: Path) -> None:
    run(runner, "deck", "add", str(deck_file))
    out = tmp_path / "out.toml"
    result = run(runner, "deck", "export", "demo", "-o", str(out))
    assert result.exit_code == 0
    assert run(runner, "deck", "check", str(out)).exit_code == 0
    assert "unchanged (3 cards)" in run(runner, "deck", "add", str(out)).stderr
    from srs.deckfile import load_deck_file

    assert load_deck_file(out) == load_deck_file(deck_file)


def test_show_and_card_show(runner: CliRunner, deck_file: Path) -> None:
    run(runner, "deck", "add", str(deck_file))
    shown = run(runner, "deck", "show", "demo")
    assert "Demo deck (demo, version 1.0.0)" in shown.output and "[art-a] Article A, Ann Author" in shown.output
    card = json.loads(run(runner, "card", "show", "demo/second", "--json").output)
    assert card["situation"] == "You shake hands.\nThen what?"
    assert card["counterpoints"] == [{"source": "art-a", "title": "Article A", "view": "Ask for feedback first."}]
    assert card["progress"]["state"] == "new" and card["history"] == []
    text = run(runner, "card", "show", "second").output
    assert "COUNTERPOINT - Article A\n  Ask for feedback first." in text


def test_unknown_ids_are_clear_errors(runner: CliRunner) -> None:
    for args in (["deck", "show", "nope"], ["card", "show", "nope"], ["deck", "export", "nope", "-o", "-"],
                 ["deck", "remove", "nope", "--yes"], ["card", "list", "--deck", "nope"]):
        result = run(runner, *args)
        assert result.exit_code == 1, args
        assert result.stderr.startswith("srs: no "), result.stderr


def test_remove_needs_confirmation_or_yes(runner: CliRunner, deck_file: Path) -> None:
    run(runner, "deck", "add", str(deck_file))
    result = run(runner, "deck", "remove", "demo")
    assert result.exit_code == 2 and "--yes" in result.stderr
    assert "demo" in deck_json(runner)
    result = run(runner, "deck", "remove", "demo", "--yes")
    assert result.exit_code == 0 and "Removed deck 'demo' (3 cards)." in result.stderr
    assert "demo" not in deck_json(runner)


def test_removed_bundled_deck_stays_removed_until_added(runner: CliRunner, tmp_path: Path) -> None:
    run(runner, "deck", "remove", "interview-closing", "--yes")
    assert "interview-closing" not in deck_json(runner)
    out = tmp_path / "ic.toml"
    from srs.bundled import bundled_dir

    out.write_bytes((bundled_dir() / "interview-closing.toml").read_bytes())
    run(runner, "deck", "add", str(out))
    assert "interview-closing" in deck_json(runner)


def test_learner_option_selects_progress_owner(runner: CliRunner) -> None:
    result = run(runner, "--learner", "maya", "deck", "list")
    assert result.exit_code == 1 and "no learner named 'maya'" in result.stderr
    assert run(runner, "learner", "add", "maya").exit_code == 0
    assert run(runner, "--learner", "maya", "deck", "list").exit_code == 0
    names = [r["name"] for r in json.loads(run(runner, "learner", "list", "--json").output)]
    assert names == ["default", "maya"]
    assert run(runner, "learner", "remove", "maya", "--yes").exit_code == 0
    assert run(runner, "learner", "remove", "default", "--yes").exit_code == 1


def test_db_option_and_env_point_elsewhere(runner: CliRunner, tmp_path: Path, deck_file: Path) -> None:
    other = tmp_path / "elsewhere.db"
    run(runner, "--db", str(other), "deck", "add", str(deck_file))
    assert other.exists()
    result = runner.invoke(cli, ["deck", "list", "--json"], env={"SRS_DATABASE_URL": f"sqlite:///{other}"})
    assert "demo" in {d["id"] for d in json.loads(result.output)}
    assert "demo" not in deck_json(runner)


def test_unreachable_database_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run(runner, "--db", str(blocker / "sub" / "srs.db"), "deck", "list")
    assert result.exit_code == 1
    assert result.stderr.startswith("srs: ") and "Traceback" not in result.stderr


def test_renamed_source_marks_citing_cards_updated(runner: CliRunner, deck_file: Path,
                                                   isolated_data: Path) -> None:
    run(runner, "deck", "add", str(deck_file))
    con = sqlite3.connect(isolated_data / "srs.db")
    before = dict(con.execute("select card_id, updated_at from card where deck_id='demo'").fetchall())
    deck_file.write_text(deck_file.read_text().replace('title = "Article B"', 'title = "Article B, 2nd ed."'))
    result = runner.invoke(cli, ["deck", "add", str(deck_file)], env={"SRS_NOW": "2030-01-01T00:00:00+00:00"})
    assert "2 changed" in result.stderr
    after = dict(con.execute("select card_id, updated_at from card where deck_id='demo'").fetchall())
    assert after["first"] == before["first"]
    assert after["second"] > before["second"] and after["third"] > before["third"]


def test_an_error_while_adding_several_files_adds_none_of_them(runner: CliRunner, deck_file: Path,
                                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import srs.store.deck_import

    other = tmp_path / "other.toml"
    other.write_text(deck_file.read_text().replace('id = "demo"', 'id = "other"', 1))
    real_add = srs.store.deck_import.add_deck

    def add_then_fail(executor: object, spec: object, *args: object, **kwargs: object) -> object:
        if getattr(spec, "id") == "other":
            raise OSError(28, "No space left on device")
        return real_add(executor, spec, *args, **kwargs)  # type: ignore[arg-type]

    before = deck_json(runner)
    monkeypatch.setattr(srs.store.deck_import, "add_deck", add_then_fail)
    result = runner.invoke(cli, ["deck", "add", str(deck_file), str(other)])
    assert result.exit_code == 1
    assert "srs: No space left on device" in result.stderr
    monkeypatch.setattr(srs.store.deck_import, "add_deck", real_add)  # only this: undo() would drop SRS_DATA_DIR too
    assert deck_json(runner) == before


def test_counts_are_singular_for_one(runner: CliRunner, tmp_path: Path) -> None:
    one = tmp_path / "one.toml"
    one.write_text(GOOD_DECK.replace('id = "demo"', 'id = "dup"').split("[[cards]]\nid = \"second\"")[0])
    assert "ok (deck 'dup' version 1.0.0, 1 card)" in run(runner, "deck", "check", str(one)).output
    assert "Deck 'dup' added: 1 new" in run(runner, "deck", "add", str(one)).stderr
    assert "Deck 'dup': unchanged (1 card)." in run(runner, "deck", "add", str(one)).stderr
    assert "Wrote " in run(runner, "deck", "export", "dup", "-o", str(tmp_path / "x.toml")).stderr
    assert "Removed deck 'dup' (1 card)." in run(runner, "deck", "remove", "dup", "--yes").stderr
    result = run(runner, "deck", "check", str(BAD / "empty.toml"))
    assert result.exit_code == 1 and "srs: 1 of 1 file is invalid" in result.stderr
