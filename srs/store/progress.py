"""Answering, undo, suspend and bury, on a learner's progress rows; the queue itself is :mod:`srs.store.queue`.

Functions take an open SQLModel ``Session`` from the caller. Reads never commit; :func:`answer_card` and
:func:`undo_last` are one transaction each and commit before returning, so a grade is durable the moment it is
given. :func:`suspend` and :func:`bury_until_tomorrow` leave the commit to the caller.

The answer runs once per keypress, so its statements are Core statements built once, at import, with every
value a bound parameter: SQLAlchemy then reuses their compiled form instead of building each statement and its
cache key again, and rows come back as tuples, not ORM objects.
"""

from __future__ import annotations

from datetime import datetime, timezone
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Integer, and_, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col

from srs.errors import ConflictError, NotFoundError
from srs.store.models import Card, Progress, Review
from srs.store.queue import (QueueCounts, QueueState, _at, _LEARNER, load_settings, next_card, queue_counts,
                       queue_counts_by_deck, queue_state)
from srs.scheduling import Answer, CardState, Rating, SchedulerSettings, State, day_bounds, require_utc
from srs.scheduling import answer as schedule_answer
from srs.scheduling import preview as schedule_preview
from srs.scheduling import replay as schedule_replay
from srs.hotsql import insert_hot, run_hot

if TYPE_CHECKING:
    from srs.store.types import Executor

__all__ = [
    "MAX_DURATION_MS", "ROW_FIELDS", "STATE_FIELDS", "Answered", "QueueCounts", "QueueState", "answer_card",
    "bury_until_tomorrow", "card_state", "get_progress", "load_settings", "next_card", "preview_card", "queue_counts",
    "queue_counts_by_deck", "queue_state", "rebuild_state", "row_state", "suspend", "undo_last",
]

MAX_DURATION_MS = 60_000  # Anki caps answer time at 60 s
STATE_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "scheduled_days", "reps", "lapses")
ROW_FIELDS = (*STATE_FIELDS, "suspended", "buried_until", "updated_at", "leech")  # undo restores updated_at too
_TIME_FIELDS = ("due", "last_review", "buried_until", "updated_at")


class Answered(NamedTuple):
    """What :func:`answer_card` did: the scheduler's answer and the id of the review row written."""

    answer: Answer
    review_id: int


# -- prebuilt statements -----------------------------------------------------------------------------------------

# The full tables (the answer's INSERT needs their primary keys back), not srs.tables' lightweight clauses.
_PROGRESS = SQLModel.metadata.tables["progress"]
_CARD = SQLModel.metadata.tables["card"]
_REVIEW = SQLModel.metadata.tables["review"]
_P, _C = _PROGRESS.c, _CARD.c

# The card (it must exist) and the learner's progress row on it, if any: what an answer and a preview read.
# Other statements (the review session's read of the card it shows) start with the same columns and join, so
# :func:`row_state`, :func:`_snapshot` and :func:`preview_row` read their rows too.
CARD_PROGRESS_COLUMNS = (_C.id, _P.id, _P.version, *(_P[name] for name in ROW_FIELDS))
CARD_PROGRESS_JOIN = _CARD.outerjoin(_PROGRESS, and_(_P.card_pk == _C.id, _P.learner_id == _LEARNER))
_CARD_PROGRESS = (
    select(*CARD_PROGRESS_COLUMNS).select_from(CARD_PROGRESS_JOIN)
    .where(_C.id == bindparam("card_pk", type_=Integer()))
)
_LEECH = 2 + len(ROW_FIELDS)  # the leech flag's index in a _CARD_PROGRESS row

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
_REVIEW_INSERT = insert(_REVIEW).values(
    learner_id=_LEARNER, card_pk=bindparam("card_pk"), rating=bindparam("rating_value"),
    reviewed_at=_at("changed_at"), duration_ms=bindparam("duration"), kind=bindparam("review_kind"),
    interval_days=bindparam("interval"), prev_interval_days=bindparam("prev_interval"), origin="terminal",
    prev_state=bindparam("snapshot", type_=_REVIEW.c.prev_state.type),
)


# -- conversions ------------------------------------------------------------------------------------


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


def row_state(row: Sequence[Any]) -> CardState:
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


def _snapshot(row: Sequence[Any]) -> dict[str, Any]:
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


def _card_and_progress(session: Executor, learner_id: int, card_pk: int) -> tuple[Any, ...]:
    row = run_hot(session, _CARD_PROGRESS, {"learner": learner_id, "card_pk": card_pk}).first()
    if row is None:
        raise NotFoundError(f"no card with pk {card_pk}")
    return tuple(row)


# -- answering ---------------------------------------------------------------------------------------------------


def _require_card(session: Session, card_pk: int) -> None:
    if session.get(Card, card_pk) is None:
        raise NotFoundError(f"no card with pk {card_pk}")


