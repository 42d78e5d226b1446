"""Key points: the ideas a good answer to a card must contain, as a deck author writes them.

A key point is one string in a card's ``key_points`` list. Its alternatives are separated by ``|``: an answer
that says any one of them has the idea. A point that starts with ``avoid:`` is prohibitive: it is hit by an
answer that *rejects* one of its alternatives ("I would not ask how I did") and missed by one that recommends it
or does not mention it.

    key_points = [
      "hesitations | concerns | reservations | doubts",
      "about hiring me | about me | about my candidacy",
      "avoid: ask whether I answered satisfactorily | ask how I did",
    ]

This module only reads that notation; :mod:`srs.matcher` decides whether an answer hits a point.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AVOID_PREFIX", "MAX_ALTERNATIVE_CHARS", "KeyPoint", "KeyPointError", "parse_key_point"]

AVOID_PREFIX = "avoid:"
MAX_ALTERNATIVE_CHARS = 80


class KeyPointError(ValueError):
    """A key point that cannot be read; the message says what is wrong with it (no file or line: the caller adds
    those)."""


@dataclass(frozen=True)
class KeyPoint:
    """One idea an answer must contain.

    Attributes:
        text: The point as the deck author wrote it (shown to the learner).
        alternatives: Its phrasings, stripped, in the author's order; at least one.
        avoid: True for a prohibitive point ("avoid: X"): hit by rejecting X, missed by recommending it.
    """

    text: str
    alternatives: tuple[str, ...]
    avoid: bool = False

    @property
    def label(self) -> str:
        """The point for display: its alternatives joined with " / ", prefixed "avoid:" when prohibitive."""
        joined = " / ".join(self.alternatives)
        return f"avoid: {joined}" if self.avoid else joined


def parse_key_point(text: str) -> KeyPoint:
    """Read one key point written as ``"alt | alt"`` or ``"avoid: alt | alt"``.

    Raises:
        KeyPointError: if the point or one of its alternatives is empty or too long.
    """
    body = text.strip()
    avoid = body.lower().startswith(AVOID_PREFIX)
    if avoid:
        body = body[len(AVOID_PREFIX):]
    alternatives = tuple(part.strip() for part in body.split("|"))
    if not any(alternatives):
        raise KeyPointError("a key point needs at least one phrase")
    for alternative in alternatives:
        if not alternative:
            raise KeyPointError(f"empty alternative in {text.strip()!r} (two '|' in a row, or one at an end)")
        if len(alternative) > MAX_ALTERNATIVE_CHARS:
            raise KeyPointError(f"alternative longer than {MAX_ALTERNATIVE_CHARS} characters: {alternative[:40]!r}...")
        if not any(ch.isalnum() for ch in alternative):
            raise KeyPointError(f"alternative {alternative!r} has no words")
    return KeyPoint(text=text.strip(), alternatives=alternatives, avoid=avoid)
