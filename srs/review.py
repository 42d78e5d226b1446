"""One review session: the queue loop behind ``srs review``, independent of any terminal.

A :class:`ReviewSession` holds what the learner is looking at (a card, question or answer side), turns each
command token (``" "``, ``"3"``, ``"u"``…) into a call on a :class:`ReviewService`, and keeps the running
totals for the end-of-session summary. The service does the durable work — every grade is committed by it
the moment it is given — so killing the process loses nothing; the session itself holds no data worth keeping.

Time on a card runs from the moment its question is shown to the grade, capped at 60 seconds as in Anki.
Suspend and bury act only once the response shows, so a key pressed by mistake on the question side loses
nothing. Undo takes back the last action of any kind taken in this session (a grade, suspend, bury or edit),
one at a time, newest first, also after the next card has been revealed: the card comes back question side up,
and the totals and counts go back with it.

In typing mode (``srs review --type``) the learner types the response on the question side (:meth:`submit`): it
is checked against the card's key points (:mod:`srs.rehearse`), the answer side shows the result, Space or Enter
gives the suggested rating, and the attempt is stored with the grade. A personal card with no line of the
learner's yet first asks for one (:attr:`Phase.COMPOSE`, when ``ask_personal``): the line is checked against the
key points, kept or rewritten, and saved as the card's response (undo takes it back). On the answer side of a
typed answer that missed a point, ``w`` makes the learner's own wording of it count from now on
(:mod:`srs.review_wording`): the point is chosen, the wording typed and kept (:class:`srs.wordings.WordingBook`),
and the answer checked again, so the grade given afterwards is stored with the new check; undo forgets it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING

from srs.errors import SRSError
from srs.progress import MAX_DURATION_MS
from srs.review_cards import Counts, LazyPreviews, QueuedCard, ReviewService
from srs.review_wording import WordingKeys

if TYPE_CHECKING:
    from srs.attempts import Attempt
    from srs.cardview import CardView
    from srs.matcher import MatchResult
    from srs.rehearse import TypedAnswer
    from srs.review_wording import WordingStep
    from srs.wordings import WordingBook

# The service side lives in srs.review_cards; importing it from here keeps working.
__all__ = ["RATING_NAMES", "Counts", "LazyPreviews", "Phase", "QueuedCard", "ReviewService", "ReviewSession",
           "Summary"]

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


class Phase(Enum):
    QUESTION = "question"
    ANSWER = "answer"
    COMPOSE = "compose"  # a personal card asks for the learner's own line
    DONE = "done"


@dataclass
class Summary:
    """What the end-of-session screen shows."""

    reviewed: int = 0
    again: int = 0
    time_ms: int = 0
    next_due: datetime | None = None
    streak: int = 0
    stopped_early: bool = False
    left: Counts | None = None


@dataclass(frozen=True)
class _Action:
    """One thing the learner did in this session that undo can take back."""

    kind: str  # "grade", "suspend", "bury", "edit", "line" (a personal card's line) or "wording"
    card: QueuedCard
    rating: int = 0
    duration_ms: int = 0
    before: str = ""  # an edit or a line: the card's text before, as the editor template writes it; a wording
    point: str = ""  # a wording: the key point it was added to, as the deck wrote it


Editor = Callable[[str], "str | None"]


@dataclass
class ReviewSession(WordingKeys):
    """The state of one ``srs review`` run. Feed it command tokens with :meth:`handle`.

    Args:
        service: Where cards come from and grades go.
        editor: Opens text in the learner's editor and returns the saved text (None if left unchanged).
        edit_template: Turns a card into the text the editor starts with.
        clock: A monotonic clock in seconds (injected so tests need no sleeping).
        new_limit: At most this many new cards in this session (None: only the daily limit).
        limit: Stop after this many grades (None: when the queue is empty).
        flip_rating: The grade Space or Enter gives once the response shows without a typed answer: Good, as in
            Anki (with a typed answer: the rating it suggests, see :attr:`enter_rating`).
        typing: The question side takes a typed answer (:meth:`submit`).
        ask_personal: A personal card with no line of the learner's asks for one first (:attr:`Phase.COMPOSE`).
        timed: A typed answer's time is the learner's (stdin is a terminal); a script's answers are not timed, so
            they never count as quick.
        typed: The current card's typed answer and its check (None: not typed, or revealed with an empty line).
        draft: A personal card's line, written and checked, waiting to be kept or rewritten.
        draft_check: That line's key points hit or missed.
        rewrite: The text to start writing from (the line being rewritten).
        wordings: Where the learner's own wordings of key points are read and kept (None: ``w`` is unavailable).
        wording: A wording being added with ``w`` (choosing its point, or typing it).
    """

    service: ReviewService
    editor: Editor | None = None
    edit_template: Callable[[CardView], str] | None = None
    clock: Callable[[], float] = time.monotonic
    new_limit: int | None = None
    limit: int | None = None
    flip_rating: int = 3
    typing: bool = False
    ask_personal: bool = False
    timed: bool = True
    phase: Phase = Phase.QUESTION
    current: QueuedCard | None = None
    message: str = ""
    show_help: bool = False
    totals: Summary = field(default_factory=Summary)
    typed: TypedAnswer | None = None
    draft: str | None = None
    draft_check: MatchResult | None = None
    rewrite: str = ""
    wordings: WordingBook | None = None
    wording: WordingStep | None = None
    _shown_at: float = 0.0
    _done: list[_Action] = field(default_factory=list)
    _new_seen: int = 0
    _skipped: set[int] = field(default_factory=set)  # personal cards shown with the deck's line this session

    def start(self) -> None:
        """Show the first card (or finish at once when nothing is due)."""
        self._advance()

    @property
    def done(self) -> bool:
        return self.phase is Phase.DONE

    @property
    def wants_text(self) -> bool:
        """Whether the screen takes typed text now: a typed answer on the question side, a personal line, or a
        wording of a key point."""
        if self.wording is not None:
            return self.wording.editing
        if self.phase is Phase.COMPOSE:
            return self.draft is None
        return self.typing and self.phase is Phase.QUESTION

    @property
    def enter_rating(self) -> int:
        """The grade Space or Enter gives on the answer side: the typed answer's suggestion, else Good."""
        return self.typed.suggested_rating if self.typed is not None else self.flip_rating

    def counts(self) -> Counts:
        """Today's remaining counts, for the header."""
        return self.service.counts()

    def submit(self, text: str) -> None:
        """The learner pressed Enter on a typed line: on the question side, their answer (an empty one just shows
        the response, as in flip mode); while writing a personal card's line, that line (checked, not yet kept)."""
        self.message = ""
        self.show_help = False
        if self.current is None or self.done:
            return
        if self.wording is not None:
            if self.wording.editing:
                self._save_wording(text)
        elif self.phase is Phase.COMPOSE:
            self._check_line(text)
        elif self.phase is Phase.QUESTION:
            if text.strip():
                from srs.rehearse import check_typed

                typed_ms = max(0, round((self.clock() - self._shown_at) * 1000))
                self.typed = check_typed(self.current.view, text.strip(), typed_ms, self.timed,
                                         self._card_wordings())
            self.phase = Phase.ANSWER

    def handle(self, token: str) -> None:
        """Act on one command token (see :mod:`srs.cli.keys`). An empty token means end of input: quit."""
        self.message = ""
        self.show_help = False
        if self.done:
            return
        if token in ("", "q"):
            self._finish(stopped_early=self.current is not None)
        elif token == "?":
            self.show_help = True
        elif self.wording is not None:
            self._wording_key(token)
        elif token == "u":
            self._undo()
        elif self.current is None:
            self.message = "Nothing to review."
        elif self.phase is Phase.COMPOSE:
            self._compose_key(token)
        elif token in (" ", "\n"):
            if self.phase is Phase.QUESTION:
                self.phase = Phase.ANSWER
            else:
                self._grade(self.enter_rating)
        elif token in ("1", "2", "3", "4"):
            if self.phase is Phase.QUESTION:
                self.message = ("Type your response, then press Enter to compare." if self.typing else
                                "Say or think your response, then press Space or Enter to compare.")
            else:
                self._grade(int(token))
        elif token in ("s", "b") and self.phase is Phase.QUESTION:
            self.message = "To suspend (s) or bury (b) this card, show the response first (Space)."
        elif token == "s":
            self.service.suspend(self.current)
            self._done.append(_Action("suspend", self.current))
            self.message = f"Suspended {self.current.view.ref}."
            self._advance()
        elif token == "b":
            self.service.bury(self.current)
            self._done.append(_Action("bury", self.current))
            self.message = f"Buried {self.current.view.ref} until tomorrow."
            self._advance()
        elif token == "e":
            self._edit()
        elif token == "w":
            self._begin_wording()
        else:
            shown = repr(token) if token.isprintable() and len(token) <= 10 else "That key"
            self.message = f"{shown} does nothing here; press ? for the keys."

    # -- actions ------------------------------------------------------------------------------------------

    def _elapsed_ms(self) -> int:
        return max(0, min(MAX_DURATION_MS, round((self.clock() - self._shown_at) * 1000)))

    def _grade(self, rating: int) -> None:
        assert self.current is not None
        card = self.current
        duration = self._elapsed_ms()
        try:
            note = self.service.grade(card, rating, duration, attempt=self._attempt())
        except SRSError as exc:
            self.message = str(exc)
            self._show(self.service.load(card.view.pk))
            return
        self._done.append(_Action("grade", card, rating, duration))
        self.totals.reviewed += 1
        self.totals.again += rating == 1
        self.totals.time_ms += duration
        self._new_seen += card.queue == "new"
        if self.limit is not None and self.totals.reviewed >= self.limit:
            self._finish(stopped_early=False)
        else:
            self._advance()
        self.message = note or self.message

    def _undo(self) -> None:
        if not self._done:
            self.message = "Nothing to undo in this session."
            return
        last = self._done.pop()
        pk = last.card.view.pk
        try:
            if last.kind == "grade":
                undone = self.service.undo()
                if undone is None:
                    self.message = "Nothing to undo."
                    return
                pk = undone
                self.totals.reviewed -= 1
                self.totals.again -= last.rating == 1
                self.totals.time_ms -= last.duration_ms
                self._new_seen -= last.card.queue == "new"
                done = RATING_NAMES.get(last.rating, str(last.rating))
            elif last.kind == "suspend":
                self.service.unsuspend(last.card)
                done = "the suspend"
            elif last.kind == "bury":
                self.service.unbury(last.card)
                done = "the bury"
            elif last.kind == "edit":
                self.service.save_edit(last.card, last.before)
                done = "your edit"
            elif last.kind == "wording":
                if self.wordings is not None:
                    self.wordings.remove(pk, last.point, last.before)
                done = "your wording"
            else:  # a personal line: back to no line (and to any other edit the card had)
                self.service.reset_edit(last.card)
                if last.before:
                    self.service.save_edit(last.card, last.before)
                done = "your line"
        except SRSError as exc:
            what = {"grade": "the grade", "edit": "your edit", "line": "your line"}.get(last.kind,
                                                                                     f"the {last.kind}")
            self.message = f"Could not undo {what}: {exc}"
            return
        if last.kind == "wording":  # the card stays on screen, its answer checked again without the wording
            self.message = f"Undid your wording \"{last.before}\": it no longer counts."
            if self.current is not None and self.current.view.pk == pk and self.typed is not None:
                self._recheck()
            return
        if last.kind == "edit" and self.current is not None and self.current.view.pk == pk:
            self.current = self.service.load(pk)  # the same card, on the same side
            self.message = "Undid your edit: the earlier wording is back."
            return
        self._show(self.service.load(pk))
        # Not the card's id: the card is back question side up, and its id can give the answer away.
        self.message = f"Undid {done}: the card is back."
        if last.kind == "line":
            self.message = "Undid your line: the card asks for yours again." if self.phase is Phase.COMPOSE \
                else "Undid your line: the card shows the deck's line again."

    def _edit(self) -> None:
        assert self.current is not None
        if self.editor is None or self.edit_template is None:
            self.message = "Editing is not available here."
            return
        before = self.edit_template(self.current.view)
        edited = self.editor(before)
        if edited is None:
            self.message = "Edit cancelled; nothing changed."
            return
        try:
            changed = self.service.save_edit(self.current, edited)
        except SRSError as exc:
            self.message = f"Edit refused: {exc}"
            return
        if not changed:
            self.message = "No changes."
            return
        self._done.append(_Action("edit", self.current, before=before))
        self.current = self.service.load(self.current.view.pk)
        self.message = "Saved your edit; it is kept when the deck is updated."

    def _advance(self) -> None:
        allow_new = self.new_limit is None or self._new_seen < self.new_limit
        card = self.service.next_card(allow_new)
        if card is None:
            self._finish(stopped_early=False)
            return
        self._show(card)

    def _show(self, card: QueuedCard) -> None:
        """Put ``card`` up question side first (or asking for the learner's line) and start its clock."""
        self.current = card
        self.typed = None
        self.wording = None
        self.draft, self.draft_check, self.rewrite = None, None, ""
        asks = self.ask_personal and card.view.needs_personal and card.view.pk not in self._skipped
        self.phase = Phase.COMPOSE if asks else Phase.QUESTION
        self._shown_at = self.clock()

    def _attempt(self) -> Attempt | None:
        if self.typed is None:
            return None
        from srs.attempts import attempt_from

        return attempt_from(self.typed.answer, self.typed.typed_ms, self.typed.result)

    # -- a personal card's line ---------------------------------------------------------------------------

    def _compose_key(self, token: str) -> None:
        assert self.current is not None
        if token == "e":
            self._edit_line()
        elif token == "s":
            self._skipped.add(self.current.view.pk)
            self._show(self.current)
            self.message = "Using the deck's line this time; the card asks for yours the next time it comes up."
        elif self.draft is None:
            self.message = "Type your line, then press Enter to check it (Esc s: use the deck's line this time)."
        elif token in (" ", "\n"):
            self._save_line()
        elif token == "r":
            self.rewrite, self.draft, self.draft_check = self.draft, None, None
        else:
            self.message = "Enter keeps your line, r rewrites it, e opens it in your editor."

    def _check_line(self, text: str) -> None:
        assert self.current is not None
        line = " ".join(text.split())
        if not line:
            self.message = "Your line is empty: type it, then press Enter (Esc s: use the deck's line this time)."
            return
        from srs.rehearse import check_line

        self.draft, self.draft_check = line, check_line(self.current.view, line, self._card_wordings())

    def _edit_line(self) -> None:
        if self.editor is None:
            self.message = "Editing is not available here."
            return
        try:
            text = self.editor(self.draft if self.draft is not None else self.rewrite)
        except SRSError as exc:
            self.message = str(exc)
            return
        if text is None:
            self.message = "Edit cancelled; nothing changed."
            return
        self._check_line(text)

    def _save_line(self) -> None:
        assert self.current is not None and self.draft is not None
        card = self.current
        try:
            self.service.save_personal_response(card, self.draft)
        except SRSError as exc:
            self.message = f"Your line was not saved: {exc}"
            return
        # Undo drops the line, and puts back any other edit the card had.
        before = self.edit_template(card.view) if card.view.edited and self.edit_template is not None else ""
        self._done.append(_Action("line", card, before=before))
        self._show(self.service.load(card.view.pk))
        self.message = ("Saved your line: it is this card's response from now on, with the deck's beneath it. "
                        "Now rehearse it.")

    # -- the learner's own wording of a key point (w): srs.review_wording.WordingKeys -----------------------

    def _on_answer_side(self) -> bool:
        return self.phase is Phase.ANSWER

    def _remember_wording(self, card: QueuedCard, point: str, text: str) -> None:
        self._done.append(_Action("wording", card, point=point, before=text))

    def _finish(self, stopped_early: bool) -> None:
        self.phase = Phase.DONE
        self.current = None
        self.totals.stopped_early = stopped_early
        self.totals.next_due = self.service.next_due()
        self.totals.left = self.service.counts()
        self.totals.streak = self.service.streak()
