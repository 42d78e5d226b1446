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

**Under an interview plan** (a :class:`srs.store.day_plan.PlanHead`, passed in by the caller, who made or read
it once for the learner-day) a card's due time is its planned one (``planned_card.due``) while it has not been
answered since the plan was made, else its own: COALESCE(planned, own), written as two parts so that each still
walks an index: the *plain* part (progress rows without a planned row in force, by
``ix_progress_learner_state_due``) and the *planned* part (planned rows in force, by
``ix_planned_card_learner_due``). Today's reviews come in the plan's order (most at risk first), then the other
due reviews oldest first. New cards are the plan's introductions, in its order, beyond ``new_per_day`` when the
plan says so; new cards of decks no interview covers follow within what ``new_per_day`` leaves. Without a plan
the statements are the plain ones, unchanged.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Integer, and_, bindparam, exists, false, func, literal_column, or_, select, true
from sqlalchemy.engine import RowMapping
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from srs.review import Counts
from srs.scheduling import SchedulerSettings, State, day_bounds, require_utc
from srs.store.models import Card, PlannedCard, Progress, Review, table_of
from srs.store.types import UTCDateTime

if TYPE_CHECKING:
    from srs.store.day_plan import PlanHead


class QueueState(NamedTuple):
    """What a review screen shows: the counts left today, and the card to show next (None: nothing for now)."""

    counts: Counts
    next_card: int | None


# -- tables and prebuilt statements -------------------------------------------------------------------------------

_PROGRESS = table_of(Progress)
_CARD = table_of(Card)
_REVIEW = table_of(Review)
_PLANNED = table_of(PlannedCard)
_P, _C, _R, _O = _PROGRESS.c, _CARD.c, _REVIEW.c, _PLANNED.c


def _at(name: str) -> Any:
    """A bound time parameter (aware UTC in, naive UTC on SQLite, as the columns store it)."""
    return bindparam(name, type_=UTCDateTime())


_LEARNER = bindparam("learner", type_=Integer())
_NOW = _at("now")
# Learning and relearning, written into the SQL (not an expanding parameter): the same SQL text every time.
_LEARNING_STATES = _P.state.in_([literal_column(str(int(s))) for s in (State.LEARNING, State.RELEARNING)])
_PROGRESS_JOIN_CARD = _PROGRESS.join(_CARD, _C.id == _P.card_pk)
# The plan: a planned row is in force while its card has not been answered since the plan was made.
_IN_FORCE = or_(_P.last_review.is_(None), _P.last_review < _O.made_at)
_PLANNED_JOIN = _PLANNED.join(_PROGRESS, and_(_P.learner_id == _O.learner_id, _P.card_pk == _O.card_pk)) \
    .join(_CARD, _C.id == _O.card_pk)
# A progress row the plan steers (the plain part leaves it to the planned part): one primary-key seek per row.
_STEERED = exists(select(_O.card_pk).where(_O.learner_id == _LEARNER, _O.card_pk == _P.card_pk, _IN_FORCE))
_LAST_RANK = 1 << 30

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


def _available(*where: ColumnElement[bool]) -> list[ColumnElement[bool]]:
    """A learner's progress row that can be shown: not suspended, not buried, card not retired."""
    return [_P.learner_id == _LEARNER, _P.suspended == false(), or_(_P.buried_until.is_(None), _P.buried_until <= _NOW),
            _C.retired == false(), *where]


def _grouped_by_deck(*where: ColumnElement[bool], planned: bool = False) -> Select[Any]:
    """Cards per deck: of the plain part (progress rows), or with ``planned`` of the planned part."""
    if planned:
        return (select(_C.deck_id, func.count().label("cards")).select_from(_PLANNED_JOIN)
                .where(*_available(_O.learner_id == _LEARNER, _IN_FORCE, *where)).group_by(_C.deck_id))
    return (select(_C.deck_id, func.count().label("cards")).select_from(_PROGRESS_JOIN_CARD)
            .where(*_available(*where)).group_by(_C.deck_id))


# Due reviews and learning cards of every deck at once: one pass over each range of ix_progress_learner_state_due.
# (Counting one deck at a time cost a walk over every due review of the learner for each deck without due cards.)
_DUE_BY_DECK = _grouped_by_deck(_P.state == int(State.REVIEW), _P.due < _at("end"))
_LEARNING_BY_DECK = _grouped_by_deck(_LEARNING_STATES, _P.due <= _at("until"))


