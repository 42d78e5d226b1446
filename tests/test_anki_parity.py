"""Parity with Anki itself: the official ``anki`` package (the Rust backend AnkiDroid uses) is the oracle.

1. Memory state: random review histories are written as revlog rows into one temporary collection (FSRS on, in
   a non-UTC zone, across DST changes) and Anki's ``compute_memory_state`` must agree with our ``replay``.
2. Next states: cards are put into Anki in the state our scheduler gave them, and Anki's four next states
   (kind, step, interval in days or seconds, lapses, leech flag, fuzzed interval, button label) must equal ours.

Anki reads the wall clock and local time zone itself, and offers no way to fix either: the process ``TZ`` is
set (and restored) around the collection, histories end well before today, and test 2 reads the clock once and
hands that same instant to our scheduler.

About DST: to turn revlog times into day gaps, Anki counts whole 86,400-second periods back from the start of
*today's* next learner-day; at answer time it counts back from the next day after that answer. The two agree
except for reviews within an hour of the rollover on the other side of a DST change from the anchor, and which
side that is depends on the date the test runs. Histories therefore avoid local 03:00-05:00 (rollover 04:00),
so the comparison means the same thing in every season (a review at 05:00 sharp sits on a boundary
too); ``test_scheduling_days`` covers the hour itself.
"""

from __future__ import annotations

import os
import random
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from helpers import process_zone
from srs.scheduling import CardState, Rating, SchedulerSettings, State, answer, format_interval, preview, replay
from srs.scheduling import days as sdays

anki_collection = pytest.importorskip("anki.collection")

ZONE = "America/New_York"
HISTORIES = 320
REL_TOL = 1e-3


@pytest.fixture(scope="module")
def local_zone() -> Iterator[str]:
    """Anki buckets days in the process's local time: the learner's zone for the module."""
    with process_zone(ZONE):
        yield ZONE


@pytest.fixture(scope="module")
def collection(local_zone: str) -> Iterator[Any]:
    with tempfile.TemporaryDirectory() as tmp:
        col = anki_collection.Collection(os.path.join(tmp, "parity.anki2"))
        col.set_config("fsrs", True)
        col.load_balancer_enabled = False  # an optional Anki feature we do not reproduce
        try:
            yield col
        finally:
            col.close()


def _new_card(col: Any, front: str) -> int:
    note = col.new_note(col.models.by_name("Basic"))
    note["Front"] = front
    note["Back"] = "-"
    col.add_note(note, deck_id=1)
    return int(note.cards()[0].id)


def _configure(col: Any, settings: SchedulerSettings) -> None:
    conf = col.decks.config_dict_for_deck_id(1)
    conf["new"]["delays"] = list(settings.learning_steps)
    conf["lapse"]["delays"] = list(settings.relearning_steps)
    conf["rev"]["maxIvl"] = settings.maximum_interval
    conf["lapse"]["leechFails"] = settings.leech_threshold
    conf["desiredRetention"] = settings.desired_retention
    col.decks.update_config(conf)


def _avoid_rollover_hour(moment: datetime) -> datetime:
    """Move a time between local 03:00 and 05:00 (inclusive) to 05:30 (see the module docstring)."""
    local = moment.astimezone(sdays.zone(ZONE))
    if local.hour in (3, 4) or (local.hour == 5 and local.minute == 0):
        local = local.replace(hour=5, minute=30)
    return local.astimezone(timezone.utc)


def random_history(
    rng: random.Random,
    card_id: int,
    settings: SchedulerSettings,
    start: datetime,
    length: int,
    until: datetime = datetime(2026, 1, 1, tzinfo=timezone.utc),
) -> list[tuple[Rating, datetime]]:
    """A plausible history ending before ``until``: answers at or after due (sometimes early, sometimes the same
    day), all four grades."""
    card = CardState()
    moment = _avoid_rollover_hour(start)
    history: list[tuple[Rating, datetime]] = []
    for _ in range(length):
        if moment >= until:
            break
        rating = Rating(rng.choices((1, 2, 3, 4), weights=(3, 2, 8, 2))[0])
        history.append((rating, moment))
        card = answer(card, rating, moment, settings, card_id).state
        assert card.due is not None
        roll = rng.random()
        if card.state in (State.LEARNING, State.RELEARNING) and roll < 0.7:
            gap = (card.due - moment) + timedelta(minutes=rng.randint(0, 90))
        elif roll < 0.15:
            gap = timedelta(minutes=rng.randint(1, 300))  # same-day extra review
        else:
            late = rng.choice((0, 0, 0, 1, 2, 5, 20, 60))
            gap = max(card.due - moment, timedelta(0)) + timedelta(days=late, minutes=rng.randint(0, 900))
            if rng.random() < 0.1:
                gap = gap / 2  # early review
        moment = _avoid_rollover_hour(moment + max(gap, timedelta(minutes=1)))
    return history


