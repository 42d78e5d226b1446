"""``srs review``, ``srs status`` and ``srs stats``: the daily loop and the pictures of how it is going."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from srs.cli.common import AppContext, echo_json, note, pass_app, use_color
from srs.cli.completion import complete_deck_ids

if TYPE_CHECKING:
    from srs.cli.editor import EditorChoice
    from srs.cli.keys import KeyReader, LineReader
    from srs.cli.review_display import Display
    from srs.review import ReviewSession


@click.command()
@click.option("--deck", "deck_id", metavar="ID", help="Only cards from this deck.", shell_complete=complete_deck_ids)
@click.option("--new", "new_limit", type=click.IntRange(min=0), metavar="N",
              help="At most N new cards in this session (within the daily limit).")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Stop after N answers.")
@click.option("--type/--flip", "typed", default=None,
              help="Type your response and see the key points you hit, or flip the card after saying it "
                   "(default: the answer_mode setting, flip unless set).")
@pass_app
def review(app: AppContext, deck_id: str | None, new_limit: int | None, limit: int | None,
           typed: bool | None) -> None:
    """Review today's cards: read the situation, answer aloud, reveal, grade.

    Keys: Space/Enter reveal, then grade Good · 1 Again, 2 Hard, 3 Good, 4 Easy · u undo the last action ·
    s suspend · b bury until tomorrow (s and b once the response shows) · e edit in $VISUAL or $EDITOR (else
    nano, else vi) · m more (a card taller than the window) · ? keys · q quit. Every grade is saved the moment
    it is given. When stdin is not a terminal, each line is one key (an empty line is Enter), so a session can
    be scripted.

    With --type (or `srs config set answer_mode type`) you type your response: every key is text (arrows,
    Home/End, Backspace, Delete, Ctrl-U, Ctrl-W edit it), Enter compares it with the card's key points, and Esc
    then a key is a command (Esc q quit, Esc u undo, Esc e edit, Esc ? keys). Enter then gives the suggested
    rating, 1-4 another; w makes your own wording count for a key point your answer missed (for you only).
    Scripted: one line is the answer, the next the grade (empty: the suggested one); a line starting with ':' is a
    command (:q, :u, and :w N TEXT: TEXT is your wording of missed key point N).

    \b
    Example:
      srs review --new 5
      printf '\\n3\\n\\n1\\nq\\n' | srs review     # scripted: reveal, Good, reveal, Again, quit
      printf 'ask what concerns they have\\n\\n:q\\n' | srs review --type
    """
    import os
    import shutil
    from contextlib import nullcontext

    from srs.cli.editor import choose_editor
    from srs.cli.keys import LineReader, key_reader
    from srs.cli.line_editor import TypingInput
    from srs.cli.review_display import Display
    from srs.cli.review_screen import Style, summary
    from srs.edits import edit_template
    from srs.review import ReviewSession
    from srs.review_service import DbReviewService
    from srs.wording_service import DbWordings

    from srs.store.checkpoint import IdleCheckpoints
    from srs.store.engine import require_writable

    require_writable(app.store.engine)  # a read-only database: say so now, not at the first grade
    service = DbReviewService.open(app.store.engine, app.learner_id, app.now, deck_id)
    # Keypress latency: SQLite's WAL checkpoint runs while a card is read (idle), not in a grade's commit.
    checkpoints = IdleCheckpoints(app.store.engine)
    typing = typed if typed is not None else service.settings.answer_mode == "type"
    style = Style(color=use_color(), unicode=use_color())
    editor = choose_editor(os.environ, shutil.which)
    display = Display(style, full_screen=sys.stdout.isatty(), deck_label=service.deck_label,
                      editor=editor.label if editor else "your $EDITOR (not set; nano and vi not found)")
    # Typing with the output going elsewhere (`srs review --type | tee log`): read whole lines, which the
    # terminal echoes, rather than keys nobody would see.
    reader = key_reader() if display.full_screen or not typing else nullcontext(LineReader(sys.stdin))
    with reader as keys:
        scripted = isinstance(keys, LineReader)
        # On a terminal a personal card first asks for the learner's own line; a script reviews it as it is.
        session = ReviewSession(service, editor=_editor(keys, editor), edit_template=edit_template,
                                new_limit=new_limit, limit=limit, typing=typing, ask_personal=not scripted,
                                timed=sys.stdin.isatty(),
                                wordings=DbWordings(app.store.engine, app.learner_id, app.now))
        session.start()
        try:
            if isinstance(keys, LineReader) and typing:
                _scripted_typing(session, display, keys, checkpoints.run_if_due)
            else:
                display.typing = None if scripted else TypingInput()
                _key_loop(session, display, keys, checkpoints.run_if_due)
        except KeyboardInterrupt:
            session.handle("q")
        finally:
            checkpoints.close()
    if display.full_screen:
        click.clear()
    if session.message:
        note(session.message)
    from srs.store.day_plan import tomorrow_outlook

    with app.session() as db:
        outlook = tomorrow_outlook(db, app.learner_id, app.now(), service.settings)
    for line in summary(session.totals, app.now(), service.settings.timezone, style, outlook):
        click.echo(line)


def _key_loop(session: "ReviewSession", display: "Display", keys: "KeyReader", idle: "Callable[[], None]") -> None:
    """One key at a time until the session ends: commands, or text while the session takes a typed line.
    ``idle`` runs once the screen is drawn, before waiting for the key (the learner is reading)."""
    from srs.cli.keys import EOF, RESIZE
    from srs.review import Phase

    typing = display.typing
    shown: tuple[int, Phase, bool, object] | None = None
    while not session.done:
        # A new card, side or line starts an empty line (an edit of the card on screen keeps what was typed); a
        # wording starts from the typed answer, to cut down.
        step = session.wording
        state = (session.current.view.pk if session.current else 0, session.phase, session.draft is None, step)
        if typing is not None and state != shown:
            typing.reset(step.start if step is not None else session.rewrite if session.phase is Phase.COMPOSE
                         else "")
        shown = state
        display.draw(session)
        idle()
        if typing is None or not session.wants_text:
            token = keys.read()
            if token != RESIZE and not display.handle(token):
                session.handle(token)
            continue
        token = keys.read(text=True)
        if token == RESIZE:
            continue
        if token == EOF:
            session.handle(EOF)
            continue
        typed = typing.feed(token)
        if typed.kind == "esc" and step is not None:  # Esc leaves the wording's line at once
            typing.pending_esc = False
            session.handle("esc")
        elif typed.kind == "submit":
            session.submit(typed.text)
        elif typed.kind == "command" and not display.handle(typed.text):
            session.handle(typed.text)
        elif typed.kind == "other":
            display.handle(typed.text)  # the arrows up and down, Page Up/Down scroll a card taller than the window


def _scripted_typing(session: "ReviewSession", display: "Display", keys: "LineReader",
                     idle: "Callable[[], None]") -> None:
    """Typing mode from a pipe: a line is the answer, the next the grade (empty: the suggested one); a line
    starting with ``:`` is a command (``:q``, ``:u``, ``:w N TEXT``: TEXT is the learner's wording of key point
    N). ``idle`` runs as in :func:`_key_loop`."""
    from srs.cli.keys import EOF, token_from_line

    while not session.done:
        display.draw(session)
        idle()
        line = keys.read_line()
        if line is None:
            session.handle(EOF)
        elif line[:2].lower() == ":w" and line[2:3] in ("", " "):
            number, _, text = line[2:].strip().partition(" ")
            if number.isdigit() and text.strip():
                session.add_wording(int(number), text)
            else:
                session.message = ("Write :w N TEXT: N the number of a key point your answer missed, as listed, "
                                   "and TEXT your wording of it.")
        elif line.startswith(":"):
            session.handle(token_from_line(line[1:]))
        elif token_from_line(line) == "w" and not session.wants_text:  # one line can say it all
            session.message = "In a script, write :w N TEXT: TEXT is your wording of missed key point N."
        elif session.wants_text:
            session.submit(line)
        else:
            session.handle(token_from_line(line))


def _editor(keys: "KeyReader", choice: "EditorChoice | None") -> "Callable[[str], str | None]":
    """Open text in the learner's editor (:mod:`srs.cli.editor`) with the terminal in its normal mode; None if
    not saved."""
    from srs.errors import SRSError

    def edit(text: str) -> str | None:
        if choice is None:
            raise SRSError("no editor found: set $EDITOR, or install nano or vi")
        if not choice.from_environment and not sys.stdin.isatty():
            raise SRSError("set $EDITOR to edit cards")
        click.echo(f"\nOpening {choice.label}...")
        with keys.paused():
            try:
                return click.edit(text, editor=choice.command, extension=".txt", require_save=True)
            except click.ClickException as exc:
                raise SRSError(exc.message) from None

    return edit


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def status(app: AppContext, as_json: bool) -> None:
    """Today at a glance: cards left per deck, reviews done, next due, streak, retention.

    `srs` with no command prints this.

    \b
    Example:
      srs status --json
    """
    from srs.status import collect_status
    from srs.store.settings import load_settings

    now = app.now()
    with app.connection() as conn:
        settings = load_settings(conn, app.learner_id)
        data = collect_status(conn, app.learner_id, now, settings)
        conn.commit()  # today's interview plan, when this made it
    from srs.cli.status_view import next_due, status_lines

    if as_json:
        due = next_due(data, now)  # the same answer as the text's "Next due"
        echo_json({"learner": app.learner, **data.as_dict(), "next_due": due.isoformat() if due else None})
        return

    for line in status_lines(data, now, settings.timezone, use_color(), settings.new_per_day,
                             settings.reviews_per_day):
        click.echo(line)
    if data.total.new + data.total.learning + data.total.due:
        note("Run `srs review` to study them.")


@click.command()
@click.option("--deck", "deck_id", metavar="ID", help="Only this deck.", shell_complete=complete_deck_ids)
@click.option("--days", type=click.IntRange(1, 3650), default=30, show_default=True, metavar="N",
              help="Forecast the next N days; retention and time over the last N days.")
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON.")
@pass_app
def stats(app: AppContext, deck_id: str | None, days: int, as_json: bool) -> None:
    """Pictures of your progress: due forecast, review calendar, retention, cards by state, time per card.

    \b
    Example:
      srs stats --deck interview-closing --days 60
    """
    from srs.store.decks import get_deck as require_deck
    from srs.store.settings import load_settings
    from srs.store.stats import collect_stats

    now = app.now()
    with app.connection() as conn:
        if deck_id is not None:
            require_deck(conn, deck_id)  # a clear "no deck with id" error
        settings = load_settings(conn, app.learner_id)
        data = collect_stats(conn, app.learner_id, now, settings, days=days, deck_id=deck_id)
    if as_json:
        echo_json({"learner": app.learner, **data})
        return
    from srs.cli.status_view import stats_lines

    for line in stats_lines(data, use_color(), settings.timezone):
        click.echo(line)
