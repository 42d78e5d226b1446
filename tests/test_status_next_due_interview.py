"""`srs status`'s "Next due" under an interview plan: the time the queue goes by, the planned one while it is in
force (a review the plan brought forward, or put off to the interview), as the review summary's "Tomorrow:" line
already counts it; text and ``--json`` alike. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select, update
from sqlmodel import Session

from helpers import demo_store
from srs.app import Store
from srs.cli import cli
from srs.scheduling import State
from srs.store.day_plan import PlanHead, ensure_plan
from srs.store.interviews import add_interview
from srs.store.models import Card, PlannedCard, Progress
from srs.store.progress import answer, read_progress
from srs.store.settings import load_settings, set_setting
from srs.store.stats import next_due

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)  # a Monday
LAST = NOW - timedelta(days=2)
OWN_DUE = NOW + timedelta(days=14)  # plain FSRS: nothing due for two weeks
INTERVIEW = NOW + timedelta(days=3, hours=1)  # Thu 5 Mar 13:00
TOMORROW_MORNING = datetime(2026, 3, 3, 4, 0, tzinfo=timezone.utc)  # the next learner-day (UTC, rollover 4 am)


def studied(session: Session, learner: int, stability: float = 15.0, due: datetime = OWN_DUE) -> list[int]:
    """Every card of the demo deck in review, last answered two days ago; returns their pks in deck order."""
    pks = list(session.execute(select(Card.id).where(Card.deck_id == "demo").order_by(Card.position)).scalars())
    for pk in pks:
        session.add(Progress(learner_id=learner, card_pk=pk, state=int(State.REVIEW), stability=stability,
                             difficulty=5.0, due=due, last_review=LAST, scheduled_days=(due - LAST).days, reps=3,
                             updated_at=LAST))
    set_setting(session, learner, "timezone", "UTC")
    session.commit()
    return [int(pk) for pk in pks]


@pytest.fixture
def store(any_db_url: str) -> Iterator[Store]:
    store = demo_store(any_db_url, NOW)
    yield store
    store.engine.dispose()


def plan_now(session: Session, learner: int, at: datetime = INTERVIEW) -> PlanHead:
    add_interview(session, learner, at, None, NOW)
    plan = ensure_plan(session, learner, NOW, load_settings(session, learner))
    session.commit()
    assert plan is not None
    return plan


def test_a_review_brought_forward_by_the_plan_is_the_next_due(store: Store) -> None:
    with Session(store.engine) as session:
        learner = store.learner_id
        pks = studied(session, learner)
        assert next_due(session, learner, NOW) == OWN_DUE
        plan = plan_now(session, learner)
        planned = session.execute(select(PlannedCard.due)).scalars().all()
        assert planned and set(planned) == {TOMORROW_MORNING}  # each brought forward to tomorrow
        assert next_due(session, learner, NOW, plan=plan) == TOMORROW_MORNING
        assert next_due(session, learner, NOW) == OWN_DUE  # plain scheduling, as before
        assert next_due(session, learner, NOW, "demo", plan) == TOMORROW_MORNING
        assert next_due(session, learner, NOW, "other", plan) is None

        # A card answered since the plan was made goes by its own due time again; the others still by the plan.
        settings = load_settings(session, learner)
        answered = NOW + timedelta(hours=1)
        for pk in pks[:2]:
            answer(session, learner, read_progress(session, learner, pk), 3, answered, 5_000, settings)
        assert next_due(session, learner, answered, plan=plan) == TOMORROW_MORNING
        answer(session, learner, read_progress(session, learner, pks[2]), 3, answered, 5_000, settings)
        own = min(read_progress(session, learner, pk).due for pk in pks)  # type: ignore[type-var]
        assert next_due(session, learner, answered, plan=plan) == own > TOMORROW_MORNING


def test_a_review_the_plan_puts_off_to_the_interview(store: Store) -> None:
    """A card that will be ready anyway is not reviewed before the interview: its own due time (tomorrow) is not
    when the next card is due."""
    with Session(store.engine) as session:
        learner = store.learner_id
        studied(session, learner, stability=400.0, due=NOW + timedelta(days=1))
        plan = plan_now(session, learner)
        assert set(session.execute(select(PlannedCard.due)).scalars()) == {INTERVIEW}
        assert next_due(session, learner, NOW) == NOW + timedelta(days=1)
        assert next_due(session, learner, NOW, plan=plan) == INTERVIEW


def test_suspended_and_buried_cards_under_the_plan(store: Store) -> None:
    with Session(store.engine) as session:
        learner = store.learner_id
        first, second, third = studied(session, learner)
        plan = plan_now(session, learner)
        session.execute(update(Progress).where(Progress.card_pk.in_([first, second]))  # type: ignore[attr-defined]
                        .values(suspended=True))
        later = TOMORROW_MORNING + timedelta(days=1)
        session.execute(update(Progress).where(Progress.card_pk == third).values(buried_until=later))
        session.commit()
        assert next_due(session, learner, NOW, plan=plan) == later  # the buried card, when it comes back
        session.execute(update(Progress).where(Progress.card_pk == third).values(suspended=True))
        session.commit()
        assert next_due(session, learner, NOW, plan=plan) is None


# -- srs status --------------------------------------------------------------------------------------------------


def srs(runner: CliRunner, *args: str) -> Result:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_status_says_when_the_plan_has_the_next_review(any_db_url: str, runner: CliRunner,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SRS_DATABASE_URL", any_db_url)
    monkeypatch.setenv("SRS_NOW", NOW.isoformat())
    monkeypatch.setenv("TZ", "UTC")
    srs(runner, "deck", "remove", "interview-closing", "--yes")  # only the demo deck, all studied: nothing today
    store = demo_store(any_db_url, NOW)
    with Session(store.engine) as session:
        studied(session, store.learner_id)
    store.engine.dispose()
    assert json.loads(srs(runner, "status", "--json").stdout)["next_due"] == OWN_DUE.isoformat()
    srs(runner, "interview", "set", "2026-03-05 13:00")

    data = json.loads(srs(runner, "status", "--json").stdout)
    assert data["total"] == {"new": 0, "learning": 0, "due": 0, "total": 0}
    assert data["next_due"] == TOMORROW_MORNING.isoformat()
    text = srs(runner, "status").stdout
    assert "Next due:        in 16h (04:00)" in text, text
    review = runner.invoke(cli, ["review"], input="q\n")
    assert "Tomorrow: 3 reviews toward your interview" in review.stdout, review.output


def test_the_review_summarys_next_due_goes_by_the_plan_too(store: Store) -> None:
    # The summary after `srs review` ("Next review due: ...") must agree with its own "Tomorrow:" line.
    from srs.review_service import DbReviewService

    with Session(store.engine) as session:
        studied(session, store.learner_id)
        add_interview(session, store.learner_id, INTERVIEW, None, NOW)
        session.commit()
    service = DbReviewService.open(store.engine, store.learner_id, lambda: NOW)
    assert service.next_due() == TOMORROW_MORNING
