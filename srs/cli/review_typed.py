"""What ``srs review`` draws for typed answers and personal lines: the line being typed, the key points hit or
missed, the learner's time, the suggested rating, and the screens that ask for a personal card's line.

Like :mod:`srs.cli.review_screen`, every function returns lines already wrapped to ``width`` and cleaned, and
meaning never rests on colour: a key point is marked with a shape (``✓``/``✗``, or ``[x]``/``[ ]`` without
Unicode), the suggested rating is named in words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from srs.cli.line_editor import LineEditor, Rendered, render
from srs.cli.render import clean_line, wrap
from srs.cli.review_layout import Keep, Section
from srs.cli.review_screen import INDENT, Style
from srs.review import RATING_NAMES, QueuedCard

if TYPE_CHECKING:
    from srs.matcher import MatchResult
    from srs.rehearse import TypedAnswer
    from srs.review_wording import WordingStep

# Rows of a long typed line shown at once (the rest scrolls with the cursor).
INPUT_ROWS = 4


def marks(style: Style) -> tuple[str, str]:
    """The shapes for a key point hit and missed."""
    return ("✓", "✗") if style.unicode else ("[x]", "[ ]")


def seconds(value: float) -> str:
    """``4s``, ``1m 05s``: a time as the answer side shows it."""
    whole = round(value)
    return f"{whole // 60}m {whole % 60:02d}s" if whole >= 60 else f"{whole}s"


# -- typing on the question side ---------------------------------------------------------------------------------

def typing_prompt(personal: bool, width: int, style: Style) -> list[str]:
    """The line above the input: what to type, and what Enter does."""
    text = ("Write your own line; Enter checks it." if personal else
            "Type your response; Enter compares (an empty line just shows it).")
    return [style.accent(line, "yellow") for line in wrap(text, width)]


def input_rows(line: LineEditor, width: int) -> Rendered:
    """The line being typed, after a ``> `` prompt, with the cursor's row and column."""
    return render(line.text, line.cursor, width, "> ", INPUT_ROWS)


def typing_keys(more: str | None, esc_pending: bool, personal: bool = False) -> list[str]:
    """The hint line while typing: every key is text, so the commands are Esc then a key (after Esc: the keys
    themselves)."""
    first = "Enter check" if personal else "Enter compare"
    commands = ([("e", "your editor"), ("s", "skip")] if personal else [("u", "undo"), ("e", "edit")])
    if esc_pending:
        items = [f"{k} {what}" for k, what in commands]
        return [f"Esc, then {items[0]}", *items[1:], *([more] if more else []), "? keys", "q quit",
                "Esc: back to typing"]
    return [first, *(f"Esc {k} {what}" for k, what in commands), *([f"Esc {more}"] if more else []),
            "Esc ? keys", "Esc q quit"]


# -- the answer side of a typed answer ---------------------------------------------------------------------------

def point_lines(result: MatchResult, width: int, style: Style) -> list[str]:
    """One line per key point: its mark, then the words that hit it or the point's first phrasing."""
    from srs.rehearse import point_text

    hit_mark, miss_mark = marks(style)
    lines = []
    for point in result.points:
        mark = style.accent(hit_mark, "green") if point.hit else style.accent(miss_mark, "red")
        room = width - len(INDENT) - len(hit_mark) - 1
        lines.append(f"{INDENT}{mark} {clean_line(point_text(point), room)}")
    return lines


def typed_sections(typed: TypedAnswer, width: int, style: Style) -> list[Section]:
    """The learner's answer (cut to its first lines when room is short) and the key points hit or missed.

    The learner's time goes on the answer's heading where it fits on one line, else under the key points in
    short. In a window too small for everything, the key points are kept first (``rank``), then the response
    (:func:`typed_answer_side`) and the first line of the answer, before the situation.
    """
    heading = f"YOUR ANSWER  {long_time(typed)}"
    on_heading = len(heading) <= width
    answer = Section("your answer", (style.rule(width), style.label(heading) if on_heading else
                                     style.label("YOUR ANSWER"), *wrap(typed.answer, width, INDENT), ""),
                     Keep.CUT, least=3, rank=1)
    result = typed.result
    title = f"KEY POINTS  {result.hits} of {result.total}" if result.total else "KEY POINTS  none on this card"
    lines = [style.label(title), *point_lines(result, width, style)]
    if not on_heading:
        lines += [style.dim(line) for line in wrap(short_time(typed), width, INDENT)]
    return [answer, Section("key points", (*lines, ""), Keep.WHOLE, rank=2)]


def long_time(typed: TypedAnswer) -> str:
    """The learner's time next to the line's speaking time, and what counts as quick."""
    if not typed.timed:
        return f"not timed: not typed at a terminal (said aloud, the line takes ~{seconds(typed.speaking_seconds)})"
    return (f"{seconds(typed.typed_ms / 1000)} (said aloud, the line takes ~{seconds(typed.speaking_seconds)}; "
            f"typed, quick is within {seconds(typed.quick_seconds)})")


def short_time(typed: TypedAnswer) -> str:
    """:func:`long_time` for a narrow window."""
    if not typed.timed:
        return f"Not timed; aloud ~{seconds(typed.speaking_seconds)}"
    return (f"Took {seconds(typed.typed_ms / 1000)}; aloud ~{seconds(typed.speaking_seconds)}; quick within "
            f"{seconds(typed.quick_seconds)}")


