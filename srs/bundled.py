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

    from srs.sqltypes import Executor


def bundled_dir() -> Path:
    """Where the bundled deck files are: inside the installed package, or ``decks/`` in a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "_bundled_decks"
    return installed if installed.is_dir() else here.parent / "decks"


def bundled_files() -> list[Path]:
    return sorted(bundled_dir().glob("*.toml"))


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _known_hashes(session: "Executor") -> set[str]:
    from srs.tables import deck

    return set(session.execute(select(deck.c.bundled_hash)).scalars())


def bundled_unchanged(conn: "Executor") -> bool:
    """True when every bundled file is installed as it is (its hash is on a deck): the usual start-up, which then
    needs neither the deck parser nor the ORM. False also when a bundled deck was removed or the user has a newer
    copy; :func:`ensure_bundled` sorts those out."""
    known = _known_hashes(conn)
    return all(hashlib.sha256(path.read_bytes()).hexdigest() in known for path in bundled_files())


def ensure_bundled(session: "Session", now: datetime) -> list[str]:
    """Install or update bundled decks. Returns the ids of decks that changed. Flushes; the caller commits."""
    from srs.deckfile import parse_deck_text
    from srs.decks import add_deck
    from srs.models import Deck, Meta

    known = _known_hashes(session)
    changed = []
    for path in bundled_files():
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest in known:
            continue
        spec = parse_deck_text(data.decode("utf-8"), str(path))
        if session.get(Meta, f"removed-bundled:{spec.id}") is not None:
            continue
        deck = session.get(Deck, spec.id)
        if deck is not None and _version_key(deck.version) > _version_key(spec.version):
            continue  # the user has a newer copy of this deck than the one we ship
        result = add_deck(session, spec, now, bundled_hash=digest)
        if result.changed:
            changed.append(spec.id)
    return changed
