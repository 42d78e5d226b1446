"""``w`` in a review session, key by key against in-memory fakes (no database, no terminal): one missed point is
chosen at once, several ask which, Esc cancels, the answer is checked again and the grade stores that check,
undo forgets the wording, a refused wording keeps the line open; what the screen and a script show of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import pytest

from srs.attempts import Attempt
from srs.cardview import CardView
from srs.cli.review_screen import Style
from srs.cli.review_typed import typed_answer_keys, wording_keys, wording_prompt
from srs.keypoints import KeyPoint, parse_key_point
from srs.review import Counts, Phase, QueuedCard, ReviewSession
from srs.wordings import Wording, check_wording

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
POINTS = (parse_key_point("hesitations | concerns"), parse_key_point("hiring me | about me"),
          parse_key_point("avoid: ask how I did"))
RESPONSE = 'Ask: "What hesitations do you have about hiring me?" Never ask how you did.'
ONE_MISSED = "Anything giving you pause about me? I'd never ask how I did."  # misses 1
TWO_MISSED = "Anything giving you pause about taking the plunge on me?"  # hits 2 only


@dataclass
class Service:
    """Two new cards, the same but for their pk; a grade records its rating and attempt."""

    graded: list[tuple[int, Attempt | None]] = field(default_factory=list)
    personal: bool = False

    def counts(self) -> Counts:
        return Counts(new=2 - len(self.graded), learning=0, due=0)

    def load(self, card_pk: int) -> QueuedCard:
        view = CardView(pk=card_pk, deck_id="d", deck_name="Deck", card_id="c", situation="Any questions?",
                        response=RESPONSE, reasoning="why", sources=(), tags=(), counterpoints=(), anki_guid="g",
                        updated_at=NOW, key_points=POINTS, personal=self.personal,
                        needs_personal=self.personal)
        return QueuedCard(view=view, queue="new", previews={1: "<1m", 2: "<6m", 3: "<10m", 4: "4d"})

    def next_card(self, allow_new: bool) -> QueuedCard | None:
        return self.load(len(self.graded) + 1) if len(self.graded) < 2 else None

    def grade(self, card: QueuedCard, rating: int, duration_ms: int, attempt: Attempt | None = None) -> None:
        self.graded.append((rating, attempt))

    def undo(self) -> int | None:
        self.graded.pop()
        return len(self.graded) + 1

    def next_due(self) -> datetime | None:
        return None

    def streak(self) -> int:
        return 1


@dataclass
class Book:
    """The learner's wordings in memory, checked as the store checks them."""

    kept: list[tuple[int, Wording]] = field(default_factory=list)

    def for_card(self, card_pk: int) -> list[Wording]:
        return [w for pk, w in self.kept if pk == card_pk]

    def add(self, card_pk: int, point: KeyPoint, text: str) -> Wording | None:
        wording = Wording(point.text, check_wording(point, text), NOW)
        if any(w.point == point.text and w.text == wording.text for w in self.for_card(card_pk)):
            return None
        self.kept.append((card_pk, wording))
        return wording

    def remove(self, card_pk: int, point: str, text: str) -> bool:
        before = len(self.kept)
        self.kept = [(pk, w) for pk, w in self.kept if (pk, w.point, w.text) != (card_pk, point, text)]
        return len(self.kept) < before


def _answered(answer: str, book: Book | None = None, typing: bool = True) -> tuple[ReviewSession, Service, Book]:
    service, book = Service(), book if book is not None else Book()
    session = ReviewSession(service, typing=typing, wordings=book, clock=lambda: 0.0)  # type: ignore[arg-type]
    session.start()
    if typing:
        session.submit(answer)
    else:
        session.handle(" ")
    return session, service, book


def test_w_with_one_missed_point_opens_the_line_with_the_answer_and_enter_saves_and_rechecks() -> None:
    session, service, book = _answered(ONE_MISSED)
    assert session.typed is not None and session.enter_rating == 2 and session.wording_applies
    session.handle("w")
    assert session.wording is not None and session.wording.point == 1 and session.wants_text
    assert session.wording.start == ONE_MISSED  # the line editor starts from the typed answer
    session.submit("giving you pause")
    assert session.wording is None and not session.wants_text and session.phase is Phase.ANSWER
    assert [p.hit for p in session.typed.result.points] == [True, True, True] and session.enter_rating == 4
    assert session.message.startswith('Saved your wording for "hesitations": it counts for you from now on')
    assert book.for_card(1) == [Wording(POINTS[0].text, "giving you pause", NOW)]
    assert not session.wording_applies  # nothing missed: the hint line no longer offers w
    session.handle("\n")  # the grade stores the answer as checked again
    assert service.graded == [(4, Attempt(ONE_MISSED, 0, (True, True, True), 4))]


