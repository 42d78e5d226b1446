"""Which editor ``e`` opens during ``srs review``: ``$VISUAL``, else ``$EDITOR``, else ``nano``, else ``vi``.

Never ``sensible-editor`` or ``editor`` (what click falls back to): on Debian their first run stops to ask
"Select an editor", in the middle of a review. The choice is made once per session and named on screen, so the
learner knows what will open and how to change it.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePath

FALLBACKS = ("nano", "vi")


@dataclass(frozen=True)
class EditorChoice:
    """The editor to run and what the screen calls it.

    Attributes:
        command: The command line to run, with the file name added (e.g. ``"code --wait"``).
        label: e.g. ``"code ($VISUAL)"`` or ``"nano ($EDITOR is not set)"``.
        from_environment: The learner chose it with ``$VISUAL`` or ``$EDITOR``.
    """

    command: str
    label: str
    from_environment: bool


def choose_editor(environ: Mapping[str, str], which: Callable[[str], str | None]) -> EditorChoice | None:
    """The learner's editor, or the first of :data:`FALLBACKS` installed; None when there is none.

    Args:
        environ: The environment (``$VISUAL``, ``$EDITOR``).
        which: Finds a program on the ``PATH`` (:func:`shutil.which`).
    """
    for name in ("VISUAL", "EDITOR"):
        command = environ.get(name, "").strip()
        if command:
            return EditorChoice(command, f"{_program(command)} (${name})", True)
    for fallback in FALLBACKS:
        if which(fallback) is not None:
            return EditorChoice(fallback, f"{fallback} ($EDITOR is not set)", False)
    return None


def _program(command: str) -> str:
    """The program's name in a command line: ``"/usr/bin/vim -u NONE"`` -> ``"vim"``."""
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    return PurePath(words[0]).name if words else command
