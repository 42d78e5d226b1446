"""Fetch what an export writes: decks as one learner sees them, and that learner's progress and review history.

Everything here only reads, and returns the plain records of :mod:`srs.export_records`; the writers in
``exporters/`` never touch the database, and nothing here knows about any export format.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import and_, bindparam, func, select
from sqlmodel import Session

from srs.cardview import CardView, source_refs
from srs.export_records import CardHistory, ExportDeck, ReviewRecord
from srs.progress import ProgressSnapshot
from srs.store.cards import CARD_COLUMNS, EDIT_COLUMNS, view_from_row
from srs.store.decks import get_deck
from srs.store.models import Card, Deck, LocalEdit, Progress, Review, table_of
from srs.store.progress import progress_columns, snapshot_of

__all__ = ["count_cards", "decks_for_export", "histories_for_export"]

_CARD, _DECK, _EDIT = table_of(Card), table_of(Deck), table_of(LocalEdit)
_C, _E = _CARD.c, _EDIT.c
_DECKS = select(_DECK.c.id, _DECK.c.name, _DECK.c.description, _DECK.c.sources)
# A deck's active cards in deck order, each with the learner's edit if any (one edit per learner and card).
# A deck's active cards in deck order (then, with "retired" true, its retired ones), each with the learner's edit
# if any (one edit per learner and card).
_CARDS = (
    select(*CARD_COLUMNS, *EDIT_COLUMNS)
    .select_from(_CARD.outerjoin(_EDIT, and_(_E.card_pk == _C.id, _E.learner_id == bindparam("learner"))))
    .where(_C.deck_id == bindparam("deck"), _C.retired.in_([False, bindparam("retired")]))
    .order_by(_C.position, _C.id)
)


def count_cards(session: Session, deck_ids: Sequence[str] | None = None, include_retired: bool = False) -> int:
    """How many cards :func:`decks_for_export` will return (to size a progress bar)."""
    query = select(func.count()).select_from(_CARD)
    if not include_retired:
        query = query.where(_C.retired.is_(False))
    if deck_ids:
        query = query.where(_C.deck_id.in_(list(deck_ids)))
    return int(session.execute(query).scalar_one())


def decks_for_export(session: Session, learner_id: int, deck_ids: Sequence[str] | None = None,
                     on_card: Callable[[], None] | None = None, include_retired: bool = False) -> list[ExportDeck]:
    """The named decks (all decks when none are named; by name), with their active cards.

    Retired cards are left out, as the file describes the deck as it is now, unless ``include_retired``: then
    they come in :attr:`ExportDeck.retired` (an Anki export suspends them on the phone). ``on_card`` is called
    once per card read, so a caller can show progress. One query for the decks and one per deck, whatever its
    size.

    Raises:
        NotFoundError: a named deck does not exist.
    """
    if deck_ids:
        for deck_id in deck_ids:
            get_deck(session, deck_id)
        found = {row.id: row for row in session.execute(_DECKS.where(_DECK.c.id.in_(list(deck_ids))))}
        decks = [found[deck_id] for deck_id in dict.fromkeys(deck_ids)]
    else:
        decks = list(session.execute(_DECKS.order_by(_DECK.c.name, _DECK.c.id)))
    result = []
    for deck in decks:
        sources = source_refs(deck.sources)
        cards: list[CardView] = []
        retired: list[CardView] = []
        params = {"learner": learner_id, "deck": deck.id, "retired": include_retired}
        for row in session.execute(_CARDS, params).mappings():
            (retired if row["retired"] else cards).append(view_from_row(row, deck.name, sources))
            if on_card is not None:
                on_card()
        result.append(ExportDeck(id=deck.id, name=deck.name, description=deck.description, cards=tuple(cards),
                                 retired=tuple(retired)))
    return result


def histories_for_export(session: Session, learner_id: int, card_pks: Sequence[int]) -> dict[int, CardHistory]:
    """The learner's progress and review log for each card in ``card_pks`` (cards never seen are left out)."""
    wanted = set(card_pks)
    p, r = table_of(Progress).c, table_of(Review).c
    progress: dict[int, ProgressSnapshot] = {}
    rows = session.execute(select(p.card_pk, *progress_columns()).where(p.learner_id == learner_id)).mappings()
    for row in rows:
        if row["card_pk"] in wanted:
            progress[row["card_pk"]] = snapshot_of(row["card_pk"], row)
    reviews: dict[int, list[ReviewRecord]] = {}
    rows = session.execute(
        select(r.card_pk, r.rating, r.reviewed_at, r.duration_ms, r.kind, r.interval_days, r.prev_interval_days)
        .where(r.learner_id == learner_id).order_by(r.reviewed_at, r.id)).mappings()
    for row in rows:
        if row["card_pk"] in wanted:
            reviews.setdefault(row["card_pk"], []).append(ReviewRecord(
                rating=row["rating"], reviewed_at=row["reviewed_at"], duration_ms=row["duration_ms"],
                kind=row["kind"], interval_days=row["interval_days"], prev_interval_days=row["prev_interval_days"]))
    return {
        pk: CardHistory(progress=progress.get(pk), reviews=tuple(reviews.get(pk, ())))
        for pk in sorted(set(progress) | set(reviews))
    }
