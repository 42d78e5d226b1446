"""A learner's own wordings of key points in the database: add, remove, and list them for a card or all cards.

One :class:`~srs.store.models.LearnerWording` row per learner, card, point (as the deck wrote it) and wording
(see :mod:`srs.wordings` for what they mean). Adding checks the wording (:func:`srs.wordings.check_wording`)
and is one ``INSERT ... ON CONFLICT DO NOTHING``, so two processes adding the same wording at once store it once
and neither fails. The rows go with the learner (:func:`srs.store.learners.remove_learner`) and with the card
(``ON DELETE CASCADE``). Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlmodel import Session

from srs.keypoints import KeyPoint
from srs.store.models import Card, LearnerWording, table_of
from srs.store.upsert import insert_if_absent
from srs.wordings import CardWordings, Wording, check_wording, point_hash, same_text

__all__ = ["add_wording", "learner_wordings", "remove_stale_wordings", "remove_wording", "remove_wordings",
           "wordings_of"]

_WORDING, _CARD = table_of(LearnerWording), table_of(Card)
_W, _C = _WORDING.c, _CARD.c
_ORDER = (_W.added_at, _W.id)


def _record(row: object) -> Wording:
    return Wording(point=getattr(row, "point"), text=getattr(row, "wording"), added_at=getattr(row, "added_at"))


def wordings_of(session: Session, learner_id: int, card_pk: int) -> list[Wording]:
    """The learner's wordings for a card, oldest first (those whose point the deck changed since too)."""
    rows = session.execute(select(_W.point, _W.wording, _W.added_at)
                           .where(_W.learner_id == learner_id, _W.card_pk == card_pk).order_by(*_ORDER))
    return [_record(row) for row in rows]


def learner_wordings(session: Session, learner_id: int) -> list[CardWordings]:
    """Every card the learner has wordings for, by deck and card order, each with its wordings oldest first."""
    rows = session.execute(
        select(_W.card_pk, _W.point, _W.wording, _W.added_at, _C.deck_id, _C.card_id, _C.key_points)
        .select_from(_WORDING.join(_CARD, _C.id == _W.card_pk))
        .where(_W.learner_id == learner_id)
        .order_by(_C.deck_id, _C.position, _C.id, *_ORDER))
    cards: dict[int, CardWordings] = {}
    for row in rows:
        found = cards.get(row.card_pk)
        if found is None:
            found = CardWordings(card_pk=int(row.card_pk), ref=f"{row.deck_id}/{row.card_id}",
                                 key_points=tuple(str(p).strip() for p in row.key_points or ()), wordings=())
        cards[row.card_pk] = CardWordings(found.card_pk, found.ref, found.key_points,
                                          (*found.wordings, _record(row)))
    return list(cards.values())


def add_wording(session: Session, learner_id: int, card_pk: int, point: KeyPoint, text: str,
                now: datetime) -> Wording | None:
    """Check ``text`` (:func:`srs.wordings.check_wording`) and keep it as the learner's wording of ``point``.

    Returns:
        The wording as kept, or None when the learner has it for that point already (in any case).

    Raises:
        WordingError: the wording breaks a rule; nothing is stored.
    """
    wording = check_wording(point, text)
    if any(w.point == point.text and same_text(w.text, wording)
           for w in wordings_of(session, learner_id, card_pk)):
        return None
    row = {"learner_id": learner_id, "card_pk": card_pk, "point": point.text, "point_hash": point_hash(point.text),
           "wording": wording, "added_at": now}
    if insert_if_absent(session, _WORDING, row, ("learner_id", "card_pk", "point_hash", "wording")) is None:
        return None  # another session added it meanwhile
    return Wording(point=point.text, text=wording, added_at=now)


def _ids(session: Session, learner_id: int, card_pk: int, point: str | None) -> list[tuple[int, str, str]]:
    query = select(_W.id, _W.point, _W.wording).where(_W.learner_id == learner_id, _W.card_pk == card_pk)
    if point is not None:
        query = query.where(_W.point_hash == point_hash(point))
    return [(int(row.id), str(row.point), str(row.wording)) for row in session.execute(query)]


def _delete(session: Session, ids: Sequence[int]) -> int:
    if ids:
        session.execute(delete(_WORDING).where(_W.id.in_(list(ids))))
    return len(ids)


def remove_wording(session: Session, learner_id: int, card_pk: int, point: str, text: str) -> bool:
    """Forget the learner's wording ``text`` (in any case and spacing) of the point whose deck text is ``point``;
    False when they had none."""
    return bool(_delete(session, [i for i, p, w in _ids(session, learner_id, card_pk, point)
                                  if p == point and same_text(w, text)]))


def remove_wordings(session: Session, learner_id: int, card_pk: int, point: str | None = None) -> int:
    """Forget all the learner's wordings of one point (its deck text), or of the whole card (None); how many."""
    return _delete(session, [i for i, p, _ in _ids(session, learner_id, card_pk, point)
                             if point is None or p == point])


def remove_stale_wordings(session: Session, learner_id: int, card_pk: int, current: Sequence[str]) -> int:
    """Forget the learner's wordings of points the card no longer has as written (``current``: its points'
    texts now); how many."""
    keep = set(current)
    return _delete(session, [i for i, p, _ in _ids(session, learner_id, card_pk, None) if p not in keep])
