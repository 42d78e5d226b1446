"""The study queue and answering, on a learner's progress rows.

Functions take an open SQLModel ``Session`` from the caller. Reads never commit; :func:`answer_card` and
:func:`undo_last` are one transaction each and commit before returning, so a grade is durable the moment it is
given. :func:`suspend` and :func:`bury_until_tomorrow` leave the commit to the caller.

Everything is selected in SQL with the indexes in :mod:`srs.models` (``ix_progress_learner_state_due``,
``ix_review_learner_time``, ``ix_card_deck_position``), so the cost depends on what is due today, not on how
many cards or reviews a learner has. A card without a progress row is a new card.

The queue and the answer run once per keypress, so their statements are Core statements built once, at import
(or once per deck/exclusion variant), with every value a bound parameter: SQLAlchemy then reuses their compiled
form instead of building each statement and its cache key again, and rows come back as tuples, not ORM objects.

The queue follows Anki's v3 defaults: learning cards that are due come first, then due reviews (oldest due
first), then new cards in deck order; learning cards due within the learn-ahead limit are shown only when
nothing else is left. Daily limits count what the learner already did that learner-day, and the review limit
also caps new cards (``reviews_per_day`` minus reviews done minus reviews still due), as in Anki.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Integer, and_, bindparam, delete, exists, false, func, insert, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, SQLModel, col

from srs.errors import ConflictError, NotFoundError
from srs.models import Card, Progress, Review, Setting, UTCDateTime
from srs.scheduling import Answer, CardState, Rating, SchedulerSettings, State, day_bounds, require_utc
from srs.scheduling import answer as schedule_answer
from srs.scheduling import preview as schedule_preview
from srs.scheduling import replay as schedule_replay

MAX_DURATION_MS = 60_000  # Anki caps answer time at 60 s
STATE_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "scheduled_days", "reps", "lapses")
ROW_FIELDS = (*STATE_FIELDS, "suspended", "buried_until", "updated_at", "leech")  # undo restores updated_at too
_TIME_FIELDS = ("due", "last_review", "buried_until", "updated_at")


class QueueCounts(NamedTuple):
    """Cards left today: new, in learning, and due reviews."""

    new: int
    learning: int
    due: int


class Answered(NamedTuple):
    """What :func:`answer_card` did: the scheduler's answer and the id of the review row written."""

    answer: Answer
    review_id: int


# -- tables and prebuilt statements -------------------------------------------------------------------------------

_PROGRESS = SQLModel.metadata.tables["progress"]
_CARD = SQLModel.metadata.tables["card"]
_REVIEW = SQLModel.metadata.tables["review"]
_SETTING = SQLModel.metadata.tables["setting"]
_P, _C, _R = _PROGRESS.c, _CARD.c, _REVIEW.c


def _at(name: str) -> Any:
    """A bound time parameter (aware UTC in, naive UTC on SQLite, as the columns store it)."""
    return bindparam(name, type_=UTCDateTime())


_LEARNER = bindparam("learner", type_=Integer())
_NOW = _at("now")
_PROGRESS_JOIN_CARD = _PROGRESS.join(_CARD, _C.id == _P.card_pk)

_SETTINGS = select(_SETTING.c.key, _SETTING.c.value).where(_SETTING.c.learner_id == _LEARNER)

# The card (it must exist) and the learner's progress row on it, if any: what an answer and a preview read.
_CARD_PROGRESS = (
    select(_C.id, _P.id, _P.version, *(_P[name] for name in ROW_FIELDS))
    .select_from(_CARD.outerjoin(_PROGRESS, and_(_P.card_pk == _C.id, _P.learner_id == _LEARNER)))
    .where(_C.id == bindparam("card_pk", type_=Integer()))
)

# Bound as "new_<column>": a bound parameter may not share its column's name in an UPDATE or INSERT.
_STATE_VALUES = {name: (_at(f"new_{name}") if name in _TIME_FIELDS else bindparam(f"new_{name}"))
                 for name in STATE_FIELDS}
