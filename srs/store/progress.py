"""A learner's progress rows: read a card's progress, answer and undo, through one compare-and-set (suspend and
bury use it too: :mod:`srs.store.card_flags`).

Every write to an existing progress row goes through :func:`compare_and_set`: it updates the row only while its
``version`` is still the one the caller read, bumps the version, and raises :class:`~srs.errors.ConflictError`
otherwise. So an answer, an undo or a flag computed from a state another session has changed since is refused,
never applied to the wrong state. A card without a row gets one inserted, and the unique (learner, card)
constraint refuses a second insert the same way.

Functions take an open ``Session`` from the caller. :func:`answer` / :func:`answer_card` and :func:`undo_last`
commit before returning (a grade is durable the moment it is given).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from srs.attempts import Attempt
from srs.errors import ConflictError, NotFoundError
from srs.progress import MAX_DURATION_MS, ROW_FIELDS, STATE_FIELDS, ProgressSnapshot
from srs.scheduling import Answer, CardState, Rating, SchedulerSettings, State, require_utc
from srs.scheduling import answer as schedule_answer
from srs.scheduling import preview as schedule_preview
from srs.scheduling import replay as schedule_replay
from srs.store.attempts import delete_attempt, insert_attempt
from srs.store.models import Card, Progress, Review, table_of
from srs.store.settings import load_settings

__all__ = [
    "MAX_DURATION_MS", "ROW_FIELDS", "STATE_FIELDS", "Answered", "ProgressWrite", "TypedAttempt", "answer",
    "answer_card", "card_state", "compare_and_set", "get_progress", "preview", "preview_card", "progress_columns",
    "progress_join", "read_progress", "rebuild_state", "snapshot_of", "undo_last",
]

ANSWERED_ELSEWHERE = "this card was answered elsewhere in the meantime; showing it again"
CHANGED_ELSEWHERE = "this card was changed in another session in the meantime; try again"

_PROGRESS = table_of(Progress)
_CARD = table_of(Card)
_REVIEW = table_of(Review)


class TypedAttempt(NamedTuple):
    """A typed attempt to store with an answer, and the key points (as the deck wrote them) its hits refer to."""

    attempt: Attempt
    key_points: Sequence[str]


class Answered(NamedTuple):
    """What :func:`answer` did: the scheduler's answer and the id of the review row written."""

    answer: Answer
    review_id: int


# -- reading ----------------------------------------------------------------------------------------------------


def progress_columns() -> list[Any]:
    """The columns :func:`snapshot_of` reads, labelled ``p_<field>``, for a statement that joins the card
    (``card.id``) with the learner's progress row (outer join): so another read can bring a snapshot along."""
    p = _PROGRESS.c
    return [p.id.label("p_id"), p.version.label("p_version"), *(p[name].label(f"p_{name}") for name in ROW_FIELDS)]


def progress_join(learner: Any) -> Any:
    """``card LEFT JOIN progress`` on the learner's row (``learner`` a value or a bound parameter)."""
    return _CARD.outerjoin(_PROGRESS, and_(_PROGRESS.c.card_pk == _CARD.c.id, _PROGRESS.c.learner_id == learner))


def snapshot_of(card_pk: int, row: RowMapping) -> ProgressSnapshot:
    """The snapshot in a row read with :func:`progress_columns` (a new card when the row has no progress)."""
    if row["p_id"] is None:
        return ProgressSnapshot(int(card_pk))
    values = {name: row[f"p_{name}"] for name in ROW_FIELDS}
    values["state"] = State(values["state"])
    values["suspended"] = bool(values["suspended"])
    values["leech"] = bool(values["leech"])
    return ProgressSnapshot(int(card_pk), int(row["p_id"]), int(row["p_version"]), **values)


_READ = (
    select(_CARD.c.id, *progress_columns())
    .select_from(progress_join(bindparam("learner")))
    .where(_CARD.c.id == bindparam("card_pk"))
)


def read_progress(session: Session, learner_id: int, card_pk: int) -> ProgressSnapshot:
    """The learner's progress on a card (a new card's when there is no row yet).

    Raises:
        NotFoundError: there is no such card.
    """
    row = session.execute(_READ, {"learner": learner_id, "card_pk": card_pk}).mappings().first()
    if row is None:
        raise NotFoundError(f"no card with pk {card_pk}")
    return snapshot_of(card_pk, row)


def get_progress(session: Session, learner_id: int, card_pk: int) -> Progress | None:
    """The learner's progress row for a card as a model object, if the card has been touched."""
    return session.execute(
        select(Progress).where(col(Progress.learner_id) == learner_id, col(Progress.card_pk) == card_pk)
    ).scalar_one_or_none()


