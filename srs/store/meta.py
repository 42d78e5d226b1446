"""Facts about the database's decks kept in the ``meta`` table: bundled decks the user removed, and bundled files
that start-up chose not to install.

* ``removed-bundled:<deck id>`` — the user removed this bundled deck; it is not installed again until they add it.
* ``bundled-refused:<first 32 hex digits of a sha256>`` = the full sha256 — a bundled file start-up decided not to
  install (the user removed that deck, or keeps a newer copy of it), so the next start-up knows without parsing
  it. Any change to the set of decks clears these rows (:func:`forget_refused_bundled`), and the next start-up
  decides again.
* ``bundled-recheck`` = ``bundled-recheck`` — read every bundled file again on the next start, even one installed
  as it is (a migration that adds columns the deck files fill sets it; :mod:`srs.store.bundled` clears it).

Two sessions recording the same fact at once both succeed (:mod:`srs.store.upsert`). Nothing here commits.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlmodel import Session

from srs.store.models import Deck, Meta, table_of
from srs.store.upsert import insert_if_absent, upsert

REFUSED_PREFIX = "bundled-refused:"
REMOVED_PREFIX = "removed-bundled:"
RECHECK = "bundled-recheck"

_META = table_of(Meta)
_REFUSED = _META.c.key.startswith(REFUSED_PREFIX, autoescape=True)


def known_bundled_hashes(session: Session) -> set[str]:
    """Hashes of the bundled files installed as they are, and of those refused on purpose: one statement.

    The set also holds :data:`RECHECK` when the bundled files are to be read again whatever their hashes.
    """
    installed = select(table_of(Deck).c.bundled_hash)
    refused = select(_META.c.value).where(_REFUSED | (_META.c.key == RECHECK))
    return set(session.execute(installed.union_all(refused)).scalars())


def forget_recheck(session: Session) -> None:
    """The bundled files have been read again: drop the :data:`RECHECK` request."""
    session.execute(delete(_META).where(_META.c.key == RECHECK))


def refused_bundled(session: Session) -> set[str]:
    """Hashes of the bundled files recorded as refused."""
    return set(session.execute(select(_META.c.value).where(_REFUSED)).scalars())


def forget_refused_bundled(session: Session) -> None:
    """Drop the record of refused bundled files: whenever a deck is added, updated or removed, since that can
    change what start-up would do with them."""
    session.execute(delete(_META).where(_REFUSED))


def record_refused_bundled(session: Session, digest: str) -> None:
    """Remember that the bundled file with this sha256 is not to be installed."""
    upsert(session, _META, {"key": REFUSED_PREFIX + digest[:32], "value": digest}, ("key",))


def was_removed(session: Session, deck_id: str) -> bool:
    """Whether the user removed the bundled deck ``deck_id`` (and has not added it back)."""
    key = REMOVED_PREFIX + deck_id
    return session.execute(select(_META.c.key).where(_META.c.key == key)).first() is not None


def record_removal(session: Session, deck_id: str) -> None:
    """Remember that the user removed the bundled deck ``deck_id``, so it is not installed again."""
    insert_if_absent(session, _META, {"key": REMOVED_PREFIX + deck_id, "value": "1"}, ("key",))


def forget_removal(session: Session, deck_id: str) -> None:
    """Adding a deck by hand undoes an earlier removal of its bundled copy."""
    session.execute(delete(_META).where(_META.c.key == REMOVED_PREFIX + deck_id))
