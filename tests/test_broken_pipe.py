"""`srs ... | head -1`: when the reader of stdout goes away, srs stops quietly with exit status 141, as a Unix
tool killed by SIGPIPE does (issue 17, item 11). The pipe's read end is closed before srs starts, so every
write fails at once: deterministic, no race with `head`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import GOOD_DECK, data_env

NOW = "2026-03-01T12:00:00+00:00"


def into_closed_pipe(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run([sys.executable, "-m", "srs", *args], stdout=write, stderr=subprocess.PIPE,
                              text=True, env=env, timeout=120)
    finally:
        os.close(write)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("pipe")
    environment = data_env(home / "data", NOW)
    deck = home / "demo.toml"
    deck.write_text(GOOD_DECK, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "srs", "deck", "add", str(deck)], env=environment, check=True,
                   capture_output=True)
    return environment


@pytest.mark.parametrize("args", [
    ["card", "list"],  # click.echo, line by line
    ["stats"],
    ["status"],
    ["deck", "list"],
    ["--help"],  # written while the root group parses
    ["card", "--help"],
    ["export", "csv", "-o", "-"],  # one sys.stdout.write, past the buffer
    ["deck", "export", "demo", "-o", "-"],  # small: still in Python's buffer when the command returns
])
def test_a_closed_pipe_ends_quietly_with_141(env: dict[str, str], args: list[str]) -> None:
    done = into_closed_pipe(args, env)
    assert (done.returncode, done.stderr) == (141, "")


def test_an_open_pipe_still_gets_everything(env: dict[str, str], tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "srs", "deck", "export", "demo", "-o", "-"], env=env,
                          capture_output=True, text=True, check=True)
    assert done.stdout.startswith("[deck]") and done.stderr == ""
