"""``srs card``: list cards and show one with its progress and history."""

from __future__ import annotations

from typing import Any

import click

from srs.cli.common import AppContext, echo_json, pass_app


@click.group()
def card() -> None:
    """List cards and show one card with your progress on it.

    \b
    Example:
      srs card show interview-closing/ask-about-hesitations
    """


@card.command("list")
@click.option("--deck", "deck_id", metavar="ID", help="Only this deck.")
@click.option("--retired", is_flag=True, help="Include retired cards.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def list_(app: AppContext, deck_id: str | None, retired: bool, as_json: bool) -> None:
    """List cards with their state and due date.

    \b
    Example:
      srs card list --deck interview-closing
    """
    from srs.cards import list_cards
    from srs.queue import load_settings

    with app.session() as session:
        rows = list_cards(session, app.learner_id, deck_id, include_retired=retired)
        tz = load_settings(session, app.learner_id).timezone
    if as_json:
        echo_json([{"id": r.ref, "situation": r.situation, "tags": list(r.tags), "retired": r.retired,
                    **r.progress} for r in rows])
        return
    from srs.cli.render import clean_line
    from srs.cli.times import local_time, zone_is_obvious

    label = not zone_is_obvious(tz)
    for r in rows:
        due = local_time(r.progress["due"], tz, label) if r.progress["due"] else ""
        flag = " (retired)" if r.retired else ""
        click.echo(f"{r.ref:<45} {r.progress['state']:<10} {due:<16}  {clean_line(r.situation, 60)}{flag}")


@card.command("show")
@click.argument("card_ref", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def show(app: AppContext, card_ref: str, as_json: bool) -> None:
    """Show a card's text, your progress and your review history.

    ID is CARD-ID, or DECK-ID/CARD-ID when several decks use the same card id.

    \b
    Example:
      srs card show ask-about-hesitations --json
    """
    from srs.cards import card_view, find_card, history_of, progress_dict, progress_of
    from srs.queue import load_settings

    with app.session() as session:
        tz = load_settings(session, app.learner_id).timezone
        card_row = find_card(session, card_ref)
        assert card_row.id is not None
        view = card_view(session, app.learner_id, card_row)
        progress = progress_dict(progress_of(session, app.learner_id, card_row.id))
        history: list[dict[str, Any]] = [
            {"time": r.reviewed_at.isoformat(), "rating": r.rating, "duration_ms": r.duration_ms,
                    "interval_days": r.interval_days, "origin": r.origin}
                   for r in history_of(session, app.learner_id, card_row.id)]
    data = {
        "id": view.ref, "situation": view.situation, "response": view.response, "reasoning": view.reasoning,
        "sources": [{"id": s.id, "title": s.title, "author": s.author} for s in view.sources],
        "counterpoints": [{"source": s.id, "title": s.title, "view": v} for s, v in view.counterpoints],
        "tags": list(view.tags), "retired": view.retired, "edited": view.edited,
        "progress": progress, "history": history,
    }
    if as_json:
        echo_json(data)
        return
    from textwrap import indent

    from srs.cli.render import clean
    from srs.cli.times import local_time, zone_is_obvious

    labelled = not zone_is_obvious(tz)
    click.echo(f"{view.ref}  [{', '.join(view.tags)}]{'  (retired)' if view.retired else ''}"
               f"{'  (your edit)' if view.edited else ''}")
    for label, text in (("Situation", view.situation), ("Response", view.response),
                        ("Reasoning", view.reasoning)):
        click.echo(f"\n{label}:\n{indent(clean(text), '  ')}")
    click.echo("\nSources:")
    for s in view.sources:
        click.echo(f"  {clean(s.title)}{' — ' + clean(s.author) if s.author else ''}")
    for s, v in view.counterpoints:
        click.echo(f"\nCounterpoint -- {clean(s.title)}:\n{indent(clean(v), '  ')}")
    p = progress
    click.echo(f"\nProgress: {p['state']}, due {local_time(p['due'], tz, labelled) if p['due'] else '-'}, "
               f"stability {p['stability'] or '-'}, "
               f"difficulty {p['difficulty'] or '-'}, reps {p['reps']}, lapses {p['lapses']}"
               f"{', suspended' if p['suspended'] else ''}{', leech' if p['leech'] else ''}")
    if history:
        click.echo("History:")
        names = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
        for h in history:
            click.echo(f"  {local_time(h['time'], tz, labelled)}  {names.get(h['rating'], h['rating']):<5}  "
                       f"{h['duration_ms'] / 1000:.0f}s  {h['origin']}")
