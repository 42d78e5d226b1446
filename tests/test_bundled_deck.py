"""The bundled interview-closing deck: complete fields, resolvable sources, both sides, faithful quotes."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from srs.bundled import bundled_dir
from srs.deckfile import DeckSpec, load_deck_file


@pytest.fixture(scope="module")
def deck() -> DeckSpec:
    return load_deck_file(bundled_dir() / "interview-closing.toml")


def test_size_and_stable_readable_ids(deck: DeckSpec) -> None:
    assert 20 <= len(deck.cards) <= 40
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c.id) for c in deck.cards)
    assert len({c.id for c in deck.cards}) == len(deck.cards)


def test_every_card_has_every_field_and_tags(deck: DeckSpec) -> None:
    for card in deck.cards:
        for field in ("situation", "response", "reasoning"):
            assert getattr(card, field).strip(), (card.id, field)
        assert card.tags, card.id
        assert card.sources, card.id


def test_every_source_id_resolves(deck: DeckSpec) -> None:
    ids = {s.id for s in deck.sources}
    for card in deck.cards:
        assert set(card.sources) <= ids, card.id
        assert {cp.source for cp in card.counterpoints} <= ids, card.id


def test_header_names_both_articles_and_a_licence(deck: DeckSpec) -> None:
    assert deck.license
    assert "The Best Question To Ask Your Interviewer" in deck.credits
    assert "recruiting firm" in deck.credits
    assert len(deck.sources) == 2


def test_both_sides_are_taught(deck: DeckSpec) -> None:
    # A contested card from one article carries the other's view; a weighing card cites both.
    contested = [c for c in deck.cards if "contested" in c.tags]
    assert contested and all(c.counterpoints or len(c.sources) == 2 for c in contested)
    # Counterpoints come from the *other* article than the card's own.
    for card in deck.cards:
        for cp in card.counterpoints:
            assert cp.source not in card.sources, card.id
    weighing = [c for c in deck.cards if set(c.sources) == {s.id for s in deck.sources}]
    assert weighing, "at least one card asks the learner to weigh both articles"


# The only phrases the articles recommend or report saying; nothing else may be presented as a quotation
# attributed to them. (From the two seed articles; see the deck's credits.)
ARTICLE_PHRASES = {
    "Do you have any more questions for me?",
    "What hesitations do you have about hiring me?",
    "Did I answer all of your questions satisfactorily?",
    "Is there any aspect of my background and experience that is not a fit for this role?",
    "Really interested in the opportunity and hope to hear from you soon.",
}


def test_quotations_are_only_the_articles_own_phrases(deck: DeckSpec) -> None:
    quoted: Counter[str] = Counter()
    for card in deck.cards:
        text = " ".join([card.situation, card.response, card.reasoning] + [cp.view for cp in card.counterpoints])
        for phrase in re.findall(r'"([^"]{12,})"', text):
            quoted[phrase] += 1
    unknown = set(quoted) - ARTICLE_PHRASES - {"The Best Question To Ask Your Interviewer"}
    assert not unknown, unknown
    assert "What hesitations do you have about hiring me?" in quoted
