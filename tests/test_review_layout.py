"""Fitting the review screen into the window: what is kept, what folds, how the pager moves (no terminal)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from srs.cardview import CardView, SourceRef
from srs.cli.render import display_width
from srs.cli.review_layout import Frame, Keep, Pager, Section, fit
from srs.cli.review_screen import (Style, answer_keys, answer_sections, card_title, grade_bar, header, hints,
                                   question_sections)
from srs.review import Counts, QueuedCard

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
WORDS = "the interviewer leans back and asks whether there is anything else you would like to know "


def _card() -> QueuedCard:
    """A card as long as the bundled deck's longest: five lines of situation at 80 columns, a counterpoint."""
    source = SourceRef(id="a", title="Article A", author="Ann")
    view = CardView(pk=1, deck_id="d", deck_name="Deck", card_id="c", situation="Scene: " + WORDS * 4,
                    response="Ask: what hesitations do you have about hiring me?", reasoning="Because " + WORDS * 5,
                    sources=(source,), tags=(), counterpoints=((source, "Disagree: " + WORDS * 6),),
                    anki_guid="g", updated_at=NOW)
    return QueuedCard(view=view, queue="new", previews={1: "<1m", 2: "<6m", 3: "<10m", 4: "4d"})


def _answer_frame(height: int, width: int, pager: Pager | None = None,
                  extra: tuple[Section, ...] = ()) -> tuple[Frame, list[str], list[str]]:
    card, style = _card(), Style()
    top = header(Counts(20, 0, 0), card, "All decks", width, style) + card_title(card, True, width, style)
    sections = answer_sections(card, width, style)
    body = question_sections(card, width, style) + sections[:1] + list(extra) + sections[1:]
    bottom = grade_bar(card, width, style, 3) + hints(answer_keys("m more"), width, style)
    return fit(top, body, bottom, height, width, pager or Pager()), top, bottom


@pytest.mark.parametrize("width", [30, 40, 80, 100])
@pytest.mark.parametrize("height", range(8, 45))
def test_a_frame_never_exceeds_the_window_and_keeps_header_and_grades(height: int, width: int) -> None:
    frame, top, bottom = _answer_frame(height, width)
    assert len(frame.lines) <= height and frame.lines[0] == top[0]
    assert all(display_width(line) <= width for line in frame.lines)
    if height >= len(top) + len(bottom) + 2:  # else the window is smaller than the header and the grades
        assert frame.lines[:len(top)] == top and frame.lines[-len(bottom):] == bottom
    if height >= len(top) + len(bottom) + 9:  # the situation's first line and the whole response stay in view
        text = " ".join(" ".join(frame.lines).split())
        assert "SITUATION Scene: the" in text and "Ask: what hesitations do you have about hiring me?" in text


def test_room_for_the_typed_answer_and_the_key_points_at_80x24() -> None:
    """The typed mode adds the learner's answer and the key points hit or missed; the flip mode adds the key
    points as a self-check list. At 80x24 they fit beside the situation and the response, with the reasoning
    and the counterpoint folded."""
    typed = Section("your answer", ("YOUR ANSWER", "  I would ask what doubts they have about me.", ""), Keep.WHOLE)
    points = Section("key points", ("KEY POINTS", "  [x] hesitations / concerns", "  [x] about hiring me",
                                    "  [ ] asked last", ""), Keep.WHOLE)
    frame, _, _ = _answer_frame(24, 80, extra=(typed, points))
    text = "\n".join(frame.lines)
    assert len(frame.lines) <= 24
    assert "SITUATION\n  Scene: the interviewer" in text and "RESPONSE\n  Ask: what hesitations" in text
    assert "YOUR ANSWER\n  I would ask" in text and "[ ] asked last" in text
    assert "> m more: reasoning, sources, counterpoint" in text


def test_the_situation_is_cut_with_an_ellipsis_before_anything_is_hidden_from_the_response() -> None:
    frame, _, _ = _answer_frame(15, 80)
    text = "\n".join(frame.lines)
    assert "…\n" in text.split("RESPONSE")[0]  # the situation's last shown line says it goes on
    assert "Ask: what hesitations do you have about hiring me?" in text


def test_the_pager_opens_where_the_fold_began_pages_and_folds_back() -> None:
    pager = Pager()
    frame, _, _ = _answer_frame(24, 80, pager)
    assert frame.hidden and not pager.expanded
    assert pager.handle("m", frame) and pager.expanded and pager.offset == min(frame.expand_at,
                                                                               frame.total - frame.region)
    offsets = [pager.offset]
    while pager.expanded:
        frame, _, _ = _answer_frame(24, 80, pager)
        assert "lines " in frame.lines[-3] and len(frame.lines) <= 24
        assert pager.handle("m", frame)
        offsets.append(pager.offset)
    assert offsets[-1] == 0 and offsets[-2] == frame.total - frame.region  # the last page, then folded
    assert not pager.handle("x", frame)


def test_paging_keys_are_left_to_the_session_when_everything_fits() -> None:
    pager = Pager()
    frame, _, _ = _answer_frame(80, 100, pager)
    assert not frame.hidden and "more:" not in "\n".join(frame.lines)
    assert not pager.handle("m", frame)  # the session then says 'm' does nothing here
    assert pager.handle("down", frame) and not pager.expanded  # arrows are the screen's, and do nothing


def test_expanded_offset_is_clamped_when_the_window_grows() -> None:
    pager = Pager(expanded=True, offset=500)
    frame, _, _ = _answer_frame(24, 80, pager)
    assert pager.offset == frame.total - frame.region and len(frame.lines) <= 24
    frame, _, _ = _answer_frame(200, 80, pager)
    assert not pager.expanded and not frame.hidden
