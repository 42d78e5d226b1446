"""`srs import anki` with packages made by the official ``anki`` package (the Rust backend AnkiDroid uses).

The phone story, end to end: cards studied in the terminal are exported with progress, imported into a fresh
Anki collection with FSRS on, given older history in Anki's review log, studied there (``getCard`` /
``answerCard``), rescheduled, buried and suspended; Anki exports ``.apkg`` (modern and legacy) and ``.colpkg``,
and ``srs import anki`` brings it all back. Checked: the merged log equals Anki's answers, each card's FSRS
memory state equals Anki's ``compute_memory_state``, nothing is taken twice (terminal answers that went to Anki
and back, a second import, the same reviews in another format), the dry run, and other notes as a new deck.

Anki reads the wall clock and the machine's zone and cannot be given a fixed one, so its reviews are "now";
our side runs at a fixed ``SRS_NOW`` taken once just after them, and ``TZ`` is UTC for Anki and the learner.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import Session

from helpers import process_zone
from srs.cli import cli
from srs.store.engine import database_url, make_engine
from srs.store.models import Card, Deck, LocalEdit, Progress, Review, Setting
from srs.scheduling import day_bounds
from srs.store.progress import answer_card, get_progress

anki_collection = pytest.importorskip("anki.collection")
from anki.collection import (  # noqa: E402
    Collection,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from anki.import_export_pb2 import IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER as IF_NEWER  # noqa: E402

REL = 1e-3
DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)
DECK = '''\
[deck]
id = "phone"
name = "Phone deck"
version = "1.0.0"

[[sources]]
id = "s"
title = "Source"
'''
for _name in "abcde":
    DECK += f'''
[[cards]]
id = "{_name}"
situation = "Situation {_name}."
response = "Response {_name}."
reasoning = "Reasoning {_name}."
sources = ["s"]
'''


@pytest.fixture(autouse=True)
def utc_machine() -> Iterator[None]:
    """Anki counts days in the process's zone: make it UTC (and the learner's too), then restore."""
    with process_zone("UTC"):
        yield


@dataclass
class Phone:
    """What the phone scenario produced."""

    apkg: Path
    legacy_apkg: Path
    colpkg: Path
    now: str  # our fixed clock, just after Anki's last answer
    answers: dict[str, list[tuple[int, int]]]  # card id -> Anki's answers (revlog id, ease)
    memory: dict[str, tuple[float, float]]  # card id -> Anki's compute_memory_state
    mtime: dict[str, int]  # card id -> Anki card mod
    collection: Path  # the Anki collection (closed), for tests that study on in it
    cards: dict[str, int]  # card id -> Anki card id
    rollover: int  # both sides' day rollover hour (UTC), twelve hours from when the scenario ran


@contextmanager
def engine_session() -> Iterator[Session]:
    engine = make_engine(database_url(None))
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def row_counts() -> dict[str, int]:
    with engine_session() as session:
        return {m.__tablename__: session.execute(select(func.count()).select_from(m)).scalar_one()  # type: ignore[attr-defined]
                for m in (Deck, Card, Progress, Review, Setting, LocalEdit)}


def pks() -> dict[str, int]:
    with engine_session() as session:
        rows = session.execute(select(Card.card_id, Card.id).where(Card.deck_id == "phone")).all()
    return {card_id: int(pk) for card_id, pk in rows}


def study_in_terminal(start: datetime) -> None:
    """Answers given in the terminal weeks ago: a graduates and is reviewed; b lapses and relearns."""
    plan = {"a": [(-30 * DAY, 3), (-30 * DAY + 10 * MINUTE, 3), (-26 * DAY, 3)],
            "b": [(-20 * DAY, 3), (-20 * DAY + 10 * MINUTE, 3), (-15 * DAY, 1), (-15 * DAY + 10 * MINUTE, 3)]}
    ids = pks()
    with engine_session() as session:
        for name, answers in plan.items():
            for offset, rating in answers:
                progress = get_progress(session, 1, ids[name])
                answer_card(session, 1, ids[name], rating, start + offset, 4000,
                            progress.version if progress else 0)


def anki_answers(col: Collection, cid: int) -> list[tuple[int, int]]:
    """Anki's answers for a card as its FSRS counts them (buttons 1-4; no manual or cram rows)."""
    rows = col.db.all("SELECT id, ease, type, factor FROM revlog WHERE cid = ? ORDER BY id", cid)
    return [(rid, ease) for rid, ease, kind, factor in rows
            if ease in (1, 2, 3, 4) and (kind in (0, 1, 2) or (kind == 3 and factor != 0))]