def test_several_missed_points_ask_which_by_number() -> None:
    session, service, book = _answered(TWO_MISSED)
    session.handle("w")
    assert session.wording is not None and session.wording.missed == (1, 3) and not session.wants_text
    assert session.typed is not None
    assert wording_prompt(session.wording, session.typed, 200, Style()) == [
        "Which key point is your wording for? 1 hesitations, 3 avoid: ask how I did"]
    assert wording_keys(session.wording) == ["1 or 3 choose", "Esc cancel", "q quit"]
    session.handle("2")
    assert "Key point 2 is hit already; choose a missed one: 1, 3" in session.message
    session.handle("x")
    assert session.message == "Press 1 or 3 for the key point, or Esc to cancel."
    session.handle("\n")  # Enter never grades while a wording is being added
    assert service.graded == [] and session.wording is not None
    session.handle("1")
    assert session.wording is not None and session.wording.point == 1 and session.wants_text
    assert wording_keys(session.wording) == ["Enter save", "Esc cancel"]
    session.submit("giving you pause")
    assert session.typed is not None and session.typed.result.hits == 2 and session.enter_rating == 2


@pytest.mark.parametrize("keys", [["esc"], ["1", "esc"]])
def test_esc_cancels_choosing_or_typing_and_keeps_nothing(keys: list[str]) -> None:
    session, service, book = _answered(TWO_MISSED)
    session.handle("w")
    for key in keys:
        session.handle(key)
    assert session.wording is None and session.message == "Cancelled: no wording saved."
    assert book.kept == [] and service.graded == [] and session.phase is Phase.ANSWER


def test_undo_forgets_the_wording_and_checks_the_answer_again() -> None:
    session, service, book = _answered(ONE_MISSED)
    session.handle("w")
    session.submit("giving you pause")
    session.handle("u")
    assert book.kept == [] and session.message == 'Undid your wording "giving you pause": it no longer counts.'
    assert session.typed is not None and session.typed.result.hits == 2 and session.phase is Phase.ANSWER
    session.handle("\n")
    assert service.graded == [(2, Attempt(ONE_MISSED, 0, (False, True, True), 2))]


def test_undo_after_the_grade_takes_back_the_grade_then_the_wording() -> None:
    session, service, book = _answered(ONE_MISSED)
    session.handle("w")
    session.submit("giving you pause")
    session.handle("3")
    assert session.current is not None and session.current.view.pk == 2
    session.handle("u")
    assert service.graded == [] and len(book.kept) == 1 and session.phase is Phase.QUESTION
    assert session.current is not None and session.current.view.pk == 1
    session.handle("u")
    assert book.kept == [] and "Undid your wording" in session.message


def test_a_refused_wording_says_why_and_keeps_the_line_open() -> None:
    session, _, book = _answered(ONE_MISSED)
    session.handle("w")
    step = session.wording
    session.submit("about me")
    assert session.message.startswith("Not saved: 'about me' is only small words")
    assert session.wording is step and session.wants_text and book.kept == []


def test_w_says_what_it_needs_when_it_does_not_apply() -> None:
    session, _, _ = _answered("", typing=False)
    session.handle("w")
    assert session.wording is None and "review with --type" in session.message
    session, _, _ = _answered("What concerns do you have about hiring me? I won't ask how I did.")
    session.handle("w")
    assert session.wording is None and "hit every key point" in session.message
    service = Service()
    session = ReviewSession(service, typing=True, wordings=Book(), clock=lambda: 0.0)  # type: ignore[arg-type]
    session.start()
    session.handle("w")  # on the question side (Esc w while typing)
    assert session.wording is None and session.message.startswith("Type your answer first")


def test_a_scripts_colon_w_keeps_the_wording_for_point_n() -> None:
    session, service, book = _answered(TWO_MISSED)
    session.add_wording(2, "taking the plunge")
    assert "Key point 2 is hit already" in session.message and book.kept == []
    session.add_wording(3, "don't fish")
    assert session.message.startswith("Not saved: for an 'avoid:' point") and session.wording is None
    session.add_wording(1, "giving you pause")
    assert [w.text for w in book.for_card(1)] == ["giving you pause"] and session.enter_rating == 2
    session.add_wording(1, "giving you pause")  # point 1 is hit now
    assert "Key point 1 is hit already; choose a missed one: 3" in session.message and len(book.kept) == 1


def test_the_hint_line_offers_w_only_when_it_applies() -> None:
    assert "w your wording" in typed_answer_keys(2, None, wording=True)
    assert "w your wording" not in typed_answer_keys(2, None)
    session, _, _ = _answered(ONE_MISSED, typing=True)
    assert session.wording_applies
    session = ReviewSession(Service(), typing=True, clock=lambda: 0.0)  # type: ignore[arg-type]
    session.start()
    session.submit(ONE_MISSED)
    assert not session.wording_applies  # nowhere to keep wordings


def test_wordings_already_kept_count_from_the_first_check() -> None:
    book = Book()
    book.add(1, POINTS[0], "giving you pause")
    session, _, _ = _answered(ONE_MISSED, book)
    assert session.typed is not None and session.typed.result.hits == 3


def test_a_personal_cards_line_is_checked_with_the_wordings() -> None:
    book = Book()
    book.add(1, POINTS[0], "giving you pause")
    session = ReviewSession(Service(personal=True), ask_personal=True, wordings=book,  # type: ignore[arg-type]
                            clock=lambda: 0.0)
    session.start()
    assert session.phase is Phase.COMPOSE
    session.submit(ONE_MISSED)
    assert session.draft_check is not None and [p.hit for p in session.draft_check.points] == [True, True, True]
