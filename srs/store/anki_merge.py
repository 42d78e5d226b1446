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
  with one batched compare-and-set (:func:`srs.store.progress.compare_and_set`; a row changed meanwhile by
  another session fails the whole import).
* **Other notes** become one new deck (:mod:`srs.anki_notes`), validated like a deck file.
* Notes, cards or reviews dated in the future, and reviews whose id appears more than once in the package, are
  skipped and reported, never guessed at.

Everything happens in the caller's transaction: this module flushes but never commits, so a dry run is the
same work rolled back, and an error leaves nothing half-written.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session, col

from srs.anki_data import (
    QUEUE_BURIED,
    QUEUE_SUSPENDED,
    REVLOG_FILTERED,
    REVLOG_LEARN,
    REVLOG_MANUAL,
    REVLOG_RELEARN,
    REVLOG_REVIEW,
    AnkiCard,
    AnkiPackage,
    AnkiReview,
)
from srs.anki_notes import SOURCE_ID, build_notes_deck
from srs.errors import ImportFileError
from srs.progress import MAX_DURATION_MS, STATE_FIELDS, ProgressSnapshot
from srs.scheduling import CardState, Rating, SchedulerSettings, day_bounds, require_utc
from srs.scheduling import replay as schedule_replay
from srs.store.deck_import import add_deck
from srs.store.meta import forget_removal
from srs.store.models import Card, Deck, Progress, Review, table_of
from srs.store.progress import ProgressWrite, compare_and_set, progress_columns, snapshot_of
from srs.store.settings import load_settings

CHUNK = 500  # ids per IN (...) query
EXPORT_SLACK_MS = 3  # our exporter moves a review by a millisecond or two when two share one
EXAMPLES = 3
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
CONFLICT = "a card's progress changed in another session during the import; nothing was imported, run it again"
_PROGRESS = table_of(Progress)


@dataclass
class MergeSummary:
    """What an import did (or, in a dry run, would do)."""

    package: str
    format: str
    schema: int
    notes: int = 0
    cards: int = 0
    reviews: int = 0
    own_notes: int = 0
    reviews_merged: int = 0
    reviews_known: int = 0
    cards_updated: int = 0
    flags_changed: int = 0
    deck_id: str | None = None
    deck_created: bool = False
    notes_imported: int = 0
    skipped: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary as the CLI prints it, one fact per line."""
        out = [f"{self.package}: {self.format} (schema {self.schema}), {self.notes} notes, {self.cards} cards, "
               f"{self.reviews} reviews",
               f"your cards found: {self.own_notes}",
               f"reviews merged: {self.reviews_merged} (already here: {self.reviews_known})",
               f"cards updated: {self.cards_updated} (suspended/buried changed: {self.flags_changed})"]
        if self.deck_id is not None:
            how = "new deck" if self.deck_created else "deck"
            out.append(f"notes imported: {self.notes_imported} into {how} {self.deck_id!r}")
        else:
            out.append("notes imported: 0")
        out.append(f"skipped: {len(self.skipped)}" if self.skipped else "skipped: none")
        out += [f"  - {line}" for line in self.skipped]
        return out

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {key: getattr(self, key) for key in self.__dataclass_fields__}


class _Skips:
    """Skipped items grouped by reason, with a few example ids each."""

    def __init__(self) -> None:
        self.items: dict[str, list[int]] = defaultdict(list)

    def add(self, reason: str, item_id: int) -> None:
        self.items[reason].append(item_id)

    def lines(self) -> list[str]:
        out = []
        for reason, ids in self.items.items():
            examples = ", ".join(str(i) for i in ids[:EXAMPLES]) + (", ..." if len(ids) > EXAMPLES else "")
            out.append(f"{len(ids)} {reason} (ids {examples})")
        return out


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _ms(moment: datetime) -> int:
    """A moment as Anki's millisecond id, the way our exporter writes it."""
    return int(moment.timestamp() * 1000)


