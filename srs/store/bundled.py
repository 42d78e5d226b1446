"""Install the decks that ship inside the package on first run, and update them when a newer version ships.

Checking is cheap: the bundled files are hashed and compared with the hash recorded on each deck, and a file is
only parsed when it is new or changed. A newer bundled version updates the content and keeps every learner's
progress (the import is the same upsert as ``srs deck add``). A bundled deck the user removed stays removed.

Several processes may start on a new database at once (``srs status & srs deck list``). Each installs in its own
transaction (:func:`install_bundled`); when another process installed a deck first, this one's insert of it waits
for that process and then finds it there (:func:`srs.store.deck_import.add_deck`), and writes the same content
again, which changes nothing. Should an insert still collide, the transaction is rolled back and the decks are
looked at again, now installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from srs.bundled import bundled_files, file_digest, version_key
from srs.deckfile import parse_deck_text
from srs.errors import ConflictError
from srs.store.deck_import import AddResult, add_deck
from srs.store.meta import (RECHECK, forget_recheck, known_bundled_hashes, record_refused_bundled, refused_bundled,
                            was_removed)
from srs.store.models import Deck


def bundled_unchanged(session: Session) -> bool:
    """True when every bundled file is installed as it is (its hash is on a deck) or was refused on purpose (a
    removed deck, a newer copy; recorded by :func:`ensure_bundled`): the usual start-up, which then needs no deck
    parsing. False when a bundled file is new or changed; :func:`ensure_bundled` sorts it out."""
    known = known_bundled_hashes(session)
    return RECHECK not in known and all(file_digest(path.read_bytes()) in known for path in bundled_files())


@dataclass(frozen=True)
class BundledUpdate:
    """A bundled deck that a newer package changed: its name and new version, and what the update did to it
    (cards new, changed, retired, restored)."""

    name: str
    version: str
    result: AddResult


def ensure_bundled(session: Session, now: datetime) -> list[BundledUpdate]:
    """Install or update bundled decks. Returns the decks that were there and changed, so the command can say
    what a package upgrade changed (a first install is not an update). Flushes; the caller commits."""
    known = known_bundled_hashes(session)
    recheck = RECHECK in known  # a migration asked for every file to be read again
    if recheck:
        known = set()
    refused_before = refused_bundled(session)
    changed: list[BundledUpdate] = []
    refused = []
    for path in bundled_files():
        data = path.read_bytes()
        digest = file_digest(data)
        if digest in refused_before:
            refused.append(digest)
            continue
        if digest in known:
            continue
        spec = parse_deck_text(data.decode("utf-8"), str(path))
        if was_removed(session, spec.id):
            refused.append(digest)
            continue
        deck = session.get(Deck, spec.id)
        if deck is not None and version_key(deck.version) > version_key(spec.version):
            refused.append(digest)
            continue  # the user has a newer copy of this deck than the one we ship
        result = add_deck(session, spec, now, bundled_hash=digest)
        if result.changed and not result.created:
            changed.append(BundledUpdate(name=spec.name, version=spec.version, result=result))
    # add_deck above forgot earlier refusals; record this run's (after it, so they stay).
    for digest in refused:
        record_refused_bundled(session, digest)
    if recheck:  # last, so no row lock is held while the decks are read and written (a concurrent first run
        forget_recheck(session)  # doing the same then waits on nothing of ours)
    session.flush()
    return changed


ATTEMPTS = 3


def install_bundled(session: Session, now: datetime) -> list[BundledUpdate]:
    """Install or update the bundled decks in a transaction of their own, committed here; safe when other
    processes do the same at the same moment. Returns the decks an update changed (empty when another process
    did the work, or on a first install). The session must have nothing uncommitted.

    Raises:
        ConflictError: other processes kept changing the decks at the same time (several attempts in a row).
    """
    for _ in range(ATTEMPTS):
        if bundled_unchanged(session):
            session.rollback()
            return []
        try:
            changed = ensure_bundled(session, now)
            session.commit()
            return changed
        except IntegrityError:  # another process installed the same rows first: look again
            session.rollback()
    raise ConflictError("the bundled decks were being changed by other processes at the same time; try again")
