"""The review session's state machine, driven key by key against an in-memory service (no database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import pytest

from srs.attempts import Attempt
from srs.cardview import CardView, DeckText
from srs.errors import SRSError
from srs.keypoints import parse_key_point
from srs.review import Counts, Phase, QueuedCard, ReviewSession

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


KEY_POINTS = (parse_key_point("hesitations | concerns"), parse_key_point("hiring me | about me"))
RESPONSE = 'Ask: "What hesitations do you have about hiring me?"'


def _view(pk: int, personal: bool = False, line: str | None = None) -> CardView:
    """Card ``pk``; a ``personal`` one needs the learner's line until ``line`` is saved."""
    return CardView(pk=pk, deck_id="d", deck_name="Deck", card_id=f"c{pk}", situation=f"scene {pk}",
                    response=line or RESPONSE, reasoning="why", sources=(), tags=(), counterpoints=(),
                    anki_guid="g", updated_at=NOW, key_points=KEY_POINTS, personal=personal,
                    needs_personal=personal and line is None, edited=line is not None,
                    deck_text=DeckText(f"scene {pk}", RESPONSE, "why") if line else None)


@dataclass
class FakeService:
    """Cards 1..n, each new; a grade removes the card from the queue, undo puts it back."""

    queue: list[int]
    graded: list[tuple[int, int, int]] = field(default_factory=list)
    suspended: list[int] = field(default_factory=list)
    buried: list[int] = field(default_factory=list)
    edits: dict[int, str] = field(default_factory=dict)
    attempts: list[Attempt | None] = field(default_factory=list)
    personal: set[int] = field(default_factory=set)
    lines: dict[int, str] = field(default_factory=dict)

    def counts(self) -> Counts:
        return Counts(new=len(self.queue), learning=0, due=0)

    def _card(self, pk: int) -> QueuedCard:
        view = _view(pk, pk in self.personal, self.lines.get(pk))
        return QueuedCard(view=view, queue="new", previews={1: "<1m", 2: "<6m", 3: "<10m", 4: "4d"})

    def next_card(self, allow_new: bool) -> QueuedCard | None:
        return self._card(self.queue[0]) if self.queue and allow_new else None

    def load(self, card_pk: int) -> QueuedCard:
        return self._card(card_pk)

    def grade(self, card: QueuedCard, rating: int, duration_ms: int, attempt: Attempt | None = None) -> None:
        self.graded.append((card.view.pk, rating, duration_ms))
        self.attempts.append(attempt)
        self.queue.remove(card.view.pk)

    def undo(self) -> int | None:
        if not self.graded:
            return None
        pk = self.graded.pop()[0]
        self.attempts.pop()
        self.queue.insert(0, pk)
        return pk

    def suspend(self, card: QueuedCard) -> None:
        self.suspended.append(card.view.pk)
        self.queue.remove(card.view.pk)

    def bury(self, card: QueuedCard) -> None:
        self.buried.append(card.view.pk)
        self.queue.remove(card.view.pk)

    def unsuspend(self, card: QueuedCard) -> None:
        self.suspended.remove(card.view.pk)
        self.queue.insert(0, card.view.pk)

    def unbury(self, card: QueuedCard) -> None:
        self.buried.remove(card.view.pk)
        self.queue.insert(0, card.view.pk)

    def save_edit(self, card: QueuedCard, text: str) -> bool:
        if "bad" in text:
            raise SRSError("situation must not be empty")
        self.edits[card.view.pk] = text
        return True

    def save_personal_response(self, card: QueuedCard, text: str) -> None:
        if len(text) > 100:
            raise SRSError("response is longer than 100 characters")
        self.lines[card.view.pk] = text

    def reset_edit(self, card: QueuedCard) -> bool:
        return self.lines.pop(card.view.pk, None) is not None

    def next_due(self) -> datetime | None:
        return None

    def streak(self) -> int:
        return 3


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _session(n: int = 3, **kwargs: object) -> tuple[ReviewSession, FakeService, Clock]:
    service = FakeService(list(range(1, n + 1)))
    clock = Clock()
    session = ReviewSession(service, clock=clock, **kwargs)  # type: ignore[arg-type]
    session.start()
    return session, service, clock


