"""Bring progress from Anki back: merge an Anki package's review log into a learner's, and import other notes.

Given the plain records of a package (:mod:`srs.anki_data`), a session, a learner and ``now``:

* **Our own cards** are found by note GUID (``Card.anki_guid``). Each Anki review of them becomes one row of the
  learner's log with ``origin="anki"`` and ``anki_id`` = Anki's revlog id, and the unique (learner, anki_id)
  constraint makes that exactly once however often the same file comes back. A review that went to Anki from
  this log (``srs export anki --with-progress``) is recognised by card, rating and millisecond and not taken
  twice. Only real answers are merged, as Anki's FSRS counts them: buttons 1-4 of learning, review, relearning
  and rescheduling filtered-deck entries; manual changes, cramming and "set due date" are not answers.
* Every card that got reviews is **recomputed by replaying its merged history** with the learner's settings, so
  its FSRS memory state is the one Anki computes from the same history (same fsrs-rs math, same day counting).
  The replay starts where Anki's ``compute_memory_state`` starts (rslib ``reviews_for_fsrs``): after the latest
  reset ("Forget": a manual revlog row with factor 0), at the first answer of the card's last group of learning
  answers (older Anki reset cards without a log row), and without cramming; a card reset in Anki and not
  answered since, here or there, becomes a new card. History before a reset stays in the log.
* **Suspended and buried follow the newer side**: Anki's card modification time against the progress row's
  ``updated_at`` (set by every answer, undo, suspend, bury and import here). Anki's burying lasts until the
  learner's next day, so a card buried on an earlier day is not.
* Large packages cost a bounded number of queries: progress and history of the matched cards are read in
  chunks, reviews inserted in one batch, every card replayed in memory, and the changed progress rows written
  with one batched compare-and-set (:func:`srs.store.progress.compare_and_set`).
* **No grade given meanwhile is lost.** The reads run outside the write transaction (SQLite's first write takes
  the lock; PostgreSQL reads committed rows), so another session may answer a card while the import works. The
  progress rows are read *first*, then the history, and every card written is compared-and-set against that
  first read. Every change to a card's review log bumps its progress version in the same transaction (an answer,
  an undo, and this import, which writes every card it adds reviews to even when its state comes out the same).
  So an answer committed after the progress was read makes the compare-and-set fail; one committed before it is
  in the history too. Either way no state computed without an answer is written: the import stops with
  :data:`CONFLICT` and writes nothing, as it does when the same reviews were merged meanwhile by another import.
* **Other notes** become one new deck (:mod:`srs.anki_notes`), validated like a deck file.
* Notes, cards or reviews dated in the future, and reviews whose id appears more than once in the package, are
  skipped and reported, never guessed at.

The rules that need no database (which rows are answers, the replay window, whose flags win, the summary) are
:mod:`srs.anki_history`; this module reads and writes the rows. Everything happens in the caller's transaction:
it flushes but never commits, so a dry run is the same work rolled back, and an error leaves nothing
half-written.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from srs.anki_data import REVLOG_FILTERED, REVLOG_REVIEW, AnkiCard, AnkiPackage
from srs.anki_history import (
    Entry,
    History,
    MergeSummary,
    Skips,
    anki_flags,
    came_from_here,
    default_deck_id,
    from_ms,
    is_answer,
    ms,
    replayed,
    select_cards,
    set_aside,
)
from srs.anki_notes import SOURCE_ID, build_notes_deck
from srs.errors import ConflictError, ImportFileError
from srs.progress import MAX_DURATION_MS, ProgressSnapshot
from srs.scheduling import require_utc
from srs.store.deck_import import add_deck
from srs.store.meta import forget_removal
from srs.store.models import Card, Deck, Progress, Review, table_of
from srs.store.progress import ProgressWrite, compare_and_set, progress_columns, snapshot_of
from srs.store.settings import load_settings

__all__ = ["MergeSummary", "default_deck_id", "merge_anki"]

CHUNK = 500  # ids per IN (...) query
CONFLICT = "a card's progress changed in another session during the import; nothing was imported, run it again"
_PROGRESS = table_of(Progress)


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _own_cards(session: Session, guids: Sequence[str]) -> dict[str, int]:
    """Note GUID → our card's pk, for the GUIDs that are ours."""
    found: dict[str, int] = {}
    for part in _chunks(sorted(set(guids))):
        rows = session.execute(select(col(Card.anki_guid), col(Card.id)).where(col(Card.anki_guid).in_(part)))
        for guid, pk in rows.all():
            found.setdefault(guid, int(pk))
    return found


def _known_anki_ids(session: Session, learner_id: int, ids: Sequence[int]) -> set[int]:
    known: set[int] = set()
    for part in _chunks(sorted(set(ids))):
        rows = session.execute(select(col(Review.anki_id)).where(
            col(Review.learner_id) == learner_id, col(Review.anki_id).in_(part)))
        known.update(int(value) for (value,) in rows.all())
    return known