@pytest.fixture
def phone(runner: CliRunner, tmp_path: Path) -> Phone:
    start = datetime.now(timezone.utc).replace(microsecond=0)
    # Anki answers on its own clock, so the scenario runs now. With the rollover at Anki's default 4 am, a run
    # around 04:00 UTC put a day boundary between Anki's answers and our import's clock, and the day gaps (so the
    # memory states) differed. Both sides start their day twelve hours away from now instead.
    rollover = (start.hour + 12) % 24
    deck = tmp_path / "phone.toml"
    deck.write_text(DECK, encoding="utf-8")
    env = {"SRS_NOW": (start - 40 * DAY).isoformat()}
    assert runner.invoke(cli, ["deck", "add", str(deck)], env=env).exit_code == 0
    assert runner.invoke(cli, ["config", "set", "timezone", "UTC"], env=env).exit_code == 0
    assert runner.invoke(cli, ["config", "set", "rollover_hour", str(rollover)], env=env).exit_code == 0
    study_in_terminal(start)
    first = tmp_path / "to-phone.apkg"
    result = runner.invoke(cli, ["export", "anki", "--deck", "phone", "--with-progress", "-o", str(first),
                                 "--timestamp", str(int(start.timestamp()))], env={"SRS_NOW": start.isoformat()})
    assert result.exit_code == 0, result.output

    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    col.set_config("fsrs", True)
    preferences = col.get_preferences()
    preferences.scheduling.rollover = rollover  # (set_config("rollover") alone leaves Anki's day cutoff as it was)
    col.set_preferences(preferences)
    assert datetime.fromtimestamp(col.sched.day_cutoff, timezone.utc).hour == rollover
    options = ImportAnkiPackageOptions(merge_notetypes=False, update_notes=IF_NEWER, update_notetypes=IF_NEWER,
                                       with_scheduling=True)
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(first), options=options))
    cards = {col.get_card(cid).note()["Situation"].split()[1].rstrip("."): cid for cid in col.find_cards("")}

    # Older history for c, written straight into the log, and c made a review card due today.
    for offset, ease, kind in [(-14 * DAY, 3, 0), (-14 * DAY + 10 * MINUTE, 3, 0), (-10 * DAY, 3, 1)]:
        col.db.execute("INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
                       "VALUES (?, ?, -1, ?, 0, 0, 0, 6000, ?)",
                       int((start + offset).timestamp() * 1000), cards["c"], ease, kind)
    card = col.get_card(cards["c"])
    card.type = card.queue = 2
    card.ivl, card.due = 4, col.sched.today
    col.update_card(card)
    col.sched.set_due_date([cards["b"]], "0")  # a manual row in the log: not an answer
    col.decks.select(col.get_card(cards["a"]).did)
    ratings = [3, 4, 3, 1, 3, 2, 3, 3, 4, 3, 3, 3]
    for rating in ratings:
        due = col.sched.getCard()
        if due is None:
            break
        col.sched.answerCard(due, rating)
    col.sched.bury_cards([cards["d"]])
    col.sched.suspend_cards([cards["e"]])

    basic = col.new_note(col.models.by_name("Basic"))
    basic["Front"] = "<b>Asked</b> about salary &amp; benefits?<script>alert(1)</script>"
    basic["Back"] = "Name a range.<br>Then stop talking.<div><img src=x onerror=alert(2)></div>"
    basic.tags = ["Money::Salary", "phone"]
    col.add_note(basic, deck_id=1)
    cloze = col.new_note(col.models.by_name("Cloze"))
    cloze["Text"] = "{{c1::Thank}} them."
    col.add_note(cloze, deck_id=1)

    answers = {name: anki_answers(col, cid) for name, cid in cards.items()}
    memory = {}
    for name, cid in cards.items():
        if answers[name]:
            state = col.compute_memory_state(cid)
            assert state.stability is not None and state.difficulty is not None
            memory[name] = (state.stability, state.difficulty)
    mtime = {name: col.get_card(cid).mod for name, cid in cards.items()}
    apkg, legacy, colpkg = tmp_path / "phone.apkg", tmp_path / "legacy.apkg", tmp_path / "phone.colpkg"
    for path, is_legacy in ((apkg, False), (legacy, True)):
        col.export_anki_package(out_path=str(path), limit=None, options=ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=True, with_media=False, legacy=is_legacy))
    col.export_collection_package(str(colpkg), include_media=False, legacy=False)
    col.close()
    now = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=2)
    return Phone(apkg, legacy, colpkg, now.isoformat(), answers, memory, mtime, tmp_path / "anki" / "collection.anki2",
                 cards, rollover)


