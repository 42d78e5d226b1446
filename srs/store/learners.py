"""Learners: each has their own progress, review log and settings on the shared decks."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from srs.store.engine import DEFAULT_LEARNER
from srs.errors import NotFoundError, SRSError
from srs.store.models import Learner, Review

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")


def add_learner(session: Session, name: str, now: datetime) -> Learner:
    if not NAME.match(name):
        raise SRSError(f"learner name {name!r} must be 1-100 letters, digits, '.', '_', '@' or '-'")
    if session.execute(select(Learner).where(col(Learner.name) == name)).first() is not None:
        raise SRSError(f"learner {name!r} already exists")
    learner = Learner(name=name, created_at=now)
    session.add(learner)
    session.flush()
    return learner


def list_learners(session: Session) -> list[tuple[str, int]]:
    """Every learner with their number of reviews."""
    counts: dict[int, int] = {
        learner_id: count
        for learner_id, count in session.execute(
            select(col(Review.learner_id), func.count()).group_by(col(Review.learner_id)))
    }
    return [(lr.name, int(counts.get(lr.id, 0)))
            for lr in session.execute(select(Learner).order_by(col(Learner.name))).scalars()]


def remove_learner(session: Session, name: str) -> None:
    """Delete a learner with all their progress, history, settings and edits."""
    if name == DEFAULT_LEARNER:
        raise SRSError("the default learner cannot be removed")
    learner = session.execute(select(Learner).where(col(Learner.name) == name)).scalar_one_or_none()
    if learner is None:
        raise NotFoundError(f"no learner named {name!r}")
    from sqlalchemy import delete

    from srs.store.models import LocalEdit, Progress, Setting

    for table in (Review, Progress, Setting, LocalEdit):
        session.execute(delete(table).where(col(table.learner_id) == learner.id))
    session.delete(learner)
    session.flush()