def _local_history(session: Session, learner_id: int, pks: Sequence[int]) -> History:
    """The learner's reviews of the given cards: our own answers, each card's last answer, and the replay rows."""
    history = History()
    for part in _chunks(sorted(set(pks))):
        rows = session.execute(select(col(Review.card_pk), col(Review.id), col(Review.reviewed_at),
                                      col(Review.rating), col(Review.kind), col(Review.interval_days),
                                      col(Review.anki_id)).where(
            col(Review.learner_id) == learner_id, col(Review.card_pk).in_(part)))
        for pk, rid, at, rating, kind, interval, anki_id in rows.all():
            pk = int(pk)
            if anki_id is None:
                history.answers.add((pk, ms(at), int(rating)))
            if pk not in history.last or at > history.last[pk]:
                history.last[pk] = at
            history.entries[pk].append(Entry(at, (0, int(rid)), int(rating), int(kind), int(interval),
                                             here=anki_id is None))
    return history


def _new_reviews(session: Session, learner_id: int, package: AnkiPackage, by_anki: Mapping[int, int],
                 now_ms: int, skips: Skips, summary: MergeSummary) -> tuple[list[dict[str, Any]], History]:
    """The review rows to insert, and the matched cards' history here (with the package's resets and other
    rows that are not answers, which the replay needs to know where Anki's history starts)."""
    counts = Counter(review.id for review in package.reviews)
    candidates = [r for r in package.reviews if r.card_id in by_anki]
    for review in package.reviews:
        if review.card_id not in by_anki:
            skips.add("review(s) of cards not merged (notes of other types start as new cards)", review.id)
    known = _known_anki_ids(session, learner_id, [r.id for r in candidates])
    history = _local_history(session, learner_id, list(by_anki.values()))
    answers = history.answers
    rows: list[dict[str, Any]] = []
    for seq, review in enumerate(candidates):
        pk = by_anki[review.card_id]
        if counts[review.id] > 1:
            skips.add("review(s) whose id appears more than once in the package", review.id)
        elif review.id > now_ms:
            skips.add("review(s) dated in the future (check the phone's clock)", review.id)
        elif review.id <= 0:
            skips.add("review(s) with an impossible id", review.id)
        elif not is_answer(review):
            skips.add("review-log row(s) that are not answers (manual rescheduling, cramming)", review.id)
            marker = Entry(from_ms(review.id), (2, seq), 0, review.type, review.interval, review.factor)
            history.entries[pk].append(marker)
            if marker.reset:
                history.resets.add(pk)
        elif review.id in known or came_from_here(answers, pk, review):
            summary.reviews_known += 1
        else:
            rows.append({"learner_id": learner_id, "card_pk": pk, "rating": review.ease,
                         "reviewed_at": from_ms(review.id),
                         "duration_ms": max(0, min(review.time_ms, MAX_DURATION_MS)),
                         "kind": REVLOG_REVIEW if review.type == REVLOG_FILTERED else review.type,
                         "interval_days": max(0, review.interval), "prev_interval_days": max(0, review.last_interval),
                         "origin": "anki", "anki_id": review.id})
    return rows, history


def _progress_rows(session: Session, learner_id: int, pks: Sequence[int]) -> dict[int, ProgressSnapshot]:
    """The learner's progress on the given cards (cards without a progress row are left out)."""
    found: dict[int, ProgressSnapshot] = {}
    for part in _chunks(sorted(set(pks))):
        rows = session.execute(select(_PROGRESS.c.card_pk, *progress_columns()).where(
            _PROGRESS.c.learner_id == learner_id, _PROGRESS.c.card_pk.in_(part)))
        for row in rows.mappings():
            found[int(row["card_pk"])] = snapshot_of(row["card_pk"], row)
    return found


def _refs(session: Session, pks: Sequence[int]) -> list[str]:
    """``deck/card`` references of the given cards, sorted."""
    found: list[str] = []
    for part in _chunks(sorted(set(pks))):
        rows = session.execute(select(col(Card.deck_id), col(Card.card_id)).where(col(Card.id).in_(part)))
        found += [f"{deck}/{card}" for deck, card in rows.all()]
    return sorted(found)


