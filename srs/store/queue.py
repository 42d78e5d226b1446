"""The study queue: what is left today and which card comes next, on a learner's progress rows.

Functions take an open ``Session`` from the caller and only read. Everything is selected in
SQL with the indexes in :mod:`srs.store.models` (``ix_progress_learner_state_due``, ``ix_review_learner_time``,
``ix_card_deck_position``), so the cost depends on what is due today, not on how many cards or reviews a
learner has. A card without a progress row is a new card.

The queue runs once per keypress and on every ``srs status``, so its statements are built once
(:mod:`srs.store.queue_sql`) and each lookup runs one or two of them.

The queue follows Anki's v3 defaults: learning cards that are due come first, then due reviews (oldest due
first), then new cards in deck order; learning cards due within the learn-ahead limit are shown only when
nothing else is left. Daily limits count what the learner already did that learner-day, and the review limit
also caps new cards (``reviews_per_day`` minus reviews done minus reviews still due), as in Anki.

**Under an interview plan** (a :class:`srs.store.day_plan.PlanHead`, passed in by the caller, who made or read
it once for the learner-day) a card's due time is its planned one (``planned_card.due``) while it has not been
answered since the plan was made, else its own. Today's reviews come in the plan's order (most at risk first),
then the other due reviews oldest first. New cards are the plan's introductions, in its order, beyond
``new_per_day`` when the plan says so; new cards of decks no interview covers follow within what
``new_per_day`` leaves. Without a plan the statements are the plain ones, unchanged.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy.engine import RowMapping
from sqlalchemy.sql import Select
from sqlmodel import Session

from srs.review import Counts
from srs.scheduling import SchedulerSettings, State, day_bounds, require_utc
from srs.store.queue_sql import (
    DONE_TODAY,
    DUE_BY_DECK,
    LEARNING_BY_DECK,
    PLANNED_BY_DECK,
    QueueStatements,
    queue_statements,
)

if TYPE_CHECKING:
    from srs.store.day_plan import PlanHead


class QueueState(NamedTuple):
    """What a review screen shows: the counts left today, and the card to show next (None: nothing for now)."""

    counts: Counts
    next_card: int | None


def _done_today(session: Session, learner_id: int, start: datetime, end: datetime) -> tuple[int, int]:
    """(new cards introduced, reviews answered) in ``[start, end)``."""
    row = session.execute(DONE_TODAY, {"learner": learner_id, "start": start, "end": end}).one()
    return int(row.new_today), int(row.reviews_today)


def _variant(learner_id: int, now: datetime, deck_id: str | None, exclude: Collection[int],
             plan: PlanHead | None) -> tuple[QueueStatements, dict[str, Any]]:
    """The statements for a lookup, and their parameters so far."""
    params: dict[str, Any] = {"learner": learner_id, "now": now}
    if deck_id is not None:
        params["deck_id"] = deck_id
    if exclude:
        params["exclude"] = list(exclude)
    if plan is None:
        return queue_statements(deck_id is not None, bool(exclude)), params
    if plan.other_decks is not None:
        params["others"] = list(plan.other_decks)
    return queue_statements(deck_id is not None, bool(exclude), True, plan.other_decks is not None), params


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


def _counts(session: Session, statements: QueueStatements, params: dict[str, Any], settings: SchedulerSettings,
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
    due_parts: tuple[Select[Any], ...] = (DUE_BY_DECK,)
    learning_parts: tuple[Select[Any], ...] = (LEARNING_BY_DECK,)
    introduce: dict[str, int] = {}
    if plan is not None:
        due_parts, learning_parts = PLANNED_BY_DECK.due, PLANNED_BY_DECK.learning
        introduce = _grouped(session, (PLANNED_BY_DECK.introduce,), params)
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


def _next(session: Session, statements: QueueStatements, params: dict[str, Any], settings: SchedulerSettings,
          now: datetime, row: RowMapping, new_limit: int | None) -> int | None:
    """The next card from a row with :attr:`QueueStatements.next_step`'s columns, with the statements the rest
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
