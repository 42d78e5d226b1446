"""The study queue: what is left today and which card comes next, on a learner's progress rows.

Functions take an open ``Session`` from the caller and only read. Everything is selected in
SQL with the indexes in :mod:`srs.store.models` (``ix_progress_learner_state_due``, ``ix_review_learner_time``,
``ix_card_deck_position``), so the cost depends on what is due today, not on how many cards or reviews a
learner has. A card without a progress row is a new card.

The queue runs once per keypress and on every ``srs status``, so its statements are Core statements on the
models' tables, built once, at import (or once per deck/exclusion variant), with every value a bound parameter:
SQLAlchemy then reuses their compiled form instead of building each statement and its cache key again. Each
column is labelled and read by its label.

The queue follows Anki's v3 defaults: learning cards that are due come first, then due reviews (oldest due
first), then new cards in deck order; learning cards due within the learn-ahead limit are shown only when
nothing else is left. Daily limits count what the learner already did that learner-day, and the review limit
also caps new cards (``reviews_per_day`` minus reviews done minus reviews still due), as in Anki.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Integer, and_, bindparam, exists, false, func, literal_column, or_, select, true
from sqlalchemy.engine import RowMapping
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from srs.review import Counts
from srs.scheduling import SchedulerSettings, State, day_bounds, require_utc
from srs.store.models import Card, Progress, Review, table_of
from srs.store.types import UTCDateTime


class QueueState(NamedTuple):
    """What a review screen shows: the counts left today, and the card to show next (None: nothing for now)."""

    counts: Counts
    next_card: int | None


# -- tables and prebuilt statements -------------------------------------------------------------------------------

_PROGRESS = table_of(Progress)
_CARD = table_of(Card)
_REVIEW = table_of(Review)
_P, _C, _R = _PROGRESS.c, _CARD.c, _REVIEW.c


def _at(name: str) -> Any:
    """A bound time parameter (aware UTC in, naive UTC on SQLite, as the columns store it)."""
    return bindparam(name, type_=UTCDateTime())


_LEARNER = bindparam("learner", type_=Integer())
_NOW = _at("now")
# Learning and relearning, written into the SQL (not an expanding parameter): the same SQL text every time.
_LEARNING_STATES = _P.state.in_([literal_column(str(int(s))) for s in (State.LEARNING, State.RELEARNING)])
_PROGRESS_JOIN_CARD = _PROGRESS.join(_CARD, _C.id == _P.card_pk)

# Reviews answered today, and new cards introduced today (answered today, never before): one statement. A card
# counts as new today when its first review ever is today; that is asked per card through
# ix_review_learner_card, which SQLite's planner picks with or without statistics. ("No review of this card
# before today", asked with NOT EXISTS, made SQLite without statistics walk ix_review_learner_time through every
# earlier review of the learner for each new card: seconds per card at 1M reviews.)
_TODAY = and_(_R.learner_id == _LEARNER, _R.reviewed_at >= _at("start"), _R.reviewed_at < _at("end"))
_OLDER = _REVIEW.alias("older")
_FIRST_ANSWERED_TODAY = (
    select(_OLDER.c.card_pk)
    .where(_OLDER.c.learner_id == _LEARNER, _OLDER.c.card_pk.in_(select(_R.card_pk).where(_TODAY, _R.kind == 0)))
    .group_by(_OLDER.c.card_pk)
    .having(func.min(_OLDER.c.reviewed_at) >= _at("start"))
)
_DONE_TODAY = select(
    select(func.count()).select_from(_FIRST_ANSWERED_TODAY.subquery()).scalar_subquery().label("new_today"),
    select(func.count()).select_from(_REVIEW).where(_TODAY, _R.kind == 1).scalar_subquery().label("reviews_today"),
)


def _grouped_by_deck(*where: ColumnElement[bool]) -> Select[Any]:
    available = [_P.learner_id == _LEARNER, _P.suspended == false(),
                 or_(_P.buried_until.is_(None), _P.buried_until <= _NOW), _C.retired == false()]
    return (select(_C.deck_id, func.count().label("cards")).select_from(_PROGRESS_JOIN_CARD)
            .where(*available, *where).group_by(_C.deck_id))


# Due reviews and learning cards of every deck at once: one pass over each range of ix_progress_learner_state_due.
# (Counting one deck at a time cost a walk over every due review of the learner for each deck without due cards.)
_DUE_BY_DECK = _grouped_by_deck(_P.state == int(State.REVIEW), _P.due < _at("end"))
_LEARNING_BY_DECK = _grouped_by_deck(_LEARNING_STATES, _P.due <= _at("until"))


class _QueueStatements(NamedTuple):
    """The queue's statements for one variant (a deck filter or not, excluded cards or not)."""

    learning_head: Select[Any]  # card_pk, due: the first learning card of one state due by :until (learn-ahead)
    new_count: Select[Any]  # new cards, counted up to :cap
    new_first: Select[Any]
    # What the queue needs before new cards, in one statement (each part a scalar subquery, so still one index
    # range each): per learning state, the first card due by :until and its due time (learning_pk, learning_due,
    # relearning_pk, relearning_due); new cards introduced and reviews answered in [:start, :end) (new_today,
    # reviews_today); the first due review (due_first). SQLAlchemy costs ~40 us per statement, the SQL of each
    # part a few, so one statement instead of four. (No count of due reviews: next_card never needs it, and
    # counting up to the review limit was 87 of the statement's 120 us at 100k cards.)
    next_step: Select[Any]
    # queue_counts' figures except new cards: new_today, reviews_today, due_count (reviews due, up to :cap),
    # learning_count (learning cards due by :until).
    counts_step: Select[Any]
    # Both at once, for a review screen that shows the counts above each card (queue_state): next_step's
    # columns, then due_count (up to :cap) and learning_count (due by :ahead), never excluding cards.
    state_step: Select[Any]


