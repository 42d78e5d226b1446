"""Cards with one learner's view of them: find a card, read what the learner sees (local edit applied, sources
resolved, progress attached), and list a deck's cards. Storing the learner's own wording is
:mod:`srs.store.edits`.

A card read for the review screen is one statement (:func:`read_card`): the card, its deck's name and sources,
the learner's edit and progress, each column read by name into a :class:`~srs.cardview.CardView` and a
:class:`~srs.progress.ProgressSnapshot`. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, and_, bindparam, select
from sqlalchemy.engine import RowMapping
from sqlmodel import Session, col

from srs.cardview import STATE_NAMES, CardView, EditedCard, source_refs, view_of
from srs.edits import FIELDS, deck_text_hash
from srs.errors import NotFoundError
from srs.progress import ProgressSnapshot
from srs.store.models import Card, Deck, LocalEdit, Review, table_of
from srs.store.progress import progress_columns, progress_join, read_progress, snapshot_of

__all__ = ["CARD_COLUMNS", "EDIT_COLUMNS", "CardRow", "SelectedCard", "card_view", "find_card", "history_of",
           "list_cards", "progress_dict", "progress_of", "read_card", "select_cards", "view_from_row"]

_CARD, _DECK, _EDIT = table_of(Card), table_of(Deck), table_of(LocalEdit)
_C, _D, _E = _CARD.c, _DECK.c, _EDIT.c
# What view_from_row reads: the card's columns, and the learner's edit's (labelled e_*, from an outer join).
CARD_COLUMNS = (_C.id, _C.deck_id, _C.card_id, _C.situation, _C.response, _C.reasoning, _C.sources, _C.tags,
                _C.counterpoints, _C.anki_guid, _C.updated_at, _C.retired, _C.key_points, _C.personal)
EDIT_COLUMNS = (_E.id.label("e_id"), _E.situation.label("e_situation"), _E.response.label("e_response"),
                _E.reasoning.label("e_reasoning"), _E.updated_at.label("e_updated_at"),
                _E.deck_hash.label("e_deck_hash"))
_LEARNER = bindparam("learner", type_=Integer())

# A card to show: the card, its deck's name and sources, the learner's edit of it and progress on it.
_READ_CARD = (
    select(*CARD_COLUMNS, _D.name.label("deck_name"), _D.sources.label("deck_sources"), *EDIT_COLUMNS,
           *progress_columns())
    .select_from(progress_join(_LEARNER).join(_DECK, _D.id == _C.deck_id)
                 .outerjoin(_EDIT, and_(_E.card_pk == _C.id, _E.learner_id == _LEARNER)))
    .where(_C.id == bindparam("card_pk"))
)


def view_from_row(row: RowMapping, deck_name: str, deck_sources: Any) -> CardView:
    """The :class:`CardView` in a row with :data:`CARD_COLUMNS` and, outer-joined, :data:`EDIT_COLUMNS`."""
    edit = None
    outdated = False
    if row.get("e_id") is not None:
        edit = EditedCard(situation=row["e_situation"], response=row["e_response"], reasoning=row["e_reasoning"],
                          updated_at=row["e_updated_at"], deck_hash=row["e_deck_hash"])
        if edit.deck_hash is not None:
            edited = {name: row[name] for name in FIELDS if row[f"e_{name}"] is not None}
            outdated = deck_text_hash(edited) != edit.deck_hash
    return view_of(
        pk=int(row["id"]), deck_id=row["deck_id"], deck_name=deck_name, card_id=row["card_id"],
        situation=row["situation"], response=row["response"], reasoning=row["reasoning"], sources=row["sources"],
        tags=row["tags"], counterpoints=row["counterpoints"], anki_guid=row["anki_guid"],
        updated_at=row["updated_at"], retired=bool(row["retired"]), deck_sources=deck_sources,
        edit=edit, key_points=row["key_points"] or (), personal=bool(row["personal"]), edit_outdated=outdated,
    )


def read_card(session: Session, learner_id: int, card_pk: int) -> tuple[CardView, ProgressSnapshot]:
    """The card as the learner sees it, and their progress on it, in one statement.

    Raises:
        NotFoundError: there is no such card.
    """
    row = session.execute(_READ_CARD, {"learner": learner_id, "card_pk": card_pk}).mappings().first()
    if row is None:
        raise NotFoundError(f"no card with pk {card_pk}")
    view = view_from_row(row, row["deck_name"], source_refs(row["deck_sources"]))
    return view, snapshot_of(card_pk, row)


def card_view(session: Session, learner_id: int, card: Card) -> CardView:
    """The learner's view of ``card``."""
    assert card.id is not None
    return read_card(session, learner_id, card.id)[0]


def find_card(session: Session, ref: str) -> Card:
    """Find a card by ``card-id`` or ``deck-id/card-id``. Raises :class:`NotFoundError` naming the choices."""
    deck_id, _, card_id = ref.rpartition("/")
    query = select(Card).where(col(Card.card_id) == card_id)
    if deck_id:
        query = query.where(col(Card.deck_id) == deck_id)
    found: list[Card] = list(session.execute(query).scalars())
    if not found:
        raise NotFoundError(f"no card with id {ref!r} (see: srs card list)")
    if len(found) > 1:
        choices = ", ".join(f"{c.deck_id}/{c.card_id}" for c in found)
        raise NotFoundError(f"card id {ref!r} is in several decks; name one of: {choices}")
    return found[0]


