"""Key points through the deck commands: ``srs deck check`` and ``srs deck add`` run the answer matcher on each
card's own response and refuse a card that misses one of its points; ``srs deck export`` writes key points and
personal cards back so that the file re-imports unchanged."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from click.testing import CliRunner

from helpers import GOOD
from srs.bundled import bundled_files
from srs.cli import cli
from srs.deckfile import load_deck_file

KEYED = GOOD.replace('tags = ["t"]\n', """tags = ["t"]
personal = true
key_points = [
  "hesitations | concerns | reservations",
  "avoid: ask how I did | ask whether I answered well",
]
""")
# The matcher, not a substring test: inflection and a refusal count ("concerned", "don't ask how I did").
GOOD_RESPONSE = "Ask whether they're concerned about anything. Don't ask how you did."


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "deck.toml"
    path.write_text(text)
    return path


def test_deck_check_refuses_a_response_that_misses_its_own_key_points(tmp_path: Path) -> None:
    path = _write(tmp_path, KEYED)
    result = CliRunner().invoke(cli, ["deck", "check", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        f"{path}:13:12: card 'c1': response: misses key point 'hesitations / concerns / reservations'",
        f"{path}:13:12: card 'c1': response: misses key point 'avoid: ask how I did / ask whether I answered well'",
    ]
    assert "1 of 1 file is invalid" in result.stderr and "Traceback" not in result.output


def test_deck_check_accepts_a_response_the_matcher_finds_every_point_in(tmp_path: Path) -> None:
    path = _write(tmp_path, KEYED.replace('"Say it."', f'"{GOOD_RESPONSE}"'))
    result = CliRunner().invoke(cli, ["deck", "check", str(path)])
    assert result.exit_code == 0, result.output
    assert "ok (deck 'mini' version 1.0.0, 1 card)" in result.stdout


def test_deck_add_refuses_what_deck_check_refuses_and_imports_nothing(tmp_path: Path) -> None:
    path = _write(tmp_path, KEYED)
    runner = CliRunner()
    result = runner.invoke(cli, ["deck", "add", str(path)])
    assert result.exit_code == 1
    assert "card 'c1': response: misses key point 'hesitations / concerns / reservations'" in result.stderr
    assert "nothing was imported" in result.stderr
    listed = runner.invoke(cli, ["deck", "list", "--json"])
    assert '"mini"' not in listed.stdout


def test_the_bundled_decks_pass_deck_check_with_the_matcher() -> None:
    files = [str(p) for p in bundled_files()]
    result = CliRunner().invoke(cli, ["deck", "check", *files])
    assert result.exit_code == 0, result.output
    assert "misses key point" not in result.output


def test_deck_export_round_trips_key_points_and_personal_cards(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "closing.toml"
    result = runner.invoke(cli, ["deck", "export", "interview-closing", "-o", str(out)])
    assert result.exit_code == 0, result.output
    [bundled] = [p for p in bundled_files() if p.name == "interview-closing.toml"]
    original, exported = load_deck_file(bundled), load_deck_file(out)
    assert [(c.id, c.key_points, c.personal) for c in exported.cards] == [
        (c.id, c.key_points, c.personal) for c in original.cards]
    assert {c.id for c in exported.cards if c.personal} == {"close-with-upbeat-line", "your-likeliest-gap"}
    assert [c.content_hash for c in exported.cards] == [c.content_hash for c in original.cards]
    check = runner.invoke(cli, ["deck", "check", str(out)])
    assert check.exit_code == 0, check.output
    again = runner.invoke(cli, ["deck", "add", str(out)])
    assert again.exit_code == 0 and "Deck 'interview-closing': unchanged (24 cards)." in again.stderr


def test_deck_export_writes_the_decks_text_not_a_learners_personal_line(tmp_path: Path) -> None:
    from sqlmodel import Session, select

    from srs.store.edits import save_personal_response
    from srs.store.engine import database_url, make_engine
    from srs.store.models import Card

    runner = CliRunner()
    assert runner.invoke(cli, ["deck", "list"]).exit_code == 0  # installs the bundled deck
    engine = make_engine(database_url(None))
    with Session(engine) as session:
        pk = session.exec(select(Card.id).where(Card.card_id == "close-with-upbeat-line")).one()
        assert pk is not None
        save_personal_response(session, 1, pk, "Keen on this role; hope to hear soon.",
                               datetime(2026, 1, 1, tzinfo=timezone.utc))
        session.commit()
    engine.dispose()
    out = tmp_path / "closing.toml"
    assert runner.invoke(cli, ["deck", "export", "interview-closing", "-o", str(out)]).exit_code == 0
    assert "Keen on this role" not in out.read_text()
