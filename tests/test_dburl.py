"""Database URLs are checked before an engine is made: an unsupported scheme names the supported ones, and a
missing PostgreSQL driver is one line with the install command, never a traceback (issue 17, item 10)."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

from srs.cli import cli
from srs.dburl import DatabaseURLError, check_url

MISSING = ("srs: the PostgreSQL driver psycopg is not installed; install it with: "
           "pip install 'srs-interview[postgres]'\n")
SUPPORTED = "supported: sqlite:///PATH and postgresql+psycopg://USER@HOST/DATABASE"


@pytest.fixture
def no_psycopg(monkeypatch: pytest.MonkeyPatch) -> None:
    """Import psycopg fails, as on a machine without the extra."""
    monkeypatch.setitem(sys.modules, "psycopg", None)


@pytest.mark.parametrize("url", ["sqlite:////tmp/x.db", "sqlite:///rel.db", "sqlite://", "sqlite+pysqlite:///x.db",
                                 "postgresql+psycopg://u@h/db", "postgresql+psycopg://u:secret@h:5432/db?x=1"])
def test_supported_urls_pass_unchanged(url: str) -> None:
    assert check_url(url) == url


@pytest.mark.parametrize("url, scheme", [
    ("mysql://u@h/db", "mysql"),
    ("postgresql+psycopg2://h/db", "postgresql+psycopg2"),
    ("postgres://u@h/db", "postgres"),
    ("oracle+cx_oracle://h", "oracle+cx_oracle"),
])
def test_an_unsupported_scheme_names_the_supported_ones(url: str, scheme: str) -> None:
    with pytest.raises(DatabaseURLError) as raised:
        check_url(url)
    assert str(raised.value) == f"database URL scheme {scheme!r} is not supported; {SUPPORTED}"


@pytest.mark.parametrize("args", [["status"], [], ["deck", "list"]])
def test_a_missing_postgresql_driver_is_one_line(runner: CliRunner, no_psycopg: None, args: list[str]) -> None:
    result = runner.invoke(cli, args, env={"SRS_DATABASE_URL": "postgresql+psycopg://u:secret@localhost/db"})
    assert (result.exit_code, result.output) == (1, MISSING)


def test_a_postgresql_url_without_driver_name_is_checked_too(runner: CliRunner, no_psycopg: None) -> None:
    result = runner.invoke(cli, ["--db", "postgresql://x/y", "status"])
    assert (result.exit_code, result.output) == (1, MISSING)


def test_mysql_is_refused_in_one_line_without_the_password(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["status"], env={"SRS_DATABASE_URL": "mysql://root:secret@localhost/srs"})
    assert result.exit_code == 1
    assert result.output == f"srs: database URL scheme 'mysql' is not supported; {SUPPORTED}\n"
