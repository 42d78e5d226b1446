"""Card text from strangers is shown as text: no escape sequence reaches the terminal, lines fit the width."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from srs.cardview import CardView, SourceRef
from srs.cli import charts
from srs.cli.render import display_width, wrap
from srs.cli.review_layout import Pager, fit
from srs.cli.review_screen import (Style, answer, answer_keys, answer_sections, card_title, grade_bar, header,
                                   help_lines, hints, question, question_keys, question_prompt, question_sections)
from srs.review import Counts, QueuedCard

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

HOSTILE = [
    "\x1b[2J\x1b[31mred\x1b[0m and a title \x1b]0;pwned\x07 set",
    "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "bell\x07 backspace\x08 null\x00 delete\x7f c1\x9b31m",
    "a" * 5000,
    "שלום עולם, مرحبا \u202eevil reversed\u202c then \u2067isolate\u2069",
    "\n\n\nfirst\n\n\n\n\nsecond\n\n\n",
    "wide 漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字 and e\u0301\u0301 combining",
    "carriage\rreturn\r\nand\ttab",
]


def _view(text: str) -> CardView:
    source = SourceRef(id="s", title=text[:300], author=text[:100])
    return CardView(pk=1, deck_id="d", deck_name=text[:200], card_id="c", situation=text, response=text,
                    reasoning=text, sources=(source,), tags=(), counterpoints=((source, text),), anki_guid="g",
                    updated_at=NOW)


def _screen(text: str, width: int, style: Style) -> list[str]:
    card = QueuedCard(view=_view(text), queue="due", previews={1: "<1m", 2: "<6m", 3: "<10m", 4: "4d"})
    top = header(Counts(1, 2, 3), card, card.view.deck_name, width, style) + card_title(card, True, width, style)
    body = question_sections(card, width, style) + answer_sections(card, width, style)
    bottom = grade_bar(card, width, style, 3) + hints(answer_keys("m more"), width, style)
    return (top + card_title(card, False, width, style) + question(card, width, style)
            + question_prompt(width, style) + hints(question_keys(None), width, style) + answer(card, width, style)
            + bottom + help_lines(width, style) + fit(top, body, bottom, 20, width, Pager(), style.unicode).lines)


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("width", [30, 47, 80])
def test_hostile_text_never_reaches_the_terminal_raw_and_fits_the_width(text: str, width: int) -> None:
    for line in _screen(text, width, Style(color=False, unicode=True)):
        assert "\x1b" not in line and "\x9b" not in line
        assert all(ch == " " or ch.isprintable() for ch in line), repr(line)
        assert "\u202e" not in line and "\u2067" not in line
        assert display_width(line) <= width, (width, line)


def test_escape_sequences_are_dropped_and_other_controls_shown() -> None:
    lines = wrap(HOSTILE[2], 80)
    assert lines == ["bell\\x07 backspace\\x08 null\\x00 delete\\x7f c1"]  # 8-bit CSI dropped whole
    assert wrap(HOSTILE[0], 80) == ["red and a title set"]
    assert wrap(HOSTILE[4], 80)[0].count("\\u202e") == 1


def test_blank_lines_collapse_and_long_words_break() -> None:
    assert wrap(HOSTILE[5], 40, "  ") == ["  first", "", "  second"]
    assert [len(line) for line in wrap("x" * 25, 12)] == [12, 12, 1]


def test_wide_characters_count_two_columns() -> None:
    lines = wrap("漢" * 30, 20)
    assert all(display_width(line) <= 20 for line in lines) and len(lines) == 3


def test_answer_side_marks_sources_and_counterpoints_without_colour() -> None:
    view = CardView(pk=1, deck_id="d", deck_name="Deck", card_id="c", situation="S", response="R",
                    reasoning="W", sources=(SourceRef("a", "Article A", "Ann"),),
                    tags=(), counterpoints=((SourceRef("b", "Article B"), "Disagree."),), anki_guid="g",
                    updated_at=NOW)
    card = QueuedCard(view=view, queue="new", previews={1: "<1m", 3: "<10m"})
    text = "\n".join(answer(card, 60, Style()))
    assert "RESPONSE\n  R" in text and "REASONING\n  W" in text
    assert "SOURCES\n  Article A - Ann" in text
    assert "Counterpoint -- Article B:\n| Disagree." in text
    bar = grade_bar(card, 80, Style())[0]
    assert "1 Again <1m" in bar and "3 Good <10m" in bar and "2 Hard" in bar
    head = header(Counts(5, 0, 2), card, "Deck", 60, Style())[0]
    assert "[5 new]" in head and "2 due" in head


def test_heatmap_uses_shapes_not_only_colour() -> None:
    today = date(2026, 3, 1)  # a Sunday
    counts = {today: 40, today - timedelta(days=1): 10, today - timedelta(days=2): 1}
    lines = charts.heatmap(counts, today, weeks=4)
    assert len(lines) == 9  # months, 7 weekdays, legend
    sunday_row = lines[7]
    assert sunday_row.startswith("Sun") and sunday_row.endswith("@")
    assert lines[6].endswith("-") and lines[5].endswith("-")  # 10/40 and 1/40 are both level 1
    assert "less . - o O @ more" in lines[-1] and "busiest day: 40" in lines[-1]


def test_heat_levels() -> None:
    assert [charts.heat_level(c, 100) for c in (0, 1, 25, 26, 50, 75, 100)] == [0, 1, 1, 2, 2, 3, 4]


def test_column_chart_heights_and_labels() -> None:
    lines = charts.column_chart([0, 8, 16, 1], ["today", "", "", ""], height=4)
    assert lines[0] == "16 |    #"
    assert lines[3].startswith("   |  # #")  # the bottom row: 1 of 16 still shows, as a small mark
    assert lines[3].endswith("_")
    assert lines[-1].strip() == "today"


def test_column_chart_with_nothing_due() -> None:
    lines = charts.column_chart([0, 0, 0], ["", "", ""], height=3)
    assert lines[2].startswith("0 |")