def typed_answer_side(typed: TypedAnswer, response: Section, later: list[Section], width: int,
                      style: Style) -> list[Section]:
    """The answer side's body after the situation: your answer, the response, the key points, then the
    sections that fold (``response`` and ``later`` from :func:`srs.cli.review_screen.answer_sections`)."""
    mine, points = typed_sections(typed, width, style)
    # One rule between question and answer is enough: the response's own goes.
    response = Section(response.name, response.lines[1:], response.keep, rank=1)
    return [mine, response, points, *later]


def suggestion(typed: TypedAnswer, width: int, style: Style) -> list[str]:
    """The suggested rating and why, above the grades (without the why in a narrow window)."""
    rating = RATING_NAMES[typed.suggested_rating]
    text = f"Suggested: {rating} ({typed.reason()})."
    return [style.label(text if len(text) <= width else clean_line(f"Suggested: {rating}.", width))]


def typed_answer_keys(rating: int, more: str | None, wording: bool = False) -> list[str]:
    """The hint line on the answer side of a typed answer: first, the rating Enter gives (the grade bar above
    has 1-4); ``w`` when the answer missed a point the learner can give their wording for."""
    return [f"Enter {RATING_NAMES[rating]}", "u undo", "s suspend", "b bury", "e edit",
            *(["w your wording"] if wording else []), *([more] if more else []), "? keys", "q quit"]


# -- w: the learner's own wording of a missed key point ----------------------------------------------------------

def wording_prompt(step: WordingStep, typed: TypedAnswer, width: int, style: Style) -> list[str]:
    """What adding a wording asks: which point (numbered as the key points are listed), or the wording itself."""
    return [style.accent(line, "yellow") for line in wrap(step.prompt(typed.result.points), width)]


def wording_keys(step: WordingStep) -> list[str]:
    """The hint line while adding a wording: the numbers to choose from, or Enter and Esc in its line editor."""
    if step.editing:
        return ["Enter save", "Esc cancel"]
    return [f"{' or '.join(str(n) for n in step.missed)} choose", "Esc cancel", "q quit"]


# -- flip mode: the key points as a self-check list --------------------------------------------------------------

def self_check_section(card: QueuedCard, width: int, style: Style) -> list[Section]:
    """The card's key points under the response, to check a spoken answer against (none: nothing)."""
    points = card.view.key_points
    if not points:
        return []
    bullet = "•" if style.unicode else "-"
    lines = [style.label("DID YOU SAY")]
    for point in points:
        first = point.alternatives[0]
        text = f"avoid: {first}" if point.avoid else first
        lines.append(f"{INDENT}{bullet} {clean_line(text, width - len(INDENT) - 2)}")
    return [Section("key points", (*lines, ""), Keep.WHOLE)]


# -- a personal card's first showing -----------------------------------------------------------------------------

def compose_sections(card: QueuedCard, draft: str | None, check: MatchResult | None, width: int,
                     style: Style) -> list[Section]:
    """Below the situation: what the card asks for and the deck's line as an example; once a line is written,
    the line with each key point hit or missed."""
    view = card.view
    firsts = [("avoid: " if p.avoid else "") + p.alternatives[0] for p in view.key_points]
    ask = "This card asks for your own line: say it your way, for this role."
    if firsts:
        ask += " It should have: " + "; ".join(firsts) + "."
    lines = [style.rule(width), style.label("YOUR LINE"), *wrap(ask, width, INDENT)]
    lines += [style.dim(line) for line in wrap(f"The deck's: {view.reference}", width, INDENT)]
    sections = [Section("your line", (*lines, ""), Keep.CUT, least=4)]
    if draft is not None and check is not None:
        written = [style.label("YOU WROTE"), *wrap(draft, width, INDENT), *point_lines(check, width, style)]
        missing = [("avoid: " if p.point.avoid else "") + p.point.alternatives[0] for p in check.points if not p.hit]
        verdict = ("Enter keeps it as your line." if not check.total else "It has every key point." if not missing
                   else f"Missing: {'; '.join(missing)}. Keep it anyway, or rewrite it.")
        written += [style.accent(line, "yellow") for line in wrap(verdict, width, INDENT)]
        sections.append(Section("check", (*written, ""), Keep.WHOLE))
    return sections


def compose_check_keys(more: str | None) -> list[str]:
    """The hint line once a personal line is written and checked."""
    return ["Enter keep it", "r rewrite", "e your editor", "s skip", *([more] if more else []), "u undo",
            "q quit"]


def typing_help() -> tuple[tuple[str, str], ...]:
    """The keys of typing mode, for the key list (``?``), in place of flip mode's Space/Enter."""
    return (
        ("typing", "every key is text: arrows, Home/End, Backspace, Delete, Ctrl-U, Ctrl-W edit the line"),
        ("Enter", "compare your answer with the response (an empty line just shows it); once it shows, give "
                  "the suggested rating"),
        ("Esc, key", "a command while you type: Esc q quit, Esc u undo, Esc e edit, Esc ? keys"),
    )