class _ByDeck(NamedTuple):
    """Under a plan: the grouped counts of the plain part, of the planned part, and the pending introductions."""

    due: tuple[Select[Any], Select[Any]]
    learning: tuple[Select[Any], Select[Any]]
    introduce: Select[Any]


def _touched() -> Any:
    """The learner has a progress row on the card (``_C``) that makes it no longer new: answered, suspended or
    buried."""
    return exists(select(_P.id).where(
        _P.learner_id == _LEARNER,
        _P.card_pk == _C.id,
        or_(_P.state != 0, _P.suspended == true(), and_(_P.buried_until.is_not(None), _P.buried_until > _NOW)),
    ))


_PLANNED_BY_DECK = _ByDeck(
    due=(_grouped_by_deck(_P.state == int(State.REVIEW), _P.due < _at("end"), ~_STEERED),
         _grouped_by_deck(_P.state == int(State.REVIEW), _O.due < _at("end"), planned=True)),
    learning=(_grouped_by_deck(_LEARNING_STATES, _P.due <= _at("until"), ~_STEERED),
              _grouped_by_deck(_LEARNING_STATES, _O.due <= _at("until"), planned=True)),
    introduce=(select(_C.deck_id, func.count().label("cards")).select_from(_PLANNED.join(_CARD, _C.id == _O.card_pk))
               .where(_O.learner_id == _LEARNER, _O.introduce_rank.is_not(None), _C.retired == false(), ~_touched())
               .group_by(_C.deck_id)),
)


class _QueueStatements(NamedTuple):
    """The queue's statements for one variant (a deck filter or not, excluded cards or not, a plan or not)."""

    # card_pk, due: the first learning card of one state due by :until (learn-ahead); under a plan, one statement
    # per part (plain, planned).
    learning_heads: tuple[Select[Any], ...]
    new_count: Select[Any] | None  # new cards, counted up to :cap (None: under a plan covering every deck)
    new_first: Select[Any] | None
    # Under a plan: the first of the plan's introductions still to make, in the plan's order.
    introduce_first: Select[Any] | None
    # What the queue needs before new cards, in one statement (each part a scalar subquery, so still one index
    # range each): per learning state, the first card due by :until and its due time (learning_pk, learning_due,
    # relearning_pk, relearning_due, and under a plan plan_learning_pk ... for the planned part); new cards
    # introduced and reviews answered in [:start, :end) (new_today, reviews_today); the first due review
    # (due_first; under a plan plan_due_first first, in the plan's order). SQLAlchemy costs ~40 us per
    # statement, the SQL of each part a few, so one statement instead of four. (No count of due reviews:
    # next_card never needs it, and counting up to the review limit was 87 of the statement's 120 us at 100k
    # cards.)
    next_step: Select[Any]
    # queue_counts' figures except new cards: new_today, reviews_today, due_count (reviews due, up to :cap per
    # part), learning_count (learning cards due by :until), and under a plan introduce_count (its introductions
    # still to make).
    counts_step: Select[Any]
    # Both at once, for a review screen that shows the counts above each card (queue_state): next_step's
    # columns, then due_count (up to :cap per part) and learning_count (due by :ahead), never excluding cards.
    state_step: Select[Any]
    heads: tuple[str, ...]  # the labels of next_step's learning heads
    due_firsts: tuple[str, ...]  # the labels of next_step's first due review, in the order to take them


