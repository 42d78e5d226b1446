"""The study queue's statements: Core statements on the models' tables, built once, at import (or once per
variant: a deck filter, excluded cards, an interview plan), with every value a bound parameter, so SQLAlchemy
reuses their compiled form instead of building each statement and its cache key again. Each column is labelled
and read by its label. :mod:`srs.store.queue` runs them; how they use the indexes is said beside each one.

Under an interview plan a card's due time is COALESCE(planned, own), the planned one holding while the card has
not been answered since the plan was made. Each statement then has two parts, so that each still walks an
index: the *plain* part, progress rows the plan does not steer (``ix_progress_learner_state_due``, and one
primary-key seek in ``planned_card`` per row), and the *planned* part, planned rows in force
(``ix_planned_card_learner_due``, then the progress row by ``uq_progress_learner_card``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Integer, and_, bindparam, exists, false, func, literal_column, or_, select, true
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from srs.scheduling import State
from srs.store.models import Card, PlannedCard, Progress, Review, table_of
from srs.store.types import UTCDateTime

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
# (and the card is still in the state it was planned in: an undo or an import that changes it ends the row too).
_IN_FORCE = and_(or_(_P.last_review.is_(None), _P.last_review < _O.made_at), _P.state == _O.state)
_PLANNED_JOIN = _PLANNED.join(_PROGRESS, and_(_P.learner_id == _O.learner_id, _P.card_pk == _O.card_pk)) \
    .join(_CARD, _C.id == _O.card_pk)
# A progress row the plan steers (the plain part leaves it to the planned part): one primary-key seek per row.
# Only a planned due time steers a card: a card ranked among today's reviews keeps its own due time.
_STEERED = exists(select(_O.card_pk).where(_O.learner_id == _LEARNER, _O.card_pk == _P.card_pk,
                                           _O.due.is_not(None), _IN_FORCE))
# The planned part filters on the state the card was planned in (equal to its own while the row is in force),
# which leads ix_planned_card_learner_state_due.
_PLANNED_REVIEW = _O.state == int(State.REVIEW)
_PLANNED_LEARNING = _O.state.in_([literal_column(str(int(s))) for s in (State.LEARNING, State.RELEARNING)])

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
DONE_TODAY = select(
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
DUE_BY_DECK = _grouped_by_deck(_P.state == int(State.REVIEW), _P.due < _at("end"))
LEARNING_BY_DECK = _grouped_by_deck(_LEARNING_STATES, _P.due <= _at("until"))


class ByDeck(NamedTuple):
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


PLANNED_BY_DECK = ByDeck(
    due=(_grouped_by_deck(_P.state == int(State.REVIEW), _P.due < _at("end"), ~_STEERED),
         _grouped_by_deck(_PLANNED_REVIEW, _O.due < _at("end"), planned=True)),
    learning=(_grouped_by_deck(_LEARNING_STATES, _P.due <= _at("until"), ~_STEERED),
              _grouped_by_deck(_PLANNED_LEARNING, _O.due <= _at("until"), planned=True)),
    introduce=(select(_C.deck_id, func.count().label("cards")).select_from(_PLANNED.join(_CARD, _C.id == _O.card_pk))
               .where(_O.learner_id == _LEARNER, _O.introduce_rank.is_not(None), _C.retired == false(), ~_touched())
               .group_by(_C.deck_id)),
)


class PlannedNextDue(NamedTuple):
    """Under a plan, the earliest due time of the studied cards that can be shown (not suspended, buried or
    retired), in two parts: ``plain``, the cards' own due times where no planned due time is in force, and
    ``planned``, the planned ones in force (one column per state the card was planned in, ``review``,
    ``learning``, ``relearning``: each the head of its range of ``ix_planned_card_learner_state_due``, where a
    min() over every planned row took 15 ms at 10,000 cards). Parameters: ``learner``, ``now`` (and
    ``deck_id``)."""

    plain: Select[Any]
    planned: Select[Any]


@lru_cache(maxsize=None)
def planned_next_due(deck: bool) -> PlannedNextDue:
    """The :class:`PlannedNextDue` statements, for one deck (``deck``) or every deck."""
    studied = [_P.state != 0, *([_C.deck_id == bindparam("deck_id")] if deck else [])]

    def head(state: State) -> Any:
        where = _available(_O.learner_id == _LEARNER, _O.state == int(state), _O.due.is_not(None), _IN_FORCE,
                           *studied)
        return select(_O.due).select_from(_PLANNED_JOIN).where(*where).order_by(_O.due).limit(1) \
            .scalar_subquery().label(state.name.lower())

    return PlannedNextDue(
        plain=select(func.min(_P.due)).select_from(_PROGRESS_JOIN_CARD).where(*_available(*studied), ~_STEERED),
        planned=select(*(head(state) for state in (State.REVIEW, State.LEARNING, State.RELEARNING))),
    )


class QueueStatements(NamedTuple):
    """The queue's statements for one variant (a deck filter or not, excluded cards or not, a plan or not)."""

    # card_pk, due: the first learning card of one state due by :until (learn-ahead); under a plan, one statement
    # per part (plain, planned).
    learning_heads: tuple[Select[Any], ...]
    # new cards, counted up to :cap (under a plan, only those of the decks no interview is about; None when there
    # are none)
    new_count: Select[Any] | None
    new_first: Select[Any] | None
    # Under a plan: the first of the plan's introductions still to make, in the plan's order.
    introduce_first: Select[Any] | None
    # What the queue needs before new cards, in one statement (each part a scalar subquery, so still one index
    # range each): per learning state, the first card due by :until and its due time (learning_pk, learning_due,
    # relearning_pk, relearning_due, and under a plan plan_learning_pk ... for the planned part); new cards
    # introduced and reviews answered in [:start, :end) (new_today, reviews_today); the first due review
    # (due_first; under a plan rank_first, the next of today's reviews in the plan's order, then plan_due_first,
    # the first other planned one, before it). SQLAlchemy costs ~40 us per
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
def queue_statements(deck: bool, exclude: bool, planned: bool = False, uncovered: bool = True) -> QueueStatements:
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
    planned_state_is = _O.state == bindparam("state", type_=Integer())
    review = _P.state == int(State.REVIEW)

    def head(state: State, column: Any, label: str) -> Any:
        """The plain part's first card of ``state`` due by :until (pk or due time)."""
        where = plain(_P.state == int(state), _P.due <= _at("until"))
        return progress(column).where(*where).order_by(_P.due, _P.card_pk).limit(1).scalar_subquery().label(label)

    def planned_head(state: State, column: Any, label: str) -> Any:
        """The planned part's first card of ``state`` due by :until (by its planned due time)."""
        where = steered(_O.state == int(state), _O.due <= _at("until"))
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
        total: Any = select(func.count()).select_from(
            progress(_P.card_pk).where(*plain(review, _P.due < _at("end"), excluding=excluding)).limit(cap)
            .subquery()).scalar_subquery()
        if planned:
            total = total + select(func.count()).select_from(
                planned_rows(_O.card_pk).where(*steered(_PLANNED_REVIEW, _O.due < _at("end"), excluding=excluding))
                .limit(cap).subquery()).scalar_subquery()
        return total

    def learning_count(until: str, excluding: bool) -> Any:
        """Learning and relearning cards due by ``:until``."""
        total: Any = progress(func.count()).where(
            *plain(_LEARNING_STATES, _P.due <= _at(until), excluding=excluding)).scalar_subquery()
        if planned:
            total = total + planned_rows(func.count()).where(
                *steered(_PLANNED_LEARNING, _O.due <= _at(until), excluding=excluding)).scalar_subquery()
        return total

    new = [_C.retired == false(), ~_touched()]
    if deck:
        new.append(_C.deck_id == bindparam("deck_id"))
    if exclude:
        new.append(_C.id.not_in(bindparam("exclude", expanding=True)))
    introduce = [_O.learner_id == _LEARNER, _O.introduce_rank.is_not(None), *new]
    if planned:
        new.append(_C.deck_id.in_(bindparam("others", expanding=True)))

    due_first = progress(_P.card_pk).where(*plain(review, _P.due < _at("end"))).order_by(_P.due, _P.card_pk).limit(1)
    due_columns = [due_first.scalar_subquery().label("due_first")]
    if planned:
        # Today's reviews in the plan's order: a walk of ix_planned_card_learner_review_rank that passes over the
        # cards answered since the plan was made.
        in_order = planned_rows(_O.card_pk).where(*available(
            _O.learner_id == _LEARNER, _O.review_rank.is_not(None), _IN_FORCE, _PLANNED_REVIEW,
            func.coalesce(_O.due, _P.due) < _at("end"))).order_by(_O.review_rank).limit(1)
        # Then any other card the plan brought to today (none when the plan ranked them all, as it does).
        planned_first = planned_rows(_O.card_pk).where(*steered(_PLANNED_REVIEW, _O.due < _at("end"))) \
            .order_by(_O.due, _O.card_pk).limit(1)
        due_columns[:0] = [in_order.scalar_subquery().label("rank_first"),
                           planned_first.scalar_subquery().label("plan_due_first")]
    new_today, reviews_today = DONE_TODAY.selected_columns
    next_columns = (*head_columns, new_today, reviews_today, *due_columns)
    learning_heads = [progress(_P.card_pk, _P.due).where(*plain(state_is, _P.due <= _at("until")))
                      .order_by(_P.due, _P.card_pk).limit(1)]
    if planned:
        learning_heads.append(planned_rows(_O.card_pk.label("card_pk"), _O.due.label("due"))
                              .where(*steered(planned_state_is, _O.due <= _at("until")))
                              .order_by(_O.due, _O.card_pk).limit(1))
    with_new = not planned or uncovered
    planned_new = select(_C.id).select_from(_PLANNED.join(_CARD, _C.id == _O.card_pk)).where(*introduce)
    introducing = [select(func.count()).select_from(planned_new.subquery()).scalar_subquery()
                   .label("introduce_count")] if planned else []
    return QueueStatements(
        learning_heads=tuple(learning_heads),
        new_count=select(func.count()).select_from(select(_C.id).where(*new).limit(cap).subquery())
        if with_new else None,
        new_first=select(_C.id).where(*new).order_by(_C.deck_id, _C.position, _C.id).limit(1) if with_new else None,
        introduce_first=planned_new.order_by(_O.introduce_rank).limit(1) if planned else None,
        next_step=select(*next_columns),
        counts_step=select(new_today, reviews_today, due_count(exclude).label("due_count"),
                           learning_count("until", exclude).label("learning_count"), *introducing),
        state_step=select(*next_columns, due_count(False).label("due_count"),
                          learning_count("ahead", False).label("learning_count"), *introducing),
        heads=heads,
        due_firsts=tuple(column.name for column in due_columns),
    )
