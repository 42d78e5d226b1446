"""The deck files that ship inside the package: where they are, and their hashes and versions.

Installing them is :mod:`srs.store.bundled`; this module only reads files.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def bundled_dir() -> Path:
    """Where the bundled deck files are: inside the installed package, or ``decks/`` in a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "_bundled_decks"
    return installed if installed.is_dir() else here.parent / "decks"


def bundled_files() -> list[Path]:
    """The bundled deck files, by name."""
    return sorted(bundled_dir().glob("*.toml"))


def file_digest(data: bytes) -> str:
    """The sha256 of a deck file's bytes, as recorded on the deck installed from it."""
    return hashlib.sha256(data).hexdigest()


def version_key(version: str) -> tuple[int, ...]:
    """A deck version (``1.2.0``) as numbers, for comparing versions."""
    return tuple(int(part) for part in version.split("."))
