"""What every command shares: the application context, output helpers, and error translation.

Only click and the standard library are imported here, so ``srs --help`` and completion stay fast; commands
import services inside their function bodies.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Iterator

import click

if TYPE_CHECKING:
    from sqlmodel import Session

    from srs.app import Store
    from srs.store.deck_import import AddResult


class AppContext:
    """Global options (``--db``, ``--learner``) and the store, opened on first use."""

    def __init__(self, db: str | None, learner: str) -> None:
        self.db = db
        self.learner = learner
        self._store: Store | None = None

    def now(self) -> datetime:
        from srs.clock import now

        return now()

    @property
    def store(self) -> "Store":
        if self._store is None:
            from srs.app import open_store

            self._store = open_store(self.db, self.learner, self.now())
            done = self._store.upgraded
            if done is not None:  # say why the first run after an update took longer, and where the copy is
                note(done.describe())
            for update in self._store.bundled_updates:  # the first command after a package upgrade says what changed
                note(bundled_update_line(update.name, update.version, update.result))
            if self._store.created and sys.stderr.isatty():  # once, to a person: scripts need not hear it
                note(f"Created a new database {database_place(self._store.url)}.")
                from srs.scheduling.settings import detect_timezone

                zone_problem = detect_timezone()[1]
                if zone_problem:
                    note(zone_problem)
        return self._store

    @property
    def learner_id(self) -> int:
        return self.store.learner_id

    @contextmanager
    def session(self) -> Iterator["Session"]:
        """A session, what every store function takes; the command commits what it wants kept. Anything not
        committed, or interrupted by an error, is rolled back."""
        from sqlmodel import Session

        with Session(self.store.engine) as session:
            yield session

    # The same session under its former name, for commands written when some took a plain connection.
    connection = session


def bundled_update_line(name: str, version: str, result: "AddResult") -> str:
    """``Interview Closing updated to 2.0.0: 9 new, 13 changed, 11 retired.`` (and ``, 1 restored`` if any)."""
    restored = f", {result.restored} restored" if result.restored else ""
    return (f"{name} updated to {version}: {result.added} new, {result.updated} changed, {result.retired} retired"
            f"{restored}.")


def database_place(url: str) -> str:
    """Where a database is, for a message: ``at /path/srs.db`` for SQLite, the URL without its password else."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"at {parsed.database}" if parsed.database and parsed.database != ":memory:" else "in memory"
    return f"at {parsed.render_as_string(hide_password=True)}"


pass_app = click.make_pass_decorator(AppContext)


def use_color() -> bool:
    """Colour and Unicode only on a terminal, and never when ``NO_COLOR`` is set."""
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def echo_json(data: Any) -> None:
    """``data`` as JSON on stdout. JSON escapes C0 controls; C1 controls and bidi overrides, which it leaves raw
    and a terminal may act on, are escaped too (they can only occur inside strings, so the JSON stays valid)."""
    import json
    import re

    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    click.echo(re.sub("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]",
                      lambda m: f"\\u{ord(m.group()):04x}", text))


def confirm_or_refuse(question: str, yes: bool) -> None:
    """Ask ``question`` on a terminal; without one, refuse (exit 2) unless ``--yes`` was given."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise click.UsageError(f"refusing without confirmation ({question}); pass --yes")
    click.confirm(question, abort=True, err=True)


def note(message: str) -> None:
    """A message for the person (not data): to stderr, through the one sanitiser for text from files."""
    from srs.safetext import clean

    click.echo(clean(message), err=True)


class SRSClickError(click.ClickException):
    """A domain error shown as ``srs: message`` lines on stderr, exit code 1."""

    def show(self, file: Any = None) -> None:
        from srs.safetext import clean  # messages quote file names and file content: no control sequences

        for line in clean(self.message).splitlines() or [""]:
            click.echo(f"srs: {line}", err=True)


def translate(exc: BaseException) -> click.ClickException | None:
    """Turn an error a user can cause into a ClickException; None for programming errors, which keep their
    traceback (SQLAlchemy's ``CompileError``, ``InvalidRequestError`` and the like among them)."""
    from srs.errors import SRSError

    if isinstance(exc, SRSError):
        return SRSClickError(str(exc))
    if _is_database_error(exc):
        orig = getattr(exc, "orig", None) or exc
        first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
        return SRSClickError(f"database error: {first}")
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return SRSClickError(f"{exc.strerror or exc}{where}")
    return None


def _is_database_error(exc: BaseException) -> bool:
    """The database refused or failed in a way the user can cause: unreachable, locked, full or read-only
    (``OperationalError``), a constraint (``IntegrityError``), a file that is not a database or is damaged (a bare
    ``DatabaseError``), or a PostgreSQL user without the right to a table (SQLSTATE 42501). Other SQLAlchemy errors
    (``ProgrammingError`` for bad SQL, ``CompileError``, ``InvalidRequestError``) are ours, and keep their
    traceback. Checked without importing SQLAlchemy, which a command that failed before opening the database never
    loaded."""
    exc_module = sys.modules.get("sqlalchemy.exc")
    if exc_module is None:
        return False
    if isinstance(exc, (exc_module.OperationalError, exc_module.IntegrityError)):
        return True
    if type(exc) is exc_module.DatabaseError:
        return True
    return getattr(getattr(exc, "orig", None), "sqlstate", None) == "42501"