@lru_cache(maxsize=None)
def _queue_statements(deck: bool, exclude: bool) -> _QueueStatements:
    def available(*where: ColumnElement[bool], excluding: bool = exclude) -> list[ColumnElement[bool]]:
        conditions = [
            _P.learner_id == _LEARNER,
            _P.suspended == false(),
            or_(_P.buried_until.is_(None), _P.buried_until <= _NOW),
            _C.retired == false(),
            *where,
        ]
        if deck:
            conditions.append(_C.deck_id == bindparam("deck_id"))
        if excluding:
            conditions.append(_P.card_pk.not_in(bindparam("exclude", expanding=True)))
        return conditions

    def progress(*columns: Any) -> Select[Any]:
        return select(*columns).select_from(_PROGRESS_JOIN_CARD)

    cap = bindparam("cap", type_=Integer())
    learning = available(_P.state == bindparam("state", type_=Integer()), _P.due <= _at("until"))
    learning_states = available(_LEARNING_STATES, _P.due <= _at("until"))
    due = available(_P.state == int(State.REVIEW), _P.due < _at("end"))

    touched = select(_P.id).where(
        _P.learner_id == _LEARNER,
        _P.card_pk == _C.id,
        or_(_P.state != 0, _P.suspended == true(), and_(_P.buried_until.is_not(None), _P.buried_until > _NOW)),
    )
    new = [_C.retired == false(), ~exists(touched)]
    if deck:
        new.append(_C.deck_id == bindparam("deck_id"))
    if exclude:
        new.append(_C.id.not_in(bindparam("exclude", expanding=True)))

    def head(state: State, column: Any, label: str) -> Any:
        where = available(_P.state == int(state), _P.due <= _at("until"))
        return progress(column).where(*where).order_by(_P.due, _P.card_pk).limit(1).scalar_subquery().label(label)

    learning_count = progress(func.count()).where(*learning_states)
    due_count = select(func.count()).select_from(progress(_P.card_pk).where(*due).limit(cap).subquery())
    due_first = progress(_P.card_pk).where(*due).order_by(_P.due, _P.card_pk).limit(1)
    new_today, reviews_today = _DONE_TODAY.selected_columns
    next_columns = (
        head(State.LEARNING, _P.card_pk, "learning_pk"), head(State.LEARNING, _P.due, "learning_due"),
        head(State.RELEARNING, _P.card_pk, "relearning_pk"), head(State.RELEARNING, _P.due, "relearning_due"),
        new_today, reviews_today, due_first.scalar_subquery().label("due_first"),
    )
    all_due = available(_P.state == int(State.REVIEW), _P.due < _at("end"), excluding=False)
    learning_ahead = available(_LEARNING_STATES, _P.due <= _at("ahead"), excluding=False)
    return _QueueStatements(
        learning_head=progress(_P.card_pk, _P.due).where(*learning).order_by(_P.due, _P.card_pk).limit(1),
        next_step=select(*next_columns),
        counts_step=select(new_today, reviews_today, due_count.scalar_subquery().label("due_count"),
                           learning_count.scalar_subquery().label("learning_count")),
        state_step=select(
            *next_columns,
            select(func.count()).select_from(progress(_P.card_pk).where(*all_due).limit(cap).subquery())
            .scalar_subquery().label("due_count"),
            progress(func.count()).where(*learning_ahead).scalar_subquery().label("learning_count"),
        ),
        new_count=select(func.count()).select_from(select(_C.id).where(*new).limit(cap).subquery()),
        new_first=select(_C.id).where(*new).order_by(_C.deck_id, _C.position, _C.id).limit(1),
    )



