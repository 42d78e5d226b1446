"""The data side of rehearsal: key points and personal cards reach every card view, typed attempts are stored
with their review (and go with it on undo), personal lines and edits are kept per learner, and an edit whose
deck text then changed is marked. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from helpers.rehearsal import rehearsal_deck
from srs.app import Store, open_store
from srs.attempts import Attempt
from srs.deckfile import parse_deck_text
from srs.edits import EditedText
from srs.errors import EditRefused
from srs.review_service import DbReviewService
from srs.store.attempts import last_attempts
from srs.store.cards import read_card
from srs.store.deck_import import add_deck
from srs.store.edits import reset_edit, save_edit, save_personal_response
from srs.store.export import decks_for_export
from srs.store.learners import add_learner, remove_learner
from srs.store.models import Card, LocalEdit, Review, ReviewAttempt

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)

REHEARSAL_DECK = rehearsal_deck()


@pytest.fixture
def store(any_db_url: str) -> Store:
    store = open_store(any_db_url, "default", NOW, install_bundled=False)
    with Session(store.engine) as session:
        add_deck(session, parse_deck_text(REHEARSAL_DECK, "rehearse.toml"), NOW)
        session.commit()
    return store


def _pk(store: Store, card_id: str) -> int:
    with Session(store.engine) as session:
        return int(session.execute(select(Card.id).where(Card.card_id == card_id)).scalar_one())


def test_key_points_and_personal_reach_the_review_queue_and_the_export(store: Store) -> None:
    service = DbReviewService.open(store.engine, store.learner_id, lambda: NOW)
    card = service.next_card(True)
    assert card is not None and card.view.card_id == "hesitations"
    assert [p.alternatives for p in card.view.key_points] == [
        ("hesitations", "concerns", "reservations"), ("about hiring me", "about me", "about hiring you")]
    assert not card.view.personal and not card.view.needs_personal
    personal = service.load(_pk(store, "closing-line")).view
    assert personal.personal and personal.needs_personal
    assert personal.response == personal.reference == "Really interested in the opportunity."
    with Session(store.engine) as session:
        [deck] = decks_for_export(session, store.learner_id, ["rehearse"])
    assert [(c.card_id, len(c.key_points), c.personal) for c in deck.cards] == [
        ("hesitations", 2, False), ("closing-line", 2, True)]


def test_an_attempt_is_stored_with_its_review_and_undone_with_it(store: Store) -> None:
    clock = [NOW]
    service = DbReviewService.open(store.engine, store.learner_id, lambda: clock[0])
    card = service.next_card(True)
    assert card is not None
    attempt = Attempt(answer="I'd ask about their concerns", typed_ms=95_000, hits=(True, False),
                      suggested_rating=2)
    service.grade(card, 3, 60_000, attempt)
    with Session(store.engine) as session:
        review = session.execute(select(Review)).scalar_one()
        assert review.duration_ms == 60_000 and review.rating == 3
        [past] = last_attempts(session, store.learner_id, card.view.pk)
    assert past.answer == "I'd ask about their concerns" and past.typed_ms == 95_000  # uncapped
    assert past.hits == (True, False) and past.suggested_rating == 2 and past.rating == 3
    assert past.points == ("hesitations | concerns | reservations", "about hiring me | about me | about hiring you")
    assert past.reviewed_at == NOW
    assert service.undo() == card.view.pk
    with Session(store.engine) as session:
        assert session.execute(select(func.count()).select_from(ReviewAttempt)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(Review)).scalar_one() == 0


def test_an_attempt_must_have_one_hit_per_key_point(store: Store) -> None:
    service = DbReviewService.open(store.engine, store.learner_id, lambda: NOW)
    card = service.next_card(True)
    assert card is not None
    with pytest.raises(ValueError, match="1 hit flags for 2 key points"):
        service.grade(card, 3, 1000, Attempt(answer="x", typed_ms=1, hits=(True,), suggested_rating=1))
    with Session(store.engine) as session:  # nothing written: the review went with the refused attempt
        assert session.execute(select(func.count()).select_from(Review)).scalar_one() == 0


def test_personal_line_replaces_the_response_only_and_keeps_the_reference(store: Store) -> None:
    service = DbReviewService.open(store.engine, store.learner_id, lambda: NOW)
    card = service.load(_pk(store, "closing-line"))
    service.save_personal_response(card, "  I'm keen on this role and hope to hear from you.  ")
    view = service.load(card.view.pk).view
    assert view.response == "I'm keen on this role and hope to hear from you."
    assert view.reference == "Really interested in the opportunity."
    assert not view.needs_personal and view.edited and not view.edit_outdated
    assert view.situation == "The interviewer thanks you. Say your closing line."
    with Session(store.engine) as session:
        edit = session.execute(select(LocalEdit)).scalar_one()
        assert (edit.situation, edit.reasoning) == (None, None)
    # A deck update still reaches the situation; the learner's line stays, and is not marked (its text is
    # not what changed).
    with Session(store.engine) as session:
        add_deck(session, parse_deck_text(REHEARSAL_DECK.replace("thanks you.", "thanks you warmly."), "r.toml"),
                 NOW + timedelta(days=1))
        session.commit()
    view = service.load(card.view.pk).view
    assert view.situation == "The interviewer thanks you warmly. Say your closing line."
    assert view.response == "I'm keen on this role and hope to hear from you." and not view.edit_outdated
    assert service.reset_edit(card) is True
    view = service.load(card.view.pk).view
    assert view.needs_personal and view.response == "Really interested in the opportunity."


def test_a_personal_line_equal_to_the_decks_is_still_the_learners(store: Store) -> None:
    service = DbReviewService.open(store.engine, store.learner_id, lambda: NOW)
    card = service.load(_pk(store, "closing-line"))
    service.save_personal_response(card, "Really interested in the opportunity.")
    assert not service.load(card.view.pk).view.needs_personal


@pytest.mark.parametrize("line, message", [
    ("   ", "your line must not be empty"),
    ("keen \x1b[31m", "control character U+001B"),
    ("x" * 10_001, "the limit is 10,000"),
])
def test_a_bad_personal_line_is_refused_and_nothing_is_stored(store: Store, line: str, message: str) -> None:
    service = DbReviewService.open(store.engine, store.learner_id, lambda: NOW)
    card = service.load(_pk(store, "closing-line"))
    with pytest.raises(EditRefused, match=re.escape(message)):
        service.save_personal_response(card, line)
    with Session(store.engine) as session:
        assert session.execute(select(func.count()).select_from(LocalEdit)).scalar_one() == 0


def test_an_edit_whose_deck_text_changed_is_kept_and_marked(store: Store) -> None:
    pk = _pk(store, "hesitations")
    with Session(store.engine) as session:
        save_edit(session, store.learner_id, pk, EditedText(
            situation="Any more questions for me?", response="Ask what concerns they have about me.",
            reasoning="Gives you a chance to answer them."), NOW)
        session.commit()
        edit = session.execute(select(LocalEdit)).scalar_one()
        assert (edit.situation, edit.reasoning) == (None, None)  # unchanged fields follow the deck
        view, _ = read_card(session, store.learner_id, pk)
        assert view.response == "Ask what concerns they have about me." and not view.edit_outdated
    updated = REHEARSAL_DECK.replace("Ask what hesitations they have about hiring you.",
                                     "Ask what hesitations they have about hiring you, then stop.")
    with Session(store.engine) as session:
        add_deck(session, parse_deck_text(updated, "r.toml"), NOW + timedelta(days=1))
        session.commit()
        view, _ = read_card(session, store.learner_id, pk)
    assert view.response == "Ask what concerns they have about me." and view.edit_outdated
    assert view.deck_text is not None
    assert view.deck_text.response == "Ask what hesitations they have about hiring you, then stop."
    with Session(store.engine) as session:
        assert reset_edit(session, store.learner_id, pk, NOW + timedelta(days=2)) is True
        session.commit()
        view, _ = read_card(session, store.learner_id, pk)
        assert reset_edit(session, store.learner_id, pk, NOW + timedelta(days=2)) is False
    assert view.response == "Ask what hesitations they have about hiring you, then stop." and not view.edited
    assert view.updated_at == NOW + timedelta(days=2)  # an Anki export carries the text back


def test_removing_a_learner_deletes_their_attempts_and_personal_lines(store: Store) -> None:
    with Session(store.engine) as session:
        learner = add_learner(session, "maya", NOW)
        session.commit()
        assert learner.id is not None
        maya = learner.id
    for learner_id in (store.learner_id, maya):
        service = DbReviewService.open(store.engine, learner_id, lambda: NOW)
        card = service.next_card(True)
        assert card is not None
        service.grade(card, 3, 1000, Attempt(answer="concerns", typed_ms=10, hits=(True, False),
                                             suggested_rating=2))
        service.save_personal_response(service.load(_pk(store, "closing-line")), "Keen on the role.")
    with Session(store.engine) as session:
        remove_learner(session, "maya")
        session.commit()
        assert session.execute(select(ReviewAttempt.learner_id)).scalars().all() == [store.learner_id]
        assert session.execute(select(LocalEdit.learner_id)).scalars().all() == [store.learner_id]