_ANSWER_UPDATE = (
    update(_PROGRESS)
    .where(_P.id == bindparam("progress_id"), _P.version == bindparam("expected_version"))
    .values(version=bindparam("new_version"), leech=bindparam("leech_flag"), updated_at=_at("changed_at"),
            **_STATE_VALUES)
)
_ANSWER_INSERT = insert(_PROGRESS).values(
    learner_id=_LEARNER, card_pk=bindparam("card_pk"), version=1, suspended=False, buried_until=None,
    leech=bindparam("leech_flag"), updated_at=_at("changed_at"), **_STATE_VALUES,
)
_REVIEW_INSERT = insert(_REVIEW)

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
    select(func.count()).select_from(_FIRST_ANSWERED_TODAY.subquery()).scalar_subquery(),
    select(func.count()).select_from(_REVIEW).where(_TODAY, _R.kind == 1).scalar_subquery(),
)


def _grouped_by_deck(*where: ColumnElement[bool]) -> Select[Any]:
    available = [_P.learner_id == _LEARNER, _P.suspended == false(),
                 or_(_P.buried_until.is_(None), _P.buried_until <= _NOW), _C.retired == false()]
    return (select(_C.deck_id, func.count()).select_from(_PROGRESS_JOIN_CARD).where(*available, *where)
            .group_by(_C.deck_id))


# Due reviews and learning cards of every deck at once: one pass over each range of ix_progress_learner_state_due.
# (Counting one deck at a time cost a walk over every due review of the learner for each deck without due cards.)
_DUE_BY_DECK = _grouped_by_deck(_P.state == int(State.REVIEW), _P.due < _at("end"))
_LEARNING_BY_DECK = _grouped_by_deck(_P.state.in_((int(State.LEARNING), int(State.RELEARNING))),
                                     _P.due <= _at("until"))


class _QueueStatements(NamedTuple):
    """The queue's statements for one variant (a deck filter or not, excluded cards or not)."""

    learning_head: Select[Any]  # the first learning card of one state due by :until
    learning_count: Select[Any]
    due_count: Select[Any]  # reviews due today, counted up to :cap
    due_first: Select[Any]
    new_count: Select[Any]  # new cards, counted up to :cap
    new_first: Select[Any]


@lru_cache(maxsize=None)
def _queue_statements(deck: bool, exclude: bool) -> _QueueStatements:
    def available(*where: ColumnElement[bool]) -> list[ColumnElement[bool]]:
        conditions = [
            _P.learner_id == _LEARNER,
            _P.suspended == false(),
            or_(_P.buried_until.is_(None), _P.buried_until <= _NOW),
            _C.retired == false(),
            *where,
        ]
        if deck:
            conditions.append(_C.deck_id == bindparam("deck_id"))
        if exclude:
            conditions.append(_P.card_pk.not_in(bindparam("exclude", expanding=True)))
        return conditions

    def progress(*columns: Any) -> Select[Any]:
        return select(*columns).select_from(_PROGRESS_JOIN_CARD)

    cap = bindparam("cap", type_=Integer())
    learning = available(_P.state == bindparam("state", type_=Integer()), _P.due <= _at("until"))
    learning_states = available(_P.state.in_((int(State.LEARNING), int(State.RELEARNING))), _P.due <= _at("until"))
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

    return _QueueStatements(
        learning_head=progress(_P.card_pk, _P.due).where(*learning).order_by(_P.due, _P.card_pk).limit(1),
        learning_count=progress(func.count()).where(*learning_states),
        due_count=select(func.count()).select_from(progress(_P.card_pk).where(*due).limit(cap).subquery()),
        due_first=progress(_P.card_pk).where(*due).order_by(_P.due, _P.card_pk).limit(1),
        new_count=select(func.count()).select_from(select(_C.id).where(*new).limit(cap).subquery()),
        new_first=select(_C.id).where(*new).order_by(_C.deck_id, _C.position, _C.id).limit(1),
    )


# -- settings and conversions ------------------------------------------------------------------------------------


