"""What the exporters read: decks as one learner sees them, and that learner's progress and review history.

The exporters in ``exporters/`` turn these plain, frozen records into files (Anki packages, CSV). They never
touch the database themselves, and nothing here knows about any export format. Every function takes a
connection (or a session) and only reads, with Core statements on :mod:`srs.tables`: an export loads neither
SQLModel nor the ORM.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Text, bindparam, cast, func, select

from srs import tables as t
from srs.cardview import UNKNOWN_SOURCE, CardView, SourceRef
from srs.errors import NotFoundError

if TYPE_CHECKING:
    from srs.scheduling.settings import SchedulerSettings
    from srs.store.types import Executor


@dataclass(frozen=True)
class ExportDeck:
    """A deck and its active cards, in deck order, as the learner sees them (local edits applied)."""

    id: str
    name: str
    description: str
    cards: tuple[CardView, ...]


@dataclass(frozen=True)
class ProgressRecord:
    """One card's scheduling state for the learner (mirrors :class:`srs.store.models.Progress`)."""

    state: int
    step: int
    stability: float | None
    difficulty: float | None
    due: datetime | None
    last_review: datetime | None
    scheduled_days: int
    reps: int
    lapses: int
    suspended: bool


@dataclass(frozen=True)
class ReviewRecord:
    """One answer from the learner's review log (mirrors :class:`srs.store.models.Review`)."""

    rating: int
    reviewed_at: datetime
    duration_ms: int
    kind: int
    interval_days: int
    prev_interval_days: int


@dataclass(frozen=True)
class CardHistory:
    """A card's current progress (None while it is new) and its review log, oldest first."""

    progress: ProgressRecord | None
    reviews: tuple[ReviewRecord, ...]


def count_cards(conn: Executor, deck_ids: Sequence[str] | None = None) -> int:
    """How many active cards :func:`decks_for_export` will return (to size a progress bar)."""
    query = select(func.count()).select_from(t.card).where(t.card.c.retired.is_(False))
    if deck_ids:
        query = query.where(t.card.c.deck_id.in_(list(deck_ids)))
    return int(conn.execute(query).scalar_one())


_DECK = select(t.deck.c.id, t.deck.c.name, t.deck.c.description, t.deck.c.sources)
_E = t.local_edit.c
# A deck's active cards in deck order, each with the learner's edit if any (one edit per learner and card). The
# three JSON columns come back as their text, decoded together with one json.loads per card (a third of the
# calls, and none of the type's per-value processing: half the read on a 10,000-card deck).
_CARDS = (
    select(t.card.c.id, t.card.c.deck_id, t.card.c.card_id, t.card.c.situation, t.card.c.response,
           t.card.c.reasoning, cast(t.card.c.sources, Text), cast(t.card.c.tags, Text),
           cast(t.card.c.counterpoints, Text), t.card.c.anki_guid, t.card.c.updated_at,
           _E.situation, _E.response, _E.reasoning, _E.updated_at)
    .select_from(t.card.outerjoin(t.local_edit, (_E.card_pk == t.card.c.id)
                                  & (_E.learner_id == bindparam("learner"))))
    .where(t.card.c.deck_id == bindparam("deck"), t.card.c.retired.is_(False))
    .order_by(t.card.c.position, t.card.c.id)
)


def _decks(conn: Executor, deck_ids: Sequence[str] | None) -> list[Any]:
    if not deck_ids:
        return list(conn.execute(_DECK.order_by(t.deck.c.name, t.deck.c.id)))
    found = {row.id: row for row in conn.execute(_DECK.where(t.deck.c.id.in_(list(deck_ids))))}
    for deck_id in deck_ids:
        if deck_id not in found:
            known = ", ".join(conn.execute(select(t.deck.c.id)).scalars()) or "none"
            raise NotFoundError(f"no deck with id {deck_id!r} (decks: {known})")
    return [found[deck_id] for deck_id in dict.fromkeys(deck_ids)]


