"""Drawing a review session: on a terminal, the whole window, fitted to its size; on a pipe, what changed.

:class:`Display` draws the session after every key. On a terminal each frame replaces the screen and never
exceeds the window (:func:`srs.cli.review_layout.fit` folds what does not fit), and it is drawn again when the
window is resized; while the learner types, the terminal's cursor is put where the next character goes. On a
pipe or in a test, only the new part is printed, as a scrolling transcript.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import click

from srs.cli.common import note
from srs.cli.line_editor import TypingInput
from srs.cli.render import terminal_height, terminal_width, wrap
from srs.cli.review_layout import MORE_KEY, Frame, Keep, Pager, Section, fit
from srs.cli.review_screen import (Style, answer_keys, answer_sections, card_title, grade_bar, header, help_lines,
                                   hints, question, question_keys, question_prompt, question_sections)
from srs.cli.review_typed import (compose_check_keys, compose_sections, input_rows, self_check_section,
                                  suggestion, typed_answer_keys, typed_answer_side, typed_sections, typing_help,
                                  typing_keys, typing_prompt, wording_keys, wording_prompt)
from srs.review import RATING_NAMES, Phase, QueuedCard, ReviewSession

# Clear the screen and put the cursor top left (what click.clear() writes), then the frame in one write.
_HOME = "\x1b[2J\x1b[1;1H"
MESSAGE_LINES = 3


@dataclass
class Display:
    """How one ``srs review`` run is drawn.

    Attributes:
        style: Colour and Unicode, or plain text.
        full_screen: Redraw the whole window (stdout is a terminal) rather than print a transcript.
        deck_label: What the header calls the cards being reviewed.
        editor: What ``e`` opens, as the key list names it.
        typing: The line being typed (on a terminal), drawn when the session takes text.
    """

    style: Style
    full_screen: bool
    deck_label: str
    editor: str = "$EDITOR"
    typing: TypingInput | None = None
    pager: Pager = field(default_factory=Pager)
    frame: Frame = field(default_factory=lambda: Frame([]))
    _shown: tuple[QueuedCard, Phase, bool, bool] | None = None
    _printed: tuple[QueuedCard, Phase, bool] | None = None
    _printed_check: object = None  # the typed answer's check last printed, and the wording step

    def handle(self, token: str) -> bool:
        """Act on a paging key (``m``, arrows, Page Up/Down) when the window is too short for the card; False if
        the token is for the session."""
        return self.full_screen and self.pager.handle(token, self.frame)

    def draw(self, session: ReviewSession) -> None:
        """Show the session as it is now."""
        card = session.current
        if card is None:
            return
        shown = (card, session.phase, session.show_help, session.draft is None)
        if shown != self._shown:  # a new card, side or the key list: start folded, at the top
            self.pager.reset()
            self._shown = shown
        if self.full_screen:
            self._draw_window(session, card)
        else:
            self._print_transcript(session, card)

    def _body(self, session: ReviewSession, card: QueuedCard, width: int) -> list[Section]:
        """The card's sections for the session's phase: the situation, then the answer side or the personal line
        being written."""
        style = self.style
        if session.show_help:
            lines = help_lines(width, style, self.editor, typing_help() if session.typing else ())
            return [Section("keys", tuple(lines), Keep.CUT, least=1)]
        body = question_sections(card, width, style)
        if session.phase is Phase.COMPOSE:
            body += compose_sections(card, session.draft, session.draft_check, width, style)
        elif session.phase is Phase.ANSWER:
            sections = answer_sections(card, width, style)
            if session.typed is not None:
                sections = typed_answer_side(session.typed, sections[0], sections[1:], width, style)
            else:
                sections[1:1] = self_check_section(card, width, style)
            body += sections
        return body

    def _bottom(self, session: ReviewSession, card: QueuedCard, width: int, more: str | None) -> list[str]:
        """The fixed lines under the card: the message, then the prompt, grades and keys of the phase."""
        style = self.style
        message = [style.label(line) for line in wrap(session.message, width)]
        if len(message) > MESSAGE_LINES:
            message = message[:MESSAGE_LINES - 1] + [message[-1]]
        personal = session.phase is Phase.COMPOSE
        step, typed = session.wording, session.typed
        if step is not None and typed is not None:
            if step.editing and self.typing is not None:
                return message + wording_prompt(step, typed, width, style) \
                    + input_rows(self.typing.line, width).rows + hints(wording_keys(step), width, style)
            return message + suggestion(typed, width, style) + grade_bar(card, width, style, session.enter_rating) \
                + wording_prompt(step, typed, width, style) + hints(wording_keys(step), width, style)
        if session.wants_text and self.typing is not None:
            return message + typing_prompt(personal, width, style) + input_rows(self.typing.line, width).rows \
                + hints(typing_keys(more, self.typing.pending_esc, personal), width, style)
        if personal:
            return message + hints(compose_check_keys(more), width, style)
        if session.phase is Phase.ANSWER:
            grades = grade_bar(card, width, style, session.enter_rating)
            if session.typed is not None:
                return message + suggestion(session.typed, width, style) + grades \
                    + hints(typed_answer_keys(session.enter_rating, more, session.wording_applies), width, style)
            return message + grades + hints(answer_keys(more), width, style)
        return message + question_prompt(width, style) + hints(question_keys(more), width, style)

    def _draw_window(self, session: ReviewSession, card: QueuedCard) -> None:
        width, height, style = terminal_width(), terminal_height(), self.style
        top = header(session.counts(), card, self.deck_label, width, style) \
            + card_title(card, session.phase is Phase.ANSWER, width, style)
        body = self._body(session, card, width)
        bottom = self._bottom(session, card, width, f"{MORE_KEY} more")
        frame = fit(top, body, bottom, height, width, self.pager, style.unicode)
        if not frame.hidden:  # nothing to page: the hint line need not offer it
            bottom = self._bottom(session, card, width, None)
            frame = fit(top, body, bottom, height, width, self.pager, style.unicode)
        self.frame = frame
        click.echo(_HOME + "\n".join(frame.lines) + self._cursor(session, frame, bottom, width), nl=False)

    def _cursor(self, session: ReviewSession, frame: Frame, bottom: list[str], width: int) -> str:
        """The escape sequence that puts the terminal's cursor in the line being typed ("" when not typing, or
        when the window is too small to show the line)."""
        if not (session.wants_text and self.typing is not None) or frame.lines[-len(bottom):] != bottom:
            return ""
        rendered = input_rows(self.typing.line, width)
        at = max(i for i, line in enumerate(bottom) if line == rendered.rows[0])  # the input's first row
        first_input = len(frame.lines) - len(bottom) + at
        return f"\x1b[{first_input + rendered.cursor_row + 1};{rendered.cursor_col + 1}H"

    def _print_transcript(self, session: ReviewSession, card: QueuedCard) -> None:
        width, style = terminal_width(), self.style
        lines: list[str] = []
        printed = self._printed
        state = (card, session.phase, session.draft is None)
        new_card = printed is None or printed[0] is not card  # undo and edits load a fresh object
        if new_card:
            lines += header(session.counts(), card, self.deck_label, width, style) \
                + card_title(card, False, width, style) + question(card, width, style)
            if session.phase is Phase.QUESTION and session.typing:
                lines += typing_prompt(False, width, style) + hints(
                    ["one line is your answer (empty: just show the response)", ":u undo", ":q quit"], width, style)
            elif session.phase is Phase.QUESTION:
                lines += question_prompt(width, style) + hints(question_keys(None), width, style)
        if session.phase is Phase.COMPOSE and state != printed:
            lines += [line for section in compose_sections(card, session.draft, session.draft_check, width, style)
                      for line in section.lines]
            lines += typing_prompt(True, width, style) if session.draft is None \
                else hints(compose_check_keys(None), width, style)
        if session.phase is Phase.ANSWER and (new_card or printed is None or printed[1] is not Phase.ANSWER):
            lines += card_title(card, True, width, style)
            lines += [line for section in self._body(session, card, width)[1:] for line in section.lines]
            if session.typed is not None:
                lines += self._typed_grades(session, card, width)
            else:
                lines += grade_bar(card, width, style, session.enter_rating) + hints(answer_keys(None), width, style)
        elif session.phase is Phase.ANSWER and session.typed is not None \
                and (session.typed, session.wording) != self._printed_check:  # a wording changed the check
            if session.wording is not None:
                lines += wording_prompt(session.wording, session.typed, width, style)
            else:
                points = typed_sections(session.typed, width, style)[1]
                lines += [*points.lines, *self._typed_grades(session, card, width)]
        if session.show_help:
            lines += [""] + help_lines(width, style, self.editor, typing_help() if session.typing else ())
        if lines:
            click.echo()
        for line in lines:
            click.echo(line)
        if session.message:
            note(session.message)
        self._printed = state
        self._printed_check = (session.typed, session.wording)

    def _typed_grades(self, session: ReviewSession, card: QueuedCard, width: int) -> list[str]:
        """The suggestion, the grades and the keys under a typed answer in a transcript."""
        assert session.typed is not None
        wording = [":w N TEXT your wording of missed point N"] if session.wording_applies else []
        return suggestion(session.typed, width, self.style) \
            + grade_bar(card, width, self.style, session.enter_rating) \
            + hints([f"an empty line gives {RATING_NAMES[session.enter_rating]}", "1-4 another", *wording,
                     ":u undo", ":q quit"], width, self.style)

