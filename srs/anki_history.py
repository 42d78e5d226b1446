"""How an Anki package's records meet a learner's history, without the database: which review-log rows are
answers, which answers Anki's FSRS replays for a card (:func:`replay_window`), whose suspended/buried flags win,
and what the import reports (:class:`MergeSummary`). :mod:`srs.store.anki_merge` reads and writes the rows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

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
from srs.progress import STATE_FIELDS
from srs.scheduling import CardState, Rating, SchedulerSettings, day_bounds
from srs.scheduling import replay as schedule_replay

EXPORT_SLACK_MS = 3  # our exporter moves a review by a millisecond or two when two share one
EXAMPLES = 3


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
    history_set_aside: list[str] = field(default_factory=list)  # deck/card refs: see set_aside()
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
        if self.history_set_aside:
            refs = ", ".join(self.history_set_aside[:EXAMPLES]) + (", ..." if len(self.history_set_aside) > EXAMPLES
                                                                   else "")
            out.append(f"phone history set aside: {len(self.history_set_aside)} card(s) ({refs}): answered here as "
                       "new cards after those phone reviews, so their schedule starts from those answers (the "
                       "phone reviews stay in the history)")
        out.append(f"skipped: {len(self.skipped)}" if self.skipped else "skipped: none")
        out += [f"  - {line}" for line in self.skipped]
        return out

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {key: getattr(self, key) for key in self.__dataclass_fields__}


class Skips:
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


def ms(moment: datetime) -> int:
    """A moment as Anki's millisecond id, the way our exporter writes it."""
    return int(moment.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    """Anki's millisecond id as an aware UTC moment."""
    return datetime.fromtimestamp(ms / 1000, timezone.utc)


def is_answer(review: AnkiReview) -> bool:
    """Whether Anki's FSRS counts this row as an answer (rslib ``reviews_for_fsrs``)."""
    if review.ease not in (1, 2, 3, 4):
        return False
    if review.type in (REVLOG_LEARN, REVLOG_REVIEW, REVLOG_RELEARN):
        return True
    return review.type == REVLOG_FILTERED and review.factor != 0


@dataclass(frozen=True)
class Entry:
    """One row of a card's merged history as the replay sees it, in Anki's revlog terms."""

    at: datetime
    order: tuple[int, int]  # within one moment: stored rows by id, then this import's rows, then package markers
    rating: int  # 1-4; 0 for a package row that is not an answer (manual or rescheduled)
    kind: int  # Anki's revlog type
    interval: int  # days (learning steps: 0 when stored here, negative seconds in Anki)
    factor: int | None = None  # Anki's factor, kept for package rows that are not answers; None for answers
    here: bool = False  # an answer given in this app (a stored row that did not come from Anki)

    @property
    def cramming(self) -> bool:
        return self.kind == REVLOG_FILTERED and self.factor == 0

    @property
    def reset(self) -> bool:
        return self.kind == REVLOG_MANUAL and self.factor == 0


def replay_window(entries: Sequence[Entry]) -> list[Entry] | None:
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
class History:
    """What the merge knows about the matched cards' history here, read in a few chunked queries."""

    answers: set[tuple[int, int, int]] = field(default_factory=set)  # our own answers: (pk, ms, rating)
    last: dict[int, datetime] = field(default_factory=dict)  # each card's last answer before this import
    entries: dict[int, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    resets: set[int] = field(default_factory=set)  # cards with a reset in the package

    def add_new(self, rows: Sequence[Mapping[str, Any]]) -> None:
        for seq, row in enumerate(rows):
            self.entries[row["card_pk"]].append(Entry(row["reviewed_at"], (1, seq), row["rating"], row["kind"],
                                                       row["interval_days"]))

    def sorted(self, pk: int) -> list[Entry]:
        return sorted(self.entries.get(pk, ()), key=lambda e: (e.at, e.order))


def came_from_here(answers: set[tuple[int, int, int]], pk: int, review: AnkiReview) -> bool:
    """Whether an Anki review is one of our own answers (``(pk, ms, rating)``) that went to Anki in an export."""
    return any((pk, review.id - slack, review.ease) in answers for slack in range(EXPORT_SLACK_MS + 1))


def select_cards(package: AnkiPackage, own: Mapping[str, int], now_ms: int, skips: Skips
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


def anki_flags(card: AnkiCard, now: datetime, tz: str, rollover: int) -> tuple[bool, datetime | None]:
    """Anki's (suspended, buried until) for a card; a bury from an earlier learner-day has expired."""
    suspended = card.queue == QUEUE_SUSPENDED
    buried_until = None
    if card.queue in QUEUE_BURIED:
        changed = datetime.fromtimestamp(card.mtime, timezone.utc)
        start, end = day_bounds(now, tz, rollover)
        if start <= changed < end:
            buried_until = end
    return suspended, buried_until


def state_values(state: CardState) -> dict[str, Any]:
    """A scheduling state as progress column values."""
    return {name: int(getattr(state, name)) if name == "state" else getattr(state, name) for name in STATE_FIELDS}


def set_aside(pk: int, history: History) -> bool:
    """Whether the replay of a card leaves out answers this import merged because a later answer given here
    starts it over: the card was answered here as a new card (learning answers) after its phone reviews, and
    Anki's FSRS, like this replay, starts a card's history at its last group of learning answers. The reviews
    stay in the log; the summary says so."""
    entries = history.sorted(pk)
    window = replay_window(entries)
    if not window or not window[0].here:
        return False
    start = entries.index(window[0])
    return any(entry.order[0] == 1 for entry in entries[:start])


def replayed(pk: int, history: History, settings: SchedulerSettings) -> dict[str, Any]:
    """A card's state recomputed from its merged history, as progress column values."""
    window = replay_window(history.sorted(pk))
    if window is None:  # reset in Anki and not answered since: a new card
        return state_values(CardState())
    return state_values(schedule_replay(pk, [(Rating(e.rating), e.at) for e in window], settings))


def default_deck_id(stem: str) -> str:
    """A deck id from the package's file name: ``Phone Notes`` → ``anki-phone-notes``."""
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:50] or "notes"
    return f"anki-{slug}"