def preview_card(
    session: Executor, learner_id: int, card_pk: int, now: datetime, settings: SchedulerSettings
) -> tuple[dict[Rating, Answer], int]:
    """The four possible outcomes for a card now, and the progress version to pass to :func:`answer_card`."""
    outcomes, version, _ = _preview(session, learner_id, card_pk, now, settings)
    return outcomes, version


def _preview(
    session: Executor, learner_id: int, card_pk: int, now: datetime, settings: SchedulerSettings
) -> tuple[dict[Rating, Answer], int, State]:
    """:func:`preview_card`, and the card's current state (one read of the progress row)."""
    return preview_row(_card_and_progress(session, learner_id, card_pk), now, settings)


def preview_row(
    row: Sequence[Any], now: datetime, settings: SchedulerSettings
) -> tuple[dict[Rating, Answer], int, State]:
    """:func:`preview_card` on a row that starts with :data:`CARD_PROGRESS_COLUMNS` (already read), and the
    card's current state."""
    state = row_state(row)
    version = row[2] if row[1] is not None else 0
    return schedule_preview(state, require_utc(now), settings, int(row[0])), version, state.state


def answer_card(
    session: Executor,
    learner_id: int,
    card_pk: int,
    rating: Rating | int,
    now: datetime,
    duration_ms: int,
    expected_version: int,
    settings: SchedulerSettings | None = None,
    seen: Sequence[Any] | None = None,
) -> Answered:
    """Grade a card: write its new state and one review row, and commit (one transaction).

    The progress row is updated with compare-and-set on its ``version``: if someone else answered the card
    since ``expected_version`` was read, nothing is written and :class:`~srs.errors.ConflictError` is raised.
    Reaching the leech threshold tags the card (``leech``) and sets ``answer.leech`` so the caller can warn.

    Args:
        session: An open session, or a Core ``Connection``, with no pending changes of its own (it is committed
            or rolled back).
        learner_id: Whose progress.
        card_pk: The card's primary key.
        rating: 1 Again, 2 Hard, 3 Good, 4 Easy.
        now: When the grade was given (aware UTC).
        duration_ms: Time spent on the card; capped at 60 s as Anki does.
        expected_version: The progress version the caller saw (0 for a card never touched).
        settings: The learner's settings, when the caller already has them (a review session reads them once,
            and shows the intervals they give); read from the database when None.
        seen: The row the caller read when it showed the card (it starts with :data:`CARD_PROGRESS_COLUMNS`,
            as :func:`preview_row` takes), so the answer need not read it again: one statement less per
            keypress. Its version must be ``expected_version``; the compare-and-set still refuses it if the
            card changed since.

    Raises:
        ConflictError: the card's progress changed since ``expected_version``.
        NotFoundError: there is no such card.
        ValueError: ``now`` is naive or not UTC, or ``rating`` is not 1-4.
    """
    now = require_utc(now)
    rating = Rating(rating)
    if seen is None:
        row = tuple(_card_and_progress(session, learner_id, card_pk))
    else:
        row = tuple(seen[:len(CARD_PROGRESS_COLUMNS)])
        if row[0] != card_pk:
            raise ValueError(f"the row seen is card {row[0]}'s, not card {card_pk}'s")
    if settings is None:
        settings = load_settings(session, learner_id)
    current_version = row[2] if row[1] is not None else 0
    if current_version != expected_version:
        session.rollback()
        raise ConflictError("this card was answered elsewhere in the meantime; showing it again")
    result = schedule_answer(row_state(row), rating, now, settings, card_pk)
    values = _state_params(result.state)
    leech = bool(result.leech or (row[1] is not None and row[_LEECH]))
    try:
        if row[1] is None:
            run_hot(session, _ANSWER_INSERT, {"learner": learner_id, "card_pk": card_pk, "leech_flag": leech,
                                             "changed_at": now, **values})
        else:
            changed = run_hot(session, _ANSWER_UPDATE, {
                "progress_id": row[1], "expected_version": expected_version, "new_version": expected_version + 1,
                "leech_flag": leech, "changed_at": now, **values})
            if changed.rowcount != 1:
                raise ConflictError("this card was answered elsewhere in the meantime; showing it again")
        review_id = insert_hot(session, _REVIEW_INSERT, {
            "learner": learner_id,
            "card_pk": card_pk,
            "rating_value": int(rating),
            "changed_at": now,
            "duration": max(0, min(int(duration_ms), MAX_DURATION_MS)),
            "review_kind": result.kind,
            "interval": result.interval_days,
            "prev_interval": result.prev_interval_days,
            "snapshot": _snapshot(row),
        })
        session.commit()
    except (IntegrityError, ConflictError):
        session.rollback()
        if seen is not None:
            _card_and_progress(session, learner_id, card_pk)  # NotFoundError if the card is gone, as unseen
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
