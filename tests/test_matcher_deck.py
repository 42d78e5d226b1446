"""The matcher on the bundled deck: every card's own response hits all its key points, and for every card two
fair paraphrases written by hand hit them too, a wrong answer suggests Again and a negated answer is not Good."""

from __future__ import annotations

from pathlib import Path

import pytest

from srs.deckfile import parse_deck_text
from srs.deckspec import CardSpec
from srs.matcher import check_answer, missing_points

DECK = Path(__file__).resolve().parents[1] / "decks" / "interview-closing.toml"
CARDS = {card.id: card for card in parse_deck_text(DECK.read_text(encoding="utf-8"), str(DECK)).cards}

# card id: (two fair paraphrases, a wrong answer, a negated answer). Written by hand for these tests.
ANSWERS: dict[str, tuple[tuple[str, str], str, str]] = {
    "ask-about-hesitations": (
        ("I'd ask if they have any concerns about me as a candidate.",
         "What reservations do you have about hiring me for this role?"),
        "I'd ask when I can expect to hear back.",
        "I wouldn't ask about their hesitations about me.",
    ),
    "hesitations-two-conditions": (
        ("I have no questions left about the role or the company, and I'm not afraid of the answer.",
         "Nothing left to ask, and I'm ready for any answer they give."),
        "They seem friendly and the interview went well.",
        "I still have questions I haven't asked, and I'm afraid of what they'll say.",
    ),
    "ask-real-questions-first": (
        ("First I ask my question about how the team will judge my first six months.",
         "Ask my own question about the role; the bold one can wait until I have nothing left to ask."),
        "Thank them and leave.",
        "I skip my real question about the role and go straight to the bold one.",
    ),
    "afraid-of-the-answer": (
        ("No, I won't ask about hesitations today. I'll close with a short upbeat line instead.",
         "Skip the hesitations question and end on an upbeat line of interest."),
        "I ask what they think of my answers so far.",
        "Yes, I ask about their hesitations anyway.",
    ),
    "avoid-eating-their-time": (
        ("I don't ask about my performance; I respect their time, say my closing line and leave.",
         "Skip the question about how I did, since their time is short, and wrap up."),
        "I ask about the salary range.",
        "I ask how I did anyway, even though they're short of time.",
    ),
    "close-with-upbeat-line": (
        ("I'm really excited about this role and I hope to hear from you soon.",
         "Thank you, I'm very interested in the position."),
        "Thanks for your time, bye.",
        "I'm not interested in the position after all.",
    ),
    "handshake-smile-leave": (
        ("A firm handshake, a smile, and I leave.",
         "I shake hands, smile and walk out the door."),
        "I ask one more question about the team.",
        "I don't shake hands and I don't leave yet.",
    ),
    "thank-you-note-then-next": (
        ("Send a thank you email and move on to the next one.",
         "I write them a thank-you note and then focus on my next interview."),
        "Call them tomorrow to ask if they've decided.",
        "I don't send a thank-you note, and I don't move on.",
    ),
    "why-it-shows-openness": (
        ("Asking shows I'm open to criticism: I seek it out rather than waiting for it.",
         "It says I welcome feedback enough to go looking for it."),
        "It shows I'm confident in my skills.",
        "It shows I'm not open to feedback.",
    ),
    "why-surface-hidden-concerns": (
        ("They get to voice their concerns, and I can deal with them on the spot.",
         "It lets them say what they really think of me so I can respond to it."),
        "It shows I'm a strong candidate.",
        "It stops them from saying what they really think, so I can't address it.",
    ),
    "why-carry-it-forward": (
        ("It tells me what held me back, which I can use in future interviews.",
         "I take what stopped me into the next interview."),
        "Nothing, it's just their opinion.",
        "It's no use for my next interview and doesn't tell me what held me back.",
    ),
    "reply-name-a-shortcoming": (
        ("I admit it honestly and add some context where it helps.",
         "That's fair; I'd acknowledge it and give the background."),
        "I argue that my experience more than makes up for it.",
        "I don't acknowledge it and give no context.",
    ),
    "your-likeliest-gap": (
        ("That's fair. The closest thing I've done is run a smaller budget, and here's what it taught me.",
         "Fair point. My nearest experience is leading a small team; what it taught me is how to plan ahead."),
        "I disagree, I can certainly do it.",
        "That's not a fair concern, and I have no context to give.",
    ),
    "show-self-evaluation": (
        ("That I can judge myself critically and still move forward with confidence.",
         "Someone who sees where to improve and stays confident."),
        "That I'm right and they're wrong.",
        "Someone who can't judge themselves critically or move forward.",
    ),
    "reply-stutter-under-pressure": (
        ("It's better to know what to work on than to keep wondering.",
         "Better to find out something concrete than to be left guessing."),
        "You're right, I shouldn't have asked.",
        "It's not better to know; I'd rather keep guessing.",
    ),
    "avoid-answered-satisfactorily": (
        ("No: asking how I did seems needy and puts them on the spot.",
         "I wouldn't ask if I answered satisfactorily; it looks desperate and puts them in an awkward position."),
        "Yes, it's good to check.",
        "Yes, I ask whether I answered satisfactorily.",
    ),
    "reply-vague-answer-stop": (
        ("No, I don't rephrase; they won't tell me if I gave a bad answer.",
         "I don't ask again. If an answer was bad they'll keep it to themselves."),
        "I thank them for the answer and ask about next steps.",
        "Yes, I press with a second question until they tell me.",
    ),
    "avoid-not-a-fit-no-win": (
        ("It's a no-win for them: a yes is a rejection, and a no gives me false hope.",
         "It traps them; yes means I'm out of the running and no is misleading."),
        "It's a great question because it shows confidence.",
        "It's not a trap: a yes isn't a rejection and a no isn't misleading.",
    ),
    "why-skip-performance-questions": (
        ("They gain you nothing and could cost you the job.",
         "The firm thinks they're useless, and they can lose you the offer."),
        "They're a great way to show interest.",
        "They're not pointless and they won't cost me the job.",
    ),
    "story-closing-cost-the-offer": (
        ("The firm's candidate had great experience but lost the job because of his closing questions.",
         "A strong candidate didn't get the offer because of how he closed."),
        "Experience is all that matters.",
        "A candidate's closing technique never lost anyone an offer.",
    ),
    "you-need-not-close": (
        ("There's no need to close; trying to is a risk if you don't know what a close is.",
         "Closing is optional, and it's risky."),
        "Good advice, always close strong.",
        "Closing isn't optional and it's not risky.",
    ),
    "let-your-record-close": (
        ("I let my qualifications make the case for me.",
         "My experience and preparation speak for me; nothing clever needed."),
        "A clever line to seal the deal.",
        "I don't let my experience do the closing.",
    ),
    "tell-the-questions-apart": (
        ("The hesitations one; the other two were what the candidate asked before he lost the job.",
         "Only hesitations. The others are the questions the firm warned against."),
        "The one about whether I'm a fit.",
        "Not the hesitations one; the other two, which never lost anyone the offer.",
    ),
    "articles-disagree-why": (
        ("Whether the employer will answer honestly, and whether that answer can help me now.",
         "If they'll tell you the truth, and whether it can help you get the job."),
        "Which question is the most polite.",
        "Not whether they answer candidly, and not whether it can help me now.",
    ),
}