def _card_view(row: Any, deck_name: str, sources: dict[str, SourceRef]) -> CardView:
    """One :data:`_CARDS` row as the learner sees it: their edit's text, the later of the two times.

    What :func:`srs.cardview.view_of` does, built directly: the deck's sources are resolved once per deck rather
    than once per card, and the JSON columns arrive as text (see :data:`_CARDS`).
    """
    (pk, deck_id, card_id, situation, response, reasoning, sources_json, tags_json, counterpoints_json, anki_guid,
     updated_at, edit_situation, edit_response, edit_reasoning, edited_at) = row
    card_sources, tags, counterpoints = json.loads(f"[{sources_json},{tags_json},{counterpoints_json}]")
    if edited_at is not None:
        situation, response, reasoning = edit_situation, edit_response, edit_reasoning
        updated_at = max(updated_at, edited_at)
    return CardView(
        pk=pk, deck_id=deck_id, deck_name=deck_name, card_id=card_id, situation=situation, response=response,
        reasoning=reasoning, sources=tuple([sources.get(s, UNKNOWN_SOURCE) for s in card_sources]),
        tags=tuple(tags),
        counterpoints=tuple((sources.get(cp["source"], UNKNOWN_SOURCE), cp["view"]) for cp in counterpoints),
        anki_guid=anki_guid, updated_at=updated_at, edited=edited_at is not None,
    )


def decks_for_export(conn: Executor, learner_id: int, deck_ids: Sequence[str] | None = None,
                     on_card: Callable[[], None] | None = None) -> list[ExportDeck]:
    """The named decks (all decks when none are named), ordered by name, with their active cards.

    Retired cards are left out: the file describes the deck as it is now. ``on_card`` is called once per card
    read, so a caller can show progress. One query for the decks and one per deck, whatever its size; Core
    statements only, on a connection or a session.

    Raises:
        NotFoundError: a named deck does not exist.
    """
    result = []
    for deck in _decks(conn, deck_ids):
        sources = {s["id"]: SourceRef(**s) for s in deck.sources}
        cards = []
        for row in conn.execute(_CARDS, {"learner": learner_id, "deck": deck.id}).all():
            cards.append(_card_view(row, deck.name, sources))
            if on_card is not None:
                on_card()
        result.append(ExportDeck(id=deck.id, name=deck.name, description=deck.description, cards=tuple(cards)))
    return result


def histories_for_export(conn: Executor, learner_id: int, card_pks: Sequence[int]) -> dict[int, CardHistory]:
    """The learner's progress and review log for each card in ``card_pks`` (cards never seen are left out)."""
    wanted = set(card_pks)
    p, r = t.progress.c, t.review.c
    progress: dict[int, ProgressRecord] = {}
    rows = conn.execute(
        select(p.card_pk, p.state, p.step, p.stability, p.difficulty, p.due, p.last_review, p.scheduled_days,
               p.reps, p.lapses, p.suspended).where(p.learner_id == learner_id))
    for card_pk, *values in rows:
        if card_pk in wanted:
            progress[card_pk] = ProgressRecord(*values)
    reviews: dict[int, list[ReviewRecord]] = {}
    rows = conn.execute(
        select(r.card_pk, r.rating, r.reviewed_at, r.duration_ms, r.kind, r.interval_days, r.prev_interval_days)
        .where(r.learner_id == learner_id).order_by(r.reviewed_at, r.id))
    for card_pk, *values in rows:
        if card_pk in wanted:
            reviews.setdefault(card_pk, []).append(ReviewRecord(*values))
    return {
        pk: CardHistory(progress=progress.get(pk), reviews=tuple(reviews.get(pk, ())))
        for pk in sorted(set(progress) | set(reviews))
    }


def learner_settings(conn: Executor, learner_id: int) -> SchedulerSettings:
    """The learner's scheduler settings (time zone, rollover hour, steps, retention, FSRS parameters)."""
    from srs.store.queue import load_settings  # Core only (srs.store.progress would load SQLModel and the ORM)

    return load_settings(conn, learner_id)
