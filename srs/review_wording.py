"""``w`` on the answer side of a typed answer: which key point the learner's wording is for, and what to say.

The learner typed an answer, the matcher missed a point they did say in their own words, and ``w`` makes that
wording count for them from now on (:mod:`srs.wordings`). :func:`begin` decides whether ``w`` applies and starts
a :class:`WordingStep`: with one point missed it is chosen at once, with several the learner picks one by its
number (:func:`choose`). Then the line editor opens with the typed answer, to cut down to the phrase; Enter keeps
it and the answer is checked again (:class:`WordingKeys`, the part of :class:`srs.review.ReviewSession` that does
this). Pure: no database, no terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from srs.errors import SRSError

if TYPE_CHECKING:
    from srs.matcher import PointResult
    from srs.rehearse import TypedAnswer
    from srs.review_cards import QueuedCard
    from srs.wordings import Wording, WordingBook

__all__ = ["WordingKeys", "WordingStep", "begin", "choose", "on_key", "point_name", "saved_message"]


@dataclass(frozen=True)
class WordingStep:
    """A wording being added on the answer side.

    Attributes:
        missed: The numbers (from 1, as the key points are listed) of the points the typed answer missed.
        point: The number of the point chosen; None while the learner is asked which.
        start: What the line editor starts with: the typed answer, to cut down to the phrase.
    """

    missed: tuple[int, ...]
    point: int | None = None
    start: str = ""

    @property
    def editing(self) -> bool:
        """Whether the learner is typing the wording (a point is chosen)."""
        return self.point is not None

    def prompt(self, points: tuple[PointResult, ...]) -> str:
        """What the screen asks: which point (``Which key point? 1 hesitations, 3 avoid: ask how I did``), or
        for the wording of the chosen one."""
        if self.point is None:
            choices = ", ".join(f"{n} {point_name(points[n - 1])}" for n in self.missed)
            return f"Which key point is your wording for? {choices}"
        return (f"Your wording for \"{point_name(points[self.point - 1])}\": cut your answer down to the words that "
                "say it; Enter saves, Esc cancels.")


def point_name(point: PointResult) -> str:
    """A point as the prompts name it: its first phrasing, ``avoid:`` kept."""
    first = point.point.alternatives[0]
    return f"avoid: {first}" if point.point.avoid else first


def begin(typed: TypedAnswer | None, typing: bool, available: bool) -> WordingStep | str:
    """The step ``w`` starts on the answer side, or why it does nothing here (a message to show).

    Args:
        typed: The card's typed answer and its check (None: the response was shown without one).
        typing: The session is in typing mode (``--type``).
        available: The session can keep wordings (it has somewhere to store them).
    """
    if not typing:
        return ("w makes your own wording count for a key point a typed answer missed: review with --type "
                "(or srs config set answer_mode type).")
    if typed is None:
        return "w works on a typed answer; this card was shown without one."
    if not available:
        return "Your wordings cannot be kept here."
    points = typed.result.points
    if not points:
        return "This card has no key points to add your wording to."
    missed = tuple(n for n, point in enumerate(points, start=1) if not point.hit)
    if not missed:
        return "Your answer hit every key point: there is no missed point to add your wording to."
    return WordingStep(missed, missed[0] if len(missed) == 1 else None, typed.answer)


def choose(step: WordingStep, number: int, points: tuple[PointResult, ...]) -> WordingStep | str:
    """The step with point ``number`` chosen, or why it cannot be (out of range, or hit already)."""
    numbers = ", ".join(str(n) for n in step.missed)
    if not 1 <= number <= len(points):
        return f"There is no key point {number}; choose {numbers} (Esc cancels)."
    if number not in step.missed:
        return f"Key point {number} is hit already; choose a missed one: {numbers} (Esc cancels)."
    return WordingStep(step.missed, number, step.start)


def on_key(step: WordingStep, token: str, points: tuple[PointResult, ...]) -> tuple[WordingStep | None, str]:
    """A key pressed while a wording is being added: the step after it (None: cancelled) and what to say."""
    if token == "esc":
        return None, "Cancelled: no wording saved."
    if step.editing:
        return step, "Enter saves your wording, Esc cancels."
    if token.isdigit():
        chosen = choose(step, int(token), points)
        return (step, chosen) if isinstance(chosen, str) else (chosen, "")
    return step, f"Press {' or '.join(str(n) for n in step.missed)} for the key point, or Esc to cancel."


def saved_message(typed: TypedAnswer, number: int, added: bool) -> str:
    """What the screen says once the wording for point ``number`` is kept (``added``: it was new) and the answer
    checked again (the new suggestion shows on its own line)."""
    point = typed.result.points[number - 1]
    name = point_name(point)
    if not added:
        return f"You have that wording for \"{name}\" already."
    if point.hit:
        return f"Saved your wording for \"{name}\": it counts for you from now on (u undoes it)."
    return (f"Saved your wording for \"{name}\", but your answer still misses the point (are its words negated, "
            "or far apart?); u undoes it.")


class WordingKeys:
    """``w`` in a review session: the methods :class:`srs.review.ReviewSession` gets from here, and what they use
    of it (its fields, declared here for the type checker, and two methods it provides)."""

    current: QueuedCard | None
    typing: bool
    typed: TypedAnswer | None
    wordings: WordingBook | None
    wording: WordingStep | None
    message: str
    show_help: bool

    def _on_answer_side(self) -> bool:
        raise NotImplementedError

    def _remember_wording(self, card: QueuedCard, point: str, text: str) -> None:
        """Put the wording kept on the undo list."""
        raise NotImplementedError

    @property
    def wording_applies(self) -> bool:
        """Whether ``w`` would start a wording now: a typed answer on screen missed a point, and there is
        somewhere to keep it (the hint line offers ``w`` only then)."""
        typed = self.typed if self._on_answer_side() else None
        return (self.wording is None and self.wordings is not None and typed is not None
                and typed.result.hits < typed.result.total)

    def add_wording(self, number: int, text: str) -> None:
        """Keep ``text`` as the learner's wording of key point ``number`` (from 1, as listed), which the typed
        answer on screen missed, and check the answer again (a script's ``:w N TEXT``)."""
        self.message, self.show_help = "", False
        if self.current is None:  # the session is over
            return
        step = begin(self.typed if self._on_answer_side() else None, self.typing, self.wordings is not None)
        if not isinstance(step, str) and self.typed is not None:
            step = choose(step, number, self.typed.result.points)
        self.wording, self.message = (None, step) if isinstance(step, str) else (step, "")
        if self.wording is not None:
            self._save_wording(text)
            self.wording = None  # a script does not stay in the line editor: a refused wording is a message

    def _card_wordings(self) -> Sequence[Wording]:
        """The learner's wordings for the card on screen (none without somewhere to keep them)."""
        if self.wordings is None or self.current is None:
            return ()
        return self.wordings.for_card(self.current.view.pk)

    def _recheck(self) -> None:
        """Check the typed answer on screen again, with the learner's wordings as they are now."""
        assert self.current is not None and self.typed is not None
        from srs.rehearse import check_typed

        typed = self.typed
        self.typed = check_typed(self.current.view, typed.answer, typed.typed_ms, typed.timed, self._card_wordings())

    def _begin_wording(self) -> None:
        if not self._on_answer_side() and self.typing:
            self.message = "Type your answer first; then w adds your own wording for a key point it missed."
            return
        step = begin(self.typed if self._on_answer_side() else None, self.typing, self.wordings is not None)
        self.wording, self.message = (None, step) if isinstance(step, str) else (step, "")

    def _wording_key(self, token: str) -> None:
        assert self.wording is not None and self.typed is not None
        self.wording, self.message = on_key(self.wording, token, self.typed.result.points)

    def _save_wording(self, text: str) -> None:
        """Keep the wording typed for the chosen point and check the answer again; a refused wording keeps the
        line editor open, with the reason."""
        assert self.current is not None and self.wording is not None and self.wording.point is not None
        assert self.wordings is not None
        card, number = self.current, self.wording.point
        point = card.view.key_points[number - 1]  # the deck's point (the result's has the wordings added)
        try:
            added = self.wordings.add(card.view.pk, point, text)
        except SRSError as exc:
            self.message = f"Not saved: {exc}"
            return
        self.wording = None
        if added is not None:
            self._remember_wording(card, point.text, added.text)
        self._recheck()
        assert self.typed is not None
        self.message = saved_message(self.typed, number, added is not None)