def load_settings(session: Session, learner_id: int) -> SchedulerSettings:
    """The learner's scheduler settings: stored values over Anki's defaults."""
    rows = session.execute(_SETTINGS, {"learner": learner_id}).all()
    return SchedulerSettings.from_values({key: value for key, value in rows})


def card_state(progress: Progress | None) -> CardState:
    """The scheduling state stored in a progress row (a new card when there is no row)."""
    if progress is None:
        return CardState()
    return CardState(
        state=State(progress.state),
        step=progress.step,
        stability=progress.stability,
        difficulty=progress.difficulty,
        due=progress.due,
        last_review=progress.last_review,
        scheduled_days=progress.scheduled_days,
        reps=progress.reps,
        lapses=progress.lapses,
    )


def _row_state(row: tuple[Any, ...]) -> CardState:
    """The scheduling state in a :data:`_CARD_PROGRESS` row (a new card when it has no progress row)."""
    if row[1] is None:
        return CardState()
    values = dict(zip(STATE_FIELDS, row[3:3 + len(STATE_FIELDS)]))
    return CardState(**{**values, "state": State(values["state"])})


def _state_values(state: CardState) -> dict[str, Any]:
    return {name: (int(getattr(state, name)) if name == "state" else getattr(state, name)) for name in STATE_FIELDS}


def _state_params(state: CardState) -> dict[str, Any]:
    """Values for :data:`_STATE_VALUES`."""
    return {f"new_{name}": value for name, value in _state_values(state).items()}


def _snapshot(row: tuple[Any, ...]) -> dict[str, Any]:
    """JSON-safe copy of a :data:`_CARD_PROGRESS` row's progress (or of "no row yet"), kept on the review row for
    undo."""
    if row[1] is None:
        return {"row": False}
    data: dict[str, Any] = {"row": True, "version": row[2]}
    for name, value in zip(ROW_FIELDS, row[3:]):
        data[name] = value.isoformat() if isinstance(value, datetime) else value
    return data


def _restore(snapshot: dict[str, Any]) -> dict[str, Any]:
    """Column values from :func:`_snapshot` output; "no row" becomes a new card's values."""
    if not snapshot.get("row"):
        return _state_values(CardState()) | {"suspended": False, "buried_until": None, "leech": False,
                                             "updated_at": None}
    values: dict[str, Any] = {}
    for name in ROW_FIELDS:
        value = snapshot.get(name)
        if name in _TIME_FIELDS and value is not None:
            value = datetime.fromisoformat(value).astimezone(timezone.utc)
        values[name] = value
    return values


def get_progress(session: Session, learner_id: int, card_pk: int) -> Progress | None:
    """The learner's progress row for a card, if the card has been touched."""
    return session.execute(
        select(Progress).where(col(Progress.learner_id) == learner_id, col(Progress.card_pk) == card_pk)
    ).scalar_one_or_none()


def _card_and_progress(session: Session, learner_id: int, card_pk: int) -> tuple[Any, ...]:
    row = session.execute(_CARD_PROGRESS, {"learner": learner_id, "card_pk": card_pk}).first()
    if row is None:
        raise NotFoundError(f"no card with pk {card_pk}")
    return tuple(row)


# -- the queue ---------------------------------------------------------------------------------------------------


def _done_today(session: Session, learner_id: int, start: datetime, end: datetime) -> tuple[int, int]:
    """(new cards introduced, reviews answered) in ``[start, end)``."""
    new, reviews = session.execute(_DONE_TODAY, {"learner": learner_id, "start": start, "end": end}).one()
    return int(new), int(reviews)


def _params(learner_id: int, now: datetime, deck_id: str | None, exclude: Collection[int]) -> dict[str, Any]:
    params: dict[str, Any] = {"learner": learner_id, "now": now}
    if deck_id is not None:
        params["deck_id"] = deck_id
    if exclude:
        params["exclude"] = list(exclude)
    return params