def test_reveal_then_grade_moves_to_the_next_card() -> None:
    session, service, _ = _session()
    assert session.phase is Phase.QUESTION and session.current and session.current.view.pk == 1
    session.handle(" ")
    assert session.phase is Phase.ANSWER
    session.handle("3")
    assert service.graded == [(1, 3, 0)]
    assert session.current and session.current.view.pk == 2 and session.phase is Phase.QUESTION


def test_grading_before_reveal_is_refused_with_a_hint() -> None:
    session, service, _ = _session()
    session.handle("3")
    assert service.graded == [] and "Space or Enter" in session.message


@pytest.mark.parametrize("seconds, recorded", [(0, 0), (7.25, 7250), (59.9, 59900), (61, 60000), (3600, 60000)])
def test_time_on_a_card_is_capped_at_sixty_seconds(seconds: float, recorded: int) -> None:
    session, service, clock = _session()
    clock.t += seconds
    session.handle("\n")
    session.handle("1")
    assert service.graded[0][2] == recorded
    assert session.totals.time_ms == recorded and session.totals.again == 1


def test_undo_right_after_revealing_the_next_card_brings_back_the_graded_one() -> None:
    session, service, clock = _session()
    clock.t += 5
    session.handle(" ")
    session.handle("1")
    session.handle(" ")  # the next card's answer is showing
    session.handle("u")
    assert service.graded == []
    assert session.current and session.current.view.pk == 1 and session.phase is Phase.QUESTION
    assert session.totals.reviewed == 0 and session.totals.again == 0 and session.totals.time_ms == 0
    assert "Undid Again" in session.message
    session.handle("u")
    assert "Nothing to undo" in session.message


def test_suspend_and_bury_skip_to_the_next_card() -> None:
    session, service, _ = _session()
    for key in " s b":
        session.handle(key)
    assert service.suspended == [1] and service.buried == [2]
    assert session.current and session.current.view.pk == 3 and "Buried d/c2" in session.message


@pytest.mark.parametrize("key", ["s", "b"])
def test_suspend_and_bury_act_only_once_the_response_shows(key: str) -> None:
    session, service, _ = _session()
    session.handle(key)  # a learner who reads s as "show" must not lose the card
    assert service.suspended == [] and service.buried == []
    assert session.current and session.current.view.pk == 1 and session.phase is Phase.QUESTION
    assert "show the response first" in session.message


def test_undo_takes_back_the_last_action_of_any_kind() -> None:
    texts = iter(["my wording"])
    session, service, _ = _session(4, editor=lambda _t: next(texts), edit_template=lambda v: f"text of {v.pk}")
    for key in " 3 s b":  # Good on 1, suspend 2, bury 3
        session.handle(key)
    session.handle("e")  # edit 4
    assert service.edits == {4: "my wording"}
    session.handle("u")
    assert service.edits == {4: "text of 4"} and "Undid your edit" in session.message
    session.handle("u")
    assert service.buried == [] and "Undid the bury" in session.message
    assert session.current and session.current.view.pk == 3 and session.phase is Phase.QUESTION
    session.handle("u")
    assert service.suspended == [] and "Undid the suspend" in session.message
    assert session.current and session.current.view.pk == 2
    session.handle("u")
    assert service.graded == [] and "Undid Good" in session.message and session.totals.reviewed == 0
    assert session.current and session.current.view.pk == 1
    session.handle("u")
    assert session.message == "Nothing to undo in this session."


def test_an_undo_the_service_refuses_says_why_and_moves_on() -> None:
    session, service, _ = _session()

    def refuse(card: QueuedCard) -> None:
        raise SRSError("not possible yet")

    service.unbury = refuse  # type: ignore[method-assign]
    for key in " 3 bu":
        session.handle(key)
    assert session.message == "Could not undo the bury: not possible yet"
    session.handle("u")  # the grade before it
    assert service.graded == [] and "Undid Good" in session.message


def test_edit_saved_or_refused() -> None:
    texts = iter(["good text", "bad text", None])
    session, service, _ = _session(editor=lambda _t: next(texts), edit_template=lambda v: v.situation)
    session.handle("e")
    assert service.edits == {1: "good text"} and "Saved" in session.message
    session.handle("e")
    assert session.message.startswith("Edit refused: situation must not be empty")
    session.handle("e")
    assert "cancelled" in session.message
    assert session.current and session.current.view.pk == 1


