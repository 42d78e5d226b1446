"""The peer column: the benchmark's collection in Anki's own backend (the ``anki`` package), and Anki doing the
work each peer figure times.

The collection gets there the way a learner's would: ``srs export anki --with-progress``, then Anki's importer
with "Import any learning progress". Anki counts its days on the real clock, the synthetic history on
``synth.NOW``: the review cards' due days are moved by the days between the two, so the same cards are due
today on both sides (``build`` checks the count). The decks are put under one parent, ``All``, which is
selected: Anki studies one deck and its subdecks, ``srs review`` all decks. FSRS is on; the deck options are
Anki's defaults, which are ours (20 new and 200 reviews a day, 20 minutes learn-ahead).

Children, each printing one JSON object (``python -m benchmarks.anki_peer COMMAND ...``):

* ``build APKG COLLECTION DUE`` imports, moves, checks that DUE review cards are due today;
* ``keypress COLLECTION N SYNCHRONOUS`` answers N cards after a warm-up, with SQLite's ``synchronous`` set to
  FULL (as Anki ships: a disk sync on every answer) or NORMAL (as ``srs`` runs SQLite: durable across a crash of
  the process, not of the machine);
* ``queue COLLECTION N`` builds today's queue N times (and reads it from memory N times);
* ``export COLLECTION OUT DECK`` writes one deck to an .apkg, as Anki's "Export" does (no scheduling, no media).
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from benchmarks import synth

PARENT = "All"
WARMUP = 10


def _open(path: Path) -> Any:
    from anki.collection import Collection

    return Collection(str(path))


def shift_days(rollover_hour: int = 4) -> int:
    """Days from the synthetic history's learner-day (``synth.NOW``, UTC) to Anki's today (the machine's local
    time): the amount Anki's importer moved every review card's due day back by."""
    local_now = datetime.now().astimezone()
    anki_today = (local_now - timedelta(hours=rollover_hour)).date()
    ours_today = (synth.NOW.astimezone(timezone.utc) - timedelta(hours=rollover_hour)).date()
    return (anki_today - ours_today).days


def build(apkg: Path, collection: Path, due: int) -> dict[str, Any]:
    """Import ``apkg`` with its scheduling into a new collection and make it study as ours does."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest
    from anki.import_export_pb2 import IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER as IF_NEWER

    collection.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    col = _open(collection)
    options = ImportAnkiPackageOptions(merge_notetypes=False, update_notes=IF_NEWER, update_notetypes=IF_NEWER,
                                       with_scheduling=True, with_deck_configs=False)
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=options))
    imported = time.perf_counter() - start
    shift = shift_days()
    col.db.execute("update cards set due = due + ? where queue = 2", shift)
    parent = col.decks.id(PARENT)
    for deck in col.decks.all_names_and_ids():
        if deck.id not in (1, parent):
            col.decks.reparent([deck.id], parent)
    col.decks.select(parent)
    col.set_config("fsrs", True)
    anki_due = col.db.scalar("select count() from cards where queue = 2 and due <= ?", col.sched.today)
    queued = col.sched.get_queued_cards()
    facts = {"import_s": imported, "cards": col.card_count(), "revlog": col.db.scalar("select count() from revlog"),
             "due_anki": anki_due, "due_ours": due, "shift_days": shift,
             "counts": [queued.new_count, queued.learning_count, queued.review_count],
             "journal": [col.db.scalar("pragma journal_mode"), col.db.scalar("pragma synchronous")]}
    col.close()
    if anki_due != due:
        raise RuntimeError(f"Anki has {anki_due} review cards due today, we have {due}: {facts}")
    return facts


def _answer_next(col: Any, top: Any) -> Any:
    """Answer the card on top Good, as the reviewer does (the states came with the card), then fetch the next
    card with its states and the counts."""
    from anki.scheduler_pb2 import CardAnswer

    col.sched.answer_card(CardAnswer(card_id=top.card.id, current_state=top.states.current,
                                     new_state=top.states.good, rating=CardAnswer.GOOD,
                                     answered_at_millis=int(time.time() * 1000), milliseconds_taken=5000))
    return col.sched.get_queued_cards()


def keypress(collection: Path, n: int, synchronous: str) -> dict[str, list[float]]:
    """Seconds per answer + next card (``wall`` and ``cpu``: the process's CPU time), ``n`` samples after a
    warm-up, with SQLite's ``synchronous`` set as given.

    The setting is made once, before the first card: a statement Python runs through ``col.db`` makes Anki drop
    its cached queue (it cannot know what the statement changed), so it cannot change between answers.
    """
    col = _open(collection)
    col.db.execute(f"pragma synchronous = {synchronous}")
    queued = col.sched.get_queued_cards()  # builds the day's queue, as opening the reviewer does
    samples: dict[str, list[float]] = {"wall": [], "cpu": []}
    for i in range(WARMUP + n):
        if not queued.cards:
            raise RuntimeError(f"Anki ran out of cards after {i} answers")
        start, start_cpu = time.perf_counter(), time.process_time()
        queued = _answer_next(col, queued.cards[0])
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        if i >= WARMUP:
            samples["wall"].append(wall)
            samples["cpu"].append(cpu)
    col.close()
    return samples


def queue(collection: Path, repeat: int) -> dict[str, list[float]]:
    """Seconds to get today's counts and first card with its states: ``cold`` builds the queue from the database
    (after an op that makes Anki drop it, untimed), ``warm`` reads the queue Anki keeps in memory (what it runs
    per keypress)."""
    col = _open(collection)
    times: dict[str, list[float]] = {"cold": [], "warm": []}
    for i in range(3 + repeat):
        col.sched.extend_limits(0, 0)  # an op after which Anki rebuilds its queue
        for kind in ("cold", "warm"):
            start = time.perf_counter()
            queued = col.sched.get_queued_cards()
            elapsed = time.perf_counter() - start
            assert queued.cards, "Anki has nothing queued"
            if i >= 3:
                times[kind].append(elapsed)
    col.close()
    return times


def export(collection: Path, out: Path, deck: str) -> dict[str, Any]:
    from anki.collection import DeckIdLimit, ExportAnkiPackageOptions

    col = _open(collection)
    deck_id = col.decks.id_for_name(f"{PARENT}::{deck}")
    if deck_id is None:
        raise RuntimeError(f"no deck {deck!r} in {collection}")
    options = ExportAnkiPackageOptions(with_scheduling=False, with_deck_configs=False, with_media=False,
                                       legacy=False)
    notes = col.export_anki_package(out_path=str(out), options=options, limit=DeckIdLimit(deck_id))
    col.close()
    return {"notes": notes}


def main(argv: list[str]) -> None:
    command, args = argv[0], argv[1:]
    if command == "build":
        result = build(Path(args[0]), Path(args[1]), int(args[2]))
    elif command == "keypress":
        result = keypress(Path(args[0]), int(args[1]), args[2])
    elif command == "queue":
        result = queue(Path(args[0]), int(args[1]))
    elif command == "export":
        result = export(Path(args[0]), Path(args[1]), args[2])
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
