"""Database tables.

Content and progress live apart, so re-importing a deck never touches anyone's progress and many learners can
share one database:

* **Content** — :class:`Deck` and :class:`Card`. A card's identity is its deck id plus its stable ``card_id``
  from the deck file, never a hash of its text. A card dropped from its deck file is *retired*, not deleted.
* **Progress, per learner** — :class:`Progress` (one row per learner and card that has been touched) and the
  append-only :class:`Review` log. A card with no progress row is a new card.
* **Settings, per learner** — :class:`Setting`, one row per key, value as JSON text.
* **Local edits, per learner** — :class:`LocalEdit` overrides a card's text for one learner and survives deck
  updates; a personal card's own line is one (the response only).
* **Typed attempts, per learner** — :class:`ReviewAttempt`, what the learner typed for a review and the key
  points it hit; deleted with its review (undo) and with the learner.
* **Wordings, per learner** — :class:`LearnerWording`, the learner's own wording of a card's key point, which
  counts as one more alternative of it for them (:mod:`srs.wordings`); deleted with the learner and the card.
* **Interviews, per learner** — :class:`Interview` (a date and a deck, or every deck), and the day's saved plan
  toward them: :class:`InterviewPlan` (one row per learner) and :class:`PlannedCard` (the cards it moves).

Every datetime is stored as UTC and comes back timezone-aware (:class:`UTCDateTime`), on SQLite and on
PostgreSQL alike. Only portable column types are used.

These classes are the one schema: the migrations are generated from them, the ORM reads and writes them, and the
store's set-based Core statements are built on their tables (:func:`table_of`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import (JSON, BigInteger, Boolean, Column, ForeignKey, Index, Integer, String, Table, Text,
                        UniqueConstraint, false, text)
from sqlmodel import Field, SQLModel

from srs.store.types import BigId, UTCDateTime

__all__ = ["BigId", "Card", "Deck", "Interview", "InterviewPlan", "Learner", "LearnerWording", "LocalEdit", "Meta",
           "PlannedCard", "Progress", "Review", "ReviewAttempt", "Setting", "UTCDateTime", "table_of"]


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a model class, for the set-based statements the store builds on the one schema."""
    table = getattr(model, "__table__")
    assert isinstance(table, Table)
    return table