@lru_cache(maxsize=None)
def _queue_statements(deck: bool, exclude: bool, planned: bool = False, uncovered: bool = True) -> _QueueStatements:
    """The statements of one variant; ``planned``: under a plan, ``uncovered``: some decks are not the plan's."""

    def available(*where: ColumnElement[bool], excluding: bool = exclude) -> list[ColumnElement[bool]]:
        conditions = _available(*where)
        if deck:
            conditions.append(_C.deck_id == bindparam("deck_id"))
        if excluding:
            conditions.append(_P.card_pk.not_in(bindparam("exclude", expanding=True)))
        return conditions

    def plain(*where: ColumnElement[bool], excluding: bool = exclude) -> list[ColumnElement[bool]]:
        return available(*where, *([~_STEERED] if planned else []), excluding=excluding)

    def steered(*where: ColumnElement[bool], excluding: bool = exclude) -> list[ColumnElement[bool]]:
        return available(_O.learner_id == _LEARNER, _IN_FORCE, *where, excluding=excluding)

    def progress(*columns: Any) -> Select[Any]:
        return select(*columns).select_from(_PROGRESS_JOIN_CARD)

    def planned_rows(*columns: Any) -> Select[Any]:
        return select(*columns).select_from(_PLANNED_JOIN)

    cap = bindparam("cap", type_=Integer())
    state_is = _P.state == bindparam("state", type_=Integer())
    review = _P.state == int(State.REVIEW)

    def head(state: State, column: Any, label: str) -> Any:
        """The plain part's first card of ``state`` due by :until (pk or due time)."""
        where = plain(_P.state == int(state), _P.due <= _at("until"))
        return progress(column).where(*where).order_by(_P.due, _P.card_pk).limit(1).scalar_subquery().label(label)

    def planned_head(state: State, column: Any, label: str) -> Any:
        """The planned part's first card of ``state`` due by :until (by its planned due time)."""
        where = steered(_P.state == int(state), _O.due <= _at("until"))
        return planned_rows(column).where(*where).order_by(_O.due, _O.card_pk).limit(1).scalar_subquery() \
            .label(label)

    heads = ("learning", "relearning", *(("plan_learning", "plan_relearning") if planned else ()))
    head_columns = [head(State.LEARNING, _P.card_pk, "learning_pk"), head(State.LEARNING, _P.due, "learning_due"),
                    head(State.RELEARNING, _P.card_pk, "relearning_pk"),
                    head(State.RELEARNING, _P.due, "relearning_due")]
    if planned:
        head_columns += [planned_head(State.LEARNING, _O.card_pk, "plan_learning_pk"),
                         planned_head(State.LEARNING, _O.due, "plan_learning_due"),
                         planned_head(State.RELEARNING, _O.card_pk, "plan_relearning_pk"),
                         planned_head(State.RELEARNING, _O.due, "plan_relearning_due")]

    def due_count(excluding: bool) -> Any:
        """Reviews due today, up to :cap (under a plan, up to :cap in each part)."""
        total = select(func.count()).select_from(
            progress(_P.card_pk).where(*plain(review, _P.due < _at("end"), excluding=excluding)).limit(cap)
            .subquery()).scalar_subquery()
        if planned:
            total = total + select(func.count()).select_from(
                planned_rows(_O.card_pk).where(*steered(review, _O.due < _at("end"), excluding=excluding))
                .limit(cap).subquery()).scalar_subquery()
        return total

    def learning_count(until: str, excluding: bool) -> Any:
        """Learning and relearning cards due by ``:until``."""
        total = progress(func.count()).where(*plain(_LEARNING_STATES, _P.due <= _at(until), excluding=excluding)) \
            .scalar_subquery()
        if planned:
            total = total + planned_rows(func.count()).where(
                *steered(_LEARNING_STATES, _O.due <= _at(until), excluding=excluding)).scalar_subquery()
        return total

    new = [_C.retired == false(), ~_touched()]
    if deck:
        new.append(_C.deck_id == bindparam("deck_id"))
    if exclude:
        new.append(_C.id.not_in(bindparam("exclude", expanding=True)))
    introduce = [_O.learner_id == _LEARNER, _O.introduce_rank.is_not(None), *new]
    if planned:
        new.append(_C.deck_id.not_in(bindparam("covered", expanding=True)))

    due_first = progress(_P.card_pk).where(*plain(review, _P.due < _at("end"))).order_by(_P.due, _P.card_pk).limit(1)
    due_columns = [due_first.scalar_subquery().label("due_first")]
    if planned:
        in_order = planned_rows(_O.card_pk).where(*steered(review, _O.due < _at("end"))) \
            .order_by(func.coalesce(_O.review_rank, _LAST_RANK), _O.due, _O.card_pk).limit(1)
        due_columns.insert(0, in_order.scalar_subquery().label("plan_due_first"))
    new_today, reviews_today = _DONE_TODAY.selected_columns
    next_columns = (*head_columns, new_today, reviews_today, *due_columns)
    learning_heads = [progress(_P.card_pk, _P.due).where(*plain(state_is, _P.due <= _at("until")))
                      .order_by(_P.due, _P.card_pk).limit(1)]
    if planned:
        learning_heads.append(planned_rows(_O.card_pk.label("card_pk"), _O.due.label("due"))
                              .where(*steered(state_is, _O.due <= _at("until"))).order_by(_O.due, _O.card_pk).limit(1))
    with_new = not planned or uncovered
    planned_new = select(_C.id).select_from(_PLANNED.join(_CARD, _C.id == _O.card_pk)).where(*introduce)
    introducing = [select(func.count()).select_from(planned_new.subquery()).scalar_subquery()
                   .label("introduce_count")] if planned else []
    return _QueueStatements(
        learning_heads=tuple(learning_heads),
        new_count=select(func.count()).select_from(select(_C.id).where(*new).limit(cap).subquery())
        if with_new else None,
        new_first=select(_C.id).where(*new).order_by(_C.deck_id, _C.position, _C.id).limit(1) if with_new else None,
        introduce_first=planned_new.order_by(_O.introduce_rank, _C.id).limit(1) if planned else None,
        next_step=select(*next_columns),
        counts_step=select(new_today, reviews_today, due_count(exclude).label("due_count"),
                           learning_count("until", exclude).label("learning_count"), *introducing),
        state_step=select(*next_columns, due_count(False).label("due_count"),
                          learning_count("ahead", False).label("learning_count"), *introducing),
        heads=heads,
        due_firsts=tuple(column.name for column in due_columns),
    )


