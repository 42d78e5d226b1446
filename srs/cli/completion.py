"""Shell completion of values: deck ids, card refs, tags, setting names and learner names.

Each function here is a click ``shell_complete`` callback, attached to the options and arguments that take such
a value. Command names are completed by the root group from its table alone (:mod:`srs.cli`); only completing a
value loads more, and only what that value needs: a setting name reads the settings table in the code, a deck,
card, tag or learner name opens the database, if there is one (:mod:`srs.store.names`), and never creates, upgrades or
writes it. Completion must never print an error into the shell's command line, so a database that cannot be
read completes nothing.

This module imports only click and the standard library at load time: every command module imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem
    from sqlmodel import Session

__all__ = ["complete_card_refs", "complete_deck_ids", "complete_learners", "complete_setting_names", "complete_tags"]

T = TypeVar("T")
HELP_WIDTH = 60  # characters of a deck's name or a card's situation shown beside it (zsh, fish)


def _one_line(text: str) -> str:
    """Text from a deck file as one short line, without control characters (a shell shows it as it is)."""
    from srs.safetext import plain

    line = " ".join(plain(text).split())
    return line if len(line) <= HELP_WIDTH else line[:HELP_WIDTH - 1] + "…"


def _read(ctx: click.Context, fetch: Callable[["Session"], list[T]]) -> list[T]:
    """``fetch`` run on the database the command line points at (``--db``, ``SRS_DATABASE_URL`` or the default
    file); nothing when there is no database yet, or it cannot be read."""
    db = ctx.find_root().params.get("db")
    try:
        from sqlmodel import Session

        from srs.store.names import open_existing

        engine = open_existing(db)
        if engine is None:
            return []
        try:
            with Session(engine) as session:
                return fetch(session)
        finally:
            engine.dispose()
    except Exception:  # noqa: BLE001 - any failure (locked, not a database, no server) must stay out of the shell
        return []


def _item(value: str, help_text: str = "") -> "CompletionItem":
    from click.shell_completion import CompletionItem

    return CompletionItem(value, help=_one_line(help_text) or None)


def complete_deck_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list["CompletionItem"]:
    """Deck ids starting with ``incomplete``, each with its deck's name."""
    from srs.store.names import deck_names

    return [_item(deck_id, name) for deck_id, name in sorted(_read(ctx, deck_names))
            if deck_id.startswith(incomplete)]


def complete_card_refs(ctx: click.Context, param: click.Parameter, incomplete: str) -> list["CompletionItem"]:
    """Card refs starting with ``incomplete``, each with its situation: ``CARD-ID`` when only one deck has that
    id, ``DECK-ID/CARD-ID`` when several do, or when what was typed so far names a deck."""
    from srs.store.names import card_names

    cards = _read(ctx, card_names)
    decks_of: dict[str, int] = {}
    for card in cards:
        decks_of[card.card_id] = decks_of.get(card.card_id, 0) + 1
    found = []
    for card in cards:
        full = f"{card.deck_id}/{card.card_id}"
        if "/" not in incomplete and card.card_id.startswith(incomplete):
            found.append(_item(full if decks_of[card.card_id] > 1 else card.card_id, card.situation))
        elif incomplete and full.startswith(incomplete):
            found.append(_item(full, card.situation))
    return found


def complete_tags(ctx: click.Context, param: click.Parameter, incomplete: str) -> list["CompletionItem"]:
    """Tags of active cards starting with ``incomplete``."""
    from srs.store.names import tag_names

    return [_item(tag) for tag in _read(ctx, tag_names) if tag.startswith(incomplete)]


def complete_setting_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list["CompletionItem"]:
    """Setting names starting with ``incomplete`` (``-`` read as ``_``, as ``srs config`` reads it), each with
    what it does."""
    from srs.scheduling.settings import SETTINGS

    wanted = incomplete.lower().replace("-", "_")
    return [_item(key, spec.help) for key, spec in SETTINGS.items() if key.startswith(wanted)]


def complete_learners(ctx: click.Context, param: click.Parameter, incomplete: str) -> list["CompletionItem"]:
    """Learner names starting with ``incomplete``."""
    from srs.store.names import learner_names

    return [_item(name) for name in _read(ctx, learner_names) if name.startswith(incomplete)]
