"""The database side of a review session: :class:`DbReviewService` implements :class:`srs.review.ReviewService`
on top of :mod:`srs.store.progress`.

Each call opens its own short session and commits its own work before returning — a grade through
:func:`srs.store.progress.answer_card` (one transaction), undo through :func:`srs.store.progress.undo_last` — so a process killed at
any moment loses nothing already answered, and holds no lock while the learner is thinking. The clock is read
afresh for every call, so a session left open overnight moves into the new learner-day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, bindparam, select
from sqlmodel import Session, SQLModel

from srs.store import progress as study
from srs.cardview import view_of
from srs.edits import parse_edit, save_edit
from srs.errors import ConflictError, NotFoundError
from srs.hotsql import run_hot
from srs.review import Counts, LazyPreviews, QueuedCard
from srs.scheduling import SchedulerSettings, State, format_interval

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

_QUEUE = {State.NEW: "new", State.LEARNING: "learning", State.RELEARNING: "learning", State.REVIEW: "due"}

# A card to show: the card and the learner's progress row on it (the columns study.answer_card reads, so the
# preview comes from the same row), its deck's name and sources, and the learner's edit of it. One Core
# statement, built once and run as driver SQL (srs.hotsql), read as a plain row: no ORM objects.
_DECK, _EDIT = SQLModel.metadata.tables["deck"], SQLModel.metadata.tables["local_edit"]
_C, _E = SQLModel.metadata.tables["card"].c, _EDIT.c
_VIEW_CARD = (_C.id, _C.deck_id, _C.card_id, _C.situation, _C.response, _C.reasoning, _C.sources, _C.tags,
              _C.counterpoints, _C.anki_guid, _C.updated_at, _C.retired)
_SHOWN = (
    select(*study.CARD_PROGRESS_COLUMNS, _DECK.c.name, _DECK.c.sources, _E.id, _E.situation, _E.response,
           _E.reasoning, _E.updated_at, *_VIEW_CARD)
    .select_from(study.CARD_PROGRESS_JOIN.join(_DECK, _DECK.c.id == _C.deck_id)
                 .outerjoin(_EDIT, and_(_E.card_pk == _C.id, _E.learner_id == bindparam("learner"))))
    .where(_C.id == bindparam("card_pk"))
)
_VIEW_AT = len(study.CARD_PROGRESS_COLUMNS)


@dataclass
class DbReviewService:
    """Review one learner's cards (optionally one deck's) in a database.

    Attributes:
        engine: The database.
        learner_id: Whose progress.
        now: The clock (aware UTC).
        settings: The learner's scheduler settings, read once at the start.
        deck_id: Only this deck's cards (None: all decks).
        deck_label: What the header calls the cards being reviewed.
    """

    engine: "Engine"
    learner_id: int
    now: Callable[[], datetime]
    settings: SchedulerSettings
    deck_id: str | None = None
    deck_label: str = "All decks"
    # Ids of this session's own answers, newest last: undo only ever takes back one of these.
    answered: list[int] = field(default_factory=list)
    # The counts read with the card on screen (next_card), for the header until something changes them: a
    # screen redrawn on reveal or help shows the same counts without asking the database again.
    _counts: Counts | None = field(default=None, init=False, repr=False)

    @classmethod
    def open(cls, engine: "Engine", learner_id: int, now: Callable[[], datetime],
             deck_id: str | None = None) -> DbReviewService:
        """Load the learner's settings and check the deck exists (NotFoundError names it if not)."""
        from srs.store.decks import get_deck

        with Session(engine) as session:
            settings = study.load_settings(session, learner_id)
            label = get_deck(session, deck_id).name if deck_id is not None else "All decks"
        return cls(engine, learner_id, now, settings, deck_id, label)

    def _queued(self, conn: "Connection", card_pk: int) -> QueuedCard:
        row = run_hot(conn, _SHOWN, {"learner": self.learner_id, "card_pk": card_pk}).first()
        if row is None:
            raise NotFoundError(f"no card with pk {card_pk}")
        deck_name, deck_sources, edit_id = row[_VIEW_AT:_VIEW_AT + 3]
        edit = None if edit_id is None else row[_VIEW_AT + 3:_VIEW_AT + 7]
        view = view_of(row[_VIEW_AT + 7:], deck_name, deck_sources, edit)
        # The token is the progress part of the row: its version is the one the answer expects, and the answer
        # schedules from it without reading it again (study.answer_card's ``seen``). The buttons' intervals
        # come from the same row, when the answer is shown.
        token = tuple(row[:_VIEW_AT])

        def previews() -> dict[int, str]:
            outcomes, _, _ = study.preview_row(token, self.now(), self.settings)
            return {int(rating): format_interval(outcome.interval) for rating, outcome in outcomes.items()}

        return QueuedCard(view=view, queue=_QUEUE[study.row_state(token).state], previews=LazyPreviews(previews),
                          token=token)

    def counts(self) -> Counts:
        if self._counts is None:
            with self.engine.connect() as conn:
                c = study.queue_counts(conn, self.learner_id, self.now(), self.settings, self.deck_id)
            self._counts = Counts(new=c.new, learning=c.learning, due=c.due)
        return self._counts

    # The keypress path (counts, next card, load, grade) runs on a plain Connection: a Session adds ~30 us per statement
    # and builds nothing here that a Core row doesn't give.
    def next_card(self, allow_new: bool) -> QueuedCard | None:
        with self.engine.connect() as conn:
            state = study.queue_state(conn, self.learner_id, self.now(), self.settings, self.deck_id,
                                      new_limit=None if allow_new else 0)
            c = state.counts
            self._counts = Counts(new=c.new, learning=c.learning, due=c.due)
            return None if state.next_card is None else self._queued(conn, state.next_card)

    def load(self, card_pk: int) -> QueuedCard:
        with self.engine.connect() as conn:
            return self._queued(conn, card_pk)

    def grade(self, card: QueuedCard, rating: int, duration_ms: int) -> str | None:
        self._counts = None
        version = card.token[2] if card.token[1] is not None else 0
        with self.engine.connect() as conn:
            result = study.answer_card(conn, self.learner_id, card.view.pk, rating, self.now(), duration_ms,
                                       expected_version=version, settings=self.settings, seen=card.token)
        self.answered.append(result.review_id)
        if result.answer.leech:
            return (f"{card.view.ref} is a leech: forgotten {result.answer.state.lapses} times. "
                    "Consider rewording it (e) or suspending it (s).")
        return None

    def undo(self) -> int | None:
        self._counts = None
        if not self.answered:
            return None
        with Session(self.engine) as session:
            try:
                return study.undo_last(session, self.learner_id, self.answered.pop())
            except ConflictError:
                return None

    def suspend(self, card: QueuedCard) -> None:
        self._counts = None
        with Session(self.engine) as session:
            study.suspend(session, self.learner_id, card.view.pk)
            session.commit()

    def bury(self, card: QueuedCard) -> None:
        self._counts = None
        with Session(self.engine) as session:
            study.bury_until_tomorrow(session, self.learner_id, card.view.pk, self.now(), self.settings)
            session.commit()

    def save_edit(self, card: QueuedCard, text: str) -> bool:
        edited = parse_edit(text)
        with Session(self.engine) as session:
            changed = save_edit(session, self.learner_id, card.view.pk, edited, self.now())
            session.commit()
        return changed

    def next_due(self) -> datetime | None:
        from srs.status import next_due

        with Session(self.engine) as session:
            return next_due(session, self.learner_id, self.now(), self.deck_id)

    def streak(self) -> int:
        from srs.store.stats import day_streak

        with Session(self.engine) as session:
            return day_streak(session, self.learner_id, self.now(), self.settings)
