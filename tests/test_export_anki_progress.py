"""`srs export anki --with-progress`: a first import with "Import any learning progress" into a fresh Anki
collection continues where the terminal left off (due dates, FSRS memory state, review log).

Anki's importer reads its own clock and the machine's time zone, so progress here is dated relative to the real
now and the learner's zone is the machine's; the export timestamp is still fixed. Other zones are checked in a
subprocess with ``TZ`` set.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlmodel import Session

from srs.cli import cli
from srs.store.engine import database_url, make_engine
from srs.store.models import Card, Learner, Progress, Review, Setting
from srs.scheduling.settings import system_timezone

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.import_export_pb2 import IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER as IF_NEWER

STAMP = "1767607200"  # 2026-01-05T10:00:00Z, the export time: fixed, and unrelated to the progress dates

DECK = '''\
[deck]
id = "prog"
name = "Progress deck"
version = "1.0.0"

[[sources]]
id = "a"
title = "A"
'''
for _card in ("rev", "lrn", "relrn", "new"):
    DECK += f'''
[[cards]]
id = "{_card}"
situation = "Situation {_card}."
response = "Response {_card}."
reasoning = "Reasoning {_card}."
sources = ["a"]
'''


@pytest.fixture
def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def import_apkg(col: Collection, path: Path, with_scheduling: bool = True) -> Any:
    options = ImportAnkiPackageOptions(merge_notetypes=False, update_notes=IF_NEWER, update_notetypes=IF_NEWER,
                                       with_scheduling=with_scheduling)
    return col.import_anki_package(ImportAnkiPackageRequest(package_path=str(path), options=options)).log


def setup_progress(runner: CliRunner, tmp_path: Path, now: datetime) -> dict[str, Progress]:
    """Add the deck and give three of its cards known progress and history; return the progress by card id."""
    path = tmp_path / "prog.toml"
    path.write_text(DECK, encoding="utf-8")
    result = runner.invoke(cli, ["deck", "add", str(path)], env={"SRS_NOW": "2026-01-01T00:00:00+00:00"})
    assert result.exit_code == 0, result.output

    engine = make_engine(database_url(None))
    day = timedelta(days=1)
    with Session(engine) as session:
        learner = session.execute(select(Learner).where(Learner.name == "default")).scalar_one()
        assert learner.id is not None
        lid = learner.id
        pk = {c.card_id: c.id for c in session.execute(select(Card).where(Card.deck_id == "prog")).scalars()}
        # Anki counts days in the machine's zone; the learner lives in the same one.
        session.add(Setting(learner_id=lid, key="timezone", value=system_timezone()))
        session.add(Setting(learner_id=lid, key="desired_retention", value=0.85))
        progress = {
            "rev": Progress(learner_id=lid, card_pk=pk["rev"], state=2, stability=12.345678, difficulty=5.4321,
                            due=now + 5 * day, last_review=now - 7 * day, scheduled_days=12, reps=3, lapses=0),
            "lrn": Progress(learner_id=lid, card_pk=pk["lrn"], state=1, step=1, stability=2.25, difficulty=6.5,
                            due=now + timedelta(minutes=9), last_review=now - timedelta(minutes=1),
                            reps=1, lapses=0),
            "relrn": Progress(learner_id=lid, card_pk=pk["relrn"], state=3, step=0, stability=1.5, difficulty=8.0,
                              due=now + timedelta(minutes=5), last_review=now - timedelta(minutes=5),
                              scheduled_days=3, reps=4, lapses=1, suspended=True),
        }
        session.add_all(progress.values())
        reviews = [
            ("rev", 20, 3, 0, 0, 0), ("rev", 18, 3, 1, 4, 0), ("rev", 7, 4, 1, 12, 4),
            ("lrn", 0, 3, 0, 0, 0),
            ("relrn", 30, 3, 0, 0, 0), ("relrn", 25, 3, 1, 3, 0), ("relrn", 15, 3, 1, 9, 3), ("relrn", 0, 1, 1, 0, 9),
        ]
        for card_id, days_ago, rating, kind, ivl, last_ivl in reviews:
            when = now - days_ago * day - timedelta(minutes=1 if card_id == "lrn" else 5)
            session.add(Review(learner_id=lid, card_pk=pk[card_id], rating=rating, reviewed_at=when,
                               duration_ms=4200, kind=kind, interval_days=ivl, prev_interval_days=last_ivl))
        session.commit()
        for p in progress.values():
            session.refresh(p)
            session.expunge(p)
    engine.dispose()
    return progress


def export(runner: CliRunner, out: Path, *extra: str) -> Any:
    result = runner.invoke(cli, ["export", "anki", "--deck", "prog", "-o", str(out), "--timestamp", STAMP,
                                 *extra])
    assert result.exit_code == 0, result.output
    return result


def anki_cards(col: Collection) -> dict[str, Any]:
    """Anki's cards by srs card id (taken from the Situation field)."""
    cards = {}
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        cards[card.note()["Situation"].split()[1].rstrip(".")] = card
    return cards


