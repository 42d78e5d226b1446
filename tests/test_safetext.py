"""The one sanitiser for text from files (:mod:`srs.safetext`), and the places output goes through it: error
messages, notes on stderr, deck check's problems and JSON output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from srs.cli import cli
from srs.cli.common import echo_json
from srs.safetext import clean, plain

OSC52 = "\x1b]52;c;aGk=\x07"  # writes "hi" to the clipboard of a terminal that obeys it
CONTROLS = set(map(chr, [*range(0, 10), *range(11, 32), *range(0x7F, 0xA0)])) | set("\u202a\u202b\u202c\u202d\u202e")


@pytest.mark.parametrize("text, shown, kept", [
    (f"a{OSC52}b", "ab", "ab"),
    ("red \x1b[31mx\x1b[0m", "red x", "red x"),
    ("bell\x07 del\x7f csi\x9b2J", "bell\\x07 del\\x7f csi", "bell del csi"),
    ("flip\u202eme", "flip\\u202eme", "flipme"),
    ("two\nlines\ttab", "two\nlines    tab", "two\nlines\ttab"),
])
def test_escape_sequences_go_whole_and_other_controls_show_or_go(text: str, shown: str, kept: str) -> None:
    assert clean(text) == shown
    assert plain(text) == kept


def test_deck_check_problems_quoting_the_file_carry_no_escape(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / f"deck{OSC52}.toml"
    path.write_text('[deck]\nid = "x"\n"\\u001b]52;c;aGk=\\u0007" = 1\n', encoding="utf-8")
    result = runner.invoke(cli, ["deck", "check", str(path)])
    assert result.exit_code == 1
    assert "unknown field" in result.stderr and "deck.toml:1:" in result.stderr
    assert not CONTROLS & set(result.output), result.output


def test_error_messages_naming_a_file_carry_no_escape(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["deck", "add", str(tmp_path / f"missing{OSC52}\u202e.toml")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"srs: {tmp_path}/missing\\u202e.toml: no such file\n")


def test_json_output_escapes_c1_controls_and_bidi_overrides(capsys: pytest.CaptureFixture[str]) -> None:
    data = {"name": "csi\x9b2J flip\u202e del\x7f esc\x1b"}
    echo_json(data)
    out = capsys.readouterr().out
    assert not CONTROLS & set(out), out
    assert json.loads(out) == data


def test_deck_list_and_show_print_stored_names_through_the_sanitiser(runner: CliRunner, deck_file: Path) -> None:
    """Deck files refuse control characters, but a shared database may hold text written another way."""
    from sqlalchemy import update
    from sqlmodel import Session

    from srs.store.engine import database_url, make_engine
    from srs.store.models import Deck

    assert runner.invoke(cli, ["deck", "add", str(deck_file)]).exit_code == 0
    engine = make_engine(database_url(None))
    with Session(engine) as session:
        session.execute(update(Deck).where(Deck.id == "demo").values(name=f"Demo{OSC52}", description="d\x9b2J"))
        session.commit()
    engine.dispose()
    for args in (["deck", "list"], ["deck", "show", "demo"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0 and "Demo" in result.stdout
        assert not CONTROLS & set(result.output), result.output
