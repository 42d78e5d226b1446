"""The bundled interview-closing deck: complete fields, resolvable sources, both sides, faithful quotes, and the
card design of 2.0 (moments, not quizzes on the articles; one short answer with 2-3 key points)."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path

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


# Everything the deck quotes from the two seed articles, copied exactly (apostrophes straightened): the phrases
# they recommend or report saying, and the few passages the cards quote. Anything else in double quotes would be
# a quotation the articles never wrote. (Origin: the two articles named in the deck's credits.)
ARTICLE_QUOTES = {
    # The lines the articles suggest or report saying.
    "Do you have any more questions for me?",
    "What hesitations do you have about hiring me?",
    "Did I answer all of your questions satisfactorily?",
    "Is there any aspect of my background and experience that is not a fit for this role?",
    "Really interested in the opportunity and hope to hear from you soon.",
    # The Best Question article.
    "if you're not afraid of what the answer might be, you should absolutely ask this question.",
    "a great way to end your interview",
    "acknowledging any shortcomings and providing context where appropriate",
    "what's really stopping you from getting the job",
    "knowledge really is power",
    "stuttering too much under pressure",
    # The recruiting firm's article.
    "We do not think asking this question helps a candidate do anything but seem needy.",
    "Is the company going to tell you if you gave a bad answer to a question? No.",
    "Whatever answer you get simply will not help you get the job.",
    "simply will not help you get the job",
    "at least in our opinion",
    "it can cost you the job",
    "we do not believe candidates need to be the ones to close an interview",
    "risky business",
    "don't really know what a close is",
    "left a bad taste in their mouths",
    "something like",
    "Let your experience, education, skills, motivation, and preparation do the closing.",
}


def test_quotations_are_only_the_articles_own_words(deck: DeckSpec) -> None:
    quoted: Counter[str] = Counter()
    for card in deck.cards:
        text = " ".join([card.situation, card.response, card.reasoning] + [cp.view for cp in card.counterpoints])
        for phrase in re.findall(r'"([^"]{12,})"', text):
            quoted[phrase] += 1
    unknown = set(quoted) - ARTICLE_QUOTES
    assert not unknown, unknown
    assert "What hesitations do you have about hiring me?" in quoted


# A situation is a moment in or after the interview, not a question about what an article says: the source is
# on the back. Only a card about the articles themselves may name one.
NAMES_AN_ARTICLE = re.compile(r"article|Best Question|recruiting firm|recruiter|the firm\b", re.IGNORECASE)


def test_at_most_three_situations_name_an_article(deck: DeckSpec) -> None:
    naming = [c.id for c in deck.cards if NAMES_AN_ARTICLE.search(c.situation)]
    assert len(naming) <= 3, naming


def test_every_card_has_two_or_three_key_points(deck: DeckSpec) -> None:
    for card in deck.cards:
        assert 2 <= len(card.key_points) <= 3, (card.id, len(card.key_points))


def test_responses_are_one_short_answer(deck: DeckSpec) -> None:
    for card in deck.cards:
        assert len(card.response.split()) <= 30, card.id


def test_personal_cards_ask_for_your_closing_line_and_your_gap(deck: DeckSpec) -> None:
    personal = {c.id for c in deck.cards if c.personal}
    assert personal == {"close-with-upbeat-line", "your-likeliest-gap"}


# Ids the 2.0.0 rewrite kept from 1.0.0 because the expected response is the same idea: a learner's progress on
# them survives the upgrade. Renaming one would silently restart it.
KEPT_FROM_1_0 = {
    "ask-about-hesitations", "hesitations-two-conditions", "close-with-upbeat-line", "handshake-smile-leave",
    "thank-you-note-then-next", "why-it-shows-openness", "show-self-evaluation", "why-surface-hidden-concerns",
    "why-carry-it-forward", "reply-name-a-shortcoming", "reply-stutter-under-pressure",
    "story-closing-cost-the-offer", "avoid-answered-satisfactorily", "reply-vague-answer-stop",
    "avoid-not-a-fit-no-win", "why-skip-performance-questions", "avoid-eating-their-time", "you-need-not-close",
    "let-your-record-close",
}


def test_ids_kept_from_1_0_are_still_there(deck: DeckSpec) -> None:
    assert KEPT_FROM_1_0 <= {c.id for c in deck.cards}
    assert deck.version.split(".")[0] == "2"


def test_labelled_answers_are_about_this_decks_cards(deck: DeckSpec) -> None:
    # The labelled set measures an answer matcher against this deck: a retired or renamed card would leave its
    # answers measuring nothing.
    path = Path(__file__).parent / "data" / "labelled_answers.toml"
    answers = tomllib.loads(path.read_text(encoding="utf-8"))["answers"]
    ids = {c.id for c in deck.cards}
    assert len(answers) >= 150
    assert {a["card"] for a in answers} == ids
    assert all(a["rating"] in (1, 2, 3, 4) and a["answer"].strip() for a in answers)
    # The held-out third is every third entry, so nobody can pick it after seeing a matcher's results.
    assert [a["holdout"] for a in answers] == [i % 3 == 2 for i in range(len(answers))]