def _scalar(session: Session, statement: Select[Any], params: dict[str, Any], **more: Any) -> Any:
    return session.execute(statement, {**params, **more}).scalar()


class _Limits(NamedTuple):
    reviews_left: int
    new_left: int
    due_reviews: int


def _limits(
    session: Session,
    statements: _QueueStatements,
    params: dict[str, Any],
    settings: SchedulerSettings,
    start: datetime,
    end: datetime,
    new_limit: int | None,
) -> _Limits:
    new_done, reviews_done = _done_today(session, params["learner"], start, end)
    reviews_left = max(0, settings.reviews_per_day - reviews_done)
    due = int(_scalar(session, statements.due_count, params, end=end, cap=reviews_left)) if reviews_left > 0 else 0
    daily_new = settings.new_per_day if new_limit is None else min(new_limit, settings.new_per_day)
    new_left = min(max(0, daily_new - new_done), max(0, reviews_left - due))
    return _Limits(reviews_left, new_left, due)


def queue_counts(
    session: Session, learner_id: int, now: datetime, settings: SchedulerSettings, deck_id: str | None = None
) -> QueueCounts:
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
    limits = _limits(session, statements, params, settings, start, end, None)
    ahead = now + timedelta(minutes=settings.learn_ahead_minutes)
    learning = int(_scalar(session, statements.learning_count, params, until=ahead))
    new = int(_scalar(session, statements.new_count, params, cap=limits.new_left)) if limits.new_left > 0 else 0
    return QueueCounts(new=new, learning=learning, due=limits.due_reviews)


def queue_counts_by_deck(
    session: Session, learner_id: int, now: datetime, settings: SchedulerSettings, deck_ids: Collection[str]
) -> tuple[dict[str, QueueCounts], QueueCounts]:
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
    due_by_deck = {deck: int(n) for deck, n in session.execute(_DUE_BY_DECK, {**params, "end": end}).all()}
    learning_by_deck = {deck: int(n) for deck, n in session.execute(_LEARNING_BY_DECK, {**params, "until": ahead})}

    def counts(deck_id: str | None, due_all: int, learning: int) -> QueueCounts:
        due = min(due_all, reviews_left)
        new_left = min(new_allowed, max(0, reviews_left - due))
        new = 0
        if new_left > 0:
            statements = _queue_statements(deck_id is not None, False)
            new = int(_scalar(session, statements.new_count, _params(learner_id, now, deck_id, ()), cap=new_left))
        return QueueCounts(new=new, learning=learning, due=due)

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

    def first_learning(until: datetime) -> int | None:
        # One ordered lookup per learning state: each is a short range of ix_progress_learner_state_due, where
        # "state IN (1, 3) ORDER BY due" made SQLite walk every overdue review card in due order instead.
        heads = []
        for state in (State.LEARNING, State.RELEARNING):
            row = session.execute(statements.learning_head, {**params, "state": int(state), "until": until}).first()
            if row is not None:
                heads.append((row[1], int(row[0])))
        return min(heads)[1] if heads else None

    found = first_learning(now)
    if found is not None:
        return found
    start, end = day_bounds(now, settings.timezone, settings.rollover_hour)
    limits = _limits(session, statements, params, settings, start, end, new_limit)
    if limits.reviews_left > 0:
        found = _scalar(session, statements.due_first, params, end=end)
        if found is not None:
            return int(found)
    if limits.new_left > 0:
        found = _scalar(session, statements.new_first, params)
        if found is not None:
            return int(found)
    ahead = now + timedelta(minutes=settings.learn_ahead_minutes)
    return first_learning(ahead)


# -- answering ---------------------------------------------------------------------------------------------------


def _require_card(session: Session, card_pk: int) -> None:
    if session.get(Card, card_pk) is None:
        raise NotFoundError(f"no card with pk {card_pk}")


def preview_card(
    session: Session, learner_id: int, card_pk: int, now: datetime, settings: SchedulerSettings
) -> tuple[dict[Rating, Answer], int]:
    """The four possible outcomes for a card now, and the progress version to pass to :func:`answer_card`."""
    outcomes, version, _ = _preview(session, learner_id, card_pk, now, settings)
    return outcomes, version


