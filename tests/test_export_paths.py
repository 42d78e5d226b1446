"""`srs export ... -o PATH` names the path the user gave and what is wrong with it (issue 17, item 12): a
directory that does not exist, a parent that is a file, a directory that is not writable, a directory given as
the file; and an error while writing names that path too, never the temporary file written first."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from srs.cli import cli

COMMANDS = {
    "export anki": ["export", "anki", "--timestamp", "1767225600", "-o"],
    "export csv": ["export", "csv", "-o"],
    "deck export": ["deck", "export", "demo", "-o"],
}
OPTION = "Invalid value for '-o' / '--output': "


@pytest.fixture
def ready(runner: CliRunner, deck_file: Path) -> None:
    assert runner.invoke(cli, ["deck", "add", str(deck_file)]).exit_code == 0


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_missing_directory_is_named(runner: CliRunner, ready: None, tmp_path: Path, command: str) -> None:
    target = tmp_path / "nonexistent-dir" / "x.apkg"
    result = runner.invoke(cli, [*COMMANDS[command], str(target)])
    assert result.exit_code == 2
    assert f"{OPTION}cannot write {target}: the directory {target.parent} does not exist" in result.stderr
    assert ".tmp" not in result.output and not target.parent.exists()


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_parent_that_is_a_file_is_named(runner: CliRunner, ready: None, tmp_path: Path, command: str) -> None:
    (tmp_path / "afile").write_text("x")
    target = tmp_path / "afile" / "x.apkg"
    result = runner.invoke(cli, [*COMMANDS[command], str(target)])
    assert result.exit_code == 2
    assert f"{OPTION}cannot write {target}: {tmp_path / 'afile'} is not a directory" in result.stderr


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_directory_that_is_not_writable_is_named(runner: CliRunner, ready: None, tmp_path: Path, command: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, for whom permission bits do not deny anything: ask os.access what it would say.
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: Path(p) != tmp_path and real(p, mode, **kw))
    target = tmp_path / "x.apkg"
    result = runner.invoke(cli, [*COMMANDS[command], str(target)])
    assert result.exit_code == 2
    assert f"{OPTION}cannot write {target}: the directory {tmp_path} is not writable" in result.stderr


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_directory_given_as_the_file_is_named(runner: CliRunner, ready: None, tmp_path: Path,
                                                command: str) -> None:
    result = runner.invoke(cli, [*COMMANDS[command], str(tmp_path)])
    assert result.exit_code == 2
    assert f"{OPTION}File '{tmp_path}' is a directory." in result.stderr


def test_a_path_with_an_escape_sequence_is_named_without_it(runner: CliRunner, ready: None,
                                                             tmp_path: Path) -> None:
    target = tmp_path / "gone\x1b]52;c;aGk=\x07" / "x\u202e.apkg"
    result = runner.invoke(cli, [*COMMANDS["export anki"], str(target)])
    assert result.exit_code == 2
    assert f"cannot write {tmp_path}/gone/x\\u202e.apkg: the directory {tmp_path}/gone does not exist" \
        in result.stderr


def test_an_error_while_writing_names_the_given_path(runner: CliRunner, ready: None, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import exporters.anki

    def full(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device", str(src))

    monkeypatch.setattr(exporters.anki.os, "replace", full)
    target = tmp_path / "x.apkg"
    result = runner.invoke(cli, [*COMMANDS["export anki"], str(target)])
    assert (result.exit_code, result.stderr) == (1, f"srs: cannot write {target}: No space left on device\n")
    assert not list(tmp_path.glob(".x.apkg*"))


def test_a_good_path_and_stdout_still_work(runner: CliRunner, ready: None, tmp_path: Path) -> None:
    assert runner.invoke(cli, [*COMMANDS["export anki"], str(tmp_path / "x.apkg")]).exit_code == 0
    assert (tmp_path / "x.apkg").stat().st_size > 0
    result = runner.invoke(cli, [*COMMANDS["export csv"], "-"])
    assert result.exit_code == 0 and result.stdout.startswith("#separator:tab")
