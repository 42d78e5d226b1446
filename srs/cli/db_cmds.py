"""``srs db``: the database's schema version, upgrades and integrity."""

from __future__ import annotations

import click

from srs.cli.common import AppContext, echo_json, note, pass_app


@click.group()
def db() -> None:
    """Show, upgrade and check the database schema.

    Every command upgrades an older database by itself; these are for looking first, or for scripts.

    \b
    Example:
      srs db check
    """


@db.command("current")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def current(app: AppContext, as_json: bool) -> None:
    """Print the database's schema revision and whether it is the newest.

    \b
    Example:
      srs --db postgresql+psycopg://coach@db.example/srs db current
    """
    from srs.app import open_database
    from srs.store.migrations import status

    found = status(open_database(app.db, must_exist=True))
    if as_json:
        echo_json({"revision": found.revision, "head": found.head, "up_to_date": found.state == "current",
                   "state": found.state, "recorded": found.recorded, "written_by": found.written_by,
                   "advice": found.advice()})
        return
    click.echo(f"{found.revision or 'empty'}\t{found.advice()}")


@db.command("upgrade")
@click.option("--no-backup", is_flag=True, help="SQLite: skip the copy beside the file before upgrading.")
@pass_app
def upgrade(app: AppContext, no_backup: bool) -> None:
    """Upgrade the database to the newest schema (a new database is created there).

    On SQLite the file is first copied beside itself as srs.db.bak-REVISION.

    \b
    Example:
      srs db upgrade
    """
    from srs.app import open_database
    from srs.store.migrations import upgrade as run_upgrade

    done = run_upgrade(open_database(app.db), backup=not no_backup)
    note(done.describe())  # it names the backup copy, when one was made


@db.command("stamp")
@click.argument("revision")
@pass_app
def stamp(app: AppContext, revision: str) -> None:
    """Record the database's schema revision without changing its tables (recovery only).

    For a database whose record of its revision was lost and whose tables srs cannot identify by itself (it
    says so). Recording the wrong revision makes the next upgrade fail; nothing else is changed.

    \b
    Example:
      srs db stamp 0004 && srs db upgrade
    """
    from srs.app import open_database
    from srs.store.migrations import stamp as run_stamp

    run_stamp(open_database(app.db, must_exist=True), revision)
    note(f"Recorded schema revision {revision}")


@db.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def check(app: AppContext, as_json: bool) -> None:
    """Check the database: integrity, schema version and tables against this srs, and every learner's progress
    against their review log.

    Exits with status 1 if anything is wrong.

    \b
    Example:
      srs db check
    """
    from sqlmodel import Session

    from srs.app import open_database
    from srs.errors import SRSError
    from srs.store.log_check import progress_disagreements
    from srs.store.migrations.check import check as run_check

    engine = open_database(app.db, must_exist=True)
    result = run_check(engine)
    progress: list[str] = []
    cards = 0
    if result.revision == result.head and not result.schema:  # the tables are the ones the check reads
        with Session(engine) as session:
            found = list(progress_disagreements(session))
        progress = [d.line() for d in found]
        cards = len({(d.learner, d.card) for d in found})
    if as_json:
        echo_json({"backend": result.backend, "revision": result.revision, "head": result.head,
                   "integrity": result.integrity, "schema": result.schema, "progress": progress,
                   "ok": result.ok and not progress})
    else:
        click.echo(f"backend\t{result.backend}")
        click.echo(f"schema\t{result.revision or 'empty'} (newest {result.head})")
        click.echo(f"integrity\t{'ok' if not result.integrity else f'{len(result.integrity)} problems'}")
        click.echo(f"tables\t{'ok' if not result.schema else f'{len(result.schema)} differences'}")
        click.echo("progress\tok" if not cards else
                   f"progress\t{cards} {'card disagrees with its' if cards == 1 else 'cards disagree with their'} "
                   "review log")
    problems = result.integrity + result.schema + progress
    if result.status is not None and result.status.state != "current":
        problems.insert(0, f"schema {result.revision or 'empty'}: {result.status.advice()}")
    if problems:
        raise SRSError("\n".join(problems))
