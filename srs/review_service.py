"""The database side of a review session: :class:`DbReviewService` implements :class:`srs.review.ReviewService`
on top of the store.

Each call opens its own short session and commits its own work before returning — a grade through
:func:`srs.store.progress.answer` (one transaction), undo through :func:`srs.store.progress.undo_last` — so a
process killed at any moment loses nothing already answered, and holds no lock while the learner is thinking.
The clock is read afresh for every call, so a session left open overnight moves into the new learner-day.

A card is shown with the learner's progress on it as read at that moment (``QueuedCard.progress``); its grade
is computed from that snapshot and written with compare-and-set on its version, so a card answered in another
session meanwhile is refused and shown again, never graded from a stale state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy.engine import Engine
from sqlmodel import Session

from srs.attempts import Attempt
from srs.edits import parse_edit
from srs.errors import ConflictError
from srs.review import Counts, LazyPreviews, QueuedCard
from srs.scheduling import SchedulerSettings, State, format_interval, next_day_start
from srs.store import card_flags
from srs.store import progress as store_progress
from srs.store.cards import read_card
from srs.store.decks import get_deck
from srs.store.edits import reset_edit, save_edit, save_personal_response
from srs.store.day_plan import PlanHead, ensure_plan
from srs.store.queue import queue_counts, queue_state
from srs.store.settings import load_settings
from srs.store.stats import day_streak, next_due

_QUEUE = {State.NEW: "new", State.LEARNING: "learning", State.RELEARNING: "learning", State.REVIEW: "due"}


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

    engine: Engine
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
    # Today's interview plan (made or read once per learner-day, not per keypress) and until when it holds.
    plan: PlanHead | None = field(default=None, init=False, repr=False)
    _plan_until: datetime | None = field(default=None, init=False, repr=False)
    _plan_made: datetime = field(default=datetime.min.replace(tzinfo=timezone.utc), init=False, repr=False)

    @classmethod
    def open(cls, engine: Engine, learner_id: int, now: Callable[[], datetime],
             deck_id: str | None = None) -> DbReviewService:
        """Load the learner's settings and check the deck exists (NotFoundError names it if not)."""
        with Session(engine) as session:
            settings = load_settings(session, learner_id)
            label = get_deck(session, deck_id).name if deck_id is not None else "All decks"
        return cls(engine, learner_id, now, settings, deck_id, label)

    def _queued(self, session: Session, card_pk: int) -> QueuedCard:
        view, seen = read_card(session, self.learner_id, card_pk)

        def previews() -> dict[int, str]:
            # For the moment the answer is shown, from the progress read with the card.
            outcomes = store_progress.preview(seen, self.now(), self.settings)
            return {int(rating): format_interval(outcome.interval) for rating, outcome in outcomes.items()}

        return QueuedCard(view=view, queue=_QUEUE[seen.state], previews=LazyPreviews(previews), progress=seen)

    def _plan(self, session: Session, now: datetime) -> PlanHead | None:
        """Today's interview plan: read or made at the first lookup of each learner-day (and committed), then
        kept until it runs out, so a keypress costs no more than a time comparison."""
        if self._plan_until is None or now >= self._plan_until or now < self._plan_made:
            self.plan = ensure_plan(session, self.learner_id, now, self.settings)
            session.commit()
            self._plan_made = now if self.plan is None else self.plan.made_at
            self._plan_until = self.plan.valid_until if self.plan is not None \
                else next_day_start(now, self.settings.timezone, self.settings.rollover_hour)
        return self.plan

    def counts(self) -> Counts:
        if self._counts is None:
            with Session(self.engine) as session:
                now = self.now()
                self._counts = queue_counts(session, self.learner_id, now, self.settings, self.deck_id,
                                            plan=self._plan(session, now))
        return self._counts

    def next_card(self, allow_new: bool) -> QueuedCard | None:
        with Session(self.engine) as session:
            now = self.now()
            state = queue_state(session, self.learner_id, now, self.settings, self.deck_id,
                                new_limit=None if allow_new else 0, plan=self._plan(session, now))
            self._counts = state.counts
            return None if state.next_card is None else self._queued(session, state.next_card)

    def load(self, card_pk: int) -> QueuedCard:
        with Session(self.engine) as session:
            return self._queued(session, card_pk)

    def grade(self, card: QueuedCard, rating: int, duration_ms: int, attempt: Attempt | None = None) -> str | None:
        self._counts = None
        typed = None
        if attempt is not None:
            typed = store_progress.TypedAttempt(attempt, [p.text for p in card.view.key_points])
        with Session(self.engine) as session:
            seen = card.progress
            if seen is None:  # a card built elsewhere: answer from its progress as it is now
                seen = store_progress.read_progress(session, self.learner_id, card.view.pk)
            result = store_progress.answer(session, self.learner_id, seen, rating, self.now(), duration_ms,
                                           self.settings, typed)
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
                return store_progress.undo_last(session, self.learner_id, self.answered.pop())
            except ConflictError:
                return None

    def suspend(self, card: QueuedCard) -> None:
        self._counts = None
        with Session(self.engine) as session:
            card_flags.suspend(session, self.learner_id, card.view.pk, now=self.now())
            session.commit()

    def unsuspend(self, card: QueuedCard) -> None:
        self._counts = None
        with Session(self.engine) as session:
            card_flags.suspend(session, self.learner_id, card.view.pk, suspended=False, now=self.now())
            session.commit()

    def unbury(self, card: QueuedCard) -> None:
        self._counts = None
        with Session(self.engine) as session:
            card_flags.unbury(session, self.learner_id, card.view.pk, self.now())
            session.commit()

    def bury(self, card: QueuedCard) -> None:
        self._counts = None
        with Session(self.engine) as session:
            card_flags.bury_until_tomorrow(session, self.learner_id, card.view.pk, self.now(), self.settings)
            session.commit()

    def save_edit(self, card: QueuedCard, text: str) -> bool:
        edited = parse_edit(text)
        with Session(self.engine) as session:
            changed = save_edit(session, self.learner_id, card.view.pk, edited, self.now())
            session.commit()
        return changed

    def save_personal_response(self, card: QueuedCard, text: str) -> None:
        with Session(self.engine) as session:
            save_personal_response(session, self.learner_id, card.view.pk, text, self.now())
            session.commit()

    def reset_edit(self, card: QueuedCard) -> bool:
        with Session(self.engine) as session:
            changed = reset_edit(session, self.learner_id, card.view.pk, self.now())
            session.commit()
        return changed

    def next_due(self) -> datetime | None:
        """When the next card falls due, by the interview plan when there is one (as the queue goes)."""
        with Session(self.engine) as session:
            now = self.now()
            return next_due(session, self.learner_id, now, self.deck_id, plan=self._plan(session, now))

    def streak(self) -> int:
        with Session(self.engine) as session:
            return day_streak(session, self.learner_id, self.now(), self.settings)
