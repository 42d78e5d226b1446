"""``srs card``: list cards and show one with its progress and history."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from srs.cli.card_rehearse_cmds import check_answer, reset_edit
from srs.cli.card_state_cmds import STATE_COMMANDS
from srs.cli.card_wording_cmds import wording, wording_data
from srs.cli.common import AppContext, echo_json, note, pass_app
from srs.cli.completion import complete_card_refs, complete_deck_ids

LAST_ATTEMPTS = 5  # typed attempts shown by `card show`, newest first

if TYPE_CHECKING:
    from srs.progress import ProgressSnapshot
    from srs.scheduling import SchedulerSettings


@click.group()
def card() -> None:
    """List cards, show one with your progress on it, suspend or bury cards.

    \b
    Example:
      srs card show interview-closing/ask-about-hesitations
      srs card suspend --deck interview-closing --tag contested
    """


# Commands that live in their own modules: suspend, unsuspend, bury, unbury (srs.cli.card_state_cmds);
# check-answer and reset-edit (srs.cli.card_rehearse_cmds); wording (srs.cli.card_wording_cmds).
for _command in (*STATE_COMMANDS, check_answer, reset_edit, wording):
    card.add_command(_command)


@card.command("list")
@click.option("--deck", "deck_id", metavar="ID", help="Only this deck.", shell_complete=complete_deck_ids)
@click.option("--retired", is_flag=True, help="Include retired cards.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def list_(app: AppContext, deck_id: str | None, retired: bool, as_json: bool) -> None:
    """List cards: id, state (new, learning, review, suspended, buried, leech), due time, situation.

    \b
    Example:
      srs card list --deck interview-closing
    """
    from srs.store.cards import list_cards
    from srs.store.settings import load_settings

    with app.session() as session:
        rows = list_cards(session, app.learner_id, deck_id, include_retired=retired)
        tz = load_settings(session, app.learner_id).timezone
    cards = [{"id": r.ref, "situation": r.situation, "tags": list(r.tags), "retired": r.retired, **r.progress}
             for r in rows]
    if as_json:
        echo_json(cards)
        return
    if not cards:
        note("No cards (add a deck with: srs deck add FILE).")
        return
    from srs.cli.card_text import list_lines
    from srs.cli.render import terminal_width
    from srs.cli.times import zone_is_obvious

    for line in list_lines(cards, app.now(), tz, not zone_is_obvious(tz), terminal_width(maximum=160)):
        click.echo(line)


@card.command("show")
@click.argument("card_ref", metavar="ID", shell_complete=complete_card_refs)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def show(app: AppContext, card_ref: str, as_json: bool) -> None:
    """Show a card's text, your progress and your review history.

    ID is CARD-ID, or DECK-ID/CARD-ID when several decks use the same card id. Your own wording (an edit, or a
    personal card's line) is shown with the deck's beside it, and the card is marked when the deck has changed
    that text since; your last typed attempts (srs review --type) show how your wording is coming along. The key
    points are numbered, and your own wordings of them (srs card wording) listed beneath.

    \b
    Example:
      srs card show ask-about-hesitations --json
    """
    from srs.store.attempts import last_attempts
    from srs.store.cards import card_view, find_card, history_of, progress_dict, progress_of
    from srs.store.settings import load_settings
    from srs.store.wordings import wordings_of

    now = app.now()
    with app.session() as session:
        settings = load_settings(session, app.learner_id)
        card_row = find_card(session, card_ref)
        assert card_row.id is not None
        view = card_view(session, app.learner_id, card_row)
        progress_row = progress_of(session, app.learner_id, card_row.id)
        history: list[dict[str, Any]] = [
            {"time": r.reviewed_at.isoformat(), "rating": r.rating, "duration_ms": r.duration_ms,
             "interval_days": r.interval_days, "origin": r.origin}
            for r in history_of(session, app.learner_id, card_row.id)]
        progress = progress_dict(progress_row) | {"recall_now": _recall_now(progress_row, now, settings)}
        attempts = [
            {"time": a.reviewed_at.isoformat(), "answer": a.answer, "typed_ms": a.typed_ms,
             "key_points": [{"point": point, "hit": hit} for point, hit in zip(a.points, a.hits)],
             "suggested_rating": a.suggested_rating, "rating": a.rating}
            for a in last_attempts(session, app.learner_id, card_row.id, LAST_ATTEMPTS)]
        wordings = wording_data([p.text for p in view.key_points], wordings_of(session, app.learner_id, card_row.id))
    deck_text = view.deck_text
    data = {
        "id": view.ref, "deck": view.deck_name, "situation": view.situation, "response": view.response,
        "reasoning": view.reasoning,
        "sources": [{"id": s.id, "title": s.title, "author": s.author} for s in view.sources],
        "counterpoints": [{"source": s.id, "title": s.title, "view": v} for s, v in view.counterpoints],
        "tags": list(view.tags), "retired": view.retired, "edited": view.edited,
        "key_points": [p.text for p in view.key_points], "wordings": wordings, "personal": view.personal,
        "needs_personal": view.needs_personal,
        "deck_text": None if deck_text is None else {
            "situation": deck_text.situation, "response": deck_text.response, "reasoning": deck_text.reasoning},
        "edit_outdated": view.edit_outdated,
        "progress": progress, "history": history, "attempts": attempts,
    }
    if as_json:
        echo_json(data)
        return
    from srs.cli.card_text import show_lines
    from srs.cli.common import use_color
    from srs.cli.render import terminal_width
    from srs.cli.times import zone_is_obvious

    tz = settings.timezone
    for line in show_lines(data, now, tz, not zone_is_obvious(tz), terminal_width(), use_color()):
        click.echo(line)


def _recall_now(progress: "ProgressSnapshot | None", now: datetime, settings: "SchedulerSettings") -> float | None:
    """FSRS's probability of recall at ``now``, to four decimals; None before the first review."""
    if progress is None or not progress.stability or progress.last_review is None:
        return None
    from srs.scheduling.recall import recall_probability

    return round(recall_probability(progress.stability, progress.last_review, now, settings.fsrs_parameters), 4)