def test_memory_state_matches_anki_compute_memory_state(collection: Any) -> None:
    settings = SchedulerSettings(timezone=ZONE)
    _configure(collection, settings)
    rng = random.Random(20240310)
    cases: list[tuple[int, CardState, int]] = []
    taken: set[int] = set()
    for index in range(HISTORIES):
        card_id = _new_card(collection, f"memory {index}")
        # Starts spread over 2023-2024, so histories cross US DST changes in March and November.
        start = datetime(2023, 1, 2, 14, tzinfo=timezone.utc) + timedelta(minutes=rng.randint(0, 700 * 24 * 60))
        history = random_history(rng, card_id, settings, start, rng.randint(1, 25))
        assert history[-1][1] < datetime(2026, 1, 1, tzinfo=timezone.utc)
        ours = replay(card_id, history, settings)
        for step, (rating, moment) in enumerate(history):
            revlog_id = int(moment.timestamp() * 1000)
            while revlog_id in taken:  # revlog ids are unique millisecond stamps
                revlog_id += 1
            taken.add(revlog_id)
            kind = 0 if step == 0 else 1
            collection.db.execute(
                "insert into revlog (id,cid,usn,ease,ivl,lastIvl,factor,time,type) values (?,?,?,?,?,?,?,?,?)",
                revlog_id, card_id, -1, int(rating), 1, 0, 0, 8000, kind,
            )
        card = collection.get_card(card_id)
        card.type = card.queue = 2
        card.ivl = max(1, ours.scheduled_days)
        card.due = collection.sched.today + 1
        collection.update_card(card)
        cases.append((card_id, ours, len(history)))

    lapsed = sum(1 for _, ours, _ in cases if ours.lapses > 0)
    same_day = sum(1 for _, ours, n in cases if n > 1 and ours.reps > 1)
    assert lapsed > 50 and same_day > 100  # the sample exercises lapses and multi-review histories

    for card_id, ours, _ in cases:
        state = collection._backend.compute_memory_state(card_id).state
        assert ours.stability == pytest.approx(state.stability, rel=REL_TOL), card_id
        assert ours.difficulty == pytest.approx(state.difficulty, rel=REL_TOL), card_id


def test_history_crosses_dst_changes() -> None:
    """The sampled period really contains DST changes in the test zone (guards the setup above)."""
    tz = sdays.zone(ZONE)
    offsets = {
        (datetime(2023, 1, 2, tzinfo=timezone.utc) + timedelta(days=d)).astimezone(tz).utcoffset() for d in range(700)
    }
    assert len(offsets) == 2


def _put_card(col: Any, card_id: int, card: CardState, settings: SchedulerSettings, today: Any) -> None:
    from anki.cards_pb2 import FsrsMemoryState

    target = col.get_card(card_id)
    target.reps = card.reps
    target.lapses = card.lapses
    if card.state != State.NEW:
        assert card.stability is not None and card.difficulty is not None and card.last_review is not None
        target.memory_state = FsrsMemoryState(stability=card.stability, difficulty=card.difficulty)
        target.last_review_time = int(card.last_review.timestamp())
    assert card.due is not None or card.state == State.NEW
    if card.state == State.LEARNING:
        assert card.due is not None
        target.type = target.queue = 1
        target.left = len(settings.learning_steps) - card.step
        target.due = int(card.due.timestamp())
    elif card.state == State.REVIEW:
        assert card.due is not None
        target.type = target.queue = 2
        target.ivl = card.scheduled_days
        target.due = col.sched.today + (sdays.learner_day(card.due, settings.timezone, 4) - today).days
    elif card.state == State.RELEARNING:
        assert card.due is not None
        target.type, target.queue = 3, 1
        target.ivl = card.scheduled_days
        target.left = len(settings.relearning_steps) - card.step
        target.due = int(card.due.timestamp())
    col.update_card(target)


