"""The database side of ``w`` in review: :class:`DbWordings` implements :class:`srs.wordings.WordingBook` on the
store (:mod:`srs.store.wordings`) for one learner.

Like :class:`srs.review_service.DbReviewService`, each call opens its own short session and commits its own work
before returning, so a wording kept is kept whatever happens to the terminal next.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from srs.keypoints import KeyPoint
from srs.store.wordings import add_wording, remove_wording, wordings_of
from srs.wordings import Wording

__all__ = ["DbWordings"]


@dataclass
class DbWordings:
    """One learner's wordings of key points in a database.

    Attributes:
        engine: The database.
        learner_id: Whose wordings.
        now: The clock (aware UTC), read when a wording is added.
    """

    engine: Engine
    learner_id: int
    now: Callable[[], datetime]

    def for_card(self, card_pk: int) -> list[Wording]:
        with Session(self.engine) as session:
            return wordings_of(session, self.learner_id, card_pk)

    def add(self, card_pk: int, point: KeyPoint, text: str) -> Wording | None:
        with Session(self.engine) as session:
            added = add_wording(session, self.learner_id, card_pk, point, text, self.now())
            session.commit()
        return added

    def remove(self, card_pk: int, point: str, text: str) -> bool:
        with Session(self.engine) as session:
            removed = remove_wording(session, self.learner_id, card_pk, point, text)
            session.commit()
        return removed