def _card(card_id: str) -> CardSpec:
    return CARDS[card_id]


def test_every_card_has_answers_here() -> None:
    assert set(ANSWERS) == set(CARDS)


@pytest.mark.parametrize("card_id", sorted(CARDS))
def test_a_cards_own_response_hits_all_its_key_points(card_id: str) -> None:
    card = _card(card_id)
    assert card.key_points
    assert missing_points(card.response, card.key_points) == []


@pytest.mark.parametrize(("card_id", "which"), [(c, i) for c in sorted(ANSWERS) for i in (0, 1)])
def test_a_fair_paraphrase_hits_all_key_points(card_id: str, which: int) -> None:
    card = _card(card_id)
    answer = ANSWERS[card_id][0][which]
    assert missing_points(answer, card.key_points) == [], answer


@pytest.mark.parametrize("card_id", sorted(ANSWERS))
def test_a_wrong_answer_suggests_again(card_id: str) -> None:
    card = _card(card_id)
    assert check_answer(ANSWERS[card_id][1], card.key_points).suggested_rating == 1


@pytest.mark.parametrize("card_id", sorted(ANSWERS))
def test_a_negated_answer_is_not_good(card_id: str) -> None:
    card = _card(card_id)
    result = check_answer(ANSWERS[card_id][2], card.key_points)
    assert result.suggested_rating < 3, [(p.point.label, p.matched) for p in result.points if p.hit]


# --- agreement with the hand-labelled answers (tests/data/labelled_answers*.toml) ----------------------------
# Floors from benchmarks/matcher.py. The first set carries no answer times (checked untimed: never Easy); the
# second carries each answer's typing time (checked with it). The matcher and the deck's key points were tuned on
# the tuning parts only, in three rounds; each held-out part was measured at the end of a round, never read.
FLOORS = {  # set: ((tuning exact, within one), (held-out exact, within one)), as reached in round 3
    "labelled_answers.toml": ((116 / 130, 130 / 130), (51 / 65, 63 / 65)),
    "labelled_answers_timed.toml": ((141 / 160, 157 / 160), (53 / 80, 69 / 80)),
}


def _agreement(name: str, held_out: bool) -> tuple[float, float]:
    from labelled import ROOT, load_labelled

    items = [item for item in load_labelled(ROOT / "tests" / "data" / name) if item.holdout == held_out]
    assert items
    ratings = [(check_answer(item.answer, item.key_points, answer_seconds=item.seconds,
                             reference=item.response if item.seconds is not None else None).suggested_rating,
                item.rating) for item in items]
    exact = sum(ours == human for ours, human in ratings) / len(ratings)
    within = sum(abs(ours - human) <= 1 for ours, human in ratings) / len(ratings)
    return exact, within


@pytest.mark.parametrize("name", sorted(FLOORS))
@pytest.mark.parametrize("held_out", [False, True], ids=["tuning", "held-out"])
def test_agreement_with_the_labelled_answers_does_not_fall(name: str, held_out: bool) -> None:
    exact, within = _agreement(name, held_out)
    floor_exact, floor_within = FLOORS[name][held_out]
    assert exact >= floor_exact - 1e-9 and within >= floor_within - 1e-9, (exact, within)