def utc_column(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class Learner(SQLModel, table=True):
    __tablename__ = "learner"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True, index=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Deck(SQLModel, table=True):
    __tablename__ = "deck"

    id: str = Field(primary_key=True, max_length=100)
    name: str = Field(max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    version: str = Field(max_length=50)
    license: str = Field(default="", max_length=200)
    credits: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # [{"id", "title", "author", "date", "url"}], in file order.
    sources: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    content_hash: str = Field(max_length=64)
    # sha256 of the bundled deck file this deck was installed from (empty when added by the user).
    bundled_hash: str = Field(default="", max_length=64)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Card(SQLModel, table=True):
    __tablename__ = "card"
    __table_args__ = (
        UniqueConstraint("deck_id", "card_id", name="uq_card_deck_card"),
        Index("ix_card_deck_position", "deck_id", "position"),
    )

    # Integer key: seeds the interval fuzz (as Anki's card id does) and keeps joins cheap.
    id: Optional[int] = Field(default=None, sa_column=Column(BigId, primary_key=True, autoincrement=True))
    deck_id: str = Field(foreign_key="deck.id", max_length=100, ondelete="CASCADE")
    card_id: str = Field(max_length=100)
    position: int = 0  # order in the deck file; new cards are introduced in this order
    situation: str = Field(sa_column=Column(Text, nullable=False))
    response: str = Field(sa_column=Column(Text, nullable=False))
    reasoning: str = Field(sa_column=Column(Text, nullable=False))
    sources: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # [{"source": id, "view": text}]
    counterpoints: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # The author's key point strings ("alt | alt", "avoid: alt"), in order (migration 0005).
    key_points: list[str] = Field(default_factory=list,
                                  sa_column=Column(JSON, nullable=False, server_default=text("'[]'")))
    # The card asks for the learner's own response (migration 0005).
    personal: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    content_hash: str = Field(max_length=64)
    anki_guid: str = Field(max_length=64, index=True)
    retired: bool = False
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Progress(SQLModel, table=True):
    """One learner's scheduling state of one card. Read as a :class:`srs.progress.ProgressSnapshot`."""

    __tablename__ = "progress"
    __table_args__ = (
        UniqueConstraint("learner_id", "card_pk", name="uq_progress_learner_card"),
        Index("ix_progress_learner_due", "learner_id", "due"),
        # The queue's learning and due lookups (covering their filters since migration 0004), and buried cards
        # coming back (migration 0002).
        Index("ix_progress_learner_state_due", "learner_id", "state", "due", "card_pk", "suspended", "buried_until"),
        Index("ix_progress_learner_buried", "learner_id", "buried_until"),
    )

    id: Optional[int] = Field(default=None, sa_column=Column(BigId, primary_key=True, autoincrement=True))
    learner_id: int = Field(foreign_key="learner.id", ondelete="CASCADE")
    card_pk: int = Field(sa_column=Column(BigId, ForeignKey("card.id", ondelete="CASCADE"), nullable=False))
    state: int = 0  # 0 new, 1 learning, 2 review, 3 relearning
    step: int = 0
    stability: Optional[float] = None
    difficulty: Optional[float] = None
    due: Optional[datetime] = utc_column()
    last_review: Optional[datetime] = utc_column()
    scheduled_days: int = 0
    reps: int = 0
    lapses: int = 0
    suspended: bool = False
    buried_until: Optional[datetime] = utc_column()
    leech: bool = False
    version: int = 0  # bumped on every write; compare-and-set guards against stale answers
    # When this row last changed (answer, undo, suspend, bury, import), so an Anki import can tell which side
    # changed a card's flags last. None only for rows written by code that predates it (migration 0003
    # backfilled every existing row: last_review, else the epoch).
    updated_at: Optional[datetime] = utc_column()


class Review(SQLModel, table=True):
    """Append-only review log. Replaying a card's rows rebuilds its :class:`Progress`."""

    __tablename__ = "review"
    __table_args__ = (
        # Covers the day counts, retention and answer times of status and stats (migration 0004).
        Index("ix_review_learner_time", "learner_id", "reviewed_at", "kind", "rating", "prev_interval_days",
              "duration_ms"),
        Index("ix_review_learner_card", "learner_id", "card_pk"),
        UniqueConstraint("learner_id", "anki_id", name="uq_review_learner_anki"),
    )

    id: Optional[int] = Field(default=None, sa_column=Column(BigId, primary_key=True, autoincrement=True))
    learner_id: int = Field(foreign_key="learner.id", ondelete="CASCADE")
    card_pk: int = Field(sa_column=Column(BigId, ForeignKey("card.id", ondelete="CASCADE"), nullable=False))
    rating: int  # 1 Again, 2 Hard, 3 Good, 4 Easy
    reviewed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    duration_ms: int = 0  # capped at 60 s, as Anki does
    kind: int = 0  # Anki revlog type: 0 learn, 1 review, 2 relearn
    interval_days: int = 0  # interval scheduled by this answer (0 for (re)learning steps)
    prev_interval_days: int = 0
    origin: str = Field(default="terminal", max_length=20)  # "terminal" or "anki"
    anki_id: Optional[int] = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # JSON snapshot of the Progress row before this answer, so undo restores it exactly.
    prev_state: Optional[dict[str, Any]] = Field(default=None, sa_column=Column(JSON, nullable=True))


class Setting(SQLModel, table=True):
    __tablename__ = "setting"

    learner_id: int = Field(foreign_key="learner.id", primary_key=True, ondelete="CASCADE")
    key: str = Field(primary_key=True, max_length=50)
    value: Any = Field(sa_column=Column(JSON, nullable=False))


class LocalEdit(SQLModel, table=True):
    """A learner's own wording of a card. Shown instead of the deck's text; kept when the deck is updated.

    A field left NULL follows the deck's text (since migration 0005: a personal line stores the response only).
    ``deck_hash`` is the hash of the deck's text of the edited fields when the edit was saved
    (:func:`srs.edits.deck_text_hash`), so a later deck change to that text can be pointed out.
    """

    __tablename__ = "local_edit"
    __table_args__ = (UniqueConstraint("learner_id", "card_pk", name="uq_local_edit_learner_card"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", ondelete="CASCADE")
    card_pk: int = Field(sa_column=Column(BigId, ForeignKey("card.id", ondelete="CASCADE"), nullable=False))
    situation: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))
    response: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))
    reasoning: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    deck_hash: Optional[str] = Field(default=None, max_length=64)


