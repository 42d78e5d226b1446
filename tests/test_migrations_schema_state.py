"""What srs says about a database's schema when it is not simply older: written by a newer release (name the
version to install), or missing its revision record (identify it by its tables, or say how to recover)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from helpers.migrations import rows
from srs.cli import cli
from srs.errors import SchemaError
from srs.store.engine import make_engine
from srs.store.migrations import SCHEMA_HEAD, init_schema, known_revisions, schema_state, upgrade
from srs.store.migrations.check import check


def test_database_from_a_newer_srs_is_refused_without_changes(v1_copy: Path, runner: CliRunner) -> None:
    init_schema(make_engine(f"sqlite:///{v1_copy}"))
    con = sqlite3.connect(v1_copy)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    result = runner.invoke(cli, ["--db", str(v1_copy), "deck", "list"])
    assert result.exit_code == 1
    assert "schema revision 9999" in result.stderr and "newer srs" in result.stderr
    assert "Traceback" not in result.output
    assert "9999" in runner.invoke(cli, ["--db", str(v1_copy), "db", "current"]).stdout


def _from_a_newer_release(path: Path, release: str | None) -> None:
    """What a newer srs-interview leaves: a revision this one does not know, and (if it records it) its version."""
    init_schema(make_engine(f"sqlite:///{path}"))
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '0099'")
    con.execute("DELETE FROM meta WHERE key = 'schema-written-by'")
    if release is not None:
        con.execute("INSERT INTO meta (key, value) VALUES ('schema-written-by', ?)", (release,))
    con.commit()
    con.close()


def test_a_database_from_a_newer_release_names_the_version_to_install(v1_copy: Path, runner: CliRunner) -> None:
    """#17.18 and #18.11: one client of a shared database upgraded; the others say which release to install, and
    `db current` no longer tells them to run `srs db upgrade`, which refuses."""
    _from_a_newer_release(v1_copy, "0.3.0")
    before = rows(v1_copy)
    install = "install srs-interview 0.3.0 or newer: pip install --upgrade 'srs-interview>=0.3.0'"
    for command in (["deck", "list"], ["db", "upgrade"], ["review"]):
        result = runner.invoke(cli, ["--db", str(v1_copy), *command])
        assert result.exit_code == 1, result.output
        assert "the database is at schema revision 0099" in result.stderr
        assert f"written by a newer srs (srs-interview 0.3.0); {install}. Nothing was changed." in result.stderr
        assert "Every program that shares this database must be upgraded together." in result.stderr
    current = runner.invoke(cli, ["--db", str(v1_copy), "db", "current"])
    assert current.exit_code == 0
    assert current.stdout == (f"0099\tnewer than this srs knows (its newest is {SCHEMA_HEAD}), written by "
                              f"srs-interview 0.3.0: {install}\n")
    check_result = runner.invoke(cli, ["--db", str(v1_copy), "db", "check", "--json"])
    assert check_result.exit_code == 1 and "srs db upgrade" not in check_result.output
    assert install in check_result.stderr
    assert rows(v1_copy) == before
    assert [p.name for p in v1_copy.parent.iterdir() if ".bak-0099" in p.name] == []


def test_a_newer_release_that_did_not_record_itself_says_to_upgrade(v1_copy: Path, runner: CliRunner) -> None:
    _from_a_newer_release(v1_copy, None)
    result = runner.invoke(cli, ["--db", str(v1_copy), "status"])
    assert result.exit_code == 1
    assert "(a newer srs-interview); upgrade srs-interview: pip install --upgrade srs-interview." in result.stderr


def test_every_upgrade_records_the_release_that_wrote_the_schema(tmp_path: Path) -> None:
    from srs.store.migrations.identify import package_version

    db = tmp_path / "srs.db"
    init_schema(make_engine(f"sqlite:///{db}"))
    con = sqlite3.connect(db)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema-written-by'").fetchall() == [(package_version(),)]
    con.close()
    assert package_version() != "unknown"


def _history(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The learners' own rows (a command may also update the bundled deck's content)."""
    found = rows(path)
    return {t: found[t] for t in ("learner", "progress", "review", "setting", "local_edit")}