# -- the queue ---------------------------------------------------------------------------------------------------


def _done_today(session: Session, learner_id: int, start: datetime, end: datetime) -> tuple[int, int]:
    """(new cards introduced, reviews answered) in ``[start, end)``."""
    row = session.execute(_DONE_TODAY, {"learner": learner_id, "start": start, "end": end}).one()
    return int(row.new_today), int(row.reviews_today)


def _variant(learner_id: int, now: datetime, deck_id: str | None, exclude: Collection[int],
             plan: PlanHead | None) -> tuple[_QueueStatements, dict[str, Any]]:
    """The statements for a lookup, and their parameters so far."""
    params: dict[str, Any] = {"learner": learner_id, "now": now}
    if deck_id is not None:
        params["deck_id"] = deck_id
    if exclude:
        params["exclude"] = list(exclude)
    if plan is None:
        return _queue_statements(deck_id is not None, bool(exclude)), params
    if plan.decks is not None:
        params["covered"] = list(plan.decks)
    return _queue_statements(deck_id is not None, bool(exclude), True, plan.decks is not None), params


def _scalar(session: Session, statement: Select[Any], params: dict[str, Any], **more: Any) -> Any:
    return session.execute(statement, {**params, **more}).scalar()


def _new_left(settings: SchedulerSettings, new_done: int, reviews_left: int, due: int, new_limit: int | None) -> int:
    """New cards still allowed today: the daily limit (or ``new_limit``) minus those introduced, and no more than
    the review limit leaves after the due reviews (as in Anki)."""
    daily_new = settings.new_per_day if new_limit is None else min(new_limit, settings.new_per_day)
    return min(max(0, daily_new - new_done), max(0, reviews_left - due))


def queue_counts(
    session: Session, learner_id: int, now: datetime, settings: SchedulerSettings, deck_id: str | None = None,
    plan: PlanHead | None = None,
) -> Counts:
    """Cards left for today: new (within the daily limits), learning (due within learn-ahead), and due reviews.

    Args:
        session: An open session.
        learner_id: Whose progress.
        now: The current time (aware UTC).
        settings: The learner's settings (see :func:`load_settings`).
        deck_id: Count only this deck's cards.
        plan: Today's interview plan (:func:`srs.store.day_plan.ensure_plan`), if any.
    """
    now = require_utc(now)
    statements, params = _variant(learner_id, now, deck_id, (), plan)
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
    introduce = int(row["introduce_count"]) if statements.introduce_first is not None else 0
    new_left = _new_left(settings, int(row["new_today"]) + introduce, reviews_left, due, None)
    new = introduce
    if new_left > 0 and statements.new_count is not None:
        new += int(_scalar(session, statements.new_count, params, cap=new_left))
    return Counts(new=new, learning=int(row["learning_count"]), due=due)


def _grouped(session: Session, statements: tuple[Select[Any], ...], params: dict[str, Any]) -> dict[str, int]:
    """Cards per deck, added up over the statements (the parts of the queue)."""
    found: dict[str, int] = {}
    for statement in statements:
        for row in session.execute(statement, params):
            found[row.deck_id] = found.get(row.deck_id, 0) + int(row.cards)
    return found


