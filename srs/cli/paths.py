"""Click parameter types for files the user names to write: problems named with the path as typed.

``srs export anki -o /nonexistent-dir/x.apkg`` used to fail while writing, quoting the temporary file the
exporter writes first (``.../.x.apkg.tmp``). The directory is checked while the options are parsed instead,
and an error while writing names the path the user gave (:func:`cannot_write`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from srs.safetext import clean


class OutputFile(click.Path):
    """A file to write: not a directory, in a directory that exists and can be written to (``-`` for stdout
    where ``allow_dash``)."""

    def __init__(self, allow_dash: bool = False) -> None:
        super().__init__(dir_okay=False, writable=True, allow_dash=allow_dash, path_type=str)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        path = str(super().convert(value, param, ctx))  # an existing directory or read-only file fails here
        if self.allow_dash and path == "-":
            return path
        parent = Path(path).parent
        shown, folder = clean(path), clean(str(parent))  # click's usage errors do not go through clean
        if not parent.exists():
            self.fail(f"cannot write {shown}: the directory {folder} does not exist", param, ctx)
        if not parent.is_dir():
            self.fail(f"cannot write {shown}: {folder} is not a directory", param, ctx)
        if not os.access(parent, os.W_OK | os.X_OK):
            self.fail(f"cannot write {shown}: the directory {folder} is not writable", param, ctx)
        return path


def cannot_write(path: str, exc: OSError) -> str:
    """The message for an error while writing ``path`` (the disk filled up, the directory went away)."""
    return f"cannot write {path}: {exc.strerror or exc}"
