"""Drawing a review session: on a terminal, the whole window, fitted to its size; on a pipe, what changed.

:class:`Display` draws the session after every key. On a terminal each frame replaces the screen and never
exceeds the window (:func:`srs.cli.review_layout.fit` folds what does not fit), and it is drawn again when the
window is resized. On a pipe or in a test, only the new part is printed, as a scrolling transcript.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import click

from srs.cli.common import note
from srs.cli.render import terminal_height, terminal_width, wrap
from srs.cli.review_layout import MORE_KEY, Frame, Keep, Pager, Section, fit
from srs.cli.review_screen import (Style, answer, answer_keys, answer_sections, card_title, grade_bar, header,
                                   help_lines, hints, question, question_keys, question_prompt, question_sections)
from srs.review import Phase, QueuedCard, ReviewSession

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
    """

    style: Style
    full_screen: bool
    deck_label: str
    editor: str = "$EDITOR"
    pager: Pager = field(default_factory=Pager)
    frame: Frame = field(default_factory=lambda: Frame([]))
    _shown: tuple[QueuedCard, Phase, bool] | None = None
    _printed: tuple[QueuedCard, Phase] | None = None

    def handle(self, token: str) -> bool:
        """Act on a paging key (``m``, arrows, Page Up/Down) when the window is too short for the card; False if
        the token is for the session."""
        return self.full_screen and self.pager.handle(token, self.frame)

    def draw(self, session: ReviewSession) -> None:
        """Show the session as it is now."""
        card = session.current
        if card is None:
            return
        shown = (card, session.phase, session.show_help)
        if shown != self._shown:  # a new card, side or the key list: start folded, at the top
            self.pager.reset()
            self._shown = shown
        if self.full_screen:
            self._draw_window(session, card)
        else:
            self._print_transcript(session, card)

    def _draw_window(self, session: ReviewSession, card: QueuedCard) -> None:
        width, height, style = terminal_width(), terminal_height(), self.style
        answer_side = session.phase is Phase.ANSWER
        top = header(session.counts(), card, self.deck_label, width, style) \
            + card_title(card, answer_side, width, style)
        if session.show_help:
            body = [Section("keys", tuple(help_lines(width, style, self.editor)), Keep.CUT, least=1)]
        else:
            body = question_sections(card, width, style)
            if answer_side:
                body += answer_sections(card, width, style)
        message = [style.label(line) for line in wrap(session.message, width)]
        if len(message) > MESSAGE_LINES:
            message = message[:MESSAGE_LINES - 1] + [message[-1]]

        def bottom(more: str | None) -> list[str]:
            if answer_side:
                grades = grade_bar(card, width, style, session.enter_rating)
                return message + grades + hints(answer_keys(more), width, style)
            return message + question_prompt(width, style) + hints(question_keys(more), width, style)

        more = f"{MORE_KEY} more"
        frame = fit(top, body, bottom(more), height, width, self.pager, style.unicode)
        if not frame.hidden:  # nothing to page: the hint line need not offer it
            frame = fit(top, body, bottom(None), height, width, self.pager, style.unicode)
        self.frame = frame
        click.echo(_HOME + "\n".join(frame.lines), nl=False)

    def _print_transcript(self, session: ReviewSession, card: QueuedCard) -> None:
        width, style = terminal_width(), self.style
        lines: list[str] = []
        printed = self._printed
        new_card = printed is None or printed[0] is not card  # undo and edits load a fresh object
        if new_card:
            lines += header(session.counts(), card, self.deck_label, width, style) \
                + card_title(card, False, width, style) + question(card, width, style)
            if session.phase is Phase.QUESTION:
                lines += question_prompt(width, style) + hints(question_keys(None), width, style)
        if session.phase is Phase.ANSWER and (new_card or printed is None or printed[1] is not Phase.ANSWER):
            lines += card_title(card, True, width, style) + answer(card, width, style) \
                + grade_bar(card, width, style, session.enter_rating) + hints(answer_keys(None), width, style)
        if session.show_help:
            lines += [""] + help_lines(width, style, self.editor)
        if lines:
            click.echo()
        for line in lines:
            click.echo(line)
        if session.message:
            note(session.message)
        self._printed = (card, session.phase)