def _preview(
    session: Session, learner_id: int, card_pk: int, now: datetime, settings: SchedulerSettings
) -> tuple[dict[Rating, Answer], int, State]:
    """:func:`preview_card`, and the card's current state (one read of the progress row)."""
    row = _card_and_progress(session, learner_id, card_pk)
    state = _row_state(row)
    version = row[2] if row[1] is not None else 0
    return schedule_preview(state, require_utc(now), settings, card_pk), version, state.state


def answer_card(
    session: Session,
    learner_id: int,
    card_pk: int,
    rating: Rating | int,
    now: datetime,
    duration_ms: int,
    expected_version: int,
    settings: SchedulerSettings | None = None,
) -> Answered:
    """Grade a card: write its new state and one review row, and commit (one transaction).

    The progress row is updated with compare-and-set on its ``version``: if someone else answered the card
    since ``expected_version`` was read, nothing is written and :class:`~srs.errors.ConflictError` is raised.
    Reaching the leech threshold tags the card (``leech``) and sets ``answer.leech`` so the caller can warn.

    Args:
        session: An open session with no pending changes of its own (it is committed or rolled back).
        learner_id: Whose progress.
        card_pk: The card's primary key.
        rating: 1 Again, 2 Hard, 3 Good, 4 Easy.
        now: When the grade was given (aware UTC).
        duration_ms: Time spent on the card; capped at 60 s as Anki does.
        expected_version: The progress version the caller saw (0 for a card never touched).
        settings: The learner's settings, when the caller already has them (a review session reads them once,
            and shows the intervals they give); read from the database when None.

    Raises:
        ConflictError: the card's progress changed since ``expected_version``.
        NotFoundError: there is no such card.
        ValueError: ``now`` is naive or not UTC, or ``rating`` is not 1-4.
    """
    now = require_utc(now)
    rating = Rating(rating)
    row = _card_and_progress(session, learner_id, card_pk)
    if settings is None:
        settings = load_settings(session, learner_id)
    current_version = row[2] if row[1] is not None else 0
    if current_version != expected_version:
        session.rollback()
        raise ConflictError("this card was answered elsewhere in the meantime; showing it again")
    result = schedule_answer(_row_state(row), rating, now, settings, card_pk)
    values = _state_params(result.state)
    leech = bool(result.leech or (row[1] is not None and row[-1]))
    try:
        if row[1] is None:
            session.execute(_ANSWER_INSERT, {"learner": learner_id, "card_pk": card_pk, "leech_flag": leech,
                                             "changed_at": now, **values})
        else:
            changed = session.execute(_ANSWER_UPDATE, {
                "progress_id": row[1], "expected_version": expected_version, "new_version": expected_version + 1,
                "leech_flag": leech, "changed_at": now, **values})
            if changed.rowcount != 1:  # type: ignore[attr-defined]
                raise ConflictError("this card was answered elsewhere in the meantime; showing it again")
        inserted = session.execute(_REVIEW_INSERT, {
            "learner_id": learner_id,
            "card_pk": card_pk,
            "rating": int(rating),
            "reviewed_at": now,
            "duration_ms": max(0, min(int(duration_ms), MAX_DURATION_MS)),
            "kind": result.kind,
            "interval_days": result.interval_days,
            "prev_interval_days": result.prev_interval_days,
            "origin": "terminal",
            "prev_state": _snapshot(row),
        })
        review_id = inserted.inserted_primary_key[0]  # type: ignore[attr-defined]
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ConflictError("this card was answered elsewhere in the meantime; showing it again") from None
    except BaseException:
        session.rollback()
        raise
    assert review_id is not None
    return Answered(result, int(review_id))