def import_anki(runner: CliRunner, phone: Phone, path: Path, *extra: str) -> Any:
    result = runner.invoke(cli, ["import", "anki", str(path), *extra], env={"SRS_NOW": phone.now})
    assert result.exit_code == 0, result.output
    return result


def our_log() -> dict[str, list[tuple[int, int]]]:
    ids = {pk: name for name, pk in pks().items()}
    log: dict[str, list[tuple[int, int]]] = {name: [] for name in ids.values()}
    with engine_session() as session:
        for review in session.execute(select(Review).order_by(Review.reviewed_at)).scalars():
            log[ids[review.card_pk]].append((int(review.reviewed_at.timestamp() * 1000), review.rating))
    return log


def test_phone_reviews_merge_once_and_states_equal_ankis(on_any_db: str, runner: CliRunner, phone: Phone) -> None:
    assert len(phone.answers["c"]) >= 4 and len(phone.answers["b"]) >= 5  # studied on the phone too
    terminal = row_counts()["review"]
    result = import_anki(runner, phone, phone.apkg)
    assert "phone.apkg: anki21b (schema 18)" in result.stdout
    assert "your cards found: 5" in result.stdout

    # The merged log is Anki's, answer for answer; the terminal answers that went to Anki came back once.
    assert our_log() == phone.answers
    merged = sum(map(len, phone.answers.values())) - terminal
    assert f"reviews merged: {merged} (already here: {terminal})" in result.stdout
    assert "1 review-log row(s) that are not answers" in result.stdout  # the "set due date"

    ids = pks()
    with engine_session() as session:
        for name, (stability, difficulty) in phone.memory.items():
            progress = get_progress(session, 1, ids[name])
            assert progress is not None and progress.stability is not None and progress.difficulty is not None
            assert progress.stability == pytest.approx(stability, rel=REL), name
            assert progress.difficulty == pytest.approx(difficulty, rel=REL), name
            assert progress.reps == len(phone.answers[name])
        # Flags follow Anki, the newer side: e suspended; d buried until our next day (if Anki's day is ours).
        e, d = get_progress(session, 1, ids["e"]), get_progress(session, 1, ids["d"])
        assert e is not None and e.suspended
        assert d is not None and not d.suspended
        now = datetime.fromisoformat(phone.now)
        start, end = day_bounds(now, "UTC", phone.rollover)
        buried_today = start <= datetime.fromtimestamp(phone.mtime["d"], timezone.utc) < end
        assert d.buried_until == (end if buried_today else None)

    # Exactly once: the same file again, the collection package, the legacy package.
    after = row_counts()
    for path in (phone.apkg, phone.colpkg, phone.legacy_apkg):
        again = import_anki(runner, phone, path, "--map", "Front=situation,Back=response")
        assert f"reviews merged: 0 (already here: {sum(map(len, phone.answers.values()))})" in again.stdout
        assert "cards updated: 0 (suspended/buried changed: 0)" in again.stdout
    progress_tables = ("progress", "review", "setting", "local_edit")
    assert {k: row_counts()[k] for k in progress_tables} == {k: after[k] for k in progress_tables}
    assert our_log() == phone.answers


@pytest.mark.parametrize("which", ["colpkg", "legacy_apkg"])
def test_other_formats_give_the_same_result(runner: CliRunner, phone: Phone, which: str) -> None:
    result = import_anki(runner, phone, getattr(phone, which))
    assert ("anki21b (schema 18)" if which == "colpkg" else "anki21 (schema 11)") in result.stdout
    assert our_log() == phone.answers
    ids = pks()
    with engine_session() as session:
        for name, (stability, difficulty) in phone.memory.items():
            progress = get_progress(session, 1, ids[name])
            assert progress is not None
            assert progress.stability == pytest.approx(stability, rel=REL), name
            assert progress.difficulty == pytest.approx(difficulty, rel=REL), name


def test_dry_run_writes_nothing_and_prints_the_same_summary(on_any_db: str, runner: CliRunner, phone: Phone) -> None:
    before = row_counts()
    dry = import_anki(runner, phone, phone.apkg, "--dry-run", "--map", "Front=situation,Back=response")
    assert "Dry run: nothing was written." in dry.stderr
    assert row_counts() == before
    real = import_anki(runner, phone, phone.apkg, "--map", "Front=situation,Back=response")
    assert real.stdout == dry.stdout
    assert row_counts() != before