class ReviewAttempt(SQLModel, table=True):
    """What the learner typed for one review: the answer, the time taken and the key points it hit.

    The rating given is the review's. ``key_points`` holds the points as the deck wrote them when the answer was
    checked, so ``hits`` keeps its meaning after a deck update changes the card's points.
    """

    __tablename__ = "review_attempt"
    __table_args__ = (Index("ix_review_attempt_learner", "learner_id"),)

    id: Optional[int] = Field(default=None, sa_column=Column(BigId, primary_key=True, autoincrement=True))
    review_id: int = Field(sa_column=Column(BigId, ForeignKey("review.id", ondelete="CASCADE"), nullable=False,
                                            unique=True))
    learner_id: int = Field(foreign_key="learner.id", ondelete="CASCADE")
    answer: str = Field(sa_column=Column(Text, nullable=False))
    typed_ms: int = Field(sa_column=Column(BigInteger, nullable=False))  # uncapped, unlike the review's duration
    key_points: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    hits: list[bool] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    suggested_rating: int


class Meta(SQLModel, table=True):
    """Key/value facts about the database itself (e.g. the schema version)."""

    __tablename__ = "meta"

    key: str = Field(primary_key=True, max_length=50)
    value: str = Field(max_length=200)


class Interview(SQLModel, table=True):
    """A learner's interview: when it starts, and the deck it is for (None: every deck)."""

    __tablename__ = "interview"
    __table_args__ = (Index("ix_interview_learner_starts", "learner_id", "starts_at"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", ondelete="CASCADE")
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    deck_id: Optional[str] = Field(
        default=None, sa_column=Column(String(100), ForeignKey("deck.id", ondelete="CASCADE"), nullable=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class InterviewPlan(SQLModel, table=True):
    """The learner's saved plan for today toward their interviews (:mod:`srs.store.day_plan`): made once per
    learner-day, read by every queue lookup until ``valid_until``."""

    __tablename__ = "interview_plan"

    learner_id: int = Field(sa_column=Column(Integer, ForeignKey("learner.id", ondelete="CASCADE"),
                                             primary_key=True))
    made_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # The next learner-day's start, or the first interview if sooner: the plan is made again from then.
    valid_until: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    interview_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))  # the first interview
    # The decks no interview is about (None: there are none), whose new cards come within new_per_day.
    other_decks: Optional[list[str]] = Field(default=None, sa_column=Column(JSON, nullable=True))
    extra_new: int = 0
    too_little_time: bool = False
    # A digest of what the plan was made from (interviews, settings, decks, imported reviews): when it
    # changes, the plan is made again.
    basis: str = Field(max_length=64)


class PlannedCard(SQLModel, table=True):
    """One card the day's plan moves, ranks or introduces. It is *in force* while the card has not been answered
    since ``made_at`` (and is still in ``state``); after that the card's own due time governs."""

    __tablename__ = "planned_card"
    __table_args__ = (
        # The queue's lookups: planned due times by state (like ix_progress_learner_state_due), today's reviews
        # in the plan's order, and its new cards in order.
        Index("ix_planned_card_learner_state_due", "learner_id", "state", "due"),
        Index("ix_planned_card_learner_review_rank", "learner_id", "review_rank"),
        Index("ix_planned_card_learner_introduce_rank", "learner_id", "introduce_rank"),
    )

    learner_id: int = Field(sa_column=Column(Integer, ForeignKey("learner.id", ondelete="CASCADE"),
                                             primary_key=True))
    card_pk: int = Field(sa_column=Column(BigId, ForeignKey("card.id", ondelete="CASCADE"), primary_key=True))
    made_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    state: int = 0  # the card's state when the plan was made (0: a new card to introduce)
    due: Optional[datetime] = utc_column()  # the planned due time, where it differs from the card's own
    review_rank: Optional[int] = None  # order among today's reviews, most at risk first
    introduce_rank: Optional[int] = None  # order among today's new cards


class LearnerWording(SQLModel, table=True):
    """A learner's own wording of one key point of a card: one more alternative of that point, for them only
    (migration 0007).

    ``point`` is the key point as the deck wrote it when the wording was added (as ``review_attempt.key_points``
    stores it): when the deck changes that text, the wording no longer applies. ``point_hash`` (sha256 of it,
    :func:`srs.wordings.point_hash`) keys the uniqueness, since a point may be longer than an index allows.
    """

    __tablename__ = "learner_wording"
    __table_args__ = (UniqueConstraint("learner_id", "card_pk", "point_hash", "wording", name="uq_learner_wording"),)

    id: Optional[int] = Field(default=None, sa_column=Column(BigId, primary_key=True, autoincrement=True))
    learner_id: int = Field(foreign_key="learner.id", ondelete="CASCADE")
    card_pk: int = Field(sa_column=Column(BigId, ForeignKey("card.id", ondelete="CASCADE"), nullable=False))
    point: str = Field(sa_column=Column(Text, nullable=False))
    point_hash: str = Field(max_length=64)
    wording: str = Field(sa_column=Column(Text, nullable=False))
    added_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
