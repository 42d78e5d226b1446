"""``srs card wording``: list, add and remove your own wordings of a card's key points (:mod:`srs.wordings`).

``srs card wording [ID]`` lists them (``list`` is the default subcommand); ``add ID N TEXT`` and ``remove ID N
TEXT`` change them, N being the key point's number as ``srs card show`` lists the points. Attached to the
``card`` group by :mod:`srs.cli.card_cmds`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from srs.cli.common import AppContext, SRSClickError, echo_json, note, pass_app
from srs.cli.completion import complete_card_refs

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem
    from sqlmodel import Session

    from srs.cardview import CardView
    from srs.store.models import Card
    from srs.wordings import Wording

__all__ = ["wording", "wording_data"]


def wording_data(key_points: Sequence[str], wordings: Sequence[Wording]) -> list[dict[str, Any]]:
    """The wordings as ``--json`` prints them: each with its point's number (None once the deck has changed the
    point, when it no longer ``applies``), the point as the deck wrote it, the wording and when it was added."""
    numbers = {point: n for n, point in reversed(list(enumerate(key_points, start=1)))}
    return [{"number": numbers.get(w.point), "point": w.point, "wording": w.text, "added_at": w.added_at.isoformat(),
             "applies": w.point in numbers} for w in wordings]


class _ListByDefault(click.Group):
    """A group whose first argument, when it is not a subcommand, is the ``list`` subcommand's (``srs card
    wording ID`` lists); completing it offers card ids beside the subcommands."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        completing = ctx.resilient_parsing and not args  # what comes first: offer subcommands and card ids
        if not completing and (not args or (args[0] not in self.commands and args[0] not in ("-h", "--help"))):
            args = ["list", *args]
        return super().parse_args(ctx, args)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
        found = super().shell_complete(ctx, incomplete)
        if incomplete.startswith("-"):
            return found
        return found + complete_card_refs(ctx, click.Argument(["card_ref"]), incomplete)


@click.group(cls=_ListByDefault, subcommand_metavar="[ID] | COMMAND [ARGS]...")
def wording() -> None:
    """Your own wordings of a card's key points: each counts for you as one more way to say the point.

    `srs card wording ID` lists them per key point (`srs card wording` lists every card's). Add one when a typed
    answer said a point in words the matcher missed; it then counts in srs review --type, a personal card's
    line and srs card check-answer, for you only (the deck's points are unchanged). A wording whose point the
    deck has since changed no longer counts; it is listed as such until you remove it.

    \b
    Example:
      srs card wording add ask-about-hesitations 1 "giving you pause"
      srs card wording ask-about-hesitations --json
      srs card wording remove ask-about-hesitations 1 "giving you pause"
    """


def _card(session: Session, learner_id: int, ref: str) -> tuple[Card, CardView]:
    from srs.store.cards import card_view, find_card

    card = find_card(session, ref)
    return card, card_view(session, learner_id, card)


def _point_number(view: CardView, number: int) -> int:
    """``number`` as an index into the card's key points; an error that names the choices when out of range."""
    count = len(view.key_points)
    if not count:
        raise SRSClickError(f"card {view.ref} has no key points, so there is nothing to add a wording to")
    if not 1 <= number <= count:
        raise SRSClickError(f"card {view.ref} has {count} key point{'s' if count != 1 else ''}: N must be "
                            f"{'1' if count == 1 else f'1-{count}'}, not {number} (see: srs card show {view.ref})")
    return number - 1