def test_other_notes_become_a_new_deck_with_map(runner: CliRunner, phone: Phone) -> None:
    plain = import_anki(runner, phone, phone.apkg)
    assert "note(s) of type 'Basic': fields Front, Back do not map" in plain.stdout
    assert "notes imported: 0" in plain.stdout

    result = import_anki(runner, phone, phone.apkg, "--map", "Front=situation,Back=response")
    assert "notes imported: 1 into new deck 'anki-phone'" in result.stdout
    assert "1 note(s) of type 'Cloze': fields Text, Back Extra do not map" in result.stdout
    with engine_session() as session:
        deck = session.get(Deck, "anki-phone")
        assert deck is not None and deck.name == "phone (from Anki)"
        (card,) = session.execute(select(Card).where(Card.deck_id == "anki-phone")).scalars()
    assert card.situation == "Asked about salary & benefits?"
    assert card.response == "Name a range.\nThen stop talking."
    assert card.tags == ["money-salary", "phone"]
    assert "<" not in card.situation + card.response and "alert" not in card.situation + card.response

    again = import_anki(runner, phone, phone.apkg, "--map", "Front=situation,Back=response", "--json")
    assert '"notes_imported": 1' in again.stdout and '"deck_created": false' in again.stdout
    with engine_session() as session:
        assert session.execute(select(func.count()).select_from(Card).where(Card.deck_id == "anki-phone")
                               ).scalar_one() == 1


# -- the newer side, resets ------------------------------------------------------------------------------------------


def export_again(col: Collection, path: Path) -> str:
    """Export the collection as a modern .apkg; returns our clock for importing it (just after Anki's changes)."""
    col.export_anki_package(out_path=str(path), limit=None, options=ExportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=True, with_media=False, legacy=False))
    return (datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=2)).isoformat()


def past_second(moment: float) -> None:
    """Wait until the wall clock is at least a second past ``moment`` (Anki's card mod is in whole seconds)."""
    while time.time() < moment + 1.01:
        time.sleep(0.05)


def test_flags_follow_the_newer_side_both_ways(runner: CliRunner, phone: Phone, tmp_path: Path) -> None:
    import_anki(runner, phone, phone.apkg)
    ids = pks()
    from srs.store.card_flags import suspend

    # Here, after Anki suspended e: resume it. Here, before Anki touches a again: suspend a.
    past_second(phone.mtime["e"])
    with engine_session() as session:
        suspend(session, 1, ids["e"], False)
        suspend(session, 1, ids["a"], True)
        session.commit()
        touched = get_progress(session, 1, ids["a"])
        assert touched is not None and touched.updated_at is not None
    # Then on the phone a is answered (so changed there last, and not suspended there); e stays suspended.
    past_second(touched.updated_at.timestamp())
    col = Collection(str(phone.collection))
    card = col.get_card(phone.cards["a"])
    card.start_timer()
    col.sched.answerCard(card, 3)
    assert col.get_card(phone.cards["e"]).queue == -1
    a_memory = col.compute_memory_state(phone.cards["a"])
    a_answers = anki_answers(col, phone.cards["a"])
    now = export_again(col, tmp_path / "later.apkg")
    col.close()

    result = runner.invoke(cli, ["import", "anki", str(tmp_path / "later.apkg")], env={"SRS_NOW": now})
    assert result.exit_code == 0, result.output
    assert "suspended/buried changed: 1)" in result.stdout  # a only
    with engine_session() as session:
        a, e = get_progress(session, 1, ids["a"]), get_progress(session, 1, ids["e"])
        assert a is not None and not a.suspended  # Anki's change was newer
        assert e is not None and not e.suspended  # ours was newer: Anki's older suspension is not taken again
        assert a.stability == pytest.approx(a_memory.stability, rel=REL)
        assert a.difficulty == pytest.approx(a_memory.difficulty, rel=REL)
        assert a.updated_at == datetime.fromisoformat(now)  # the import is a write too
    assert our_log()["a"] == a_answers