def _forget_revision(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("DELETE FROM alembic_version")  # a bad restore, or a hand-made copy of the tables
    con.commit()
    con.close()


@pytest.mark.parametrize("revision", sorted(known_revisions()))
def test_a_database_that_lost_its_revision_is_identified_by_its_tables(v1_copy: Path, revision: str) -> None:
    engine = make_engine(f"sqlite:///{v1_copy}")
    upgrade(engine, to=revision, backup=False)
    _forget_revision(v1_copy)
    with engine.connect() as conn:
        assert schema_state(conn) == revision
    engine.dispose()


def test_an_empty_alembic_version_is_recorded_and_every_command_works(v1_copy: Path, runner: CliRunner) -> None:
    """Before: `db current` said "empty" though all the data was there, and every command failed with "table deck
    already exists"."""
    db = ["--db", str(v1_copy)]
    init_schema(make_engine(f"sqlite:///{v1_copy}"))
    _forget_revision(v1_copy)
    before = _history(v1_copy)
    current = runner.invoke(cli, [*db, "db", "current"])
    assert current.stdout == (f"{SCHEMA_HEAD}\tnot recorded (alembic_version is missing or empty), but the tables "
                              f"are those of {SCHEMA_HEAD}: any command (or srs db upgrade) records it\n")
    assert runner.invoke(cli, [*db, "db", "check"]).exit_code == 1
    result = runner.invoke(cli, [*db, "learner", "list"])
    assert result.exit_code == 0, result.output
    assert "Recorded the database's schema version, which was missing: its tables are those of " \
        f"{SCHEMA_HEAD}; a copy from before is kept at" in result.stderr
    assert _history(v1_copy) == before
    assert runner.invoke(cli, [*db, "db", "current"]).stdout == f"{SCHEMA_HEAD}\tnewest\n"
    assert runner.invoke(cli, [*db, "db", "check"]).exit_code == 0


def test_an_older_database_that_lost_its_revision_is_upgraded_from_it(v1_copy: Path, runner: CliRunner) -> None:
    upgrade(make_engine(f"sqlite:///{v1_copy}"), to="0002", backup=False)
    _forget_revision(v1_copy)
    before = _history(v1_copy)
    assert "the tables are those of 0002: any command (or srs db upgrade) records it and upgrades it to " \
        f"{SCHEMA_HEAD}" in runner.invoke(cli, ["--db", str(v1_copy), "db", "current"]).stdout
    result = runner.invoke(cli, ["--db", str(v1_copy), "status"])
    assert result.exit_code == 0, result.output
    assert f"Upgraded the database from schema 0002 to {SCHEMA_HEAD}" in result.stderr
    assert _history(v1_copy) == before


def test_tables_that_match_no_revision_are_refused_with_the_way_out(v1_copy: Path, runner: CliRunner) -> None:
    db = ["--db", str(v1_copy)]
    init_schema(make_engine(f"sqlite:///{v1_copy}"))
    _forget_revision(v1_copy)
    con = sqlite3.connect(v1_copy)
    con.execute("DROP INDEX ix_review_learner_card")
    con.commit()
    con.close()
    before = rows(v1_copy)
    for command in (["status"], ["db", "current"], ["db", "upgrade"]):
        result = runner.invoke(cli, [*db, *command])
        assert result.exit_code == 1, result.output
        assert "its alembic_version table is empty, and the tables match none of the schema revisions this srs " \
            f"knows ({', '.join(sorted(known_revisions()))}); nothing was changed." in result.stderr
        assert "record it with: srs db stamp REVISION, then run: srs db upgrade" in result.stderr
    assert rows(v1_copy) == before
    assert runner.invoke(cli, [*db, "db", "stamp", "0099"]).exit_code == 1
    stamped = runner.invoke(cli, [*db, "db", "stamp", SCHEMA_HEAD])
    assert stamped.exit_code == 0 and f"Recorded schema revision {SCHEMA_HEAD}" in stamped.stderr
    assert runner.invoke(cli, [*db, "status"]).exit_code == 0
    result = runner.invoke(cli, [*db, "db", "check"])  # and the check names what is missing
    assert result.exit_code == 1 and "ix_review_learner_card" in result.stderr


def test_known_revisions_are_the_scripts_alembic_runs() -> None:
    from alembic.script import ScriptDirectory

    from srs.store.migrations import alembic_config

    assert known_revisions() == {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def test_a_database_with_only_some_srs_tables_is_refused(tmp_path: Path) -> None:
    con = sqlite3.connect(tmp_path / "odd.db")
    con.execute("CREATE TABLE deck (id TEXT)")
    con.close()
    with pytest.raises(SchemaError, match="some srs tables"):
        init_schema(make_engine(f"sqlite:///{tmp_path / 'odd.db'}"))


def test_postgres_database_that_lost_its_revision_is_identified_and_recorded(pg_url: str) -> None:
    engine = make_engine(pg_url)
    init_schema(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM alembic_version")
    with engine.connect() as conn:
        assert schema_state(conn) == SCHEMA_HEAD
    done = init_schema(engine)
    assert done is not None and done.stamped and (done.before, done.after) == (SCHEMA_HEAD, SCHEMA_HEAD)
    assert check(engine).ok
    engine.dispose()