def _from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, timezone.utc)


def _is_answer(review: AnkiReview) -> bool:
    """Whether Anki's FSRS counts this row as an answer (rslib ``reviews_for_fsrs``)."""
    if review.ease not in (1, 2, 3, 4):
        return False
    if review.type in (REVLOG_LEARN, REVLOG_REVIEW, REVLOG_RELEARN):
        return True
    return review.type == REVLOG_FILTERED and review.factor != 0


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


@dataclass(frozen=True)
class _Entry:
    """One row of a card's merged history as the replay sees it, in Anki's revlog terms."""

    at: datetime
    order: tuple[int, int]  # within one moment: stored rows by id, then this import's rows, then package markers
    rating: int  # 1-4; 0 for a package row that is not an answer (manual or rescheduled)
    kind: int  # Anki's revlog type
    interval: int  # days (learning steps: 0 when stored here, negative seconds in Anki)
    factor: int | None = None  # Anki's factor, kept for package rows that are not answers; None for answers

    @property
    def cramming(self) -> bool:
        return self.kind == REVLOG_FILTERED and self.factor == 0

    @property
    def reset(self) -> bool:
        return self.kind == REVLOG_MANUAL and self.factor == 0


def replay_window(entries: Sequence[_Entry]) -> list[_Entry] | None:
    """The answers Anki's FSRS replays for a card's memory state, oldest first; None when there are none.

    Mirrors rslib ``reviews_for_fsrs`` (not training, nothing ignored by date), given the history sorted by time.
    Working back from the newest row, cramming aside: a reset ends the history, and so does any other row once
    an answer of the learning kind has been seen (older Anki reset cards without logging it). The replay starts
    at the first answer of the last group of learning answers; without one, at the first answer here whose
    interval is a day or more (Anki then starts from a state inferred from SM-2, which this log does not have;
    here the card starts as new). A card reset and not answered since has no history.
    """
    first_learn: int | None = None
    first_grade: int | None = None
    for index in range(len(entries) - 1, -1, -1):
        entry = entries[index]
        if entry.cramming:
            continue
        graded = entry.rating > 0
        if graded and (entry.interval >= 1 or entry.interval <= -86_400):
            first_grade = index
        if graded and entry.kind == REVLOG_LEARN:
            first_learn = index
        elif entry.reset:
            if first_learn is None and first_grade is None:
                return None
            break
        elif first_learn is not None:
            break
    start = first_learn if first_learn is not None else first_grade
    if start is None:
        return None
    return [entry for entry in entries[start:] if entry.rating > 0 and not entry.cramming]


@dataclass
class _History:
    """What the merge knows about the matched cards' history here, read in a few chunked queries."""

    answers: set[tuple[int, int, int]] = field(default_factory=set)  # our own answers: (pk, ms, rating)
    last: dict[int, datetime] = field(default_factory=dict)  # each card's last answer before this import
    entries: dict[int, list[_Entry]] = field(default_factory=lambda: defaultdict(list))
    resets: set[int] = field(default_factory=set)  # cards with a reset in the package

    def add_new(self, rows: Sequence[Mapping[str, Any]]) -> None:
        for seq, row in enumerate(rows):
            self.entries[row["card_pk"]].append(_Entry(row["reviewed_at"], (1, seq), row["rating"], row["kind"],
                                                       row["interval_days"]))

    def sorted(self, pk: int) -> list[_Entry]:
        return sorted(self.entries.get(pk, ()), key=lambda e: (e.at, e.order))


