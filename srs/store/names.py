"""The names a person types, read for shell completion: deck ids, card refs, tags, learner names.

Completion runs on every Tab, so it reads a database only if one is already there: it never creates a file or a
schema, never upgrades one, never writes, and gives up on a PostgreSQL server that does not answer within a
couple of seconds (:func:`open_existing`). Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from srs.errors import SRSError
from srs.store.decks import deck_names
from srs.store.engine import database_url, make_engine
from srs.store.models import Card, Learner, table_of

__all__ = ["CardName", "card_names", "deck_names", "learner_names", "open_existing", "tag_names"]

# Seconds to wait for a PostgreSQL server while completing: a shell waiting on Tab must not hang.
CONNECT_TIMEOUT = 2

_C = table_of(Card).c


def open_existing(db: str | None) -> Engine | None:
    """An engine on the database ``db`` names (``--db``, else ``SRS_DATABASE_URL``, else the default file), or
    None when there is nothing to read: no such SQLite file, or a URL srs cannot open."""
    try:
        url = database_url(db)
    except SRSError:
        return None
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:" or not Path(parsed.database).is_file():
            return None
        return make_engine(url)
    if "connect_timeout" not in parsed.query:
        parsed = parsed.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT)})
    return make_engine(parsed.render_as_string(hide_password=False))


@dataclass(frozen=True)
class CardName:
    """An active card's id, its deck's id, and its situation (to show beside the id where the shell can)."""

    deck_id: str
    card_id: str
    situation: str


def card_names(session: Session) -> list[CardName]:
    """Every active card, by deck and in deck order."""
    rows = session.execute(select(_C.deck_id, _C.card_id, _C.situation).where(_C.retired.is_(False))
                           .order_by(_C.deck_id, _C.position))
    return [CardName(deck_id=row.deck_id, card_id=row.card_id, situation=row.situation) for row in rows]


def tag_names(session: Session) -> list[str]:
    """Every tag on an active card, sorted."""
    tags: set[str] = set()
    for card_tags in session.execute(select(_C.tags).where(_C.retired.is_(False))).scalars():
        tags.update(card_tags)
    return sorted(tags)


def learner_names(session: Session) -> list[str]:
    """Every learner's name, sorted."""
    learner = table_of(Learner).c
    return list(session.execute(select(learner.name).order_by(learner.name)).scalars())
