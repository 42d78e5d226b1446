"""``srs card suspend | unsuspend | bury | unbury``: take cards out of review, or bring them back, several at once.

Each command takes card refs and/or ``--deck``/``--tag`` to select many, changes all of them in one transaction
(an unknown ref or deck changes nothing), and says what it did: per card for a few, as a count for many.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click

from srs.cli.common import AppContext, SRSClickError, note, pass_app
from srs.cli.completion import complete_card_refs, complete_deck_ids, complete_tags

# Up to this many cards, each gets its own line; more are summed up in one.
PER_CARD_LINES = 10


@dataclass(frozen=True)
class _Action:
    """One of the four commands: what it does, and how it reports a card it changed or one already so."""

    name: str
    summary: str
    example: str
    done: str  # "Suspended"
    already: str  # "was already suspended"
    already_many: str  # "already were"


_ACTIONS = (
    _Action("suspend", "Suspend cards: they are not shown in review until you unsuspend them.",
            "srs card suspend ask-about-hesitations handshake-smile-leave",
            "Suspended", "was already suspended", "already were"),
    _Action("unsuspend", "Unsuspend cards: they come up in review again when due.",
            "srs card unsuspend --deck interview-closing",
            "Unsuspended", "was not suspended", "were not suspended"),
    _Action("bury", "Bury cards until your next day starts (at the rollover hour, in your time zone).",
            "srs card bury --deck interview-closing --tag story",
            "Buried", "was already buried", "already were"),
    _Action("unbury", "Unbury cards: they can come up again today.",
            "srs card unbury ask-about-hesitations",
            "Unburied", "was not buried", "were not buried"),
)


def _apply(app: AppContext, action: _Action, refs: tuple[str, ...], deck_ids: tuple[str, ...],
           tags: tuple[str, ...]) -> None:
    """Select the cards, change them all in one transaction, and say what changed."""
    from srs.errors import NotFoundError
    from srs.store.cards import select_cards
    from srs.store.card_flags import set_buried, set_suspended
    from srs.store.settings import load_settings

    if not (refs or deck_ids or tags):
        raise click.UsageError(f"name the cards to {action.name} (REF...), or select them with --deck or --tag")
    now = app.now()
    until = tz = None
    with app.session() as session:
        try:
            selected = select_cards(session, refs, deck_ids, tags)
        except NotFoundError as exc:
            raise SRSClickError(f"{exc}\nnothing was changed") from None
        pks = [card.pk for card in selected]
        if action.name in ("suspend", "unsuspend"):
            changed = set(set_suspended(session, app.learner_id, pks, action.name == "suspend", now))
        else:
            settings = load_settings(session, app.learner_id)
            tz = settings.timezone
            done, until = set_buried(session, app.learner_id, pks, action.name == "bury", now, settings)
            changed = set(done)
        session.commit()
    suffix = ""
    if until is not None and tz is not None and action.name == "bury":
        from srs.cli.times import clock_time, zone_is_obvious

        suffix = f" until {clock_time(until, now, tz, not zone_is_obvious(tz))}"
    if not selected:
        note(f"No cards to {action.name}: the selection holds only retired cards.")
    elif len(selected) <= PER_CARD_LINES:
        for card in selected:
            note(f"{action.done} {card.ref}{suffix}." if card.pk in changed else f"{card.ref} {action.already}.")
    else:
        rest = len(selected) - len(changed)
        others = f"; {rest} {action.already_many}" if rest else ""
        note(f"{action.done} {len(changed)} card{'' if len(changed) == 1 else 's'}{suffix}{others}.")


def _command(action: _Action) -> click.Command:
    """The click command for ``action``, with the options all four share."""

    def run(app: AppContext, refs: tuple[str, ...], deck_ids: tuple[str, ...], tags: tuple[str, ...]) -> None:
        _apply(app, action, refs, deck_ids, tags)

    run.__doc__ = (f"{action.summary}\n\nREF is CARD-ID, or DECK-ID/CARD-ID when several decks use the same card "
                   f"id. --deck and --tag add every active card of those decks that has one of those tags.\n\n"
                   f"\b\nExample:\n  {action.example}\n")
    decorators: list[Callable[[Any], Any]] = [
        click.command(action.name),
        click.argument("refs", nargs=-1, metavar="REF...", shell_complete=complete_card_refs),
        click.option("--deck", "deck_ids", multiple=True, metavar="ID",
                     help="Every active card of this deck (repeatable).", shell_complete=complete_deck_ids),
        click.option("--tag", "tags", multiple=True, metavar="TAG",
                     help="Only cards with this tag (repeatable: any of them); with --deck, in those decks.",
                     shell_complete=complete_tags),
        pass_app,
    ]
    command: Any = run
    for decorate in reversed(decorators):
        command = decorate(command)
    assert isinstance(command, click.Command)
    return command


STATE_COMMANDS: tuple[click.Command, ...] = tuple(_command(action) for action in _ACTIONS)