def undo_last(session: Session, learner_id: int, review_id: int | None = None) -> int | None:
    """Take back an answer: restore the card's progress from the review row's snapshot and delete that row
    (one transaction, committed). Returns the card's pk, or None when there is nothing this app can undo (no
    reviews, or the answer came from an Anki import).

    Without ``review_id`` this is the learner's most recent answer. With it (a review session passes the ids
    of its own answers), only that answer is taken back, and only while it is still the card's latest, so a
    session never undoes a grade given in another session. The restored row gets a new ``version``, so an
    answer based on the undone state is refused.

    Raises:
        ConflictError: the card was answered again after ``review_id``.
    """
    newest_first = (col(Review.reviewed_at).desc(), col(Review.id).desc())
    if review_id is None:
        latest = session.execute(
            select(Review).where(col(Review.learner_id) == learner_id).order_by(*newest_first)
        ).scalars().first()
    else:
        latest = session.get(Review, review_id)
        if latest is not None and latest.learner_id != learner_id:
            latest = None
    if latest is None or latest.prev_state is None:
        return None
    card_pk: int = latest.card_pk
    # Read the version first, then check the answer is still the card's latest: an answer committed after the
    # version was read makes the compare-and-set below fail; one committed before it shows up in the check.
    progress = get_progress(session, learner_id, card_pk)
    newest = session.execute(
        select(col(Review.id)).where(col(Review.learner_id) == learner_id, col(Review.card_pk) == card_pk)
        .order_by(*newest_first)
    ).scalars().first()
    if newest != latest.id or progress is None:
        session.rollback()
        raise ConflictError("that card was answered again in another session since; not undone")
    values = _restore(latest.prev_state)
    try:
        _compare_and_set(session, progress, **values)
        deleted = session.execute(delete(Review).where(col(Review.id) == latest.id))
        if deleted.rowcount != 1:  # type: ignore[attr-defined]
            raise ConflictError("that answer was already undone in another session")
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return card_pk


def _compare_and_set(session: Session, progress: Progress, **values: Any) -> None:
    """Write ``values`` to a progress row only if nobody changed it since it was read (bumps ``version``)."""
    changed = session.execute(
        update(Progress)
        .where(col(Progress.id) == progress.id, col(Progress.version) == progress.version)
        .values(version=progress.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError("this card was changed in another session in the meantime; try again")
    session.expire(progress)


def _set_flags(session: Session, learner_id: int, card_pk: int, **values: Any) -> None:
    """Set suspended/buried flags with the same compare-and-set as answers, so versions stay unique."""
    values.setdefault("updated_at", datetime.now(timezone.utc))
    _require_card(session, card_pk)
    progress = get_progress(session, learner_id, card_pk)
    if progress is None:
        session.add(Progress(learner_id=learner_id, card_pk=card_pk, version=1, **values))
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            raise ConflictError("this card was changed in another session in the meantime; try again") from None
        return
    _compare_and_set(session, progress, **values)


def suspend(session: Session, learner_id: int, card_pk: int, suspended: bool = True) -> None:
    """Stop (or, with ``suspended=False``, resume) showing a card to the learner. The caller commits."""
    _set_flags(session, learner_id, card_pk, suspended=suspended)


def bury_until_tomorrow(
    session: Session, learner_id: int, card_pk: int, now: datetime, settings: SchedulerSettings
) -> datetime:
    """Hide a card until the start of the learner's next day; returns that moment. The caller commits."""
    until = day_bounds(require_utc(now), settings.timezone, settings.rollover_hour)[1]
    _set_flags(session, learner_id, card_pk, buried_until=until, updated_at=now)
    return until


def rebuild_state(session: Session, learner_id: int, card_pk: int, settings: SchedulerSettings) -> CardState:
    """A card's state rebuilt by replaying its review log (oldest first) through the scheduler."""
    rows = session.execute(
        select(col(Review.rating), col(Review.reviewed_at))
        .where(col(Review.learner_id) == learner_id, col(Review.card_pk) == card_pk)
        .order_by(col(Review.reviewed_at), col(Review.id))
    ).all()
    return schedule_replay(card_pk, [(Rating(r), at) for r, at in rows], settings)