# -- the queue ---------------------------------------------------------------------------------------------------


def _done_today(session: Session, learner_id: int, start: datetime, end: datetime) -> tuple[int, int]:
    """(new cards introduced, reviews answered) in ``[start, end)``."""
    row = session.execute(_DONE_TODAY, {"learner": learner_id, "start": start, "end": end}).one()
    return int(row.new_today), int(row.reviews_today)


def _params(learner_id: int, now: datetime, deck_id: str | None, exclude: Collection[int]) -> dict[str, Any]:
    params: dict[str, Any] = {"learner": learner_id, "now": now}
    if deck_id is not None:
        params["deck_id"] = deck_id
    if exclude:
        params["exclude"] = list(exclude)
    return params


def _scalar(session: Session, statement: Select[Any], params: dict[str, Any], **more: Any) -> Any:
    return session.execute(statement, {**params, **more}).scalar()


def _new_left(settings: SchedulerSettings, new_done: int, reviews_left: int, due: int, new_limit: int | None) -> int:
    """New cards still allowed today: the daily limit (or ``new_limit``) minus those introduced, and no more than
    the review limit leaves after the due reviews (as in Anki)."""
    daily_new = settings.new_per_day if new_limit is None else min(new_limit, settings.new_per_day)
    return min(max(0, daily_new - new_done), max(0, reviews_left - due))


def queue_counts(
    session: Session, learner_id: int, now: datetime, settings: SchedulerSettings, deck_id: str | None = None
) -> Counts:
    """Cards left for today: new (within the daily limits), learning (due within learn-ahead), and due reviews.

    Args:
        session: An open session.
        learner_id: Whose progress.
        now: The current time (aware UTC).
        settings: The learner's settings (see :func:`load_settings`).
        deck_id: Count only this deck's cards.
    """
    now = require_utc(now)
    statements = _queue_statements(deck_id is not None, False)
    params = _params(learner_id, now, deck_id, ())
    start, end = day_bounds(now, settings.timezone, settings.rollover_hour)
    ahead = now + timedelta(minutes=settings.learn_ahead_minutes)
    row = session.execute(statements.counts_step, {
        **params, "start": start, "end": end, "until": ahead, "cap": settings.reviews_per_day}).mappings().one()
    return _counts(session, statements, params, settings, row)


def _counts(session: Session, statements: _QueueStatements, params: dict[str, Any], settings: SchedulerSettings,
            row: RowMapping) -> Counts:
    """The counts from a row with what was done today (``new_today``, ``reviews_today``), reviews due
    (``due_count``, counted up to the review limit) and learning cards due within learn-ahead
    (``learning_count``); new cards are counted here, only when some are allowed."""
    # Due reviews are counted up to the daily review limit; min() with what is left of it gives the same number
    # as counting up to that remainder, without a second statement.
    reviews_left = max(0, settings.reviews_per_day - int(row["reviews_today"]))
    due = min(int(row["due_count"]), reviews_left)
    new_left = _new_left(settings, int(row["new_today"]), reviews_left, due, None)
    new = int(_scalar(session, statements.new_count, params, cap=new_left)) if new_left > 0 else 0
    return Counts(new=new, learning=int(row["learning_count"]), due=due)


def queue_counts_by_deck(
    session: Session, learner_id: int, now: datetime, settings: SchedulerSettings, deck_ids: Collection[str]
) -> tuple[dict[str, Counts], Counts]:
    """:func:`queue_counts` for each of ``deck_ids`` and for all decks together, with the same limits, in a few
    statements: due and learning cards are counted for every deck in one grouped pass each.

    Returns:
        ``(counts per deck, counts over all decks)``; each equals :func:`queue_counts` for that deck (or None).
    """
    now = require_utc(now)
    start, end = day_bounds(now, settings.timezone, settings.rollover_hour)
    ahead = now + timedelta(minutes=settings.learn_ahead_minutes)
    new_done, reviews_done = _done_today(session, learner_id, start, end)
    reviews_left = max(0, settings.reviews_per_day - reviews_done)
    new_allowed = max(0, settings.new_per_day - new_done)
    params: dict[str, Any] = {"learner": learner_id, "now": now}
    due_by_deck = {row.deck_id: int(row.cards) for row in session.execute(_DUE_BY_DECK, {**params, "end": end})}
    learning_by_deck = {row.deck_id: int(row.cards)
                        for row in session.execute(_LEARNING_BY_DECK, {**params, "until": ahead})}

    def counts(deck_id: str | None, due_all: int, learning: int) -> Counts:
        due = min(due_all, reviews_left)
        new_left = min(new_allowed, max(0, reviews_left - due))
        new = 0
        if new_left > 0:
            statements = _queue_statements(deck_id is not None, False)
            new = int(_scalar(session, statements.new_count, _params(learner_id, now, deck_id, ()), cap=new_left))
        return Counts(new=new, learning=learning, due=due)

    per_deck = {deck: counts(deck, due_by_deck.get(deck, 0), learning_by_deck.get(deck, 0)) for deck in deck_ids}
    total = counts(None, sum(due_by_deck.values()), sum(learning_by_deck.values()))
    return per_deck, total


