"""Synthetic collections: many cards in deck files and a long review history, written in bulk."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

START = datetime(2024, 11, 1, 8, tzinfo=timezone.utc)
NOW = START + timedelta(days=730)


def deck_text(deck_id: str, cards: int) -> str:
    """A valid deck file with ``cards`` cards."""
    lines = [f'[deck]\nid = "{deck_id}"\nname = "Bench {deck_id}"\nversion = "1.0.0"\n',
             '[[sources]]\nid = "s"\ntitle = "Synthetic source"\nauthor = "Bench"\n']
    for i in range(cards):
        lines.append(
            f'[[cards]]\nid = "c{i}"\nsituation = "The interviewer asks question number {i}. What do you say?"\n'
            f'response = "Answer {i}, briefly."\nreasoning = "Because reason {i} holds, and it is short."\n'
            f'sources = ["s"]\ntags = ["bench", "t{i % 7}"]\n'
        )
    return "\n".join(lines)


def _ts(dt: datetime) -> str:
    return dt.replace(tzinfo=None).isoformat(sep=" ")


def fill_history(db: Path, reviews: int, seed: int = 7) -> None:
    """Give the default learner ``reviews`` reviews spread over the two years before NOW, and matching progress
    rows. Every review is in the past: a card's first review falls in the first year, and the gaps between its
    reviews grow (as intervals do) and are scaled to end before the start of NOW's learner-day."""
    rng = random.Random(seed)
    con = sqlite3.connect(db)
    learner = con.execute("select id from learner where name = 'default'").fetchone()[0]
    cards = [row[0] for row in con.execute("select id from card where retired = 0")]
    studied = cards[: max(1, int(len(cards) * 0.8))]
    per_card, extra = divmod(reviews, len(studied))
    last_moment = NOW - timedelta(hours=5)  # NOW is 08:00 UTC and the day rolls over at 04:00: before today
    review_rows = []
    progress_rows = []
    for index, pk in enumerate(studied):
        count = per_card + (1 if index < extra else 0)
        if count == 0:
            continue
        first = START + timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
        span = (last_moment - first) * rng.uniform(0.6, 1.0)
        gaps = [rng.uniform(0.5, 1.5) * 1.3 ** k for k in range(count - 1)]
        scale = span / sum(gaps) if gaps else timedelta(0)
        t = first
        interval = 1
        for k in range(count):
            rating = rng.choices((1, 2, 3, 4), (10, 5, 80, 5))[0]
            review_rows.append((learner, pk, rating, _ts(t), rng.randrange(2000, 30000), 1, interval, interval,
                                "terminal"))
            interval = 1 if rating == 1 else min(365, int(interval * (2.5 if rating >= 3 else 1.2)) + 1)
            if k < count - 1:
                t += scale * gaps[k]
        due = NOW + timedelta(days=rng.randrange(-20, 40), hours=rng.randrange(0, 24))
        progress_rows.append((learner, pk, 2, 0, 10.0, 5.0, _ts(due), _ts(t), interval, count, 1, 0, 0, 1))
    con.executemany(
        "insert into review (learner_id, card_pk, rating, reviewed_at, duration_ms, kind, interval_days,"
        " prev_interval_days, origin) values (?,?,?,?,?,?,?,?,?)", review_rows)
    con.executemany(
        "insert into progress (learner_id, card_pk, state, step, stability, difficulty, due, last_review,"
        " scheduled_days, reps, lapses, suspended, leech, version) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        progress_rows)
    con.commit()
    con.close()


def describe(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("card", "review", "progress")}
    finally:
        con.close()


__all__ = ["deck_text", "fill_history", "describe", "NOW", "json"]
