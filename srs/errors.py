"""The package's error types. The CLI turns each into a one-line message and exit code 1 (no traceback)."""

from __future__ import annotations


class SRSError(Exception):
    """Base class for every error a user can cause: bad input, a missing deck, a bad setting."""


class DeckFileError(SRSError):
    """A deck file is invalid. ``problems`` holds one line per problem, each naming file, line or card, field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class NotFoundError(SRSError):
    """A deck, card or learner that was asked for does not exist."""


class ConfigError(SRSError):
    """A setting is unknown or its value is out of range."""


class ConflictError(SRSError):
    """Someone else changed the row we were about to write (stale state)."""


class ImportFileError(SRSError):
    """A file to import (e.g. an Anki package) is broken, hostile or unsupported."""


class SchemaError(SRSError):
    """The database's schema cannot be used or upgraded by this version of srs."""


class EditRefused(SRSError):
    """A learner's edited card text breaks a rule; the message names the field and the rule."""