def test_quit_and_end_of_input_finish_with_a_summary() -> None:
    session, _, _ = _session()
    session.handle(" ")
    session.handle("4")
    session.handle("q")
    assert session.done and session.totals.reviewed == 1 and session.totals.streak == 3
    assert session.totals.stopped_early
    session2, _, _ = _session()
    session2.handle("")
    assert session2.done


def test_empty_queue_finishes_at_once() -> None:
    session, _, _ = _session(0)
    assert session.done and not session.totals.stopped_early


def test_limits_stop_after_n_grades_and_n_new_cards() -> None:
    session, service, _ = _session(5, limit=2)
    for key in " 3 3":
        session.handle(key)
    assert session.done and len(service.graded) == 2
    session, service, _ = _session(5, new_limit=1)
    session.handle(" ")
    session.handle("3")
    assert session.done and len(service.graded) == 1


def test_unknown_keys_and_help() -> None:
    session, _, _ = _session()
    session.handle("x")
    assert "'x' does nothing" in session.message
    session.handle("esc")
    session.handle("?")
    assert session.show_help
    session.handle(" ")
    assert not session.show_help and session.phase is Phase.ANSWER


def test_a_refused_grade_shows_why_and_shows_the_card_again() -> None:
    session, service, _ = _session()

    def conflict(card: QueuedCard, rating: int, duration_ms: int, attempt: Attempt | None = None) -> None:
        raise SRSError("this card was answered elsewhere in the meantime; showing it again")

    service.grade = conflict  # type: ignore[method-assign]
    session.handle(" ")
    session.handle("3")
    assert "answered elsewhere" in session.message
    assert session.current and session.current.view.pk == 1 and session.phase is Phase.QUESTION
    assert session.totals.reviewed == 0


@pytest.mark.parametrize("key", [" ", "\n"])
def test_space_or_enter_on_the_answer_side_grades_good(key: str) -> None:
    session, service, _ = _session()
    session.handle(key)
    assert session.phase is Phase.ANSWER and service.graded == []
    session.handle(key)
    assert service.graded == [(1, 3, 0)] and session.totals.reviewed == 1
    assert session.current and session.current.view.pk == 2 and session.phase is Phase.QUESTION


# -- typing mode -----------------------------------------------------------------------------------------------

def test_a_typed_answer_is_checked_and_enter_gives_the_suggested_rating_with_the_attempt() -> None:
    session, service, clock = _session(typing=True)
    assert session.wants_text
    clock.t += 75  # slow: no Easy; and more than the 60 s a review's duration is capped at
    session.submit("I would ask what concerns they have about me")
    assert session.phase is Phase.ANSWER and not session.wants_text
    assert session.typed is not None and session.typed.result.hits == 2
    assert session.enter_rating == 3 and session.typed.reason() == "every key point"
    session.handle("\n")
    assert service.graded == [(1, 3, 60000)]
    assert service.attempts == [Attempt("I would ask what concerns they have about me", 75000, (True, True), 3)]
    assert session.typed is None and session.phase is Phase.QUESTION  # the next card starts afresh


def test_a_quick_complete_answer_suggests_easy_and_1_to_4_override_it() -> None:
    session, service, clock = _session(typing=True)
    clock.t += 4
    session.submit("what hesitations do you have about hiring me")
    assert session.enter_rating == 4 and session.typed and session.typed.reason() == "every key point, and quick"
    session.handle("2")
    assert service.graded[0][1] == 2 and service.attempts[0] and service.attempts[0].suggested_rating == 4


def test_an_untimed_answer_is_never_quick_but_keeps_its_measured_time() -> None:
    session, service, clock = _session(typing=True, timed=False)
    clock.t += 4
    session.submit("what hesitations do you have about hiring me")
    assert session.enter_rating == 3 and session.typed and not session.typed.quick
    assert session.typed.reason() == "every key point"
    session.handle("\n")
    assert service.attempts[0] and (service.attempts[0].typed_ms, service.attempts[0].suggested_rating) == (4000, 3)


@pytest.mark.parametrize("answer, rating, reason", [
    ("I would mention my concerns", 2, "1 of 2 key points"),
    ("Thank them and leave", 1, "0 of 2 key points"),
])
def test_a_partial_or_wrong_answer_suggests_hard_or_again_and_says_why(answer: str, rating: int,
                                                                        reason: str) -> None:
    session, service, clock = _session(typing=True)
    clock.t += 30
    session.submit(answer)
    assert session.enter_rating == rating and session.typed and session.typed.reason() == reason
    assert [p.hit for p in session.typed.result.points] == ([True, False] if rating == 2 else [False, False])


