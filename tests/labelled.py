"""The hand-labelled answers (tests/data/labelled_answers.toml, and the timed second set
tests/data/labelled_answers_timed.toml) joined to the bundled deck's key points.

Shared by the matcher's regression test and ``benchmarks/matcher.py``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from srs.deckfile import parse_deck_text
from srs.keypoints import KeyPoint

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "tests" / "data" / "labelled_answers.toml"
LABELLED_TIMED = ROOT / "tests" / "data" / "labelled_answers_timed.toml"
DECK = ROOT / "decks" / "interview-closing.toml"


@dataclass(frozen=True)
class Labelled:
    """One typed answer with the rating a careful human gave it, and its card's key points."""

    card: str
    answer: str
    rating: int
    holdout: bool
    key_points: tuple[KeyPoint, ...]
    response: str
    seconds: float | None = None  # how long the answer took to type; the first set has no times


def load_labelled(path: Path = LABELLED, deck: Path = DECK) -> list[Labelled]:
    """Every labelled answer, in file order, with its card's key points and response from the deck."""
    cards = {card.id: card for card in parse_deck_text(deck.read_text(encoding="utf-8"), str(deck)).cards}
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        Labelled(card=item["card"], answer=item["answer"], rating=int(item["rating"]),
                 holdout=bool(item.get("holdout", False)), key_points=cards[item["card"]].key_points,
                 response=cards[item["card"]].response,
                 seconds=float(item["seconds"]) if "seconds" in item else None)
        for item in raw["answers"]
    ]
