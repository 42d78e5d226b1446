"""Things every command must do: have help, report a version, stay fast to start."""

from __future__ import annotations

import subprocess
from pathlib import Path
import sys

import click
import pytest
from click.testing import CliRunner

from srs import __version__
from srs.cli import cli


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    # list_commands/get_command, not group.commands: the root group loads its commands lazily.
    ctx = click.Context(group)
    found = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        found.append(prefix + (name,))
        if isinstance(command, click.Group):
            found.extend(_commands(command, prefix + (name,)))
    return found


@pytest.mark.parametrize("path", _commands(cli), ids=" ".join)
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, f"srs {' '.join(path)} --help has no example"
    assert CliRunner().invoke(cli, [*path, "-h"]).exit_code == 0


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.output.strip() == f"srs, version {__version__}"


def test_python_dash_m_srs_works() -> None:
    out = subprocess.run([sys.executable, "-m", "srs", "--version"], capture_output=True, text=True, check=True)
    assert __version__ in out.stdout


def test_unknown_command_is_usage_error() -> None:
    result = CliRunner().invoke(cli, ["frobnicate"])
    assert result.exit_code == 2 and "No such command" in result.output


def test_help_and_completion_do_not_import_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from srs.cli import cli\n"
        "try:\n"
        "    cli(['--help'], prog_name='srs')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('sqlmodel', 'sqlalchemy', 'genanki', 'fsrs_rs_python', 'pydantic') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
        "print('COMMAND MODULES', sorted(m for m in sys.modules if m.endswith('_cmds')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout
    assert "COMMAND MODULES []" in out.stdout  # the command list comes from srs.cli.COMMANDS
    env = {"_SRS_COMPLETE": "bash_complete", "COMP_WORDS": "srs de", "COMP_CWORD": "1"}
    code2 = code.replace("cli(['--help'], prog_name='srs')", "cli([], prog_name='srs')")
    import os

    out = subprocess.run([sys.executable, "-c", code2], capture_output=True, text=True, check=True,
                         env={**os.environ, **env})
    assert "deck" in out.stdout and "HEAVY []" in out.stdout
    assert "COMMAND MODULES []" in out.stdout
    env["COMP_WORDS"], env["COMP_CWORD"] = "srs deck a", "2"  # a subcommand's own commands load its module only
    out = subprocess.run([sys.executable, "-c", code2], capture_output=True, text=True, check=True,
                         env={**os.environ, **env})
    assert "add" in out.stdout and "HEAVY []" in out.stdout
    assert "COMMAND MODULES ['srs.cli.deck_cmds']" in out.stdout


def test_the_command_table_matches_the_commands() -> None:
    """`srs --help` lists commands from srs.cli.COMMANDS without importing them; it must say what they say."""
    from srs.cli import COMMANDS

    ctx = click.Context(cli)
    for name, (_, _, short_help) in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None and command.name == name
        assert command.get_short_help_str(1000) == short_help


def test_unknown_command_suggests_close_names() -> None:
    result = CliRunner().invoke(cli, ["stat"])
    assert result.exit_code == 2 and "status" in result.output


def test_status_on_a_current_database_does_not_import_fsrs_genanki_or_alembic(tmp_path: Path) -> None:
    import os

    code = (
        "import sys\n"
        "from srs.cli import cli\n"
        "for _ in range(2):  # the first run creates the database (Alembic); the second is a normal start\n"
        "    for m in [m for m in sys.modules if m.split('.')[0] in ('alembic', 'fsrs_rs_python', 'genanki')]:\n"
        "        del sys.modules[m]\n"
        "    try:\n"
        "        cli(['status'], prog_name='srs')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = [m for m in ('alembic', 'fsrs_rs_python', 'genanki') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    env = {**os.environ, "SRS_DATA_DIR": str(tmp_path), "SRS_NOW": "2026-11-01T08:00:00+00:00"}
    env.pop("SRS_DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert "HEAVY []" in out.stdout




def test_database_failures_are_messages_and_programming_errors_keep_their_traceback() -> None:
    """What the user's database can do (be unreachable, locked, refuse a row) is a one-line message; a bug in a
    statement (CompileError, InvalidRequestError, ...) is not dressed up as bad data."""
    from sqlalchemy.exc import CompileError, IntegrityError, InvalidRequestError, OperationalError

    from srs.cli.common import translate

    locked = translate(OperationalError("UPDATE progress", {}, Exception("database is locked")))
    assert locked is not None and locked.message == "database error: database is locked"
    duplicate = translate(IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed: learner.name")))
    assert duplicate is not None and duplicate.message == "database error: UNIQUE constraint failed: learner.name"
    assert translate(CompileError("no such column")) is None
    assert translate(InvalidRequestError("not bound")) is None


def test_a_programming_error_in_a_command_is_not_reported_as_a_database_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import InvalidRequestError

    import srs.store.decks

    def broken(*args: object) -> None:
        raise InvalidRequestError("a bug, not the user's data")

    monkeypatch.setattr(srs.store.decks, "list_decks", broken)
    result = CliRunner().invoke(cli, ["deck", "list"])
    assert isinstance(result.exception, InvalidRequestError) and "database error" not in result.output


def test_a_file_that_is_not_a_database_is_a_message(tmp_path: Path) -> None:
    """`--db` pointing at some other file (or a damaged one) is the user's input: one line, exit 1, the file kept."""
    other = tmp_path / "notes.txt"
    other.write_bytes(b"these are my notes, not a database\n" * 200)
    before = other.read_bytes()
    result = CliRunner().invoke(cli, ["--db", str(other), "deck", "list"])
    assert result.exit_code == 1, result.output
    assert result.stderr == "srs: database error: file is not a database\n"
    assert other.read_bytes() == before


def test_a_postgresql_permission_error_is_a_message_and_bad_sql_is_not() -> None:
    from sqlalchemy.exc import ProgrammingError

    from srs.cli.common import translate

    class Denied(Exception):
        sqlstate = "42501"

    class Syntax(Exception):
        sqlstate = "42601"

    denied = translate(ProgrammingError("SELECT", {}, Denied("permission denied for table deck")))
    assert denied is not None and denied.message == "database error: permission denied for table deck"
    assert translate(ProgrammingError("SELEC", {}, Syntax("syntax error at or near SELEC"))) is None
