"""Decks in the database: list them, read one back, remove one; importing a deck file is :mod:`srs.store.deck_import`.

The caller owns the transaction: these functions flush but never commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, delete, func, select
from sqlmodel import Session, col

from srs.deckfile import CardSpec, CounterpointSpec, DeckSpec, SourceSpec
from srs.errors import ConflictError, NotFoundError
from srs.keypoints import parse_key_point
from srs.store.meta import forget_refused_bundled, record_refused_bundled, record_removal
from srs.store.models import Card, Deck, LocalEdit, Progress, Review, ReviewAttempt

__all__ = ["DeckSummary", "deck_names", "deck_spec", "get_deck", "list_decks", "remove_deck"]


@dataclass(frozen=True)
class DeckSummary:
    """One deck as ``srs deck list`` shows it."""

    id: str
    name: str
    version: str
    cards: int
    retired: int
    license: str
    description: str


def list_decks(session: Session) -> list[DeckSummary]:
    """Every deck with its number of active and retired cards, by name."""
    retired_flag = case((col(Card.retired).is_(True), 1), else_=0)
    counts = {
        row.deck_id: (int(row.total), int(row.retired or 0))
        for row in session.execute(
            select(col(Card.deck_id), func.count().label("total"), func.sum(retired_flag).label("retired"))
            .group_by(col(Card.deck_id))
        )
    }
    result = []
    for deck in session.execute(select(Deck).order_by(col(Deck.name))).scalars():
        total, retired = counts.get(deck.id, (0, 0))
        result.append(DeckSummary(id=deck.id, name=deck.name, version=deck.version, cards=total - retired,
                                  retired=retired, license=deck.license, description=deck.description))
    return result


def deck_names(session: Session) -> list[tuple[str, str]]:
    """``(id, name)`` of every deck, by name."""
    rows = session.execute(select(col(Deck.id), col(Deck.name)).order_by(col(Deck.name)))
    return [(row.id, row.name) for row in rows]


def get_deck(session: Session, deck_id: str) -> Deck:
    """The deck ``deck_id``.

    Raises:
        NotFoundError: there is no such deck (the message lists the decks there are).
    """
    deck = session.get(Deck, deck_id)
    if deck is None:
        known = ", ".join(session.execute(select(col(Deck.id)).order_by(col(Deck.id))).scalars()) or "none"
        raise NotFoundError(f"no deck with id {deck_id!r} (decks: {known})")
    return deck


def deck_spec(session: Session, deck_id: str) -> DeckSpec:
    """Read a deck back as a :class:`DeckSpec` (active cards, in deck order, with their key points and personal
    flag), e.g. to write a deck file. The deck's text, never a learner's edit or personal line."""
    deck = get_deck(session, deck_id)
    cards = session.execute(
        select(Card).where(col(Card.deck_id) == deck_id, col(Card.retired).is_(False)).order_by(col(Card.position))
    ).scalars()
    return DeckSpec(
        id=deck.id, name=deck.name, version=deck.version, description=deck.description, license=deck.license,
        credits=deck.credits, sources=tuple(SourceSpec(**s) for s in deck.sources),
        cards=tuple(
            CardSpec(id=c.card_id, situation=c.situation, response=c.response, reasoning=c.reasoning,
                     sources=tuple(c.sources), tags=tuple(c.tags),
                     counterpoints=tuple(CounterpointSpec(**cp) for cp in c.counterpoints),
                     key_points=tuple(parse_key_point(text) for text in c.key_points), personal=c.personal)
            for c in cards
        ),
    )


def remove_deck(session: Session, deck_id: str) -> int:
    """Delete a deck, its cards and every learner's progress and history on them. Returns the card count.

    Raises:
        NotFoundError: there is no such deck, also when another session removed it during this removal (as
            removing it again would say; the caller rolls back).
    """
    deck = get_deck(session, deck_id)
    forget_refused_bundled(session)
    count = session.execute(select(func.count()).select_from(Card).where(col(Card.deck_id) == deck_id)).scalar_one()
    if deck.bundled_hash:
        # Remember the removal so the bundled copy is not silently installed again on the next run, and that
        # its file is refused, so start-up need not parse it to find that out.
        record_removal(session, deck_id)
        record_refused_bundled(session, deck.bundled_hash)
    card_ids = select(col(Card.id)).where(col(Card.deck_id) == deck_id)
    review_ids = select(col(Review.id)).where(col(Review.card_pk).in_(card_ids))
    session.execute(delete(ReviewAttempt).where(col(ReviewAttempt.review_id).in_(review_ids)))
    for model in (Review, Progress, LocalEdit):
        session.execute(delete(model).where(col(model.card_pk).in_(card_ids)))
    session.execute(delete(Card).where(col(Card.deck_id) == deck_id))
    deleted = session.execute(delete(Deck).where(col(Deck.id) == deck_id)).rowcount  # type: ignore[attr-defined]
    session.expunge(deck)
    if not deleted:  # another session removed it since it was read: say what removing it again says
        get_deck(session, deck_id)
        raise ConflictError(f"deck {deck_id!r} was changed in another session during the removal; try again")
    return int(count)
