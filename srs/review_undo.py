"""Undoing a suspend or a bury during ``srs review``: the two calls :class:`srs.review.ReviewService` asks for
that :class:`srs.review_service.DbReviewService` does not have yet.

A stopgap kept apart so that the storage layer can take it over: :meth:`UndoingReviewService.unsuspend` uses
:func:`srs.study.suspend` (which can clear the flag); clearing a bury has no storage function yet, so
:meth:`UndoingReviewService.unbury` says so, and the card comes back at the start of the learner's next day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from srs import study
from srs.errors import SRSError
from srs.review import QueuedCard
from srs.review_service import DbReviewService

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class UndoingReviewService(DbReviewService):
    """:class:`DbReviewService` with :meth:`unsuspend` and :meth:`unbury`, as :class:`srs.review.ReviewSession`
    needs them to undo a suspend or a bury."""

    @classmethod
    def open(cls, engine: "Engine", learner_id: int, now: Callable[[], datetime],
             deck_id: str | None = None) -> UndoingReviewService:
        """As :meth:`DbReviewService.open`."""
        service = super().open(engine, learner_id, now, deck_id)
        assert isinstance(service, UndoingReviewService)
        return service

    def unsuspend(self, card: QueuedCard) -> None:
        self._counts = None
        with Session(self.engine) as session:
            study.suspend(session, self.learner_id, card.view.pk, suspended=False)
            session.commit()

    def unbury(self, card: QueuedCard) -> None:
        raise SRSError("this version cannot unbury a card yet; it comes back tomorrow")