def next_card(
    session: Session,
    learner_id: int,
    now: datetime,
    settings: SchedulerSettings,
    deck_id: str | None = None,
    new_limit: int | None = None,
    exclude: Collection[int] = (),
) -> int | None:
    """The pk of the card to show next, or None when nothing is left for now.

    Order: learning cards due now; reviews due today (within the review limit); new cards in deck order
    (within the new-card limit, also capped by the review limit); then learning cards due within the
    learn-ahead limit. Suspended, buried and retired cards are skipped.

    Args:
        session: An open session.
        learner_id: Whose queue.
        now: The current time (aware UTC).
        settings: The learner's settings.
        deck_id: Only this deck's cards.
        new_limit: At most this many new cards today (never more than the daily limit).
        exclude: Card pks not to return (e.g. already shown in this session).
    """
    now = require_utc(now)
    statements = _queue_statements(deck_id is not None, bool(exclude))
    params = _params(learner_id, now, deck_id, exclude)
    start, end = day_bounds(now, settings.timezone, settings.rollover_hour)
    row = session.execute(statements.next_step, {**params, "until": now, "start": start, "end": end,
                                                 "cap": settings.reviews_per_day}).mappings().one()
    return _next(session, statements, params, settings, now, row, new_limit)


def queue_state(
    session: Session,
    learner_id: int,
    now: datetime,
    settings: SchedulerSettings,
    deck_id: str | None = None,
    new_limit: int | None = None,
) -> QueueState:
    """:func:`queue_counts` and :func:`next_card` together, as a review screen shows them above each card: one
    statement where the two take two (a third only while new cards are allowed today)."""
    now = require_utc(now)
    statements = _queue_statements(deck_id is not None, False)
    params = _params(learner_id, now, deck_id, ())
    start, end = day_bounds(now, settings.timezone, settings.rollover_hour)
    ahead = now + timedelta(minutes=settings.learn_ahead_minutes)
    row = session.execute(statements.state_step, {**params, "until": now, "ahead": ahead, "start": start,
                                                  "end": end, "cap": settings.reviews_per_day}).mappings().one()
    counts = _counts(session, statements, params, settings, row)
    return QueueState(counts, _next(session, statements, params, settings, now, row, new_limit))


def _next(session: Session, statements: _QueueStatements, params: dict[str, Any], settings: SchedulerSettings,
          now: datetime, row: RowMapping, new_limit: int | None) -> int | None:
    """The next card from a row with :attr:`_QueueStatements.next_step`'s columns, with the statements the rest
    of the order needs (new cards, then learn-ahead) run only when it gets there."""
    # One ordered lookup per learning state: each is a short range of ix_progress_learner_state_due, where
    # "state IN (1, 3) ORDER BY due" made SQLite walk every overdue review card in due order instead.
    heads = [(row[f"{state}_due"], int(row[f"{state}_pk"])) for state in ("learning", "relearning")
             if row[f"{state}_pk"] is not None]
    if heads:
        return min(heads)[1]
    new_done, reviews_done, due_first = int(row["new_today"]), int(row["reviews_today"]), row["due_first"]
    reviews_left = max(0, settings.reviews_per_day - reviews_done)
    if reviews_left > 0 and due_first is not None:
        return int(due_first)
    # Here no due review is left to show (none is due, or the review limit is used up, when no new card is
    # allowed either): they take nothing from the new cards' share of the review limit.
    new_left = _new_left(settings, new_done, reviews_left, 0, new_limit)
    if new_left > 0:
        found = _scalar(session, statements.new_first, params)
        if found is not None:
            return int(found)
    ahead = now + timedelta(minutes=settings.learn_ahead_minutes)
    heads = []
    for state in (State.LEARNING, State.RELEARNING):
        head = session.execute(statements.learning_head, {**params, "state": int(state), "until": ahead}).first()
        if head is not None:
            heads.append((head.due, int(head.card_pk)))
    return min(heads)[1] if heads else None