def test_first_import_with_progress_continues_where_the_terminal_left_off(
        runner: CliRunner, tmp_path: Path, col: Collection, now: datetime) -> None:
    ours = setup_progress(runner, tmp_path, now)
    result = export(runner, tmp_path / "p.apkg", "--with-progress")
    assert "3 cards scheduled, 8 reviews" in result.stderr
    assert "Import any learning progress" in result.stderr

    log = import_apkg(col, tmp_path / "p.apkg")
    assert len(log.new) == 4
    cards = anki_cards(col)
    rev, lrn, relrn, new = cards["rev"], cards["lrn"], cards["relrn"], cards["new"]

    # A review card: due in 5 of Anki's days, whatever the export timestamp was.
    assert (rev.type, rev.queue, rev.ivl, rev.reps, rev.lapses) == (2, 2, 12, 3, 0)
    assert rev.due - col.sched.today == 5
    # Learning cards: due at the same second.
    assert (lrn.type, lrn.queue, lrn.left % 1000) == (1, 1, 1)
    assert lrn.due == int(ours["lrn"].due.timestamp())  # type: ignore[union-attr]
    assert (relrn.type, relrn.queue, relrn.ivl, relrn.lapses) == (3, -1, 3, 1)  # suspended stays suspended
    assert relrn.due == int(ours["relrn"].due.timestamp())  # type: ignore[union-attr]
    assert (new.type, new.queue, new.reps) == (0, 0, 0)
    assert new.memory_state is None

    for name in ("rev", "lrn", "relrn"):
        card, progress = cards[name], ours[name]
        assert card.memory_state is not None
        # Anki keeps stability to 4 decimals and difficulty to 3, as 32-bit floats.
        assert card.memory_state.stability == pytest.approx(round(progress.stability, 4), rel=1e-6)
        assert card.memory_state.difficulty == pytest.approx(round(progress.difficulty, 3), rel=1e-6)
        assert card.desired_retention == pytest.approx(0.85)
        assert card.last_review_time == int(progress.last_review.timestamp())  # type: ignore[union-attr]

    revlog = col.db.all("SELECT cid, ease, type, ivl, lastIvl, time FROM revlog ORDER BY id")
    assert len(revlog) == 8
    assert [(ease, kind) for cid, ease, kind, *_ in revlog if cid == rev.id] == [(3, 0), (3, 1), (4, 1)]
    assert [ease for cid, ease, *_ in revlog if cid == relrn.id] == [3, 3, 3, 1]
    assert {t for *_, t in revlog} == {4200}
    assert col.card_stats_data(rev.id).revlog[0].interval == 12 * 86400


def test_anki_keeps_progress_only_for_cards_it_does_not_have(runner: CliRunner, tmp_path: Path, col: Collection,
                                                             now: datetime) -> None:
    setup_progress(runner, tmp_path, now)
    export(runner, tmp_path / "plain.apkg")
    import_apkg(col, tmp_path / "plain.apkg")
    export(runner, tmp_path / "p.apkg", "--with-progress")
    import_apkg(col, tmp_path / "p.apkg")

    # What the README tells the user: the cards were there already, so they stay new and no history arrives.
    assert {(c.type, c.queue) for c in anki_cards(col).values()} == {(0, 0)}
    assert col.db.scalar("SELECT count() FROM revlog") == 0