def test_an_empty_line_just_reveals_as_in_flip_mode_and_stores_no_attempt() -> None:
    session, service, _ = _session(typing=True)
    session.submit("   ")
    assert session.phase is Phase.ANSWER and session.typed is None and session.enter_rating == 3
    session.handle(" ")
    assert service.graded == [(1, 3, 0)] and service.attempts == [None]


def test_undo_after_a_typed_grade_brings_the_card_back_to_type_again() -> None:
    session, service, _ = _session(typing=True)
    session.submit("concerns about me")
    session.handle("\n")
    session.handle("u")
    assert service.graded == [] and service.attempts == []
    assert session.current and session.current.view.pk == 1 and session.wants_text and session.typed is None


def test_grades_on_the_question_side_ask_for_the_typed_response() -> None:
    session, service, _ = _session(typing=True)
    session.handle("3")
    assert service.graded == [] and session.message == "Type your response, then press Enter to compare."


# -- a personal card's first showing ---------------------------------------------------------------------------

def _personal(**kwargs: object) -> tuple[ReviewSession, FakeService, Clock]:
    service = FakeService([1, 2], personal={1})
    clock = Clock()
    session = ReviewSession(service, clock=clock, ask_personal=True,  # type: ignore[arg-type]
                            edit_template=lambda v: f"template of {v.pk}", **kwargs)
    session.start()
    return session, service, clock


def test_a_personal_card_asks_for_your_line_checks_it_and_keeps_it_even_if_a_point_is_missing() -> None:
    session, service, clock = _personal()
    assert session.phase is Phase.COMPOSE and session.wants_text
    session.submit("  I have   some concerns ")
    assert session.draft == "I have some concerns" and not session.wants_text
    assert session.draft_check and [p.hit for p in session.draft_check.points] == [True, False]
    assert service.lines == {}  # checked, not saved yet
    clock.t += 3
    session.handle("\n")  # keep it anyway
    assert service.lines == {1: "I have some concerns"} and "Saved your line" in session.message
    assert session.phase is Phase.QUESTION and session.current and session.current.view.response == service.lines[1]
    assert session.current.view.reference == RESPONSE
    assert session._shown_at == clock.t  # the card's clock starts when the question shows


def test_rewrite_starts_from_the_line_and_the_editor_can_write_it() -> None:
    session, service, _ = _personal(editor=lambda text: text + " about hiring me")
    session.submit("any concerns")
    session.handle("r")
    assert session.draft is None and session.rewrite == "any concerns" and session.wants_text
    session.handle("e")  # Esc e while writing: the editor opens with the line so far
    assert session.draft == "any concerns about hiring me"
    assert session.draft_check and all(p.hit for p in session.draft_check.points)
    session.handle(" ")
    assert service.lines == {1: "any concerns about hiring me"}


def test_skip_uses_the_decks_line_this_time_and_an_empty_line_is_refused() -> None:
    session, service, _ = _personal()
    session.submit("")
    assert session.phase is Phase.COMPOSE and "Your line is empty" in session.message
    session.handle("s")
    assert session.phase is Phase.QUESTION and session.current and session.current.view.response == RESPONSE
    assert "next time" in session.message and service.lines == {}
    session.handle(" ")
    session.handle("3")
    assert service.graded == [(1, 3, 0)]


def test_a_refused_line_is_not_saved_and_undo_takes_a_saved_one_back() -> None:
    session, service, _ = _personal()
    session.submit("x" * 150)
    session.handle("\n")
    assert session.message.startswith("Your line was not saved: response is longer") and service.lines == {}
    session.handle("r")
    session.submit("my concerns about me")
    session.handle("\n")
    assert service.lines == {1: "my concerns about me"}
    session.handle("u")
    assert service.lines == {} and service.edits == {}  # no other edit to put back
    assert session.phase is Phase.COMPOSE and session.message == "Undid your line: the card asks for yours again."


def test_without_ask_personal_a_personal_card_is_reviewed_with_the_decks_line() -> None:
    service = FakeService([1], personal={1})
    session = ReviewSession(service)
    session.start()
    assert session.phase is Phase.QUESTION and not session.wants_text
