"""Carry a learner's scheduling into the collection genanki wrote, so Anki continues where the terminal left off.

Anki's importer keeps scheduling only with "Import any learning progress" (``with_scheduling``) and only for
cards it does not have yet. For those it copies each card row as it is, and moves day-numbered dues by the
difference between the package's "today" and its own. So the collection written here says:

* ``schedVer`` 2 (a v1 collection would be converted on import), ``rollover`` the learner's rollover hour, and
  ``crt``/``creationOffset`` = the start of the learner's export day in the learner's zone. Anki then counts the
  package's "today" in calendar days from that day, just as :func:`srs.scheduling.days.learner_day` does.
* review cards: ``due`` = learner-days from the export day (Anki shifts it onto its own day numbers);
* learning and relearning cards: ``due`` in epoch seconds (never shifted), ``left`` = steps still to go;
* FSRS memory state in ``cards.data`` as Anki writes it: ``{"s", "d", "dr", "decay", "lrt"}``;
* every answer in ``revlog`` (id = answer time in ms), so Anki's statistics and optimizer see the history.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from srs.anki_data import (CARD_LEARNING, CARD_RELEARNING, CARD_REVIEW, QUEUE_LEARNING, QUEUE_REVIEW,
                           QUEUE_SUSPENDED, REVLOG_RELEARN, REVLOG_REVIEW)
from srs.export_records import CardHistory
from srs.progress import ProgressSnapshot
from srs.scheduling.days import day_start, learner_day, zone
from srs.scheduling.settings import SchedulerSettings

DEFAULT_EASE = 2500  # Anki's starting ease (permille); only used if the user switches FSRS off
FSRS5_DECAY = 0.5


def _decay(settings: SchedulerSettings) -> float:
    """The forgetting-curve decay Anki stores with each card: FSRS-6's last weight, 0.5 before FSRS-6."""
    params = settings.fsrs_parameters
    if params is None:
        from fsrs_rs_python import DEFAULT_PARAMETERS

        params = tuple(DEFAULT_PARAMETERS)
    return float(params[20]) if len(params) >= 21 else FSRS5_DECAY


def _card_data(progress: ProgressSnapshot, settings: SchedulerSettings, decay: float) -> str:
    if progress.stability is None or progress.difficulty is None:
        return ""
    data: dict[str, Any] = {"s": progress.stability, "d": progress.difficulty,
                            "dr": settings.desired_retention, "decay": decay}
    if progress.last_review is not None:
        data["lrt"] = int(progress.last_review.timestamp())
    return json.dumps(data, separators=(",", ":"))


def _card_columns(progress: ProgressSnapshot, settings: SchedulerSettings, today: Any, decay: float
                  ) -> dict[str, Any] | None:
    """The Anki ``cards`` columns for one card's progress; None leaves the card new as genanki wrote it."""
    state = int(progress.state)
    columns: dict[str, Any] = {"reps": progress.reps, "lapses": progress.lapses,
                               "data": _card_data(progress, settings, decay)}
    if state in (CARD_LEARNING, CARD_RELEARNING) and progress.due is not None:
        steps = settings.learning_steps if state == CARD_LEARNING else settings.relearning_steps
        columns.update(type=state, queue=QUEUE_LEARNING, due=int(progress.due.timestamp()),
                       ivl=progress.scheduled_days if state == CARD_RELEARNING else 0,
                       factor=DEFAULT_EASE if state == CARD_RELEARNING else 0,
                       left=max(1, len(steps) - progress.step))
    elif state == CARD_REVIEW and progress.due is not None:
        due_day = learner_day(progress.due, settings.timezone, settings.rollover_hour)
        columns.update(type=CARD_REVIEW, queue=QUEUE_REVIEW, due=(due_day - today).days,
                       ivl=max(1, progress.scheduled_days), factor=DEFAULT_EASE, left=0)
    elif not progress.suspended:
        return None
    if progress.suspended:
        columns["queue"] = QUEUE_SUSPENDED
    return columns


def add_progress(conn: sqlite3.Connection, cards_by_guid: Mapping[str, int], histories: Mapping[int, CardHistory],
                 settings: SchedulerSettings, timestamp: float) -> tuple[int, int]:
    """Write scheduling and review log into the genanki collection open on ``conn``.

    Args:
        conn: The collection genanki just wrote (schema 11).
        cards_by_guid: Note GUID → srs card pk, for the cards in the package.
        histories: Card pk → progress and review log.
        settings: The learner's settings (zone, rollover hour, steps, retention, FSRS parameters).
        timestamp: The export time (seconds since the epoch): the package's "today".

    Returns:
        (cards given a scheduling state, review-log rows written).
    """
    now = datetime.fromtimestamp(timestamp, timezone.utc)
    today = learner_day(now, settings.timezone, settings.rollover_hour)
    created = day_start(today, settings.timezone, settings.rollover_hour)
    offset = created.astimezone(zone(settings.timezone)).utcoffset()
    minutes_west = -int(offset.total_seconds() // 60) if offset is not None else 0
    (conf_text,) = conn.execute("SELECT conf FROM col").fetchone()
    conf = json.loads(conf_text)
    conf.update(schedVer=2, rollover=settings.rollover_hour, creationOffset=minutes_west)
    conn.execute("UPDATE col SET crt = ?, conf = ?", (int(created.timestamp()), json.dumps(conf, sort_keys=True)))

    decay = _decay(settings)
    scheduled = 0
    revlog: list[tuple[int, ...]] = []
    used_ids: set[int] = set()
    rows = conn.execute("SELECT n.guid, c.id FROM cards c JOIN notes n ON c.nid = n.id ORDER BY c.id").fetchall()
    for guid, anki_card_id in rows:
        pk = cards_by_guid.get(guid)
        history = histories.get(pk) if pk is not None else None
        if history is None:
            continue
        if history.progress is not None:
            columns = _card_columns(history.progress, settings, today, decay)
            if columns is not None:
                assignments = ", ".join(f"{name} = ?" for name in columns)
                conn.execute(f"UPDATE cards SET {assignments} WHERE id = ?", (*columns.values(), anki_card_id))
                scheduled += 1
        for review in history.reviews:
            revlog_id = int(review.reviewed_at.timestamp() * 1000)
            while revlog_id in used_ids:  # Anki keys the log by time; two answers in one ms must not collide
                revlog_id += 1
            used_ids.add(revlog_id)
            factor = DEFAULT_EASE if review.kind in (REVLOG_REVIEW, REVLOG_RELEARN) else 0
            revlog.append((revlog_id, anki_card_id, -1, review.rating, review.interval_days,
                           review.prev_interval_days, factor, min(review.duration_ms, 60_000), review.kind))
    conn.executemany("INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", revlog)
    return scheduled, len(revlog)
