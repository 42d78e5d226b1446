"""Migrations: the first revision is srs 0.1.0's schema, old databases upgrade with every row kept (after a
backup), start-up on a current database never imports Alembic, and ``srs db`` reports and checks the schema."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import text

from helpers.migrations import NOW, RECHECK_ROW, TABLES, V1_DB, ddl, rows
from srs.app import open_store
from srs.cli import cli
from srs.store.engine import make_engine
from srs.store.migrations import SCHEMA_HEAD, init_schema, script_head, upgrade
from srs.store.migrations.check import check, schema_differences


def test_head_constant_is_the_newest_script() -> None:
    assert SCHEMA_HEAD == script_head()


def test_first_revision_creates_exactly_the_v1_schema(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    upgrade(engine, to="0001")
    engine.dispose()
    assert ddl(tmp_path / "new.db") == ddl(V1_DB)


def test_v1_database_upgrades_to_head_with_every_row_kept(v1_copy: Path) -> None:
    before = rows(v1_copy)
    assert len(before["review"]) == 20 and len(before["progress"]) == 10 and len(before["card"]) == 26
    engine = make_engine(f"sqlite:///{v1_copy}")
    init_schema(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
        assert schema_differences(conn) == []
    engine.dispose()
    after = rows(v1_copy)
    for table in TABLES:
        # Every row is kept as it was; migrations may add rows (0005 adds a meta row that sorts first).
        assert [row for row in after[table] if row in before[table]] == before[table], table
    assert len(after["meta"]) == len(before["meta"]) + 1 and RECHECK_ROW in after["meta"]
    backup = v1_copy.with_name("srs.db.bak-0001")
    assert rows(backup) == before
    assert sqlite3.connect(backup).execute("PRAGMA journal_mode").fetchone() == ("delete",)


def test_v1_history_reads_back_through_todays_code(v1_copy: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--db", str(v1_copy), "--learner", "maya", "learner", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert '"name": "maya"' in result.stdout and '"reviews": 10' in result.stdout
    from sqlmodel import Session, select

    from srs.store.models import Review

    store = open_store(str(v1_copy), "maya", NOW, install_bundled=False)
    with Session(store.engine) as s:
        reviews = s.exec(select(Review).where(Review.learner_id == store.learner_id)).all()
    assert len(reviews) == 10 and all(r.reviewed_at.tzinfo == timezone.utc for r in reviews)
    assert {r.origin for r in reviews} == {"terminal", "anki"}


def test_a_second_upgrade_does_nothing_and_keeps_the_first_backup(v1_copy: Path) -> None:
    engine = make_engine(f"sqlite:///{v1_copy}")
    first = upgrade(engine)
    assert first.stamped and first.backup == v1_copy.with_name("srs.db.bak-0001")
    again = upgrade(engine)
    assert not again.changed and again.backup is None
    assert sorted(p.name for p in v1_copy.parent.iterdir() if ".bak" in p.name) == ["srs.db.bak-0001"]


def test_new_database_is_created_at_head_without_a_backup(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    done = upgrade(engine)
    assert (done.before, done.after, done.backup) == (None, SCHEMA_HEAD, None)
    assert [p.name for p in tmp_path.iterdir() if ".bak" in p.name] == []


def test_start_up_on_a_current_database_does_not_import_alembic(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    init_schema(make_engine(f"sqlite:///{db}"))
    code = (
        "import sys\n"
        "from srs.cli import cli\n"
        f"cli(['--db', {str(db)!r}, 'deck', 'list'], standalone_mode=False)\n"
        "assert 'srs.store.engine' in sys.modules and 'sqlalchemy' in sys.modules\n"
        "print(sorted(m for m in sys.modules if m == 'alembic' or m.startswith('alembic.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_concurrent_first_opens_upgrade_once(v1_copy: Path) -> None:
    code = (
        "import sys, datetime\n"
        "from srs.app import open_store\n"
        "open_store(sys.argv[1], 'default', datetime.datetime(2026, 2, 1, tzinfo=datetime.timezone.utc))\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code, str(v1_copy)], stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    errors = [p.communicate()[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    assert sorted(p.name for p in v1_copy.parent.iterdir() if ".bak" in p.name) == ["srs.db.bak-0001"]
    assert len(rows(v1_copy)["review"]) == 20


def progress_updated_at(path: Path) -> dict[int, tuple[str | None, str | None]]:
    con = sqlite3.connect(path)
    try:
        return {pid: (last, updated) for pid, last, updated in
                con.execute("SELECT id, last_review, updated_at FROM progress ORDER BY id")}
    finally:
        con.close()


def test_v1_upgrade_backfills_progress_updated_at_from_the_last_answer(v1_copy: Path) -> None:
    engine = make_engine(f"sqlite:///{v1_copy}")
    init_schema(engine)
    engine.dispose()
    found = progress_updated_at(v1_copy)
    assert len(found) == 10 and all(last is not None and updated == last for last, updated in found.values())
    from sqlmodel import Session, select

    from srs.store.models import Progress

    with Session(make_engine(f"sqlite:///{v1_copy}")) as s:
        progress = s.exec(select(Progress).where(Progress.id == 1)).one()
    assert progress.updated_at == progress.last_review == datetime(2025, 12, 27, 9, 7, tzinfo=timezone.utc)


def test_0002_database_upgrades_to_0003_with_updated_at_backfilled(v1_copy: Path) -> None:
    engine = make_engine(f"sqlite:///{v1_copy}")
    assert upgrade(engine, to="0002").after == "0002"
    con = sqlite3.connect(v1_copy)
    assert "updated_at" not in {c[1] for c in con.execute("PRAGMA table_info(progress)")}
    # A card only suspended (never answered) has no last answer: it gets the epoch, as if changed long ago.
    con.execute("INSERT INTO progress (learner_id, card_pk, state, step, scheduled_days, reps, lapses, suspended, "
                "leech, version) VALUES (1, 20, 0, 0, 0, 0, 0, 1, 0, 1)")
    con.commit()
    con.close()
    before = rows(v1_copy)
    done = upgrade(engine)
    assert (done.before, done.after) == ("0002", SCHEMA_HEAD)
    assert done.backup == v1_copy.with_name("srs.db.bak-0002")
    with engine.connect() as conn:
        assert schema_differences(conn) == []
    engine.dispose()
    after = rows(v1_copy)
    after["meta"].remove(RECHECK_ROW)  # 0005 asks the next start to read the bundled decks again
    assert after == before
    found = progress_updated_at(v1_copy)
    assert found[11] == (None, "1970-01-01 00:00:00.000000")
    assert all(updated == last for pid, (last, updated) in found.items() if pid != 11)
    assert "updated_at" not in {c[1] for c in sqlite3.connect(done.backup).execute("PRAGMA table_info(progress)")}


def _revision_0005() -> Any:
    import importlib.util

    path = Path(__file__).parent.parent / "srs" / "store" / "migrations" / "versions" / "0005_rehearsal.py"
    spec = importlib.util.spec_from_file_location("revision_0005", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_0005_hash_is_the_one_the_app_computes() -> None:
    from srs.edits import deck_text_hash

    fields = {"situation": " Scène ", "response": "Say \"it\".", "reasoning": "Why."}
    assert _revision_0005().deck_text_hash(fields) == deck_text_hash(fields)


def test_0005_keeps_edits_marks_them_against_the_decks_text_and_shows_them(v1_copy: Path) -> None:
    """An edit made before 0005 replaced all three fields: it is stamped with the deck's text as it is now, so
    the next deck change to that text marks it (the bundled deck 2.0.0 changes this card)."""
    from sqlmodel import Session

    from srs.edits import deck_text_hash
    from srs.store.cards import read_card

    engine = make_engine(f"sqlite:///{v1_copy}")
    upgrade(engine, to="0004")
    engine.dispose()
    con = sqlite3.connect(v1_copy)
    card_pk, situation, response, reasoning = con.execute(
        "SELECT c.id, c.situation, c.response, c.reasoning FROM local_edit e JOIN card c ON c.id = e.card_pk"
    ).fetchone()
    con.close()
    engine = make_engine(f"sqlite:///{v1_copy}")
    init_schema(engine)
    con = sqlite3.connect(v1_copy)
    edit = con.execute("SELECT situation, response, reasoning, deck_hash FROM local_edit").fetchone()
    assert con.execute("SELECT count(*) FROM review_attempt").fetchone() == (0,)
    assert con.execute("SELECT DISTINCT key_points, personal FROM card").fetchall() == [("[]", 0)]
    con.close()
    assert edit == ("My situation.", "My response.", "My reasoning.",
                    deck_text_hash({"situation": situation, "response": response, "reasoning": reasoning}))
    with Session(engine) as s:
        view, _ = read_card(s, 2, card_pk)
    assert view.response == "My response." and not view.edit_outdated and not view.needs_personal
    engine.dispose()


def test_an_edit_made_before_0005_is_marked_once_the_bundled_deck_changes_its_text(v1_copy: Path) -> None:
    """The upgrade to deck 2.0.0: Maya reworded ask-about-hesitations under 1.0.0; 2.0.0 rewrites it."""
    from sqlmodel import Session, select

    from srs.store.cards import read_card
    from srs.store.models import LocalEdit

    store = open_store(str(v1_copy), "maya", NOW)
    with Session(store.engine) as s:
        edit = s.exec(select(LocalEdit)).one()
        view, _ = read_card(s, store.learner_id, edit.card_pk)
    assert view.card_id == "ask-about-hesitations" and view.response == "My response."
    assert view.edit_outdated and view.deck_text is not None and view.deck_text.response != "My response."


def test_after_0005_the_next_start_gives_installed_bundled_cards_their_key_points(tmp_path: Path) -> None:
    """Cards imported before 0005 count their key points in their content hash but have none stored: the
    bundled decks are read again once, which fills them in without counting them as changed (no "updated"
    notice), moving their time so the next Anki export carries the key points."""
    from sqlmodel import Session, select

    from srs.store.models import Card, Meta

    db = tmp_path / "srs.db"
    store = open_store(f"sqlite:///{db}", "default", NOW)
    con = sqlite3.connect(db)
    con.execute("UPDATE card SET key_points = '[]', personal = 0 WHERE card_id != 'handshake-smile-leave'")
    con.execute("INSERT INTO meta (key, value) VALUES ('bundled-recheck', 'bundled-recheck')")  # what 0005 does
    con.commit()
    con.close()
    later = NOW + timedelta(days=1)
    store = open_store(f"sqlite:///{db}", "default", later)
    with Session(store.engine) as s:
        cards = {c.card_id: c for c in s.exec(select(Card)).all() if not c.retired}
        assert s.get(Meta, "bundled-recheck") is None
    assert cards and all(card.key_points for card in cards.values())
    assert cards["close-with-upbeat-line"].personal and not cards["handshake-smile-leave"].personal
    assert {c.card_id for c in cards.values() if c.updated_at == later} == set(cards) - {"handshake-smile-leave"}
    assert cards["handshake-smile-leave"].updated_at == NOW


def test_0004_database_upgrades_to_0006_with_empty_interview_tables(v1_copy: Path) -> None:
    engine = make_engine(f"sqlite:///{v1_copy}")
    upgrade(engine, to="0004")
    before = rows(v1_copy)
    done = upgrade(engine)
    assert (done.before, done.after) == ("0004", SCHEMA_HEAD)
    with engine.connect() as conn:
        assert schema_differences(conn) == []
        for table in ("interview", "interview_plan", "planned_card"):
            assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0
    engine.dispose()
    after = rows(v1_copy)
    after["meta"].remove(RECHECK_ROW)  # 0005 asks the next start to read the bundled decks again
    assert after == before
    # The upgraded database takes an interview and plans toward it, for the learner it already had.
    runner = CliRunner()
    db = ["--db", str(v1_copy), "--learner", "maya"]
    result = runner.invoke(cli, [*db, "interview", "set", "2026-02-10 10:00"], env={"SRS_NOW": NOW.isoformat()})
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, [*db, "status", "--json"], env={"SRS_NOW": NOW.isoformat()})
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["interviews"]) == 1


BATCH_REVISION = '''
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    # A table rebuild of parents that progress and history point to (ON DELETE CASCADE).
    with op.batch_alter_table("card") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
    with op.batch_alter_table("learner") as batch:
        batch.alter_column("name", existing_type=sa.String(100), type_=sa.String(120))
'''


def test_batch_rebuild_of_a_parent_table_keeps_progress_and_history(v1_copy: Path, tmp_path: Path) -> None:
    """A future migration that rebuilds card or learner on SQLite must not cascade-delete their children."""
    scripts = tmp_path / "scripts"
    shutil.copytree(Path(__file__).parent.parent / "srs" / "store" / "migrations", scripts,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9001_batch.py").write_text(BATCH_REVISION.format(head=SCHEMA_HEAD))
    before = rows(v1_copy)
    engine = make_engine(f"sqlite:///{v1_copy}")
    done = upgrade(engine, script_location=scripts)
    assert done.after == "9001"
    after = rows(v1_copy)
    for table in ("progress", "review", "setting", "local_edit"):
        assert after[table] == before[table], table
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


# -- srs db --------------------------------------------------------------------------------------------------------


def test_a_command_that_upgrades_says_so_once_and_where_the_copy_is(v1_copy: Path, runner: CliRunner) -> None:
    """The first command after an update that changes the schema may take seconds on a big collection: it
    says what it did, on stderr, so the pause and the new file beside the database are explained."""
    first = runner.invoke(cli, ["--db", str(v1_copy), "status", "--json"])
    assert first.exit_code == 0, first.output
    assert f"Upgraded the database from schema 0001 to {SCHEMA_HEAD}; a copy from before is kept at " \
        f"{v1_copy}.bak-0001." in first.stderr
    assert first.stdout.lstrip().startswith("{")  # the JSON on stdout stays clean
    again = runner.invoke(cli, ["--db", str(v1_copy), "status"])
    assert again.exit_code == 0 and "Upgraded" not in again.stderr


def test_db_current_upgrade_and_check(v1_copy: Path, runner: CliRunner) -> None:
    db = ["--db", str(v1_copy)]
    assert runner.invoke(cli, [*db, "db", "current"]).stdout.startswith("0001\t")  # made by srs 0.1.0
    result = runner.invoke(cli, [*db, "db", "upgrade"])
    assert result.exit_code == 0 and "a copy from before is kept at" in result.stderr and "bak-0001" in result.stderr
    assert result.stderr.count("bak-0001") == 1  # said once
    assert "already at the newest schema" in runner.invoke(cli, [*db, "db", "upgrade"]).stderr
    result = runner.invoke(cli, [*db, "db", "check", "--json"])
    assert result.exit_code == 0, result.output
    assert '"ok": true' in result.stdout


def test_db_check_reports_missing_index_and_orphans(v1_copy: Path, runner: CliRunner) -> None:
    init_schema(make_engine(f"sqlite:///{v1_copy}"))
    con = sqlite3.connect(v1_copy)
    con.execute("DROP INDEX ix_review_learner_time")
    con.execute("INSERT INTO review (learner_id, card_pk, rating, reviewed_at, duration_ms, kind, interval_days, "
                "prev_interval_days, origin) VALUES (1, 99999, 3, '2026-01-01 00:00:00', 0, 0, 0, 0, 'terminal')")
    con.commit()
    con.close()
    result = runner.invoke(cli, ["--db", str(v1_copy), "db", "check"])
    assert result.exit_code == 1
    assert "integrity\t1 problems" in result.stdout and "tables\t1 differences" in result.stdout
    assert "points to a missing card" in result.stderr and "ix_review_learner_time" in result.stderr


def test_db_commands_on_a_missing_file_say_so(tmp_path: Path, runner: CliRunner) -> None:
    missing = tmp_path / "nope.db"
    for command in (["db", "current"], ["db", "check"]):
        result = runner.invoke(cli, ["--db", str(missing), *command])
        assert result.exit_code == 1 and f"no database at {missing}" in result.stderr
    assert not missing.exists()


def test_db_check_on_an_empty_database_asks_for_an_upgrade(tmp_path: Path, runner: CliRunner) -> None:
    sqlite3.connect(tmp_path / "empty.db").close()
    result = runner.invoke(cli, ["--db", str(tmp_path / "empty.db"), "db", "check"])
    assert result.exit_code == 1 and "no srs tables yet: any command creates them, or run: srs db upgrade" \
        in result.stderr


# -- PostgreSQL ------------------------------------------------------------------------------------------------------


def test_postgres_new_database_is_created_at_head_matching_the_models(pg_url: str) -> None:
    engine = make_engine(pg_url)
    assert upgrade(engine).before is None
    with engine.connect() as conn:
        assert schema_differences(conn) == []
    result = check(engine)
    assert result.ok and result.backend == "postgresql"
    assert not upgrade(engine).changed
    engine.dispose()


def test_postgres_database_made_before_migrations_is_stamped_and_kept(pg_url: str) -> None:
    from sqlmodel import Session, SQLModel

    from srs.store import models
    from srs.store.learners import get_or_create_learner

    engine = make_engine(pg_url)
    SQLModel.metadata.create_all(engine)  # what srs 0.1.0 did on PostgreSQL (its models are today's at 0001)
    with Session(engine) as s:
        get_or_create_learner(s, "default", NOW)
        s.commit()
    done = upgrade(engine)
    assert done.stamped and done.backup is None
    with Session(engine) as s:
        assert s.get(models.Learner, 1) is not None
    assert check(engine).ok
    engine.dispose()


def test_postgres_0004_database_upgrades_to_0005_keeping_rows_and_edits(pg_url: str) -> None:
    from sqlmodel import Session

    from srs.edits import deck_text_hash
    from srs.store.cards import read_card

    engine = make_engine(pg_url)
    upgrade(engine, to="0004")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO learner (id, name, created_at) VALUES (1, 'default', :t)"), {"t": NOW})
        conn.execute(text(
            "INSERT INTO deck (id, name, description, version, license, credits, sources, content_hash, "
            "bundled_hash, created_at, updated_at) VALUES ('d', 'D', '', '1.0.0', '', '', '[]', 'h', '', :t, :t)"),
            {"t": NOW})
        conn.execute(text(
            "INSERT INTO card (id, deck_id, card_id, position, situation, response, reasoning, sources, tags, "
            "counterpoints, content_hash, anki_guid, retired, created_at, updated_at) VALUES (7, 'd', 'c', 0, "
            "'S', 'R', 'W', '[]', '[]', '[]', 'h', 'g', false, :t, :t)"), {"t": NOW})
        conn.execute(text("INSERT INTO review (learner_id, card_pk, rating, reviewed_at, duration_ms, kind, "
                          "interval_days, prev_interval_days, origin) VALUES (1, 7, 3, :t, 5, 0, 0, 0, 'terminal')"),
                     {"t": NOW})
        conn.execute(text("INSERT INTO local_edit (learner_id, card_pk, situation, response, reasoning, updated_at) "
                          "VALUES (1, 7, 'S', 'Mine', 'W', :t)"), {"t": NOW})
    assert upgrade(engine).after == SCHEMA_HEAD
    with engine.connect() as conn:
        assert schema_differences(conn) == []
        assert conn.execute(text("SELECT count(*) FROM review")).scalar() == 1
        assert conn.execute(text("SELECT key_points, personal FROM card")).one() == ([], False)
        assert conn.execute(text("SELECT deck_hash FROM local_edit")).scalar() == deck_text_hash(
            {"situation": "S", "response": "R", "reasoning": "W"})
    with Session(engine) as s:
        view, _ = read_card(s, 1, 7)
    assert view.response == "Mine" and not view.edit_outdated


def test_postgres_0004_database_upgrades_to_head_keeping_its_rows(pg_url: str) -> None:
    from sqlmodel import Session

    from srs.store.learners import get_or_create_learner

    engine = make_engine(pg_url)
    upgrade(engine, to="0004")
    with Session(engine) as s:
        get_or_create_learner(s, "default", NOW)
        s.commit()
    done = upgrade(engine)
    assert (done.before, done.after) == ("0004", SCHEMA_HEAD)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM learner").scalar() == 1
        assert conn.exec_driver_sql("SELECT count(*) FROM interview").scalar() == 0
        assert schema_differences(conn) == []


def test_postgres_db_cli(pg_url: str, runner: CliRunner) -> None:
    assert runner.invoke(cli, ["--db", pg_url, "db", "current"]).stdout.startswith("empty\t")
    assert runner.invoke(cli, ["--db", pg_url, "deck", "list"]).exit_code == 0
    result = runner.invoke(cli, ["--db", pg_url, "db", "check"])
    assert result.exit_code == 0, result.output
    assert "backend\tpostgresql" in result.stdout and "integrity\tok" in result.stdout
