"""Opening the store: the one start-up path every command that needs data goes through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from srs.errors import NotFoundError
from srs.store.bundled import BundledUpdate
from srs.store.bundled import install_bundled as install_bundled_decks
from srs.store.engine import database_url, is_read_only, make_engine
from srs.store.learners import get_or_create_learner
from srs.store.migrations import Upgrade, init_schema


@dataclass(frozen=True)
class Store:
    """An open database and the learner whose progress commands read and write."""

    engine: Engine
    url: str
    learner_id: int
    learner: str
    upgraded: Upgrade | None = None  # set when opening upgraded an existing database's schema
    created: bool = False  # this process created the database (its schema, on an empty file or server)
    bundled_updates: tuple[BundledUpdate, ...] = ()  # bundled decks a newer package changed on this start-up


def open_store(db: str | None, learner: str, now: datetime, install_bundled: bool = True) -> Store:
    """Resolve the database, create or upgrade its schema, and install or update the bundled decks (what an update
    changed is in :attr:`Store.bundled_updates`, for the command to say once).

    A current schema costs one query (no Alembic import); an older one is upgraded first, after a backup copy
    beside a SQLite file (see :mod:`srs.store.migrations`). The usual start-up, with the learner there and the
    bundled decks current, then reads two rows and writes nothing. Several processes may do this at once on a
    new database: the schema, the default learner and the bundled decks are each created once, and no process
    fails because another one created them.
    """
    url = database_url(db)
    engine = make_engine(url)
    done = init_schema(engine)
    updates: list[BundledUpdate] = []
    with Session(engine) as session:
        learner_id = get_or_create_learner(session, learner, now)
        session.commit()
        if install_bundled and not is_read_only(engine):  # read-only: read the decks that are there
            updates = install_bundled_decks(session, now)
    upgraded = done if done is not None and done.before is not None and done.changed else None
    created = done is not None and done.before is None
    return Store(engine=engine, url=url, learner_id=learner_id, learner=learner, upgraded=upgraded, created=created,
                 bundled_updates=tuple(updates))


def open_database(db: str | None, must_exist: bool = False) -> Engine:
    """An engine for ``--db`` without touching the schema (for ``srs db``, which reports and upgrades it).

    With ``must_exist``, a SQLite file that is not there is an error rather than a new empty database.
    """
    url = database_url(db)
    path = make_url(url).database if url.startswith("sqlite") else None
    if must_exist and path and path != ":memory:" and not Path(path).exists():
        raise NotFoundError(f"no database at {path}")
    return make_engine(url)