def card_state(progress: Progress | ProgressSnapshot | None) -> CardState:
    """The scheduling state stored in a progress row (a new card when there is no row)."""
    if progress is None:
        return CardState()
    if isinstance(progress, ProgressSnapshot):
        return progress.card_state
    return CardState(state=State(progress.state), step=progress.step, stability=progress.stability,
                     difficulty=progress.difficulty, due=progress.due, last_review=progress.last_review,
                     scheduled_days=progress.scheduled_days, reps=progress.reps, lapses=progress.lapses)


# -- the one compare-and-set ------------------------------------------------------------------------------------

_CAS = (
    update(_PROGRESS)
    .where(_PROGRESS.c.id == bindparam("b_id"), _PROGRESS.c.version == bindparam("b_version"))
    .values(version=_PROGRESS.c.version + 1,
            **{name: bindparam(f"v_{name}", type_=_PROGRESS.c[name].type) for name in ROW_FIELDS})
)


class ProgressWrite(NamedTuple):
    """One row for :func:`compare_and_set`: the row as it was read (its id and version) and what it becomes."""

    seen: ProgressSnapshot
    values: Mapping[str, Any]  # every one of ROW_FIELDS


def compare_and_set(session: Session, learner_id: int, writes: Sequence[ProgressWrite],
                    conflict: str = CHANGED_ELSEWHERE) -> None:
    """Write progress rows, each only if nobody changed it since it was read: one statement per batch.

    Rows that exist are updated where their ``version`` is still the one read, and their version goes up by
    one; cards without a row get one (version 1). Nothing is committed here.

    Raises:
        ConflictError: (with ``conflict`` as the message) some row changed since it was read, or another session
            created a row meanwhile; the caller's transaction must be rolled back.
    """
    inserts = [{"learner_id": learner_id, "card_pk": w.seen.card_pk, "version": 1, **w.values}
               for w in writes if not w.seen.exists]
    updates = [{"b_id": w.seen.id, "b_version": w.seen.version, **{f"v_{k}": v for k, v in w.values.items()}}
               for w in writes if w.seen.exists]
    if inserts:
        try:
            session.execute(insert(_PROGRESS), inserts)
        except IntegrityError:
            raise ConflictError(conflict) from None
    if updates:
        changed = session.execute(_CAS, updates).rowcount  # type: ignore[attr-defined]
        if changed != len(updates):
            raise ConflictError(conflict)


# -- answering --------------------------------------------------------------------------------------------------

# Built once; each answer passes its values as parameters (building .values(...) per answer costs more than
# running the statement).
_REVIEW_INSERT = insert(_REVIEW)


def preview(seen: ProgressSnapshot, now: datetime, settings: SchedulerSettings) -> dict[Rating, Answer]:
    """The four possible outcomes of answering a card whose progress is ``seen``, at ``now``."""
    return schedule_preview(seen.card_state, require_utc(now), settings, seen.card_pk)


def preview_card(
    session: Session, learner_id: int, card_pk: int, now: datetime, settings: SchedulerSettings
) -> tuple[dict[Rating, Answer], int]:
    """The four possible outcomes for a card now, and the progress version to pass to :func:`answer_card`."""
    seen = read_progress(session, learner_id, card_pk)
    return preview(seen, now, settings), seen.version


def answer(session: Session, learner_id: int, seen: ProgressSnapshot, rating: Rating | int, now: datetime,
           duration_ms: int, settings: SchedulerSettings, attempt: TypedAttempt | None = None) -> Answered:
    """Grade a card from the progress the caller read (``seen``): write its new state and one review row (and
    the typed attempt, if any), and commit (one transaction).

    The write is a compare-and-set on ``seen.version``: if the card was answered (or changed) since ``seen`` was
    read, nothing is written and :class:`~srs.errors.ConflictError` is raised. Reaching the leech threshold tags
    the card (``leech``) and sets ``answer.leech`` so the caller can warn.

    Args:
        session: An open session with no pending changes of its own (it is committed or rolled back).
        learner_id: Whose progress.
        seen: The card's progress as the caller read it when it showed the card (:func:`read_progress`).
        rating: 1 Again, 2 Hard, 3 Good, 4 Easy.
        now: When the grade was given (aware UTC).
        duration_ms: Time spent on the card; capped at 60 s as Anki does.
        settings: The learner's settings (:func:`srs.store.settings.load_settings`).
        attempt: What the learner typed, with the key points its hits refer to.

    Raises:
        ConflictError: the card's progress changed since ``seen`` was read.
        NotFoundError: the card no longer exists.
        ValueError: ``now`` is naive or not UTC, or ``rating`` is not 1-4.
    """
    now = require_utc(now)
    rating = Rating(rating)
    result = schedule_answer(seen.card_state, rating, now, settings, seen.card_pk)
    after = seen.with_state(result.state)
    values = after.values() | {"leech": bool(result.leech or seen.leech), "updated_at": now}
    try:
        compare_and_set(session, learner_id, [ProgressWrite(seen, values)], ANSWERED_ELSEWHERE)
        review_id = session.execute(_REVIEW_INSERT, {
            "learner_id": learner_id, "card_pk": seen.card_pk, "rating": int(rating), "reviewed_at": now,
            "duration_ms": max(0, min(int(duration_ms), MAX_DURATION_MS)), "kind": result.kind,
            "interval_days": result.interval_days, "prev_interval_days": result.prev_interval_days,
            "origin": "terminal", "prev_state": seen.to_json(),
        }).inserted_primary_key[0]  # type: ignore[attr-defined]
        if attempt is not None:
            insert_attempt(session, learner_id, int(review_id), attempt.attempt, attempt.key_points)
        session.commit()
    except (IntegrityError, ConflictError):
        session.rollback()
        read_progress(session, learner_id, seen.card_pk)  # NotFoundError if the card is gone
        raise ConflictError(ANSWERED_ELSEWHERE) from None
    except BaseException:
        session.rollback()
        raise
    return Answered(result, int(review_id))


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
    """:func:`answer` for a caller that knows only the version it saw (0 for a card never touched): the
    progress is read here, and refused at once when its version is not ``expected_version``.

    Raises:
        ConflictError: the card's progress is not at ``expected_version``, or changed before the write.
        NotFoundError: there is no such card.
    """
    seen = read_progress(session, learner_id, card_pk)
    if seen.version != expected_version:
        session.rollback()
        raise ConflictError(ANSWERED_ELSEWHERE)
    if settings is None:
        settings = load_settings(session, learner_id)
    return answer(session, learner_id, seen, rating, now, duration_ms, settings)