def _local_history(session: Session, learner_id: int, pks: Sequence[int]) -> _History:
    """The learner's reviews of the given cards: our own answers, each card's last answer, and the replay rows."""
    history = _History()
    for part in _chunks(sorted(set(pks))):
        rows = session.execute(select(col(Review.card_pk), col(Review.id), col(Review.reviewed_at),
                                      col(Review.rating), col(Review.kind), col(Review.interval_days),
                                      col(Review.anki_id)).where(
            col(Review.learner_id) == learner_id, col(Review.card_pk).in_(part)))
        for pk, rid, at, rating, kind, interval, anki_id in rows.all():
            pk = int(pk)
            if anki_id is None:
                history.answers.add((pk, _ms(at), int(rating)))
            if pk not in history.last or at > history.last[pk]:
                history.last[pk] = at
            history.entries[pk].append(_Entry(at, (0, int(rid)), int(rating), int(kind), int(interval)))
    return history


def _came_from_here(answers: set[tuple[int, int, int]], pk: int, review: AnkiReview) -> bool:
    return any((pk, review.id - slack, review.ease) in answers for slack in range(EXPORT_SLACK_MS + 1))


def _select_cards(package: AnkiPackage, own: Mapping[str, int], now_ms: int, skips: _Skips
                  ) -> tuple[dict[int, int], dict[int, AnkiCard]]:
    """Anki card id → our pk, and the Anki card behind each pk (first template of each of our notes)."""
    note_pk: dict[int, int] = {}
    for note in package.notes:
        if note.guid in own:
            if note.id > now_ms:
                skips.add("note(s) with an id in the future (created after now?)", note.id)
            else:
                note_pk[note.id] = own[note.guid]
    by_anki: dict[int, int] = {}
    card_of: dict[int, AnkiCard] = {}
    for card in package.cards:
        pk = note_pk.get(card.note_id)
        if pk is None:
            continue
        if card.id > now_ms:
            skips.add("card(s) with an id in the future (created after now?)", card.id)
        elif card.ord != 0 or pk in card_of:
            skips.add("extra card(s) of a note of ours (only its first card is ours)", card.id)
        else:
            by_anki[card.id] = pk
            card_of[pk] = card
    return by_anki, card_of


def _new_reviews(session: Session, learner_id: int, package: AnkiPackage, by_anki: Mapping[int, int],
                 now_ms: int, skips: _Skips, summary: MergeSummary) -> tuple[list[dict[str, Any]], _History]:
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
        elif not _is_answer(review):
            skips.add("review-log row(s) that are not answers (manual rescheduling, cramming)", review.id)
            marker = _Entry(_from_ms(review.id), (2, seq), 0, review.type, review.interval, review.factor)
            history.entries[pk].append(marker)
            if marker.reset:
                history.resets.add(pk)
        elif review.id in known or _came_from_here(answers, pk, review):
            summary.reviews_known += 1
        else:
            rows.append({"learner_id": learner_id, "card_pk": pk, "rating": review.ease,
                         "reviewed_at": _from_ms(review.id),
                         "duration_ms": max(0, min(review.time_ms, MAX_DURATION_MS)),
                         "kind": REVLOG_REVIEW if review.type == REVLOG_FILTERED else review.type,
                         "interval_days": max(0, review.interval), "prev_interval_days": max(0, review.last_interval),
                         "origin": "anki", "anki_id": review.id})
    return rows, history


def _anki_flags(card: AnkiCard, now: datetime, tz: str, rollover: int) -> tuple[bool, datetime | None]:
    """Anki's (suspended, buried until) for a card; a bury from an earlier learner-day has expired."""
    suspended = card.queue == QUEUE_SUSPENDED
    buried_until = None
    if card.queue in QUEUE_BURIED:
        changed = datetime.fromtimestamp(card.mtime, timezone.utc)
        start, end = day_bounds(now, tz, rollover)
        if start <= changed < end:
            buried_until = end
    return suspended, buried_until


def _progress_rows(session: Session, learner_id: int, pks: Sequence[int]) -> dict[int, ProgressSnapshot]:
    """The learner's progress on the given cards (cards without a progress row are left out)."""
    found: dict[int, ProgressSnapshot] = {}
    for part in _chunks(sorted(set(pks))):
        rows = session.execute(select(_PROGRESS.c.card_pk, *progress_columns()).where(
            _PROGRESS.c.learner_id == learner_id, _PROGRESS.c.card_pk.in_(part)))
        for row in rows.mappings():
            found[int(row["card_pk"])] = snapshot_of(row["card_pk"], row)
    return found