def queue_counts_by_deck(
    session: Session, learner_id: int, now: datetime, settings: SchedulerSettings, deck_ids: Collection[str],
    plan: PlanHead | None = None,
) -> tuple[dict[str, Counts], Counts]:
    """:func:`queue_counts` for each of ``deck_ids`` and for all decks together, with the same limits, in a few
    statements: due and learning cards are counted for every deck in one grouped pass each (per part, under a
    plan).

    Returns:
        ``(counts per deck, counts over all decks)``; each equals :func:`queue_counts` for that deck (or None).
    """
    now = require_utc(now)
    start, end = day_bounds(now, settings.timezone, settings.rollover_hour)
    ahead = now + timedelta(minutes=settings.learn_ahead_minutes)
    new_done, reviews_done = _done_today(session, learner_id, start, end)
    reviews_left = max(0, settings.reviews_per_day - reviews_done)
    params: dict[str, Any] = {"learner": learner_id, "now": now}
    due_parts, learning_parts = (_DUE_BY_DECK,), (_LEARNING_BY_DECK,)
    introduce: dict[str, int] = {}
    if plan is not None:
        due_parts, learning_parts = _PLANNED_BY_DECK.due, _PLANNED_BY_DECK.learning
        introduce = _grouped(session, (_PLANNED_BY_DECK.introduce,), params)
    due_by_deck = _grouped(session, due_parts, {**params, "end": end})
    learning_by_deck = _grouped(session, learning_parts, {**params, "until": ahead})

    def counts(deck_id: str | None, due_all: int, learning: int, introducing: int) -> Counts:
        due = min(due_all, reviews_left)
        new_left = _new_left(settings, new_done + introducing, reviews_left, due, None)
        new = introducing
        if new_left > 0:
            statements, deck_params = _variant(learner_id, now, deck_id, (), plan)
            if statements.new_count is not None:
                new += int(_scalar(session, statements.new_count, deck_params, cap=new_left))
        return Counts(new=new, learning=learning, due=due)

    per_deck = {deck: counts(deck, due_by_deck.get(deck, 0), learning_by_deck.get(deck, 0), introduce.get(deck, 0))
                for deck in deck_ids}
    total = counts(None, sum(due_by_deck.values()), sum(learning_by_deck.values()), sum(introduce.values()))
    return per_deck, total


def next_card(
    session: Session,
    learner_id: int,
    now: datetime,
    settings: SchedulerSettings,
    deck_id: str | None = None,
    new_limit: int | None = None,
    exclude: Collection[int] = (),
    plan: PlanHead | None = None,
) -> int | None:
    """The pk of the card to show next, or None when nothing is left for now.

    Order: learning cards due now; reviews due today (within the review limit; under a plan, today's planned
    reviews first, in the plan's order); new cards in deck order (within the new-card limit, also capped by the
    review limit; under a plan, its introductions first); then learning cards due within the learn-ahead limit.
    Suspended, buried and retired cards are skipped.

    Args:
        session: An open session.
        learner_id: Whose queue.
        now: The current time (aware UTC).
        settings: The learner's settings.
        deck_id: Only this deck's cards.
        new_limit: At most this many new cards today (never more than the daily limit); 0 also stops the plan's
            introductions.
        exclude: Card pks not to return (e.g. already shown in this session).
        plan: Today's interview plan (:func:`srs.store.day_plan.ensure_plan`), if any.
    """
    now = require_utc(now)
    statements, params = _variant(learner_id, now, deck_id, exclude, plan)
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
    plan: PlanHead | None = None,
) -> QueueState:
    """:func:`queue_counts` and :func:`next_card` together, as a review screen shows them above each card: one
    statement where the two take two (a third only while new cards are allowed today)."""
    now = require_utc(now)
    statements, params = _variant(learner_id, now, deck_id, (), plan)
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
    heads = [(row[f"{name}_due"], int(row[f"{name}_pk"])) for name in statements.heads
             if row[f"{name}_pk"] is not None]
    if heads:
        return min(heads)[1]
    new_done, reviews_done = int(row["new_today"]), int(row["reviews_today"])
    reviews_left = max(0, settings.reviews_per_day - reviews_done)
    due_first = next((row[name] for name in statements.due_firsts if row[name] is not None), None)
    if reviews_left > 0 and due_first is not None:
        return int(due_first)
    if statements.introduce_first is not None and (new_limit is None or new_limit > 0):
        found = _scalar(session, statements.introduce_first, params)
        if found is not None:
            return int(found)
    # Here no due review is left to show (none is due, or the review limit is used up, when no new card is
    # allowed either): they take nothing from the new cards' share of the review limit.
    new_left = _new_left(settings, new_done, reviews_left, 0, new_limit)
    if new_left > 0 and statements.new_first is not None:
        found = _scalar(session, statements.new_first, params)
        if found is not None:
            return int(found)
    ahead = now + timedelta(minutes=settings.learn_ahead_minutes)
    heads = []
    for state in (State.LEARNING, State.RELEARNING):
        for statement in statements.learning_heads:
            head = session.execute(statement, {**params, "state": int(state), "until": ahead}).first()
            if head is not None:
                heads.append((head.due, int(head.card_pk)))
    return min(heads)[1] if heads else None
