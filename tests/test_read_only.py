"""A database in a directory srs cannot write to (issue 18.8): commands that only read work, and commands that
write say that the database is read-only, naming it (exit 1, no traceback, nothing changed).

SQLite in WAL mode needs to create ``srs.db-wal`` and ``srs.db-shm`` beside the file even to read, so a plain
open fails with "unable to open database file". The directory is made read-only with ``chmod``; as root (these
tests run as root on CI), permissions do not stop anyone, so ``os.access`` is also made to answer as it would
for a normal user, and the tests check what does not depend on the user: no file appears in the directory, and
SQLite itself refuses writes on a connection opened read-only.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session

from helpers import demo_store
from srs.cli import cli
from srs.store.progress import answer_card
from srs.store import engine as store_engine

NOW = "2026-03-01T12:00:00+00:00"


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _rows(db: Path) -> list[tuple[str, int]]:
    con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return [(t, con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                for t in ("learner", "deck", "card", "progress", "review", "setting")]
    finally:
        con.close()


@pytest.fixture
def read_only_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data directory with a database (the demo deck, one answer), then made read-only: chmod, and os.access
    answering "not writable" for it and what is inside, as for any user but root."""
    folder = tmp_path / "shared"
    db = folder / "srs.db"
    store = demo_store(f"sqlite:///{db}", datetime.fromisoformat(NOW))
    with Session(store.engine) as session:
        answer_card(session, store.learner_id, 1, 3, datetime.fromisoformat(NOW), 3000, 0)
    store.engine.dispose()
    assert _files(folder) == ["srs.db"]  # the last connection closed: no -wal or -shm left
    real_access = os.access

    def access(path: object, mode: int, *args: object, **kwargs: object) -> bool:
        if mode & os.W_OK and Path(str(path)).resolve().is_relative_to(folder.resolve()):
            return False
        return real_access(path, mode, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    db.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    yield db
    folder.chmod(stat.S_IRWXU)
    db.chmod(stat.S_IRUSR | stat.S_IWUSR)


@pytest.mark.parametrize("args", [["deck", "list"], ["card", "list", "--deck", "demo"], ["status"], ["stats"],
                                  ["card", "show", "demo/first"], ["db", "current"], ["db", "check"]])
def test_reading_commands_work_and_write_nothing(read_only_dir: Path, runner: CliRunner, args: list[str]) -> None:
    before = _rows(read_only_dir)
    result = runner.invoke(cli, ["--db", str(read_only_dir), *args], env={"SRS_NOW": NOW})
    assert result.exit_code == 0, result.output
    assert _files(read_only_dir.parent) == ["srs.db"]  # not even SQLite's -wal and -shm files
    assert _rows(read_only_dir) == before


@pytest.mark.parametrize("args", [["review", "--deck", "demo"], ["deck", "remove", "demo", "--yes"],
                                  ["config", "set", "new_per_day", "5"], ["learner", "add", "maya"]])
def test_writing_commands_say_the_database_is_read_only(read_only_dir: Path, runner: CliRunner,
                                                        args: list[str]) -> None:
    before = _rows(read_only_dir)
    result = runner.invoke(cli, ["--db", str(read_only_dir), *args], input="\n3\nq", env={"SRS_NOW": NOW})
    assert result.exit_code == 1, result.output
    assert f"srs: the database {read_only_dir} is read-only" in result.stderr
    assert f"{read_only_dir.parent} cannot be written" in result.stderr
    assert "Traceback" not in result.output
    assert _rows(read_only_dir) == before
    assert _files(read_only_dir.parent) == ["srs.db"]


def test_a_writer_elsewhere_is_still_seen(read_only_dir: Path, runner: CliRunner) -> None:
    """With a -wal file there (another user with write access has the database open), the file is opened
    read-only but not as immutable, so what that writer commits is read."""
    folder = read_only_dir.parent
    folder.chmod(stat.S_IRWXU)
    read_only_dir.chmod(stat.S_IRUSR | stat.S_IWUSR)
    writer = sqlite3.connect(read_only_dir)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("UPDATE deck SET name = 'Renamed by the owner' WHERE id = 'demo'")
    writer.commit()  # in the -wal file until a checkpoint; the writer keeps the database open
    try:
        assert "srs.db-wal" in _files(folder)
        assert not store_engine.writable(read_only_dir)
        result = runner.invoke(cli, ["--db", str(read_only_dir), "deck", "list"], env={"SRS_NOW": NOW})
        assert result.exit_code == 0, result.output
        assert "Renamed by the owner" in result.stdout
    finally:
        writer.close()


def test_a_new_database_in_a_read_only_directory_is_refused(tmp_path: Path, runner: CliRunner,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, m, *a, **k: False if m & os.W_OK and Path(str(p)) == folder
                        else real_access(p, m, *a, **k))
    result = runner.invoke(cli, ["--db", str(folder / "srs.db"), "status"])
    assert result.exit_code == 1
    assert f"srs: cannot create a database at {folder / 'srs.db'}: {folder} cannot be written" in result.stderr
    assert _files(folder) == []
