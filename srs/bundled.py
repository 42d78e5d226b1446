"""The decks that ship inside the package, installed on first run and updated when a newer version ships.

Checking is cheap: the bundled files are hashed and compared with the hash recorded on each deck, and a file is
only parsed when it is new or changed. A newer bundled version updates the content and keeps every learner's
progress (the import is the same upsert as ``srs deck add``). A bundled deck the user removed stays removed.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

if TYPE_CHECKING:
    from sqlmodel import Session

    from srs.store.types import Executor


def bundled_dir() -> Path:
    """Where the bundled deck files are: inside the installed package, or ``decks/`` in a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "_bundled_decks"
    return installed if installed.is_dir() else here.parent / "decks"


def bundled_files() -> list[Path]:
    return sorted(bundled_dir().glob("*.toml"))


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


# A bundled file that ensure_bundled chose not to install (the user removed that deck, or keeps a newer copy of
# it) is recorded as meta row "bundled-refused:<first 32 hex digits of its sha256>" = full sha256, so the next
# start-up knows it without parsing the file, and takes the Core path. Any change to the set of decks clears
# these rows (forget_refused_bundled), and the next start-up decides again.
REFUSED_PREFIX = "bundled-refused:"


def _known_hashes(session: "Executor") -> set[str]:
    """Hashes of the bundled files installed as they are, and of those refused on purpose: one statement."""
    from srs.tables import deck, meta

    installed = select(deck.c.bundled_hash)
    refused = select(meta.c.value).where(meta.c.key.startswith(REFUSED_PREFIX, autoescape=True))
    return set(session.execute(installed.union_all(refused)).scalars())


def forget_refused_bundled(session: "Executor") -> None:
    """Drop the record of refused bundled files: called whenever a deck is added, updated or removed, since that
    can change what :func:`ensure_bundled` would do with them. The caller commits."""
    from sqlalchemy import delete

    from srs.tables import meta

    session.execute(delete(meta).where(meta.c.key.startswith(REFUSED_PREFIX, autoescape=True)))


def record_refused_bundled(session: "Executor", digest: str) -> None:
    """Remember that the bundled file with this sha256 is not to be installed (see :data:`REFUSED_PREFIX`)."""
    from sqlalchemy import delete, insert

    from srs.tables import meta

    key = REFUSED_PREFIX + digest[:32]
    # Replace any row for the same file: the portable spelling of an upsert, two statements on a rare path.
    session.execute(delete(meta).where(meta.c.key == key))
    session.execute(insert(meta).values(key=key, value=digest))


def bundled_unchanged(conn: "Executor") -> bool:
    """True when every bundled file is installed as it is (its hash is on a deck) or was refused on purpose (a
    removed deck, a newer copy; recorded by :func:`ensure_bundled`): the usual start-up, which then needs neither
    the deck parser nor the ORM. False when a bundled file is new or changed; :func:`ensure_bundled` sorts it out."""
    known = _known_hashes(conn)
    return all(hashlib.sha256(path.read_bytes()).hexdigest() in known for path in bundled_files())


def ensure_bundled(session: "Session", now: datetime) -> list[str]:
    """Install or update bundled decks. Returns the ids of decks that changed. Flushes; the caller commits."""
    from srs.deckfile import parse_deck_text
    from srs.store.deck_import import add_deck
    from srs.store.models import Deck, Meta
    from srs.tables import meta

    known = _known_hashes(session)
    refused_before = set(session.execute(
        select(meta.c.value).where(meta.c.key.startswith(REFUSED_PREFIX, autoescape=True))).scalars())
    changed = []
    refused = []
    for path in bundled_files():
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest in refused_before:
            refused.append(digest)
            continue
        if digest in known:
            continue
        spec = parse_deck_text(data.decode("utf-8"), str(path))
        if session.get(Meta, f"removed-bundled:{spec.id}") is not None:
            refused.append(digest)
            continue
        deck = session.get(Deck, spec.id)
        if deck is not None and _version_key(deck.version) > _version_key(spec.version):
            refused.append(digest)
            continue  # the user has a newer copy of this deck than the one we ship
        result = add_deck(session, spec, now, bundled_hash=digest)
        if result.changed:
            changed.append(spec.id)
    # add_deck above forgot earlier refusals; record this run's (after it, so they stay).
    for digest in refused:
        record_refused_bundled(session, digest)
    session.flush()
    return changed
