"""A learner's own wording of cards: save an edit, save a personal card's line, and go back to the deck's text.

One :class:`~srs.store.models.LocalEdit` row per learner and card holds the fields the learner made their own;
a field left NULL follows the deck, so a deck update still reaches it. The row records the hash of the deck's
text of its fields when it was saved (:func:`srs.edits.deck_text_hash`), so :mod:`srs.store.cards` can tell
the learner when the deck has changed that text since.

Whenever the text a learner sees changes back to the deck's, the card's ``updated_at`` moves to ``now``: an
Anki export must carry that change (Anki only updates a note whose modification time is newer than its own
copy). Nothing here commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlmodel import Session, col

from srs.edits import FIELDS, EditedText, check_personal_response, deck_text_hash
from srs.errors import EditRefused
from srs.store.models import Card, LocalEdit, table_of
from srs.store.upsert import upsert

__all__ = ["reset_edit", "save_edit", "save_personal_response"]

_EDIT = table_of(LocalEdit)


def _card(session: Session, card_pk: int) -> Card:
    card = session.get(Card, card_pk)
    if card is None:
        raise EditRefused("the card no longer exists")
    return card


def _existing(session: Session, learner_id: int, card_pk: int) -> LocalEdit | None:
    return session.execute(
        select(LocalEdit).where(col(LocalEdit.learner_id) == learner_id, col(LocalEdit.card_pk) == card_pk)
    ).scalar_one_or_none()


def _store(session: Session, learner_id: int, card: Card, existing: LocalEdit | None,
           own: dict[str, str | None], now: datetime) -> None:
    """Write the learner's fields (None: follow the deck); no field of their own removes the edit.

    One upsert keyed by learner and card, so two sessions saving the same card's wording at once both succeed and
    the last to commit wins (a read-then-insert failed on the unique key when both found no edit)."""
    assert card.id is not None
    this = (col(LocalEdit.learner_id) == learner_id) & (col(LocalEdit.card_pk) == card.id)
    if existing is not None:
        session.expunge(existing)  # written below by statement, not through this copy
    if all(value is None for value in own.values()):
        session.execute(delete(LocalEdit).where(this))
        card.updated_at = max(card.updated_at, now)
        session.add(card)
        session.flush()
        return
    deck_hash = deck_text_hash({name: getattr(card, name) for name in FIELDS if own[name] is not None})
    upsert(session, _EDIT, {"learner_id": learner_id, "card_pk": card.id, **own, "deck_hash": deck_hash,
                            "updated_at": now}, ("learner_id", "card_pk"))


def save_edit(session: Session, learner_id: int, card_pk: int, edited: EditedText, now: datetime) -> bool:
    """Store ``edited`` as the learner's wording of the card; return False when nothing changed.

    A field equal to the deck's text follows the deck from now on; text equal to the deck's in every field
    removes the edit. A personal card's own line stays the learner's even when it equals the deck's wording
    (they chose it; :func:`reset_edit` gives it up).

    Raises:
        EditRefused: the card no longer exists.
    """
    card = _card(session, card_pk)
    existing = _existing(session, learner_id, card_pk)

    def shown(name: str) -> str:
        value = getattr(existing, name) if existing is not None else None
        return str(value if value is not None else getattr(card, name)).strip()

    if all(shown(name) == getattr(edited, name) for name in FIELDS):
        return False
    own: dict[str, str | None] = {
        name: None if getattr(edited, name) == getattr(card, name).strip() else getattr(edited, name)
        for name in FIELDS}
    if card.personal and existing is not None and existing.response is not None and own["response"] is None:
        own["response"] = edited.response
    _store(session, learner_id, card, existing, own, now)
    return True


def save_personal_response(session: Session, learner_id: int, card_pk: int, text: str, now: datetime) -> bool:
    """Store ``text`` as the learner's own response to the card (its situation and reasoning stay as they are).

    Used for a personal card's line; kept even when it equals the deck's wording. Returns False when it was
    already their response.

    Raises:
        EditRefused: the line is empty, too long or holds control characters, or the card no longer exists.
    """
    line = check_personal_response(text)
    card = _card(session, card_pk)
    existing = _existing(session, learner_id, card_pk)
    if existing is not None and existing.response == line:
        return False
    own: dict[str, str | None] = {name: getattr(existing, name) if existing is not None else None
                                  for name in FIELDS}
    own["response"] = line
    _store(session, learner_id, card, existing, own, now)
    return True


def reset_edit(session: Session, learner_id: int, card_pk: int, now: datetime) -> bool:
    """Drop the learner's edit of the card (a personal line too): they see the deck's text again.

    Returns False when there was no edit.

    Raises:
        EditRefused: the card no longer exists.
    """
    card = _card(session, card_pk)
    existing = _existing(session, learner_id, card_pk)
    if existing is None:
        return False
    _store(session, learner_id, card, existing, dict.fromkeys(FIELDS), now)
    return True
