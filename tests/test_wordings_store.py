"""Learners' wordings in the database, on SQLite and PostgreSQL: add, list, remove, one row per learner, card,
point and wording, gone with the learner and with the card; and migration 0007 (upgrade from 0006 keeps every
row, a database that lost its revision at 0007 is identified, downgrade drops the table)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from helpers.migrations import TABLES, rows
from srs.app import Store, open_store
from srs.deckfile import parse_deck_text
from srs.keypoints import KeyPoint, parse_key_point
from srs.store.deck_import import add_deck
from srs.store.decks import remove_deck
from srs.store.engine import make_engine
from srs.store.learners import add_learner, remove_learner
from srs.store.migrations import SCHEMA_HEAD, schema_state, upgrade
from srs.store.migrations.check import schema_differences
from srs.store.models import Card, LearnerWording
from srs.store.wordings import (add_wording, learner_wordings, remove_stale_wordings, remove_wording,
                                remove_wordings, wordings_of)
from srs.wording_service import DbWordings
from srs.wordings import Wording, WordingError

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
LATER = NOW + timedelta(minutes=5)
DECK = '''\
[deck]
id = "rehearse"
name = "Rehearse"
version = "1.0.0"

[[sources]]
id = "a"
title = "A"

[[cards]]
id = "hesitations"
situation = "Any more questions for me?"
response = "Ask what hesitations they have about hiring you."
key_points = ["hesitations | concerns", "about hiring me | about me"]
reasoning = "Gives you a chance to answer them."
sources = ["a"]
'''
LONG_POINT = "hesitations | " + " | ".join(f"worry number {n}" for n in range(600))  # ~10,000 characters


@pytest.fixture
def store(any_db_url: str) -> Store:
    store = open_store(any_db_url, "default", NOW, install_bundled=False)
    with Session(store.engine) as session:
        add_deck(session, parse_deck_text(DECK, "rehearse.toml"), NOW)
        session.commit()
    return store


def _card(store: Store) -> tuple[int, tuple[KeyPoint, ...]]:
    with Session(store.engine) as session:
        card = session.execute(select(Card).where(Card.card_id == "hesitations")).scalar_one()
        assert card.id is not None
        return card.id, tuple(parse_key_point(p) for p in card.key_points)


def _count(store: Store) -> int:
    with Session(store.engine) as session:
        return int(session.execute(select(func.count()).select_from(LearnerWording)).scalar_one())


def test_add_list_and_remove(store: Store) -> None:
    pk, (hesitations, hiring) = _card(store)
    with Session(store.engine) as s:
        assert add_wording(s, store.learner_id, pk, hesitations, "  giving you   pause ", NOW) == Wording(
            hesitations.text, "giving you pause", NOW)
        assert add_wording(s, store.learner_id, pk, hiring, "taking the plunge on me", LATER) is not None
        s.commit()
    with Session(store.engine) as s:
        found = wordings_of(s, store.learner_id, pk)
        assert [(w.point, w.text) for w in found] == [(hesitations.text, "giving you pause"),
                                                      (hiring.text, "taking the plunge on me")]
        assert found[0].added_at == NOW and found[0].added_at.tzinfo is not None
        [card] = learner_wordings(s, store.learner_id)
        assert (card.ref, card.key_points, card.wordings) == ("rehearse/hesitations",
                                                              (hesitations.text, hiring.text), tuple(found))
        assert remove_wording(s, store.learner_id, pk, hesitations.text, "Giving You Pause")  # any case, spacing
        assert not remove_wording(s, store.learner_id, pk, hesitations.text, "giving you pause")
        assert not remove_wording(s, store.learner_id, pk, hesitations.text, "taking the plunge on me")
        s.commit()
        assert [w.text for w in wordings_of(s, store.learner_id, pk)] == ["taking the plunge on me"]


def test_one_row_per_learner_card_point_and_wording(store: Store) -> None:
    pk, (hesitations, hiring) = _card(store)
    with Session(store.engine) as s:
        maya = add_learner(s, "maya", NOW).id
        assert maya is not None
        assert add_wording(s, store.learner_id, pk, hesitations, "giving you pause", NOW) is not None
        assert add_wording(s, store.learner_id, pk, hesitations, "GIVING you pause", NOW) is None
        assert add_wording(s, store.learner_id, pk, hiring, "giving you pause", NOW) is not None  # another point
        assert add_wording(s, maya, pk, hesitations, "giving you pause", NOW) is not None  # another learner
        s.commit()
        assert wordings_of(s, maya, pk) == [Wording(hesitations.text, "giving you pause", NOW)]
    assert _count(store) == 3


def test_a_bad_wording_stores_nothing(store: Store) -> None:
    pk, (hesitations, _) = _card(store)
    with Session(store.engine) as s, pytest.raises(WordingError, match="only small words"):
        add_wording(s, store.learner_id, pk, hesitations, "about me", NOW)
    assert _count(store) == 0


def test_a_point_longer_than_an_index_allows_takes_wordings(store: Store) -> None:
    pk, _ = _card(store)
    point = parse_key_point(LONG_POINT)
    with Session(store.engine) as s:
        assert add_wording(s, store.learner_id, pk, point, "giving you pause", NOW) is not None
        assert add_wording(s, store.learner_id, pk, point, "giving you pause", NOW) is None
        s.commit()
        assert [w.point for w in wordings_of(s, store.learner_id, pk)] == [LONG_POINT]


def test_remove_a_points_all_the_cards_or_the_stale_ones(store: Store) -> None:
    pk, (hesitations, hiring) = _card(store)
    old = parse_key_point("hesitations")  # the point as an older deck wrote it
    with Session(store.engine) as s:
        for point, text in ((hesitations, "giving you pause"), (hesitations, "misgivings"), (hiring, "on board"),
                            (old, "qualms")):
            add_wording(s, store.learner_id, pk, point, text, NOW)
        assert remove_stale_wordings(s, store.learner_id, pk, [hesitations.text, hiring.text]) == 1
        assert remove_wordings(s, store.learner_id, pk, hesitations.text) == 2
        assert [w.text for w in wordings_of(s, store.learner_id, pk)] == ["on board"]
        assert remove_wordings(s, store.learner_id, pk) == 1
        s.commit()
    assert _count(store) == 0


def test_wordings_go_with_the_learner_and_with_the_card(store: Store) -> None:
    pk, (hesitations, _) = _card(store)
    with Session(store.engine) as s:
        maya = add_learner(s, "maya", NOW).id
        assert maya is not None
        add_wording(s, maya, pk, hesitations, "giving you pause", NOW)
        add_wording(s, store.learner_id, pk, hesitations, "misgivings", NOW)
        s.commit()
        remove_learner(s, "maya")
        s.commit()
        assert wordings_of(s, maya, pk) == [] and _count(store) == 1
        remove_deck(s, "rehearse")  # its cards are deleted: their wordings cascade
        s.commit()
    assert _count(store) == 0


def test_the_review_sessions_book_commits_each_change(store: Store) -> None:
    pk, (hesitations, _) = _card(store)
    book = DbWordings(store.engine, store.learner_id, lambda: LATER)
    assert book.add(pk, hesitations, "giving you pause") == Wording(hesitations.text, "giving you pause", LATER)
    assert book.for_card(pk) == [Wording(hesitations.text, "giving you pause", LATER)]
    assert book.remove(pk, hesitations.text, "giving you pause") and book.for_card(pk) == []


# -- migration 0007 ------------------------------------------------------------------------------------------------

def test_0006_database_upgrades_to_0007_keeping_every_row(v1_copy: Path) -> None:
    engine = make_engine(f"sqlite:///{v1_copy}")
    upgrade(engine, to="0006", backup=False)
    before = rows(v1_copy)
    done = upgrade(engine)
    assert (done.before, done.after, SCHEMA_HEAD) == ("0006", "0007", "0007")
    with engine.connect() as conn:
        assert schema_differences(conn) == []
        assert conn.exec_driver_sql("SELECT count(*) FROM learner_wording").scalar() == 0
    engine.dispose()
    assert rows(v1_copy) == before and set(before) == set(TABLES)
    store = open_store(str(v1_copy), "maya", NOW, install_bundled=False)  # srs 0.1.0's learner takes wordings
    with Session(store.engine) as s:
        card = s.execute(select(Card).where(Card.retired.is_(False))).scalars().first()
        assert card is not None and card.id is not None
        assert add_wording(s, store.learner_id, card.id, parse_key_point("hesitations"), "qualms", NOW)


def test_a_database_at_0007_that_lost_its_revision_is_identified_and_downgrade_drops_the_table(
        v1_copy: Path) -> None:
    engine = make_engine(f"sqlite:///{v1_copy}")
    upgrade(engine, backup=False)
    con = sqlite3.connect(v1_copy)
    con.execute("DELETE FROM alembic_version")
    con.commit()
    con.close()
    with engine.connect() as conn:
        assert schema_state(conn) == "0007"
    upgrade(engine, backup=False)  # records it
    from alembic import command

    from srs.store.migrations import alembic_config

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")
    with engine.connect() as conn:
        assert schema_state(conn) == "0006"
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name = 'learner_wording'").scalar() == 0
    engine.dispose()