# -- undo, suspend, bury ----------------------------------------------------------------------------------------


def undo_last(session: Session, learner_id: int, review_id: int | None = None) -> int | None:
    """Take back an answer: restore the card's progress from the review row's snapshot and delete that row
    (one transaction, committed). Returns the card's pk, or None when there is nothing this app can undo (no
    reviews, or the answer came from an Anki import).

    Without ``review_id`` this is the learner's most recent answer. With it (a review session passes the ids
    of its own answers), only that answer is taken back, and only while it is still the card's latest, so a
    session never undoes a grade given in another session. The restore is a compare-and-set like an answer, so
    an answer given meanwhile is never overwritten, and an answer based on the undone state is refused.

    Raises:
        ConflictError: the card was answered again after ``review_id``, or while undoing.
    """
    r = _REVIEW.c
    newest_first = (r.reviewed_at.desc(), r.id.desc())
    latest_query = select(r.id, r.card_pk, r.prev_state).where(r.learner_id == learner_id)
    if review_id is None:
        latest = session.execute(latest_query.order_by(*newest_first).limit(1)).mappings().first()
    else:
        latest = session.execute(latest_query.where(r.id == review_id)).mappings().first()
    if latest is None or latest["prev_state"] is None:
        return None
    card_pk = int(latest["card_pk"])
    # Read the progress first, then check the answer is still the card's latest: an answer committed after the
    # progress was read makes the compare-and-set below fail; one committed before it shows up in the check.
    seen = read_progress(session, learner_id, card_pk)
    newest = session.execute(
        select(r.id).where(r.learner_id == learner_id, r.card_pk == card_pk).order_by(*newest_first).limit(1)
    ).scalar()
    # Reviews written after this answer but dated before it come from an Anki import, whose recomputed state
    # counts them: restoring the state from before this answer would drop them from the schedule.
    merged_since = session.execute(
        select(r.id).where(r.learner_id == learner_id, r.card_pk == card_pk, r.id > latest["id"]).limit(1)
    ).first()
    if newest != latest["id"] or merged_since is not None or not seen.exists:
        session.rollback()
        raise ConflictError("that card was answered again in another session since; not undone")
    restored = ProgressSnapshot.from_json(card_pk, latest["prev_state"])
    try:
        compare_and_set(session, learner_id, [ProgressWrite(seen, restored.values())])
        delete_attempt(session, int(latest["id"]))
        deleted = session.execute(_REVIEW.delete().where(r.id == latest["id"]))
        if deleted.rowcount != 1:  # type: ignore[attr-defined]
            raise ConflictError("that answer was already undone in another session")
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return card_pk


def rebuild_state(session: Session, learner_id: int, card_pk: int, settings: SchedulerSettings) -> CardState:
    """A card's state rebuilt by replaying its review log (oldest first) through the scheduler."""
    r = _REVIEW.c
    rows = session.execute(
        select(r.rating, r.reviewed_at).where(r.learner_id == learner_id, r.card_pk == card_pk)
        .order_by(r.reviewed_at, r.id)
    ).mappings()
    return schedule_replay(card_pk, [(Rating(row["rating"]), row["reviewed_at"]) for row in rows], settings)