def _update_progress(session: Session, learner_id: int, current: Mapping[int, ProgressSnapshot],
                     card_of: Mapping[int, AnkiCard], merged: set[int], replay: set[int], history: History,
                     now: datetime, notes_leech: set[int], summary: MergeSummary) -> list[int]:
    """Recompute the replayed cards, take Anki's flags where Anki is newer, and write with one batched
    compare-and-set against ``current`` (the progress read before the history): what changed, and every card
    that got reviews (``merged``), so that its version records the change to its log.

    Returns:
        The cards whose merged phone reviews the replay set aside (:func:`srs.anki_history.set_aside`).
    """
    settings = load_settings(session, learner_id)
    writes: list[ProgressWrite] = []
    aside: list[int] = []
    for pk in sorted(card_of):
        seen = current.get(pk) or ProgressSnapshot(pk)
        values = seen.values()
        state_changed = flags_changed = False
        if pk in replay:
            state = replayed(pk, history, settings)
            state_changed = any(values[name] != value for name, value in state.items())
            values.update(state)
            if set_aside(pk, history):
                aside.append(pk)
        card = card_of[pk]
        ours = seen.updated_at or history.last.get(pk)
        if ours is None or card.mtime >= math.floor(ours.timestamp()):  # Anki changed the card last
            suspended, buried = anki_flags(card, now, settings.timezone, settings.rollover_hour)
            if (suspended, buried) != (values["suspended"], values["buried_until"]):
                values.update(suspended=suspended, buried_until=buried)
                flags_changed = True
        leech = pk in notes_leech and not values["leech"]
        if not (state_changed or flags_changed or leech or pk in merged):
            continue
        values.update(leech=values["leech"] or leech, updated_at=now)
        writes.append(ProgressWrite(seen, values))
        summary.cards_updated += state_changed
        summary.flags_changed += flags_changed
    compare_and_set(session, learner_id, writes, CONFLICT)
    return aside


def _import_other_notes(session: Session, package: AnkiPackage, own: Mapping[str, int], now: datetime,
                        now_ms: int, mapping: Mapping[str, str] | None, deck_id: str | None,
                        skips: Skips, summary: MergeSummary) -> None:
    others = []
    for note in package.notes:
        if note.guid in own:
            continue
        if note.id > now_ms:
            skips.add("note(s) with an id in the future (created after now?)", note.id)
        else:
            others.append(note)
    if not others:
        return
    stem = package.name.rsplit(".", 1)[0]
    deck_id = deck_id or default_deck_id(stem)
    built = build_notes_deck(others, mapping, deck_id, f"{stem} (from Anki)", package.name)
    summary.skipped += built.skipped
    if built.spec is None:
        return
    existing = session.get(Deck, deck_id)
    if existing is not None and not any(s.get("id") == SOURCE_ID for s in existing.sources):
        raise ImportFileError(f"deck {deck_id!r} already exists and did not come from Anki; choose another "
                              "with --deck-id (nothing was imported)")
    forget_removal(session, deck_id)
    result = add_deck(session, built.spec, now)
    summary.deck_id, summary.deck_created, summary.notes_imported = deck_id, result.created, built.imported


def merge_anki(session: Session, learner_id: int, package: AnkiPackage, now: datetime,
               mapping: Mapping[str, str] | None = None, deck_id: str | None = None) -> MergeSummary:
    """Merge an Anki package into the learner's progress, and import its other notes as a deck.

    Flushes but never commits: the caller commits the whole import as one transaction, or rolls it back for a
    dry run (the summary is the same either way).

    Args:
        session: An open session with no pending changes of its own.
        learner_id: Whose progress.
        package: The package's records (``exporters.anki_reader.read_package``).
        now: The current time (aware UTC); anything dated after it is skipped.
        mapping: Anki field name → ``situation``/``response``/``reasoning``, for other notes.
        deck_id: The id of the deck other notes go to (default from the file name).

    Raises:
        ImportFileError: other notes do not make a valid deck, or ``deck_id`` names a deck not from Anki.
    """
    now = require_utc(now)
    now_ms = ms(now)
    summary = MergeSummary(package=package.name, format=package.format, schema=package.schema,
                           notes=len(package.notes), cards=len(package.cards), reviews=len(package.reviews))
    skips = Skips()
    own = _own_cards(session, [note.guid for note in package.notes])
    summary.own_notes = sum(1 for note in package.notes if note.guid in own)
    by_anki, card_of = select_cards(package, own, now_ms, skips)
    current = _progress_rows(session, learner_id, list(card_of))  # before the history: see the module docstring
    rows, history = _new_reviews(session, learner_id, package, by_anki, now_ms, skips, summary)
    if rows:
        try:
            session.execute(insert(Review), rows)
        except IntegrityError:  # the same reviews were merged by another import since they were looked up
            raise ConflictError(CONFLICT) from None
        history.add_new(rows)
    summary.reviews_merged = len(rows)
    leech_pks = {own[n.guid] for n in package.notes if n.guid in own and "leech" in (t.lower() for t in n.tags)}
    merged = {row["card_pk"] for row in rows}
    aside = _update_progress(session, learner_id, current, card_of, merged, merged | history.resets, history, now,
                             leech_pks & set(card_of), summary)
    summary.history_set_aside = _refs(session, aside)
    session.flush()
    _import_other_notes(session, package, own, now, now_ms, mapping, deck_id, skips, summary)
    summary.skipped = skips.lines() + summary.skipped
    return summary

