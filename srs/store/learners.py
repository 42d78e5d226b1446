"""Learners: find, create, list and remove them; each has their own progress, review log and settings."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from srs.errors import NotFoundError, SRSError
from srs.store.models import (Interview, InterviewPlan, Learner, LearnerWording, LocalEdit, PlannedCard, Progress,
                              Review, ReviewAttempt, Setting, table_of)
from srs.store.upsert import insert_if_absent

DEFAULT_LEARNER = "default"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")


def find_learner(session: Session, name: str) -> int | None:
    """The id of learner ``name``, or None."""
    found = session.execute(select(col(Learner.id)).where(col(Learner.name) == name)).scalar()
    return None if found is None else int(found)


def _insert_if_absent(session: Session, name: str, now: datetime) -> int | None:
    """Insert learner ``name`` unless a learner of that name exists, committed or not, in any session (it waits
    for another session's uncommitted insert of the same name to end). Returns the new learner's id, or None when
    the name was taken. Two processes starting at once cannot both create the learner, and neither fails because
    the other did."""
    table = table_of(Learner)
    inserted = insert_if_absent(session, table, {"name": name, "created_at": now}, ("name",), (table.c.id,))
    return None if inserted is None else int(inserted.id)


def get_or_create_learner(session: Session, name: str, now: datetime) -> int:
    """Return the id of learner ``name``, creating the default learner on first use. The caller commits.

    Safe when several processes start on a new database at once: the one whose insert wins creates the
    default learner, and the others use it.

    Raises:
        NotFoundError: ``name`` is not the default learner and does not exist.
    """
    found = find_learner(session, name)
    if found is not None:
        return found
    if name != DEFAULT_LEARNER:
        raise NotFoundError(f"no learner named {name!r} (add one with: srs learner add {name})")
    found = _insert_if_absent(session, name, now) or find_learner(session, name)  # ours, or another process's
    assert found is not None
    return found


def add_learner(session: Session, name: str, now: datetime) -> Learner:
    """Add a learner named ``name``. The caller commits.

    Raises:
        SRSError: the name is not allowed, or taken (also when another session adds it at the same moment).
    """
    if not NAME.match(name):
        raise SRSError(f"learner name {name!r} must be 1-100 letters, digits, '.', '_', '@' or '-'")
    added = None if find_learner(session, name) is not None else _insert_if_absent(session, name, now)
    if added is None:
        raise SRSError(f"learner {name!r} already exists")
    learner = session.get(Learner, added)
    assert learner is not None
    return learner


def list_learners(session: Session) -> list[tuple[str, int]]:
    """Every learner with their number of reviews, by name."""
    counts = (select(col(Review.learner_id), func.count().label("reviews"))
              .group_by(col(Review.learner_id)).subquery())
    rows = session.execute(
        select(col(Learner.name), func.coalesce(counts.c.reviews, 0).label("reviews"))
        .outerjoin(counts, counts.c.learner_id == col(Learner.id)).order_by(col(Learner.name))
    ).mappings()
    return [(row["name"], int(row["reviews"])) for row in rows]


def remove_learner(session: Session, name: str) -> None:
    """Delete a learner with all their progress, history, typed attempts, settings, edits (personal lines too),
    wordings of key points and interviews. The caller commits."""
    if name == DEFAULT_LEARNER:
        raise SRSError("the default learner cannot be removed")
    learner_id = find_learner(session, name)
    if learner_id is None:
        raise NotFoundError(f"no learner named {name!r}")
    for model in (PlannedCard, InterviewPlan, Interview, ReviewAttempt, Review, Progress, Setting, LocalEdit,
                  LearnerWording):
        session.execute(delete(model).where(col(model.learner_id) == learner_id))
    session.execute(delete(Learner).where(col(Learner.id) == learner_id))
    session.flush()
