"""The first run in a terminal says where it created the database, once, on stderr; scripts hear nothing."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from srs.cli import cli
from srs.cli.common import database_place

pexpect = pytest.importorskip("pexpect")

SRS = str(Path(sys.executable).parent / "srs")


def _run_in_terminal(data: Path, args: str, tz: str = "Europe/Berlin") -> str:
    """``srs ARGS`` on a pseudo-terminal with its own data directory; everything it wrote, stdout and stderr."""
    env = {k: v for k, v in os.environ.items() if k not in ("SRS_DATABASE_URL", "SRS_LEARNER")}
    env.update({"SRS_DATA_DIR": str(data), "NO_COLOR": "1", "TZ": tz, "COLUMNS": "100"})
    child = pexpect.spawn("/bin/sh", ["-c", f"{SRS} {args} 2>&1"], env=env, encoding="utf-8", timeout=60,
                          dimensions=(40, 100))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return (child.before or "").replace("\r\n", "\n")


def test_the_first_run_says_where_the_database_is_once(isolated_data: Path) -> None:
    first = _run_in_terminal(isolated_data, "status")
    assert first.count("Created a new database") == 1
    assert f"Created a new database at {isolated_data / 'srs.db'}.\n" in first
    assert "Interview Closing" in first  # and then the status, as always
    again = _run_in_terminal(isolated_data, "status")
    assert "Created" not in again and "Interview Closing" in again


def test_the_first_run_says_when_it_could_not_tell_the_time_zone(isolated_data: Path) -> None:
    # /etc/localtime is this machine's: only TZ can be made to fail here, so the note either names the machine's
    # zone (TZ ignored) or says UTC. Both say that TZ was not a zone name.
    first = _run_in_terminal(isolated_data, "deck list", tz="EST5EDT,M3.2.0,M11.1.0")
    assert "Created a new database" in first
    assert "TZ='EST5EDT,M3.2.0,M11.1.0' is not an IANA zone name" in first


def test_scripts_hear_nothing_and_json_stays_clean(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "elsewhere" / "mine.db"
    result = runner.invoke(cli, ["--db", str(path), "deck", "list", "--json"])
    assert result.exit_code == 0 and path.exists()
    assert "Created" not in result.stderr
    assert json.loads(result.output)[0]["id"] == "interview-closing"


@pytest.mark.parametrize(("url", "shown"), [
    ("sqlite:////tmp/x/srs.db", "at /tmp/x/srs.db"),
    ("postgresql+psycopg://coach:s3cret@db.example/srs", "at postgresql+psycopg://coach:***@db.example/srs"),
])
def test_the_place_never_shows_a_password(url: str, shown: str) -> None:
    assert database_place(url) == shown