@dataclass(frozen=True)
class SelectedCard:
    """A card picked by :func:`select_cards`: its key and the ``deck-id/card-id`` a person reads."""

    pk: int
    ref: str


def select_cards(session: Session, refs: Sequence[str], deck_ids: Sequence[str] = (),
                 tags: Sequence[str] = ()) -> list[SelectedCard]:
    """The cards named by ``refs`` (as :func:`find_card` reads them), then the active cards of any of
    ``deck_ids`` that carry any of ``tags`` (no decks: every deck; no tags: every card), each once, in order.

    Raises:
        NotFoundError: naming, one per line, every ref, deck or tag that matches no card.
    """
    problems: list[str] = []
    chosen: dict[int, str] = {}
    for ref in refs:
        try:
            found = find_card(session, ref)
        except NotFoundError as exc:
            problems.append(str(exc))
            continue
        assert found.id is not None
        chosen.setdefault(found.id, f"{found.deck_id}/{found.card_id}")
    if deck_ids or tags:
        query = select(_C.id, _C.deck_id, _C.card_id, _C.tags).where(_C.retired.is_(False))
        known_decks = set(session.execute(select(_D.id).where(_D.id.in_(list(deck_ids)))).scalars())
        unknown = [f"no deck with id {d!r} (see: srs deck list)" for d in dict.fromkeys(deck_ids)
                   if d not in known_decks]
        if deck_ids:
            query = query.where(_C.deck_id.in_(list(deck_ids)))
        tagged = set(tags)
        used: set[str] = set()
        for row in session.execute(query.order_by(_C.deck_id, _C.position)):
            hits = tagged.intersection(row.tags)
            used |= hits
            if hits or not tagged:
                chosen.setdefault(row.id, f"{row.deck_id}/{row.card_id}")
        decks = ", ".join(map(repr, dict.fromkeys(deck_ids)))
        where = f" in deck{'s' if len(set(deck_ids)) > 1 else ''} {decks}" if deck_ids else ""
        # An unknown deck is the one cause: its tags are not reported missing as well.
        problems += unknown or [f"no card{where} has the tag {t!r}" for t in dict.fromkeys(tags) if t not in used]
    if problems:
        raise NotFoundError("\n".join(problems))
    return [SelectedCard(pk, ref) for pk, ref in chosen.items()]


def progress_of(session: Session, learner_id: int, card_pk: int) -> ProgressSnapshot | None:
    """The learner's progress on a card, or None while the card is new (no progress row)."""
    seen = read_progress(session, learner_id, card_pk)
    return seen if seen.exists else None


def history_of(session: Session, learner_id: int, card_pk: int) -> list[Review]:
    """The learner's reviews of a card, oldest first."""
    return list(session.execute(
        select(Review).where(col(Review.learner_id) == learner_id, col(Review.card_pk) == card_pk).order_by(
            col(Review.reviewed_at), col(Review.id))
    ).scalars())


def progress_dict(progress: ProgressSnapshot | None) -> dict[str, Any]:
    """Progress as plain data (new cards have no row and show as new)."""
    if progress is None:
        return {"state": "new", "due": None, "stability": None, "difficulty": None, "reps": 0, "lapses": 0,
                "last_review": None, "suspended": False, "buried_until": None, "leech": False}
    return {
        "state": STATE_NAMES.get(progress.state, str(progress.state)),
        "due": progress.due.isoformat() if progress.due else None,
        "stability": progress.stability, "difficulty": progress.difficulty,
        "reps": progress.reps, "lapses": progress.lapses,
        "last_review": progress.last_review.isoformat() if progress.last_review else None,
        "suspended": progress.suspended,
        "buried_until": progress.buried_until.isoformat() if progress.buried_until else None,
        "leech": progress.leech,
    }


@dataclass(frozen=True)
class CardRow:
    """One line of ``srs card list``."""

    ref: str
    situation: str
    tags: tuple[str, ...]
    retired: bool
    progress: dict[str, Any]


def list_cards(session: Session, learner_id: int, deck_id: str | None = None,
               include_retired: bool = False) -> list[CardRow]:
    """Cards in deck order with the learner's progress, one query."""
    query = (
        select(_C.id, _C.deck_id, _C.card_id, _C.situation, _C.tags, _C.retired, *progress_columns())
        .select_from(progress_join(learner_id))
        .order_by(_C.deck_id, _C.position)
    )
    if deck_id is not None:
        if session.get(Deck, deck_id) is None:
            raise NotFoundError(f"no deck with id {deck_id!r} (see: srs deck list)")
        query = query.where(_C.deck_id == deck_id)
    if not include_retired:
        query = query.where(_C.retired.is_(False))
    rows = []
    for row in session.execute(query).mappings():
        seen = snapshot_of(row["id"], row)
        rows.append(CardRow(ref=f"{row['deck_id']}/{row['card_id']}", situation=row["situation"],
                            tags=tuple(row["tags"]), retired=bool(row["retired"]),
                            progress=progress_dict(seen if seen.exists else None)))
    return rows
