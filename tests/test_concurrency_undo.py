"""Undo racing an answer from another session of the same learner (a deterministic interleaving on a real
database: the second session answers from inside the first one's flush, before its writes reach the database).

``study.undo_last`` restores the snapshot with compare-and-set on the progress version, so an answer that lands
between its read and its write makes the undo fail cleanly (ConflictError) instead of being overwritten.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event
from sqlmodel import Session

from srs.store import progress as study

from srs.store.settings import load_settings
from srs.app import open_store
from srs.errors import ConflictError
from srs.store.models import Card, Deck

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)


def test_undo_never_overwrites_an_answer_given_meanwhile(any_db_url: str) -> None:
    store = open_store(any_db_url, "default", T0, install_bundled=False)
    learner = store.learner_id
    with Session(store.engine) as s:
        s.add(Deck(id="d", name="d", version="1", content_hash="x", created_at=T0, updated_at=T0))
        s.flush()
        card = Card(deck_id="d", card_id="c", situation="s", response="r", reasoning="w", content_hash="h",
                    anki_guid="g", created_at=T0, updated_at=T0)
        s.add(card)
        s.commit()
        card_pk = card.id
    assert card_pk is not None
    with Session(store.engine) as s:
        study.answer_card(s, learner, card_pk, 3, T0, 1_000, 0)

    other = Session(store.engine)
    fired = []

    def answer_meanwhile(conn: object, cursor: object, statement: str, *_: object) -> None:
        # Just before the undo writes the progress row, another session answers the same card and commits.
        if not fired and statement.lstrip().upper().startswith("UPDATE PROGRESS"):
            fired.append(True)
            study.answer_card(other, learner, card_pk, 1, T0 + timedelta(minutes=1), 1_000, 1)

    event.listen(store.engine, "before_cursor_execute", answer_meanwhile)
    undoer = Session(store.engine)
    with pytest.raises(ConflictError):
        study.undo_last(undoer, learner)
    assert fired, "the interleaving did not happen"
    undoer.close()
    other.close()
    with Session(store.engine) as s:
        progress = study.get_progress(s, learner, card_pk)
        settings = load_settings(s, learner)
        assert study.card_state(progress) == study.rebuild_state(s, learner, card_pk, settings)
    store.engine.dispose()