SETTINGS_VARIANTS = [
    {},
    {"learning_steps": (5.0,), "relearning_steps": (5.0, 60.0, 1440.0), "leech_threshold": 3},
    {"learning_steps": (), "relearning_steps": (), "desired_retention": 0.8},
    {"learning_steps": (1.0, 10.0, 60.0, 1440.0), "maximum_interval": 30, "desired_retention": 0.97},
]


@pytest.mark.parametrize("variant", SETTINGS_VARIANTS, ids=["defaults", "one-step", "no-steps", "max-30d"])
def test_next_states_match_anki(collection: Any, variant: dict[str, Any]) -> None:
    settings = SchedulerSettings(timezone=ZONE, **variant)
    _configure(collection, settings)
    rng = random.Random(len(str(variant)))
    now = datetime.now(timezone.utc).replace(microsecond=0)  # Anki's own clock; see the module docstring
    today = sdays.learner_day(now, settings.timezone, settings.rollover_hour)
    until_rollover = int(sdays.next_day_start(now, ZONE, 4).timestamp()) - int(now.timestamp())
    n_learn, n_relearn = len(settings.learning_steps), len(settings.relearning_steps)
    mismatches: list[str] = []
    for index in range(60):
        card_id = _new_card(collection, f"states {index} {variant}")
        start = now - timedelta(days=rng.randint(1, 300), minutes=rng.randint(0, 1440))
        card = CardState()
        for rating, moment in random_history(rng, card_id, settings, start, rng.randint(0, 20), now):
            card = answer(card, rating, moment, settings, card_id).state
        if card.state != State.NEW:
            assert card.stability is not None and card.difficulty is not None
            # Anki keeps stability to 4 decimals and difficulty to 3; give both sides the same numbers.
            card = replace(card, stability=round(card.stability, 4), difficulty=round(card.difficulty, 3))
        _put_card(collection, card_id, card, settings, today)
        states = collection._backend.get_scheduling_states(card_id)
        labels = [
            text.replace("\u2068", "").replace("\u2069", "") for text in collection.sched.describe_next_states(states)
        ]
        ours = preview(card, now, settings, card_id)
        for rating in Rating:
            theirs = getattr(states, rating.name.lower()).normal
            kind = theirs.WhichOneof("kind")
            mine = ours[rating]
            if kind == "review":
                expected: tuple[Any, ...] = ("review", theirs.review.scheduled_days, theirs.review.lapses,
                                             theirs.review.leeched)
            elif kind == "learning":
                secs = theirs.learning.scheduled_secs
                secs = secs if secs < until_rollover else ((secs - until_rollover) // 86_400 + 1) * 86_400
                expected = ("learning", secs, n_learn - theirs.learning.remaining_steps)
            else:
                secs = theirs.relearning.learning.scheduled_secs
                secs = secs if secs < until_rollover else ((secs - until_rollover) // 86_400 + 1) * 86_400
                expected = ("relearning", secs, theirs.relearning.review.scheduled_days,
                            n_relearn - theirs.relearning.learning.remaining_steps, theirs.relearning.review.lapses,
                            theirs.relearning.review.leeched)
            new = mine.state
            if new.state == State.REVIEW:
                got: tuple[Any, ...] = ("review", new.scheduled_days, new.lapses, mine.leech)
            elif new.state == State.LEARNING:
                got = ("learning", int(mine.interval.total_seconds()), new.step)
            else:
                got = ("relearning", int(mine.interval.total_seconds()), new.scheduled_days, new.step, new.lapses,
                       mine.leech)
            label = format_interval(mine.interval)
            if got != expected or label != labels[rating - 1]:
                mismatches.append(f"card {card_id} {card.state.name} {rating.name}: anki {expected} "
                                  f"{labels[rating - 1]!r}, ours {got} {label!r}")
    assert not mismatches, "\n".join(mismatches[:20])