def _state_values(state: CardState) -> dict[str, Any]:
    return {name: int(getattr(state, name)) if name == "state" else getattr(state, name) for name in STATE_FIELDS}


def _replayed(pk: int, history: _History, settings: SchedulerSettings) -> dict[str, Any]:
    window = replay_window(history.sorted(pk))
    if window is None:  # reset in Anki and not answered since: a new card
        return _state_values(CardState())
    return _state_values(schedule_replay(pk, [(Rating(e.rating), e.at) for e in window], settings))


def _update_progress(session: Session, learner_id: int, card_of: Mapping[int, AnkiCard], replay: set[int],
                     history: _History, now: datetime, notes_leech: set[int], summary: MergeSummary) -> None:
    """Recompute the replayed cards, take Anki's flags where Anki is newer, and write what changed with one
    batched compare-and-set."""
    settings = load_settings(session, learner_id)
    current = _progress_rows(session, learner_id, list(card_of))
    writes: list[ProgressWrite] = []
    for pk in sorted(card_of):
        seen = current.get(pk) or ProgressSnapshot(pk)
        values = seen.values()
        state_changed = flags_changed = False
        if pk in replay:
            state = _replayed(pk, history, settings)
            state_changed = any(values[name] != value for name, value in state.items())
            values.update(state)
        card = card_of[pk]
        ours = seen.updated_at or history.last.get(pk)
        if ours is None or card.mtime >= math.floor(ours.timestamp()):  # Anki changed the card last
            suspended, buried = _anki_flags(card, now, settings.timezone, settings.rollover_hour)
            if (suspended, buried) != (values["suspended"], values["buried_until"]):
                values.update(suspended=suspended, buried_until=buried)
                flags_changed = True
        leech = pk in notes_leech and not values["leech"]
        if not (state_changed or flags_changed or leech):
            continue
        values.update(leech=values["leech"] or leech, updated_at=now)
        writes.append(ProgressWrite(seen, values))
        summary.cards_updated += state_changed
        summary.flags_changed += flags_changed
    compare_and_set(session, learner_id, writes, CONFLICT)


def _import_other_notes(session: Session, package: AnkiPackage, own: Mapping[str, int], now: datetime,
                        now_ms: int, mapping: Mapping[str, str] | None, deck_id: str | None,
                        skips: _Skips, summary: MergeSummary) -> None:
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


def default_deck_id(stem: str) -> str:
    """A deck id from the package's file name: ``Phone Notes`` → ``anki-phone-notes``."""
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:50] or "notes"
    return f"anki-{slug}"


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
    now_ms = _ms(now)
    summary = MergeSummary(package=package.name, format=package.format, schema=package.schema,
                           notes=len(package.notes), cards=len(package.cards), reviews=len(package.reviews))
    skips = _Skips()
    own = _own_cards(session, [note.guid for note in package.notes])
    summary.own_notes = sum(1 for note in package.notes if note.guid in own)
    by_anki, card_of = _select_cards(package, own, now_ms, skips)
    rows, history = _new_reviews(session, learner_id, package, by_anki, now_ms, skips, summary)
    if rows:
        session.execute(insert(Review), rows)
        history.add_new(rows)
    summary.reviews_merged = len(rows)
    leech_pks = {own[n.guid] for n in package.notes if n.guid in own and "leech" in (t.lower() for t in n.tags)}
    replay = {row["card_pk"] for row in rows} | history.resets
    _update_progress(session, learner_id, card_of, replay, history, now, leech_pks & set(card_of), summary)
    session.flush()
    _import_other_notes(session, package, own, now, now_ms, mapping, deck_id, skips, summary)
    summary.skipped = skips.lines() + summary.skipped
    return summary