def test_writes_to_progress_set_updated_at(runner: CliRunner, phone: Phone) -> None:
    """Answer and bury stamp the row with their clock, suspend with now; undo restores the row as it was before
    the answer, its updated_at included (the answer never happened)."""
    from srs.scheduling import SchedulerSettings
    from srs.store.card_flags import bury_until_tomorrow, suspend
    from srs.store.progress import undo_last

    ids = pks()
    at = datetime.fromisoformat(phone.now)
    with engine_session() as session:
        answer_card(session, 1, ids["c"], 3, at, 1000, 0)
        progress = get_progress(session, 1, ids["c"])
        assert progress is not None and progress.updated_at == at
        answered = answer_card(session, 1, ids["c"], 3, at + MINUTE, 1000, progress.version)
        session.expire_all()
        progress = get_progress(session, 1, ids["c"])
        assert progress is not None and progress.updated_at == at + MINUTE
        assert undo_last(session, 1, answered.review_id) == ids["c"]
        session.expire_all()
        progress = get_progress(session, 1, ids["c"])
        assert progress is not None and progress.updated_at == at

        bury_until_tomorrow(session, 1, ids["c"], at + 2 * MINUTE, SchedulerSettings(timezone="UTC"))
        session.commit()
        session.expire_all()
        progress = get_progress(session, 1, ids["c"])
        assert progress is not None and progress.updated_at == at + 2 * MINUTE
        before = datetime.now(timezone.utc)
        suspend(session, 1, ids["d"], True)  # a card with no row yet
        session.commit()
        progress = get_progress(session, 1, ids["d"])
        assert progress is not None and progress.updated_at is not None and progress.updated_at >= before
        suspend(session, 1, ids["c"], True)  # a card with a row
        session.commit()
        session.expire_all()
        progress = get_progress(session, 1, ids["c"])
        assert progress is not None and progress.updated_at is not None and progress.updated_at >= before


def test_reset_in_anki_replays_only_what_came_after_it(on_any_db: str, runner: CliRunner, phone: Phone,
                                                       tmp_path: Path) -> None:
    import_anki(runner, phone, phone.apkg)
    ids = pks()
    col = Collection(str(phone.collection))
    a, b = phone.cards["a"], phone.cards["b"]
    # "Reset" in the browser (Forget): a is studied again from scratch, b is left new.
    col.sched.schedule_cards_as_new([a, b], restore_position=True, reset_counts=False)
    resets = col.db.all("SELECT cid, type, ease, factor FROM revlog WHERE type = 4 AND ease = 0 AND factor = 0")
    assert sorted(cid for cid, *_ in resets) == sorted([a, b])  # what Anki writes for a reset
    for rating in (3, 3, 1, 3, 4):
        card = col.get_card(a)
        card.start_timer()
        col.sched.answerCard(card, rating)
    a_memory = col.compute_memory_state(a)
    b_memory = col.compute_memory_state(b)
    assert a_memory.stability is not None and b_memory.stability is None
    a_answers = anki_answers(col, a)
    now = export_again(col, tmp_path / "reset.apkg")
    col.close()

    def run() -> Any:
        result = runner.invoke(cli, ["import", "anki", str(tmp_path / "reset.apkg")], env={"SRS_NOW": now})
        assert result.exit_code == 0, result.output
        return result

    first = run()
    assert "reviews merged: 5 " in first.stdout
    with engine_session() as session:
        pa, pb = get_progress(session, 1, ids["a"]), get_progress(session, 1, ids["b"])
        assert pa is not None and pb is not None
        # a: Anki's memory state, which ignores everything before the reset; the older answers stay in the log.
        assert pa.stability == pytest.approx(a_memory.stability, rel=REL)
        assert pa.difficulty == pytest.approx(a_memory.difficulty, rel=REL)
        assert pa.reps == 5 and pa.state != 0
        # b: reset and not answered since, in Anki or here: a new card again.
        assert (pb.state, pb.stability, pb.difficulty, pb.due, pb.reps) == (0, None, None, None, 0)
    assert our_log()["a"] == a_answers and len(a_answers) == len(phone.answers["a"]) + 5
    assert our_log()["b"] == phone.answers["b"]

    again = run()
    assert "reviews merged: 0 " in again.stdout and "cards updated: 0 (suspended/buried changed: 0)" in again.stdout

    # b is answered here after the reset: the import keeps that (the reset is older than this answer).
    at = datetime.fromisoformat(now) + MINUTE
    with engine_session() as session:
        answer_card(session, 1, ids["b"], 3, at, 1000, pb.version)
        after_answer = get_progress(session, 1, ids["b"])
        assert after_answer is not None
        state = (after_answer.state, after_answer.stability, after_answer.reps)
    third = runner.invoke(cli, ["import", "anki", str(tmp_path / "reset.apkg")], env={"SRS_NOW": at.isoformat()})
    assert "cards updated: 0 (suspended/buried changed: 0)" in third.stdout, third.output
    with engine_session() as session:
        pb = get_progress(session, 1, ids["b"])
        assert pb is not None and (pb.state, pb.stability, pb.reps) == state and state[2] == 1
