"""The study queue and answering, on a learner's progress rows.

Functions take an open SQLModel ``Session`` from the caller. Reads never commit; :func:`answer_card` and
:func:`undo_last` are one transaction each and commit before returning, so a grade is durable the moment it is
given. :func:`suspend` and :func:`bury_until_tomorrow` leave the commit to the caller.

Everything is selected in SQL with the indexes in :mod:`srs.models` (``ix_progress_learner_due``,
``ix_review_learner_time``, ``ix_card_deck_position``), so the cost depends on what is due today, not on how
many cards or reviews a learner has. A card without a progress row is a new card.

The queue follows Anki's v3 defaults: learning cards that are due come first, then due reviews (oldest due
first), then new cards in deck order; learning cards due within the learn-ahead limit are shown only when
nothing else is left. Daily limits count what the learner already did that learner-day, and the review limit
also caps new cards (``reviews_per_day`` minus reviews done minus reviews still due), as in Anki.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from srs.errors import ConflictError, NotFoundError
from srs.models import Card, Progress, Review, Setting
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


# -- settings and conversions ------------------------------------------------------------------------------------


def load_settings(session: Session, learner_id: int) -> SchedulerSettings:
    """The learner's scheduler settings: stored values over Anki's defaults."""
    query = select(col(Setting.key), col(Setting.value)).where(col(Setting.learner_id) == learner_id)
    rows = session.execute(query).all()
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


def _state_values(state: CardState) -> dict[str, Any]:
    return {name: (int(getattr(state, name)) if name == "state" else getattr(state, name)) for name in STATE_FIELDS}


def _snapshot(progress: Progress | None) -> dict[str, Any]:
    """JSON-safe copy of a progress row (or of "no row yet"), kept on the review row for undo."""
    if progress is None:
        return {"row": False}
    data: dict[str, Any] = {"row": True, "version": progress.version}
    for name in ROW_FIELDS:
        value = getattr(progress, name)
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


# -- the queue ---------------------------------------------------------------------------------------------------


def _done_today(session: Session, learner_id: int, start: datetime, end: datetime) -> tuple[int, int]:
    """(new cards introduced, reviews answered) in ``[start, end)``: one ranged scan of ix_review_learner_time."""
    today = and_(col(Review.learner_id) == learner_id, col(Review.reviewed_at) >= start, col(Review.reviewed_at) < end)
    reviews = session.execute(select(func.count()).select_from(Review).where(today, col(Review.kind) == 1)).scalar_one()
    older = aliased(Review)
    earlier = select(col(older.id)).where(
        col(older.learner_id) == learner_id, col(older.card_pk) == col(Review.card_pk), col(older.reviewed_at) < start
    )
    new = session.execute(
        select(func.count(func.distinct(col(Review.card_pk)))).where(today, col(Review.kind) == 0, ~exists(earlier))
    ).scalar_one()
    return int(new), int(reviews)


def _available(learner_id: int, now: datetime) -> list[ColumnElement[bool]]:
    return [
        col(Progress.learner_id) == learner_id,
        col(Progress.suspended) == False,  # noqa: E712
        or_(col(Progress.buried_until).is_(None), col(Progress.buried_until) <= now),
        col(Card.retired) == False,  # noqa: E712
    ]


def _progress_query(
    learner_id: int, now: datetime, deck_id: str | None, exclude: Collection[int], *where: ColumnElement[bool]
) -> Any:
    query = (
        select(col(Progress.card_pk))
        .join(Card, col(Card.id) == col(Progress.card_pk))
        .where(*_available(learner_id, now), *where)
    )
    if deck_id is not None:
        query = query.where(col(Card.deck_id) == deck_id)
    if exclude:
        query = query.where(col(Progress.card_pk).not_in(list(exclude)))
    return query


def _new_query(learner_id: int, now: datetime, deck_id: str | None, exclude: Collection[int]) -> Any:
    """New cards: no progress row, or a row still in the new state that is neither suspended nor buried."""
    touched = select(col(Progress.id)).where(
        col(Progress.learner_id) == learner_id,
        col(Progress.card_pk) == col(Card.id),
        or_(
            col(Progress.state) != 0,
            col(Progress.suspended) == True,  # noqa: E712
            and_(col(Progress.buried_until).is_not(None), col(Progress.buried_until) > now),
        ),
    )
    query = select(col(Card.id)).where(col(Card.retired) == False, ~exists(touched))  # noqa: E712
    if deck_id is not None:
        query = query.where(col(Card.deck_id) == deck_id)
    if exclude:
        query = query.where(col(Card.id).not_in(list(exclude)))
    return query


_LEARNING_STATES = col(Progress.state).in_((int(State.LEARNING), int(State.RELEARNING)))


def _due_reviews(end: datetime) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return col(Progress.state) == int(State.REVIEW), col(Progress.due) < end


def _count(session: Session, query: Any, cap: int) -> int:
    if cap <= 0:
        return 0
    return int(session.execute(select(func.count()).select_from(query.limit(cap).subquery())).scalar_one())


class _Limits(NamedTuple):
    reviews_left: int
    new_left: int
    due_reviews: int


def _limits(
    session: Session,
    learner_id: int,
    now: datetime,
    settings: SchedulerSettings,
    deck_id: str | None,
    new_limit: int | None,
    exclude: Collection[int],
) -> _Limits:
    start, end = day_bounds(now, settings.timezone, settings.rollover_hour)
    new_done, reviews_done = _done_today(session, learner_id, start, end)
    reviews_left = max(0, settings.reviews_per_day - reviews_done)
    due_query = _progress_query(learner_id, now, deck_id, exclude, *_due_reviews(end))
    due = _count(session, due_query, reviews_left)
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
    limits = _limits(session, learner_id, now, settings, deck_id, None, ())
    ahead = now + timedelta(minutes=settings.learn_ahead_minutes)
    learning_query = _progress_query(
        learner_id, now, deck_id, (), _LEARNING_STATES, col(Progress.due) <= ahead
    )
    learning = int(session.execute(select(func.count()).select_from(learning_query.subquery())).scalar_one())
    new = _count(session, _new_query(learner_id, now, deck_id, ()), limits.new_left)
    return QueueCounts(new=new, learning=learning, due=limits.due_reviews)


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

    def first(query: Any) -> int | None:
        found = session.execute(query.limit(1)).scalar_one_or_none()
        return None if found is None else int(found)

    def first_learning(until: datetime) -> int | None:
        # One ordered lookup per learning state: each is a short range of ix_progress_learner_state_due, where
        # "state IN (1, 3) ORDER BY due" made SQLite walk every overdue review card in due order instead.
        heads = []
        for state in (State.LEARNING, State.RELEARNING):
            query = _progress_query(learner_id, now, deck_id, exclude, col(Progress.state) == int(state),
                                    col(Progress.due) <= until).add_columns(col(Progress.due))
            row = session.execute(query.order_by(col(Progress.due), col(Progress.card_pk)).limit(1)).first()
            if row is not None:
                heads.append((row[1], int(row[0])))
        return min(heads)[1] if heads else None

    found = first_learning(now)
    if found is not None:
        return found
    limits = _limits(session, learner_id, now, settings, deck_id, new_limit, exclude)
    if limits.reviews_left > 0:
        end = day_bounds(now, settings.timezone, settings.rollover_hour)[1]
        due = _progress_query(learner_id, now, deck_id, exclude, *_due_reviews(end))
        found = first(due.order_by(col(Progress.due), col(Progress.card_pk)))
        if found is not None:
            return found
    if limits.new_left > 0:
        new = _new_query(learner_id, now, deck_id, exclude)
        found = first(new.order_by(col(Card.deck_id), col(Card.position), col(Card.id)))
        if found is not None:
            return found
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
    progress = get_progress(session, learner_id, card_pk)
    version = progress.version if progress is not None else 0
    return schedule_preview(card_state(progress), require_utc(now), settings, card_pk), version


def answer_card(
    session: Session,
    learner_id: int,
    card_pk: int,
    rating: Rating | int,
    now: datetime,
    duration_ms: int,
    expected_version: int,
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

    Raises:
        ConflictError: the card's progress changed since ``expected_version``.
        NotFoundError: there is no such card.
        ValueError: ``now`` is naive or not UTC, or ``rating`` is not 1-4.
    """
    now = require_utc(now)
    rating = Rating(rating)
    _require_card(session, card_pk)
    settings = load_settings(session, learner_id)
    progress = get_progress(session, learner_id, card_pk)
    current_version = progress.version if progress is not None else 0
    if current_version != expected_version:
        session.rollback()
        raise ConflictError("this card was answered elsewhere in the meantime; showing it again")
    result = schedule_answer(card_state(progress), rating, now, settings, card_pk)
    values = _state_values(result.state)
    values["updated_at"] = now
    if result.leech:
        values["leech"] = True
    snapshot = _snapshot(progress)
    try:
        if progress is None:
            session.add(Progress(learner_id=learner_id, card_pk=card_pk, version=1, **values))
            session.flush()
        else:
            changed = session.execute(
                update(Progress)
                .where(col(Progress.id) == progress.id, col(Progress.version) == expected_version)
                .values(version=expected_version + 1, **values)
                .execution_options(synchronize_session=False)
            )
            if changed.rowcount != 1:  # type: ignore[attr-defined]
                raise ConflictError("this card was answered elsewhere in the meantime; showing it again")
        review = Review(
            learner_id=learner_id,
            card_pk=card_pk,
            rating=int(rating),
            reviewed_at=now,
            duration_ms=max(0, min(int(duration_ms), MAX_DURATION_MS)),
            kind=result.kind,
            interval_days=result.interval_days,
            prev_interval_days=result.prev_interval_days,
            origin="terminal",
            prev_state=snapshot,
        )
        session.add(review)
        session.flush()
        review_id = review.id
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ConflictError("this card was answered elsewhere in the meantime; showing it again") from None
    except BaseException:
        session.rollback()
        raise
    assert review_id is not None
    return Answered(result, review_id)


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
