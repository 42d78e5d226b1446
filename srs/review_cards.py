"""What a review session is served, and by whom: the queued card, today's counts, and the service protocol.

:class:`QueuedCard` is one card ready to be shown, with the progress it was shown with; :class:`Counts` are the
cards left today; :class:`ReviewService` is the durable side of a session (:mod:`srs.review_service` implements
it on the store, tests with an in-memory fake). :mod:`srs.review` runs the session on top of them. Pure: no
database code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple, Protocol

from srs.progress import ProgressSnapshot

if TYPE_CHECKING:
    from srs.attempts import Attempt
    from srs.cardview import CardView

__all__ = ["Counts", "LazyPreviews", "QueuedCard", "ReviewService"]


class Counts(NamedTuple):
    """Cards left today: new, in learning, and due reviews."""

    new: int
    learning: int
    due: int


@dataclass(frozen=True)
class QueuedCard:
    """A card ready to be reviewed: what to show, the interval each grade would give, and the progress it was
    shown with.

    Attributes:
        view: The card's text as this learner sees it.
        queue: Which count the card is taken from: ``"new"``, ``"learning"`` or ``"due"``.
        previews: Interval label per rating (1-4), e.g. ``{1: "<1m", 3: "10m"}``. Only read once the answer is
            shown, so a service may compute it then (see :class:`LazyPreviews`).
        progress: The learner's progress on the card as read when it was shown: a grade is computed from it,
            and refused if the card changed since (None for a service that does not track it).
    """

    view: CardView
    queue: str
    previews: Mapping[int, str]
    progress: ProgressSnapshot | None = None


class LazyPreviews(Mapping[int, str]):
    """Interval labels computed the first time they are read: when the answer is shown, not when the question
    is (the four outcomes cost ~0.1-0.2 ms, a third of a keypress), and for the moment the learner reveals."""

    def __init__(self, compute: Callable[[], dict[int, str]]) -> None:
        self._compute: Callable[[], dict[int, str]] | None = compute
        self._labels: dict[int, str] = {}

    def _get(self) -> dict[int, str]:
        if self._compute is not None:
            self._labels, self._compute = self._compute(), None
        return self._labels

    def __getitem__(self, rating: int) -> str:
        return self._get()[rating]

    def __iter__(self) -> Iterator[int]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


class ReviewService(Protocol):
    """The durable side of a session. Every method commits its own work before returning."""

    def counts(self) -> Counts:
        """Cards left today."""
        ...

    def next_card(self, allow_new: bool) -> QueuedCard | None:
        """The next card to show, or None when nothing is due now."""
        ...

    def load(self, card_pk: int) -> QueuedCard:
        """A specific card, as it is now (used to show a card again after undo or an edit)."""
        ...

    def grade(self, card: QueuedCard, rating: int, duration_ms: int, attempt: Attempt | None = None) -> str | None:
        """Record a grade: one review row and the card's new state, committed. May return a note to show.

        ``attempt`` is what the learner typed (``srs review --type``): stored with the review in the same
        transaction, its ``hits`` one per ``card.view.key_points``.

        Raises:
            SRSError: the grade was refused (e.g. the card was answered elsewhere meanwhile).
        """
        ...

    def undo(self) -> int | None:
        """Take back the learner's last grade; return the card's pk, or None if there was nothing to undo."""
        ...

    def suspend(self, card: QueuedCard) -> None:
        """Stop showing the card until it is unsuspended."""
        ...

    def bury(self, card: QueuedCard) -> None:
        """Hide the card until the start of the learner's next day."""
        ...

    def unsuspend(self, card: QueuedCard) -> None:
        """Show the card again (undo :meth:`suspend`).

        Raises:
            SRSError: it cannot be done (the message says why).
        """
        ...

    def unbury(self, card: QueuedCard) -> None:
        """Show the card again today (undo :meth:`bury`).

        Raises:
            SRSError: it cannot be done (the message says why).
        """
        ...

    def save_edit(self, card: QueuedCard, text: str) -> bool:
        """Validate and store the learner's edited text for the card; False if nothing changed.

        Raises:
            SRSError: the edit is refused (the message says why).
        """
        ...

    def save_personal_response(self, card: QueuedCard, text: str) -> None:
        """Store the learner's own line as the response of a personal card (the situation and reasoning stay the
        deck's); the card then shows it, with the deck's wording as ``view.reference``.

        Raises:
            SRSError: the line is refused (empty, too long, control characters; the message says why).
        """
        ...

    def reset_edit(self, card: QueuedCard) -> bool:
        """Drop the learner's edit of the card, a personal line too (False if there was none)."""
        ...

    def next_due(self) -> datetime | None:
        """When the learner's next card falls due (None if nothing is scheduled)."""
        ...

    def streak(self) -> int:
        """Consecutive learner-days with at least one review, up to today."""
        ...
