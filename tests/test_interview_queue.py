"""The interview date in the database: the day plan saved once per learner-day, and the study queue under it
(planned due times, today's reviews in the plan's order, the plan's introductions), on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlmodel import Session

from srs.errors import NotFoundError, SRSError
from srs.scheduling import SchedulerSettings, State
from srs.store import progress as store_progress
from srs.store.day_plan import ensure_plan, saved_plan, tomorrow_outlook
from srs.store.engine import make_engine
from srs.store.interviews import add_interview, clear_interviews, interview_readiness, list_interviews
from srs.store.learners import add_learner, get_or_create_learner, remove_learner
from srs.store.migrations import init_schema
from srs.store.models import Card, Deck, Interview, InterviewPlan, PlannedCard, Progress, Setting
from srs.store.queue import next_card, queue_counts, queue_counts_by_deck, queue_state
from srs.store.settings import load_settings, set_setting

UTC = timezone.utc
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 09:00 in Berlin, a Monday
ZONE = "Europe/Berlin"

pytestmark = pytest.mark.backends("sqlite", "postgresql")  # each test on both: tests/pg.py


def new_learner(session: Session, zone: str = ZONE, name: str = "default", **values: Any) -> int:
    learner = get_or_create_learner(session, name, NOW) if name == "default" else add_learner(session, name, NOW).id
    assert learner is not None
    session.add(Setting(learner_id=learner, key="timezone", value=zone))
    for key, value in values.items():
        session.add(Setting(learner_id=learner, key=key, value=value))
    session.commit()
    return learner


def add_deck(session: Session, deck_id: str, cards: int) -> list[int]:
    session.add(Deck(id=deck_id, name=deck_id, version="1", content_hash="x", created_at=NOW, updated_at=NOW))
    session.flush()
    rows = [Card(deck_id=deck_id, card_id=f"c{i}", position=i, situation=f"s{i}", response="r", reasoning="why",
                 content_hash="h", anki_guid=f"{deck_id}-{i}", created_at=NOW, updated_at=NOW)
            for i in range(cards)]
    session.add_all(reversed(rows))  # primary keys not in deck order
    session.commit()
    return [row.id for row in sorted(rows, key=lambda r: r.position) if row.id is not None]


def answer(session: Session, learner: int, card_pk: int, rating: int, now: datetime) -> None:
    seen = store_progress.read_progress(session, learner, card_pk)
    store_progress.answer(session, learner, seen, rating, now, 5_000, load_settings(session, learner))


def plan_rows(session: Session, learner: int) -> list[PlannedCard]:
    return list(session.execute(select(PlannedCard).where(PlannedCard.learner_id == learner)).scalars())


def walk(session: Session, learner: int, now: datetime, s: SchedulerSettings, plan: Any = None) -> list[int]:
    """Every card the queue would give at ``now``, in its order (each shown card excluded from then on)."""
    shown: list[int] = []
    while (found := next_card(session, learner, now, s, exclude=shown, plan=plan)) is not None:
        assert found not in shown
        shown.append(found)
    return shown


def new_cards_given(session: Session, learner: int, now: datetime, s: SchedulerSettings, plan: Any) -> list[int]:
    """The new cards the queue gives at ``now``, each answered Good, until it gives something else."""
    given: list[int] = []
    while (found := next_card(session, learner, now, s, plan=plan)) is not None:
        if store_progress.read_progress(session, learner, found).state != State.NEW:
            break
        answer(session, learner, found, 3, now)
        given.append(found)
    return given


# -- the saved plan ------------------------------------------------------------------------------------------------


def test_without_an_interview_there_is_no_plan(session: Session) -> None:
    learner = new_learner(session)
    add_deck(session, "d", 5)
    assert ensure_plan(session, learner, NOW, load_settings(session, learner)) is None
    assert session.execute(select(func.count()).select_from(InterviewPlan)).scalar() == 0


def test_the_plan_is_made_once_per_learner_day_and_again_when_what_it_rests_on_changes(session: Session) -> None:
    learner = new_learner(session)
    add_deck(session, "d", 12)
    add_interview(session, learner, NOW + timedelta(days=6), None, NOW)
    s = load_settings(session, learner)
    first = ensure_plan(session, learner, NOW, s)
    session.commit()
    assert first is not None and first.made_at == NOW
    # 04:00 Berlin is the next learner-day; the plan holds until then.
    assert first.valid_until == datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    later = ensure_plan(session, learner, NOW + timedelta(hours=10), s)
    assert later == first
    tomorrow = ensure_plan(session, learner, first.valid_until, s)
    session.commit()
    assert tomorrow is not None and tomorrow.made_at == first.valid_until
    set_setting(session, learner, "new_per_day", "3")
    session.commit()
    changed = ensure_plan(session, learner, first.valid_until + timedelta(hours=1), load_settings(session, learner))
    assert changed is not None and changed.made_at == first.valid_until + timedelta(hours=1)
    add_interview(session, learner, NOW + timedelta(days=3), "d", NOW)  # drops the saved plan at once
    assert saved_plan(session, learner) is None and plan_rows(session, learner) == []


def test_after_the_interview_the_plan_is_gone_and_nothing_is_reset(session: Session) -> None:
    learner = new_learner(session)
    cards = add_deck(session, "d", 4)
    at = NOW + timedelta(days=2)
    add_interview(session, learner, at, None, NOW)
    s = load_settings(session, learner)
    ensure_plan(session, learner, NOW, s)
    session.commit()
    for pk in cards:
        answer(session, learner, pk, 3, NOW)
    before = {p.card_pk: (p.state, p.stability, p.due) for p in session.execute(select(Progress)).scalars()}
    assert ensure_plan(session, learner, at + timedelta(minutes=1), s) is None
    session.commit()
    assert saved_plan(session, learner) is None and plan_rows(session, learner) == []
    session.expire_all()
    after = {p.card_pk: (p.state, p.stability, p.due) for p in session.execute(select(Progress)).scalars()}
    assert after == before
    assert [i.id for i in list_interviews(session, learner)]  # the interview itself stays, in the past


# -- the queue under a plan ------------------------------------------------------------------------------------


def test_the_plans_new_cards_come_in_its_order_beyond_new_per_day(session: Session) -> None:
    learner = new_learner(session, new_per_day=5)
    cards = add_deck(session, "d", 40)
    add_interview(session, learner, NOW + timedelta(days=4, hours=2), None, NOW)
    s = load_settings(session, learner)
    plan = ensure_plan(session, learner, NOW, s)
    session.commit()
    assert plan is not None and plan.other_decks is None
    introduce = [row.card_pk for row in sorted(plan_rows(session, learner), key=lambda r: r.introduce_rank or 0)
                 if row.introduce_rank is not None]
    assert len(introduce) > 5 and plan.extra_new == len(introduce) - 5
    assert introduce == cards[:len(introduce)]
    assert queue_counts(session, learner, NOW, s, plan=plan).new == len(introduce)
    assert queue_counts(session, learner, NOW, s).new == 5  # plain scheduling: the daily limit
    assert walk(session, learner, NOW, s, plan) == introduce
    first = next_card(session, learner, NOW, s, plan=plan)
    answer(session, learner, first, 3, NOW)
    state = queue_state(session, learner, NOW, s, plan=plan)
    assert state.counts.new == len(introduce) - 1 and state.next_card == introduce[1]
    assert next_card(session, learner, NOW, s, new_limit=0, plan=plan) == first  # only its learning step is left
    assert new_cards_given(session, learner, NOW, s, plan) == introduce[1:]
    assert queue_counts(session, learner, NOW, s, plan=plan).new == 0

def test_new_cards_of_decks_without_an_interview_keep_within_new_per_day(session: Session) -> None:
    learner = new_learner(session, new_per_day=5)
    interview_deck = add_deck(session, "a", 10)
    other = add_deck(session, "b", 10)
    add_interview(session, learner, NOW + timedelta(days=30), "a", NOW)
    s = load_settings(session, learner)
    plan = ensure_plan(session, learner, NOW, s)
    session.commit()
    assert plan is not None and plan.other_decks == ("b",)
    introduce = [r.card_pk for r in plan_rows(session, learner) if r.introduce_rank is not None]
    assert introduce == interview_deck[:len(introduce)] and 0 < len(introduce) < 5
    assert queue_counts(session, learner, NOW, s, plan=plan).new == 5
    per_deck, total = queue_counts_by_deck(session, learner, NOW, s, ["a", "b"], plan=plan)
    assert per_deck == {deck: queue_counts(session, learner, NOW, s, deck, plan=plan) for deck in ("a", "b")}
    assert total == queue_counts(session, learner, NOW, s, plan=plan)
    # Each deck's row says what it could offer on its own, as without a plan; the total shares the daily limit.
    assert (per_deck["a"].new, per_deck["b"].new, total.new) == (len(introduce), 5, 5)
    assert new_cards_given(session, learner, NOW, s, plan) == introduce + other[:5 - len(introduce)]


def review_card(session: Session, learner: int, card_pk: int, last: datetime, stability: float, due: datetime,
                difficulty: float = 5.0) -> None:
    session.add(Progress(learner_id=learner, card_pk=card_pk, state=int(State.REVIEW), stability=stability,
                         difficulty=difficulty, due=due, last_review=last, scheduled_days=(due - last).days, reps=3,
                         updated_at=last))
    session.commit()


def test_a_card_that_would_fall_short_is_due_sooner_until_it_is_answered(session: Session) -> None:
    learner = new_learner(session)
    [pk] = add_deck(session, "d", 1)
    own_due = NOW + timedelta(days=12)
    review_card(session, learner, pk, NOW - timedelta(days=3), 9.0, own_due)
    at = NOW + timedelta(days=5, hours=1)  # Sat 5 Dec 10:00 Berlin
    add_interview(session, learner, at, None, NOW)
    s = load_settings(session, learner)
    plan = ensure_plan(session, learner, NOW, s)
    session.commit()
    [row] = plan_rows(session, learner)
    assert NOW <= row.due < own_due and row.due <= at
    when = max(row.due, NOW)
    plan = ensure_plan(session, learner, when, s)  # the plan of that day
    session.commit()
    assert plan is not None
    assert queue_counts(session, learner, when, s, plan=plan).due == 1
    assert queue_counts(session, learner, when, s).due == 0  # plain scheduling: not due for days
    assert next_card(session, learner, when, s, plan=plan) == pk
    answer(session, learner, pk, 3, when)
    assert queue_counts(session, learner, when, s, plan=plan).due == 0  # answered: its own due time governs
    assert next_card(session, learner, when, s, plan=plan) is None


def test_todays_reviews_come_most_at_risk_first(session: Session) -> None:
    learner = new_learner(session)
    cards = add_deck(session, "d", 6)
    for i, pk in enumerate(cards):  # all due today; the later the card, the weaker its memory
        review_card(session, learner, pk, NOW - timedelta(days=4), 40.0 / (i + 1), NOW - timedelta(hours=i + 1))
    add_interview(session, learner, NOW + timedelta(days=10), None, NOW)
    s = load_settings(session, learner)
    plan = ensure_plan(session, learner, NOW, s)
    session.commit()
    ranked = [r.card_pk for r in sorted(plan_rows(session, learner), key=lambda r: r.review_rank or 0)
              if r.review_rank is not None]
    assert sorted(ranked) == sorted(cards) and ranked[0] == cards[-1]
    assert walk(session, learner, NOW, s, plan) == ranked
    assert walk(session, learner, NOW, s) == cards[::-1]  # plain: oldest due first
    assert all(r.due is None for r in plan_rows(session, learner))  # ranked, each at its own due time


def test_the_outlook_says_what_the_next_day_holds(session: Session) -> None:
    learner = new_learner(session, new_per_day=5)
    add_deck(session, "d", 20)
    add_interview(session, learner, NOW + timedelta(days=3, hours=1), None, NOW)
    s = load_settings(session, learner)
    outlook = tomorrow_outlook(session, learner, NOW, s)
    assert outlook is not None and outlook.new > 0 and outlook.cards == 20 and outlook.ready == 0
    assert not outlook.final_pass and not outlook.interview_today
    assert tomorrow_outlook(session, learner, NOW + timedelta(days=2), s).final_pass  # type: ignore[union-attr]


def test_interviews_are_the_learners_own_and_go_with_the_learner(session: Session) -> None:
    learner = new_learner(session)
    maya = new_learner(session, name="maya")
    add_deck(session, "d", 3)
    add_interview(session, maya, NOW + timedelta(days=3), "d", NOW)
    assert list_interviews(session, learner) == []
    ensure_plan(session, maya, NOW, load_settings(session, maya))
    session.commit()
    assert plan_rows(session, maya)
    remove_learner(session, "maya")
    session.commit()
    for model in (Interview, InterviewPlan, PlannedCard):
        assert session.execute(select(func.count()).select_from(model)).scalar() == 0, model


def test_removing_a_deck_removes_its_interviews_and_planned_cards(session: Session) -> None:
    from srs.store.decks import remove_deck

    learner = new_learner(session)
    add_deck(session, "d", 3)
    add_deck(session, "e", 3)
    add_interview(session, learner, NOW + timedelta(days=3), "d", NOW)
    add_interview(session, learner, NOW + timedelta(days=4), None, NOW)
    ensure_plan(session, learner, NOW, load_settings(session, learner))
    session.commit()
    remove_deck(session, "d")
    session.commit()
    assert [i.deck_id for i in list_interviews(session, learner)] == [None]
    cards_left = set(session.execute(select(Card.id)).scalars())
    assert {r.card_pk for r in plan_rows(session, learner)} <= cards_left


def test_setting_and_clearing_interviews(session: Session) -> None:
    learner = new_learner(session)
    add_deck(session, "d", 3)
    with pytest.raises(SRSError, match="in the past"):
        add_interview(session, learner, NOW, None, NOW)
    with pytest.raises(NotFoundError, match="no deck with id 'nope'"):
        add_interview(session, learner, NOW + timedelta(days=1), "nope", NOW)
    one = add_interview(session, learner, NOW + timedelta(days=2), None, NOW)
    two = add_interview(session, learner, NOW + timedelta(days=1), "d", NOW)
    session.commit()
    assert [i.id for i in list_interviews(session, learner)] == [two.id, one.id]  # soonest first
    assert [r.readiness.cards for r in interview_readiness(session, learner, NOW, load_settings(session, learner))] \
        == [3, 3]
    with pytest.raises(NotFoundError, match=f"no interview 999 \\(yours: {two.id}, {one.id}\\)"):
        clear_interviews(session, learner, 999)
    assert clear_interviews(session, learner, two.id) == 1
    assert clear_interviews(session, learner) == 1
    assert list_interviews(session, learner) == []


# -- properties ------------------------------------------------------------------------------------------------


ZONES = ("Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC")
# Starts a few days before a change of clocks in one zone or another (end of summer time in Europe and the US,
# its start in Australia), so that the interviews fall before and after them.
STARTS = (datetime(2026, 10, 20, 7, 0, tzinfo=UTC), datetime(2026, 3, 25, 18, 30, tzinfo=UTC),
          datetime(2026, 9, 28, 23, 0, tzinfo=UTC))


@st.composite
def histories(draw: Any) -> dict[str, Any]:
    cards = draw(st.integers(2, 10))
    answers = draw(st.lists(st.tuples(st.integers(0, cards - 1), st.integers(1, 4), st.integers(0, 60 * 24 * 40)),
                            max_size=30))
    return {
        "zone": draw(st.sampled_from(ZONES)),
        "start": draw(st.sampled_from(STARTS)),
        "cards": cards,
        # (card, rating, minutes after the start of the history), answered in time order
        "answers": sorted(answers, key=lambda a: a[2]),
        "now_after": draw(st.integers(60 * 24 * 40, 60 * 24 * 45)),  # minutes after the start
        "interview_in": draw(st.integers(30, 60 * 24 * 35)),  # minutes after now
        "one_deck": draw(st.booleans()),
        "new_per_day": draw(st.integers(0, 8)),
    }


def snapshot(session: Session, learner: int, now: datetime, s: SchedulerSettings) -> tuple[Any, ...]:
    """What plain scheduling shows at ``now``: the counts, the order of the cards, and every progress row."""
    session.expire_all()
    rows = sorted((p.card_pk, p.state, p.step, p.stability, p.difficulty, p.due, p.last_review, p.reps, p.lapses)
                  for p in session.execute(select(Progress).where(Progress.learner_id == learner)).scalars())
    return queue_counts(session, learner, now, s), walk(session, learner, now, s), rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=histories())
def test_clearing_the_interview_gives_back_plain_scheduling_and_nothing_is_planned_in_the_past(
        case: dict[str, Any]) -> None:
    directory = Path(tempfile.mkdtemp(prefix="srs-interview-"))
    engine = make_engine(f"sqlite:///{directory / 'srs.db'}")
    try:
        init_schema(engine)
        with Session(engine) as session:
            learner = new_learner(session, case["zone"], new_per_day=case["new_per_day"])
            cards = add_deck(session, "d", case["cards"])
            add_deck(session, "other", 2)
            start: datetime = case["start"]
            for index, rating, minutes in case["answers"]:
                answer(session, learner, cards[index], rating, start + timedelta(minutes=minutes))
            now = start + timedelta(minutes=case["now_after"])
            s = load_settings(session, learner)
            plain = snapshot(session, learner, now, s)

            at = now + timedelta(minutes=case["interview_in"])
            add_interview(session, learner, at, "d" if case["one_deck"] else None, now)
            plan = ensure_plan(session, learner, now, s)
            session.commit()
            assert plan is not None and plan.made_at == now
            for row in plan_rows(session, learner):
                if row.due is not None:
                    assert now <= row.due <= max(at, now), (row.due, now, at)
            planned = walk(session, learner, now, s, plan)
            assert len(planned) == len(set(planned))

            clear_interviews(session, learner)
            assert ensure_plan(session, learner, now, s) is None
            session.commit()
            assert plan_rows(session, learner) == [] and saved_plan(session, learner) is None
            assert snapshot(session, learner, now, s) == plain
    finally:
        engine.dispose()
        shutil.rmtree(directory, ignore_errors=True)
