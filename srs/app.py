"""Opening the store: the one start-up path every command that needs data goes through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from srs.db import database_url, get_or_create_learner, init_schema, make_engine

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


@dataclass(frozen=True)
class Store:
    """An open database and the learner whose progress commands read and write."""

    engine: "Engine"
    url: str
    learner_id: int
    learner: str


def open_store(db: str | None, learner: str, now: datetime, install_bundled: bool = True) -> Store:
    """Resolve the database, create or upgrade its schema, and install or update the bundled decks."""
    from sqlmodel import Session

    url = database_url(db)
    engine = make_engine(url)
    init_schema(engine)
    with Session(engine) as session:
        learner_id = get_or_create_learner(session, learner, now)
        if install_bundled:
            from srs.bundled import ensure_bundled

            ensure_bundled(session, now)
        session.commit()
    return Store(engine=engine, url=url, learner_id=learner_id, learner=learner)
