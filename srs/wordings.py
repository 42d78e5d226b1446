"""A learner's own wordings of key points: "this wording counts for that point", for them only.

The matcher misses a point said in unusual words ("any misgivings about taking me on?" for "hiring me"). The
learner can say once that their wording counts: from then on it is one more alternative of that point for them
(for an ``avoid:`` point, one more thing to avoid), in ``srs review --type``, a personal card's line and
``srs card check-answer``. Deck content is shared, so the deck's key points are not changed: the wordings are
kept per learner and added to the points when an answer of theirs is checked (:func:`with_wordings`). ``srs deck
check`` and the Anki export use the deck's points only.

A wording belongs to the point as the deck wrote it (its text, ``"hesitations | concerns"``). When the deck later
changes that text, the wording no longer applies: it is kept, shown as such (:func:`stale`), and can be removed.

A wording is checked like a deck's alternative (:func:`check_wording`, reusing :mod:`srs.keypoints`' rules and
messages). Pure: no database (:mod:`srs.store.wordings` stores them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from srs.errors import SRSError
from srs.keypoints import AVOID_PREFIX, KeyPoint, KeyPointError, parse_key_point

__all__ = ["CardWordings", "Wording", "WordingBook", "WordingError", "check_wording", "point_hash",
           "same_text", "stale", "with_wordings"]


class WordingError(SRSError):
    """A wording that cannot be kept; the message says why (the caller names the card and point)."""


@dataclass(frozen=True)
class Wording:
    """One wording of the learner's for one key point of a card.

    Attributes:
        point: The key point as the deck wrote it when the wording was added (``"hesitations | concerns"``).
        text: The wording, whitespace collapsed.
        added_at: When it was added (aware UTC).
    """

    point: str
    text: str
    added_at: datetime


@dataclass(frozen=True)
class CardWordings:
    """A card's wordings, with what is needed to show them: its ``deck-id/card-id`` and its key points now."""

    card_pk: int
    ref: str
    key_points: tuple[str, ...]
    wordings: tuple[Wording, ...]


class WordingBook(Protocol):
    """Where a review session reads and keeps the learner's wordings (the database, or a test's fake).

    Every method that changes something commits it before returning.
    """

    def for_card(self, card_pk: int) -> Sequence[Wording]:
        """The learner's wordings for the card, oldest first (stale ones too)."""
        ...

    def add(self, card_pk: int, point: KeyPoint, text: str) -> Wording | None:
        """Check and keep ``text`` as a wording of ``point``; None when the learner had it already.

        Raises:
            WordingError: the wording breaks a rule (the message says which).
        """
        ...

    def remove(self, card_pk: int, point: str, text: str) -> bool:
        """Forget a wording of the point whose deck text is ``point``; False when there was none."""
        ...


def point_hash(point: str) -> str:
    """What the store keys a point's text by (sha256, hex): a deck's point may be long, an index key may not."""
    return hashlib.sha256(point.encode("utf-8")).hexdigest()


def same_text(a: str, b: str) -> bool:
    """Whether two phrasings are the same but for case and spacing (one wording is kept once)."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def check_wording(point: KeyPoint, text: str) -> str:
    """``text`` as it is kept for ``point`` (whitespace collapsed), or why it cannot be.

    A wording is one alternative, checked as a deck's: not empty, at most
    :data:`~srs.keypoints.MAX_ALTERNATIVE_CHARS` characters, no ``|``, some words; plain text. It may not be only
    small words ("about me" hits almost any answer) unless the point itself has such a phrasing; for an
    ``avoid:`` point it names the thing to avoid, so it may not reject it ("never ask how I did": the point adds
    the rejection); and it may not repeat one of the deck's phrasings.

    Raises:
        WordingError: naming the rule broken.
    """
    from srs.safetext import plain

    wording = " ".join(text.split())
    if not wording:
        raise WordingError("your wording is empty: type the words you said for this point")
    bad = next((ch for ch in wording if not plain(ch)), None)
    if bad is not None:
        raise WordingError(f"your wording contains the control character U+{ord(bad):04X}; type plain text")
    if "|" in wording:
        raise WordingError("a wording is one phrase, without '|': add each phrase on its own")
    if wording.lower().startswith(AVOID_PREFIX):
        raise WordingError(f"write the phrase itself, without {AVOID_PREFIX!r}: the key point says whether it is "
                           "one to avoid")
    try:
        parse_key_point(wording)
    except KeyPointError as exc:
        raise WordingError(f"your wording: {exc}") from None
    if any(same_text(wording, alternative) for alternative in point.alternatives):
        raise WordingError(f"{wording!r} is already one of the deck's phrasings of this point")
    _check_words(point, wording)
    return wording


def _check_words(point: KeyPoint, wording: str) -> None:
    """The rules that read the wording's words as the matcher does (imported here: the matcher loads its stemmer
    and fuzzy matcher, which listing wordings never needs)."""
    from srs.matching.negation import read_words
    from srs.matching.phrases import FUNCTION_WORDS

    words = read_words(wording)
    plain_words = [w for w in words if not w.cue] or read_words(wording, cues=False)
    if all(w.key in FUNCTION_WORDS for w in plain_words) and not any(
            all(w.key in FUNCTION_WORDS for w in read_words(alternative, cues=False))
            for alternative in point.alternatives):
        small = ", ".join(dict.fromkeys(w.surface for w in plain_words))
        raise WordingError(f"{wording!r} is only small words ({small}): it would count in almost any answer; keep "
                           "a word that carries the idea")
    if point.avoid and any(w.negated for w in words):
        rejecting = [w.surface for w in words if not w.negated]  # the cue ("don't") or judgement ("seems needy")
        kept = [w.surface for w in words if w.negated]
        raise WordingError(f"for an 'avoid:' point, write the thing to avoid as someone would recommend it, "
                           f"without {' '.join(dict.fromkeys(rejecting))!r} (the point already means you would "
                           f"not do it): e.g. {' '.join(kept)!r}")


def with_wordings(points: Sequence[KeyPoint], wordings: Iterable[Wording]) -> tuple[KeyPoint, ...]:
    """The card's key points with the learner's wordings added to the points they belong to, as more
    alternatives after the deck's (its text unchanged, so what is stored with an attempt names the deck's point).

    A wording whose point the deck has changed since belongs to none, and is left out.
    """
    extra: dict[str, list[str]] = {}
    for wording in wordings:
        extra.setdefault(wording.point, []).append(wording.text)
    if not extra:
        return tuple(points)
    added = []
    for point in points:
        mine = [text for text in extra.get(point.text, ())
                if not any(same_text(text, alternative) for alternative in point.alternatives)]
        added.append(KeyPoint(point.text, point.alternatives + tuple(dict.fromkeys(mine)), point.avoid)
                     if mine else point)
    return tuple(added)


def stale(points: Sequence[KeyPoint] | Sequence[str], wordings: Iterable[Wording]) -> list[Wording]:
    """The wordings whose point the deck has changed (or dropped) since they were added: they no longer count."""
    current = {p.text if isinstance(p, KeyPoint) else p.strip() for p in points}
    return [w for w in wordings if w.point not in current]