def test_without_the_flag_every_card_arrives_new(runner: CliRunner, tmp_path: Path, col: Collection,
                                                 now: datetime) -> None:
    setup_progress(runner, tmp_path, now)
    result = export(runner, tmp_path / "plain.apkg")
    assert "progress" not in result.stderr
    import_apkg(col, tmp_path / "plain.apkg")
    assert {(c.type, c.queue) for c in anki_cards(col).values()} == {(0, 0)}
    cards = anki_cards(col)
    assert [cards[name].due for name in ("rev", "lrn", "relrn", "new")] == sorted(c.due for c in cards.values())
    assert col.db.scalar("SELECT count() FROM revlog") == 0


def test_progress_export_is_deterministic(runner: CliRunner, tmp_path: Path, now: datetime) -> None:
    setup_progress(runner, tmp_path, now)
    export(runner, tmp_path / "a.apkg", "--with-progress")
    export(runner, tmp_path / "b.apkg", "--with-progress")
    assert (tmp_path / "a.apkg").read_bytes() == (tmp_path / "b.apkg").read_bytes()


def check_due_days_in_zone(base: Path, zone: str, stamps: list[str], shift_hours: float) -> None:
    """Run in a process whose local zone is ``zone`` (Anki reads the machine's): export with progress at each
    timestamp, import into a fresh collection, and compare every card's due day with the learner's."""
    import os

    from sqlmodel import col as column

    from srs.scheduling.days import learner_day

    os.environ["SRS_DATA_DIR"] = str(base / "data")
    (base / "prog.toml").write_text(DECK, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["deck", "add", str(base / "prog.toml")]).exit_code == 0
    now = datetime.now(timezone.utc).replace(microsecond=0)
    days = {"rev": 5, "lrn": 0, "relrn": -2, "new": 30}
    due = {name: now + timedelta(days=offset, hours=shift_hours) for name, offset in days.items()}
    engine = make_engine(database_url(None))
    with Session(engine) as session:
        learner = session.execute(select(Learner)).scalars().one()
        assert learner.id is not None
        session.add(Setting(learner_id=learner.id, key="timezone", value=zone))
        for card in session.execute(select(Card).where(column(Card.deck_id) == "prog")).scalars():
            assert card.id is not None
            session.add(Progress(learner_id=learner.id, card_pk=card.id, state=2, stability=10.0, difficulty=5.0,
                                 due=due[card.card_id], last_review=now - timedelta(days=3), scheduled_days=8,
                                 reps=2))
        session.commit()
    engine.dispose()
    expected = {name: (learner_day(when, zone, 4) - learner_day(now, zone, 4)).days for name, when in due.items()}
    for stamp in stamps:
        out = base / f"{stamp}.apkg"
        result = runner.invoke(cli, ["export", "anki", "--deck", "prog", "--with-progress", "-o", str(out),
                                     "--timestamp", stamp])
        assert result.exit_code == 0, result.output
        collection = Collection(str(base / f"{stamp}.anki2"))
        import_apkg(collection, out)
        got = {name: card.due - collection.sched.today for name, card in anki_cards(collection).items()}
        collection.close()
        assert got == expected, (zone, stamp, got, expected)


@pytest.mark.parametrize(("zone", "shift_hours"), [("America/New_York", 0), ("America/New_York", 13),
                                                   ("Pacific/Auckland", 7)])
def test_due_days_survive_time_zones_and_daylight_saving(tmp_path: Path, zone: str, shift_hours: float) -> None:
    import os
    import subprocess
    import sys

    # Exports dated in January and in July: the zone's offset differs (DST) from the day of the import.
    stamps = ["1767225600", "1783000000"]
    code = (f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import test_export_anki_progress as t; "
            f"t.check_due_days_in_zone(t.Path({str(tmp_path)!r}), {zone!r}, {stamps!r}, {shift_hours!r})")
    env = {**os.environ, "TZ": zone}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