@wording.command("list")
@click.argument("card_ref", metavar="[ID]", required=False, shell_complete=complete_card_refs)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def list_(app: AppContext, card_ref: str | None, as_json: bool) -> None:
    """List your wordings of a card's key points (without ID: of every card), per point.

    \b
    Example:
      srs card wording list ask-about-hesitations --json
    """
    from srs.cli.card_text import wording_lines
    from srs.cli.render import terminal_width
    from srs.store.wordings import learner_wordings, wordings_of

    with app.session() as session:
        if card_ref is None:
            cards = [(c.ref, list(c.key_points), wording_data(c.key_points, c.wordings))
                     for c in learner_wordings(session, app.learner_id)]
        else:
            card, view = _card(session, app.learner_id, card_ref)
            assert card.id is not None
            points = [p.text for p in view.key_points]
            cards = [(view.ref, points, wording_data(points, wordings_of(session, app.learner_id, card.id)))]
    if as_json:
        found = [{"id": ref, "key_points": points, "wordings": data} for ref, points, data in cards]
        echo_json(found if card_ref is None else found[0])
        return
    width = terminal_width()
    for n, (ref, points, data) in enumerate(cards):
        click.echo("\n".join(([""] if n else []) + wording_lines(ref, points, data, width)))
    if card_ref is None and not cards:
        note('You have no wordings of your own yet; add one with: srs card wording add ID N "TEXT"')


@wording.command("add")
@click.argument("card_ref", metavar="ID", shell_complete=complete_card_refs)
@click.argument("number", metavar="N", type=int)
@click.argument("text")
@pass_app
def add(app: AppContext, card_ref: str, number: int, text: str) -> None:
    """Make TEXT count for you as one more way to say key point N of a card (N as srs card show lists them).

    A wording is checked like a deck's alternative: one phrase (no '|'), at most 80 characters, not only small
    words like "about me"; for an 'avoid:' point it names the thing to avoid, without "don't".

    \b
    Example:
      srs card wording add ask-about-hesitations 2 "taking me on"
    """
    from srs.store.wordings import add_wording
    from srs.wordings import WordingError

    with app.session() as session:
        card, view = _card(session, app.learner_id, card_ref)
        assert card.id is not None
        point = view.key_points[_point_number(view, number)]
        try:
            added = add_wording(session, app.learner_id, card.id, point, text, app.now())
        except WordingError as exc:
            raise SRSClickError(f"{view.ref}, key point {number} ({point.label}): {exc}; nothing was saved") from None
        session.commit()
    if added is None:
        note(f"{view.ref}: you have that wording for key point {number} ({point.label}) already.")
    else:
        note(f"{view.ref}: \"{added.text}\" now counts for key point {number} ({point.label}), for you.")


@wording.command("remove")
@click.argument("card_ref", metavar="ID", shell_complete=complete_card_refs)
@click.argument("number", metavar="[N]", type=int, required=False)
@click.argument("text", metavar="[TEXT]", required=False)
@click.option("--all", "every", is_flag=True, help="Every wording of point N, or of the card without N.")
@click.option("--stale", is_flag=True, help="The wordings whose point the deck has changed since.")
@pass_app
def remove(app: AppContext, card_ref: str, number: int | None, text: str | None, every: bool, stale: bool) -> None:
    """Forget your wording TEXT of key point N of a card (--all: all of point N, or all the card's).

    \b
    Example:
      srs card wording remove ask-about-hesitations 1 "giving you pause"
      srs card wording remove ask-about-hesitations --stale
    """
    from srs.store.wordings import remove_stale_wordings, remove_wording, remove_wordings

    if stale and (number is not None or text is not None or every):
        raise click.UsageError("--stale takes no N, TEXT or --all")
    if not stale and (number is None or text is None) and not every:
        raise click.UsageError("say what to remove: N and TEXT, N --all, --all or --stale")
    if every and text is not None:
        raise click.UsageError("give TEXT or --all, not both")
    with app.session() as session:
        card, view = _card(session, app.learner_id, card_ref)
        assert card.id is not None
        points = [p.text for p in view.key_points]
        point = None if number is None else points[_point_number(view, number)]
        if stale:
            count = remove_stale_wordings(session, app.learner_id, card.id, points)
        elif every:
            count = remove_wordings(session, app.learner_id, card.id, point)
        else:
            assert point is not None and text is not None
            if not remove_wording(session, app.learner_id, card.id, point, text):
                raise SRSClickError(f"{view.ref}: you have no wording {' '.join(text.split())!r} for key point "
                                    f"{number} (see: srs card wording {view.ref})")
            count = 1
        session.commit()
    which = "" if number is None else f" of key point {number}"
    kind = "wording" if not stale else "wording whose point the deck changed"
    note(f"{view.ref}: removed {count} {kind}{'s' if count != 1 else ''}{which}.")
