"""``srs review``, ``srs status`` and ``srs stats``: the daily loop and the pictures of how it is going."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from srs.cli.common import AppContext, echo_json, note, pass_app, use_color

if TYPE_CHECKING:
    from srs.cli.editor import EditorChoice
    from srs.cli.keys import KeyReader


@click.command()
@click.option("--deck", "deck_id", metavar="ID", help="Only cards from this deck.")
@click.option("--new", "new_limit", type=click.IntRange(min=0), metavar="N",
              help="At most N new cards in this session (within the daily limit).")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Stop after N answers.")
@pass_app
def review(app: AppContext, deck_id: str | None, new_limit: int | None, limit: int | None) -> None:
    """Review today's cards: read the situation, answer aloud, reveal, grade.

    Keys: Space/Enter reveal, then grade Good · 1 Again, 2 Hard, 3 Good, 4 Easy · u undo the last action ·
    s suspend · b bury until tomorrow (s and b once the response shows) · e edit in $VISUAL or $EDITOR (else
    nano, else vi) · m more (a card taller than the window) · ? keys · q quit. Every grade is saved the moment it is given. When stdin is not a
    terminal, each line is one key (an empty line is Enter), so a session can be scripted.

    \b
    Example:
      srs review --new 5
      printf '\\n3\\n\\n1\\nq\\n' | srs review     # scripted: reveal, Good, reveal, Again, quit
    """
    import os
    import shutil

    from srs.cli.editor import choose_editor
    from srs.cli.keys import RESIZE, key_reader
    from srs.cli.review_display import Display
    from srs.cli.review_screen import Style, summary
    from srs.edits import edit_template
    from srs.review import ReviewSession
    from srs.review_service import DbReviewService

    from srs.store.engine import require_writable

    require_writable(app.store.engine)  # a read-only database: say so now, not at the first grade
    service = DbReviewService.open(app.store.engine, app.learner_id, app.now, deck_id)
    style = Style(color=use_color(), unicode=use_color())
    editor = choose_editor(os.environ, shutil.which)
    display = Display(style, full_screen=sys.stdout.isatty(), deck_label=service.deck_label,
                      editor=editor.label if editor else "your $EDITOR (not set; nano and vi not found)")
    with key_reader() as keys:
        session = ReviewSession(service, editor=_editor(keys, editor), edit_template=edit_template,
                                new_limit=new_limit, limit=limit)
        session.start()
        try:
            while not session.done:
                display.draw(session)
                token = keys.read()
                if token != RESIZE and not display.handle(token):
                    session.handle(token)
        except KeyboardInterrupt:
            session.handle("q")
    if display.full_screen:
        click.clear()
    if session.message:
        note(session.message)
    for line in summary(session.totals, app.now(), service.settings.timezone, style):
        click.echo(line)


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
@click.option("--deck", "deck_id", metavar="ID", help="Only this deck.")
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

    for line in stats_lines(data, use_color()):
        click.echo(line)
