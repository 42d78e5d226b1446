"""``srs card check-answer`` and ``srs card reset-edit``: grade a typed answer against a card's key points, and give
up your own wording of a card for the deck's.

Attached to the ``card`` group by :mod:`srs.cli.card_cmds`. The matcher is imported inside the command (it
loads the stemmer and fuzzy matcher, some 45 ms), so other ``card`` commands never pay for it.
"""

from __future__ import annotations

import sys

import click

from srs.cli.common import AppContext, SRSClickError, echo_json, note, pass_app, use_color
from srs.cli.completion import complete_card_refs

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def _marks() -> tuple[str, str]:
    """Hit and miss marks: a shape either way, Unicode on a terminal, ASCII when piped."""
    return ("\u2713", "\u2717") if use_color() else ("[x]", "[ ]")


@click.command("check-answer")
@click.argument("card_ref", metavar="ID", shell_complete=complete_card_refs)
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def check_answer(app: AppContext, card_ref: str, text: str, as_json: bool) -> None:
    """Check an answer against a card's key points: each point hit or missed, and the suggested rating.

    TEXT is the answer ('-' reads it from stdin). The same matcher grades typed answers in `srs review --type`:
    case, word order, inflection, small typos and the listed alternatives do not matter; a negation does. Your
    own wordings of the points (srs card wording) count as alternatives. Exit status 1 for a card without key
    points.

    \b
    Example:
      srs card check-answer ask-about-hesitations "What concerns do you have about me?" --json
    """
    from srs.store.cards import card_view, find_card
    from srs.store.wordings import wordings_of

    if text == "-":
        text = sys.stdin.read()
    with app.session() as session:
        card = find_card(session, card_ref)
        assert card.id is not None
        view = card_view(session, app.learner_id, card)
        wordings = wordings_of(session, app.learner_id, card.id)
    if not view.key_points:
        raise SRSClickError(f"card {view.ref} has no key points, so there is nothing to check an answer against "
                            "(its deck gives none)")
    from srs.matcher import check_answer as match
    from srs.wordings import with_wordings

    result = match(text, with_wordings(view.key_points, wordings))
    if as_json:
        echo_json({"suggested_rating": result.suggested_rating,
                   "key_points": [{"point": p.point.text, "hit": p.hit, "matched": p.matched}
                                  for p in result.points]})
        return
    from srs.safetext import clean

    hit_mark, miss_mark = _marks()
    colour = use_color()
    for p, deck_point in zip(result.points, view.key_points):
        mark = click.style(hit_mark, fg="green") if colour and p.hit else (
            click.style(miss_mark, fg="red") if colour else (hit_mark if p.hit else miss_mark))
        said = f'  "{clean(p.matched)}"' if p.matched else ""
        click.echo(f"{mark} {clean(deck_point.label)}{said}")  # the deck's phrasings; yours are in `said`
    rating = result.suggested_rating
    click.echo(f"Suggested rating: {rating} {RATING_NAMES[rating]} "
               f"({result.hits} of {result.total} key point{'s' if result.total != 1 else ''})")


@click.command("reset-edit")
@click.argument("card_ref", metavar="ID")
@pass_app
def reset_edit(app: AppContext, card_ref: str) -> None:
    """Drop your own wording of a card (an edit, or a personal card's line) and see the deck's text again.

    \b
    Example:
      srs card reset-edit close-with-upbeat-line
    """
    from srs.store.cards import find_card
    from srs.store.edits import reset_edit as reset

    with app.session() as session:
        card = find_card(session, card_ref)
        assert card.id is not None
        ref = f"{card.deck_id}/{card.card_id}"
        changed = reset(session, app.learner_id, card.id, app.now())
        session.commit()
    note(f"{ref}: back to the deck's text." if changed else f"{ref}: you have no wording of your own; nothing changed.")
