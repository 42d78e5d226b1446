"""A typed answer in review: its check against the card's key points, the time it took, and why that rating.

``srs review --type`` asks the learner to type the response before it shows. :func:`check_typed` marks the
card's key points hit or missed (:mod:`srs.matcher`), suggests a rating, and keeps the time the learner took,
uncapped, next to the recommended line's speaking time and the typing allowance that counts as quick. The same
check is run on a personal card's line before it is saved (:func:`check_line`). Both read the learner's own
wordings of the key points as more alternatives (:mod:`srs.wordings`). Pure: no database, no clock (the caller
measures the time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from srs.cardview import CardView
    from srs.matcher import MatchResult, PointResult
    from srs.wordings import Wording


@dataclass(frozen=True)
class TypedAnswer:
    """What the learner typed for one card, and how it fared.

    Attributes:
        answer: The text as typed.
        typed_ms: From the question showing to Enter, uncapped (the review's own duration is capped at 60 s).
        result: Each key point hit or missed, and the suggested rating.
        speaking_seconds: How long the recommended line takes to say at an ordinary pace.
        quick_seconds: The typing allowance: an answer within it counts as quick (Easy when complete).
        timed: False when the time is not the learner's (the answer came from a script, not a terminal): it is
            kept as measured, but never counts as quick.
    """

    answer: str
    typed_ms: int
    result: MatchResult
    speaking_seconds: float
    quick_seconds: float
    timed: bool = True

    @property
    def suggested_rating(self) -> int:
        return self.result.suggested_rating

    @property
    def quick(self) -> bool:
        return self.timed and self.typed_ms / 1000 <= self.quick_seconds

    def reason(self) -> str:
        """Why this rating is suggested, in a few words: ``"every key point, and quick"``, ``"1 of 3 key points"``."""
        from srs.matcher import suggest_rating

        result = self.result
        if not result.total:
            return "no key points to check" if self.answer.strip() else "no answer"
        by_count = suggest_rating(result.hits, result.total, answered=bool(self.answer.strip()), quick=self.quick)
        if result.suggested_rating == 1 and by_count != 1:
            return "it says the opposite of a key point"
        if result.hits == result.total:
            every = "every key point" if result.total > 1 else "the key point"
            return f"{every}, and quick" if result.suggested_rating == 4 else every
        return f"{result.hits} of {result.total} key points"


def check_typed(view: CardView, answer: str, typed_ms: int, timed: bool = True,
                wordings: Sequence[Wording] = ()) -> TypedAnswer:
    """Check a typed answer against the card's key points; ``typed_ms`` decides whether a complete answer was
    quick (within :func:`srs.matcher.typing_allowance_seconds` of the card's response), unless not ``timed``
    (a scripted answer arrives at once: its time says nothing of the learner, so it never suggests Easy).
    ``wordings`` are the learner's own for this card: each is one more alternative of its point."""
    from srs.matcher import check_answer, speaking_seconds, typing_allowance_seconds
    from srs.wordings import with_wordings

    result = check_answer(answer, with_wordings(view.key_points, wordings),
                          answer_seconds=typed_ms / 1000 if timed else None, reference=view.response)
    return TypedAnswer(answer, typed_ms, result, speaking_seconds(view.response),
                       typing_allowance_seconds(view.response), timed)


def check_line(view: CardView, line: str, wordings: Sequence[Wording] = ()) -> MatchResult:
    """Check a learner's own line for a personal card against the card's key points and the learner's
    ``wordings`` of them (no timing)."""
    from srs.matcher import check_answer
    from srs.wordings import with_wordings

    return check_answer(line, with_wordings(view.key_points, wordings))


def point_text(point: PointResult) -> str:
    """A key point as the answer side shows it: the words that hit it, else its first alternative (a point may
    list a dozen; the first is the author's main phrasing), ``avoid:`` kept for a prohibitive one."""
    first = point.point.alternatives[0]
    shown = f"avoid: {first}" if point.point.avoid else first
    if point.hit and point.matched and point.matched.strip().lower() != first.lower():
        return f"{shown}: \"{' '.join(point.matched.split())}\""
    return shown
