"""``srs deck``: check, add, list, show, export and remove deck files."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from srs.cli.common import AppContext, SRSClickError, confirm_or_refuse, echo_json, note, pass_app
from srs.cli.completion import complete_deck_ids
from srs.cli.paths import OutputFile

if TYPE_CHECKING:
    from srs.keypoints import KeyPoint


def _cards(count: int) -> str:
    return f"{count} card{'s' if count != 1 else ''}"


def _own_response_check(response: str, key_points: Sequence[KeyPoint]) -> list[str]:
    """The answer matcher on a card's own response: one line per key point it misses (``deck check`` and
    ``deck add`` refuse such a card: it would fail the learner who says exactly the deck's line)."""
    from srs.matcher import missing_points

    return [f"misses key point {label!r}" for label in missing_points(response, key_points)]


@click.group()
def deck() -> None:
    """Check, add, list, show, export and remove decks.

    \b
    Example:
      srs deck check my-deck.toml && srs deck add my-deck.toml
    """


@deck.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str))
def check(files: tuple[str, ...]) -> None:
    """Validate deck files; list every problem with file, line and field.

    Each card's own response must hit all its key points (the same matcher as ``srs card check-answer``).
    Exit status 1 if any file is invalid. Warnings (e.g. a card without key points) go to stderr and do not
    change the exit status. Touches no database.

    \b
    Example:
      srs deck check decks/*.toml
    """
    from srs.deckfile import check_deck_file
    from srs.safetext import clean
    from srs.errors import DeckFileError

    bad = 0
    for path in files:
        try:
            report = check_deck_file(path, response_check=_own_response_check)
        except DeckFileError as exc:
            bad += 1
            for problem in exc.problems:
                click.echo(clean(problem), err=True)  # problems quote the file: no control sequences
            continue
        for warning in report.warnings:
            click.echo(clean(warning), err=True)
        spec = report.spec
        click.echo(f"{clean(path)}: ok (deck {spec.id!r} version {spec.version}, {_cards(len(spec.cards))})")
    if bad:
        raise SRSClickError(f"{bad} of {len(files)} file{'s' if len(files) != 1 else ''} "
                            f"{'is' if bad == 1 else 'are'} invalid")


@deck.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@pass_app
def add(app: AppContext, files: tuple[str, ...]) -> None:
    """Import deck files, or update decks already imported (progress is kept).

    Cards are matched by deck id and card id: an edited card keeps its progress; a card no longer in the file
    is retired (its history stays). All files are validated first, as ``srs deck check`` does; nothing is
    written if any is invalid.

    \b
    Example:
      srs deck add shared/negotiation.toml
    """
    from srs.store.deck_import import add_deck, forget_removal
    from srs.deckfile import check_deck_file
    from srs.errors import DeckFileError

    specs, problems = [], []
    for path in files:
        try:
            specs.append(check_deck_file(path, response_check=_own_response_check).spec)
        except DeckFileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SRSClickError("\n".join(problems + ["nothing was imported"]))
    now = app.now()
    # One transaction for all the files: committed at the end; an error on the way rolls all of it back. The
    # decks are written in id order, so two adds of the same files at once wait for each other rather than deadlock.
    with app.connection() as conn:
        results = {}
        for index, spec in sorted(enumerate(specs), key=lambda item: item[1].id):
            forget_removal(conn, spec.id)
            results[index] = add_deck(conn, spec, now)
        conn.commit()
    for r in (results[index] for index in range(len(specs))):
        if not r.changed:
            note(f"Deck {r.deck_id!r}: unchanged ({_cards(r.unchanged)}).")
            continue
        verb = "added" if r.created else "updated"
        note(f"Deck {r.deck_id!r} {verb}: {r.added} new, {r.updated} changed, {r.retired} retired, "
             f"{r.restored} restored, {r.unchanged} unchanged.")


@deck.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def list_(app: AppContext, as_json: bool) -> None:
    """List decks: id, name, version and number of cards.

    \b
    Example:
      srs deck list --json
    """
    from srs.store.decks import list_decks

    with app.session() as session:
        decks = list_decks(session)
    if as_json:
        echo_json([{"id": d.id, "name": d.name, "version": d.version, "cards": d.cards, "retired": d.retired,
                    "license": d.license} for d in decks])
        return
    if not decks:
        note("No decks (add one with: srs deck add FILE).")
        return
    from srs.safetext import clean

    width = max(len(d.id) for d in decks)
    for d in decks:
        click.echo(f"{d.id:<{width}}  {d.version:>8}  {d.cards:>6} card{'s' if d.cards != 1 else ' '}  {clean(d.name)}")


@deck.command("show")
@click.argument("deck_id", shell_complete=complete_deck_ids)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def show(app: AppContext, deck_id: str, as_json: bool) -> None:
    """Show a deck's description, licence, credits, sources and cards.

    \b
    Example:
      srs deck show interview-closing
    """
    from dataclasses import asdict

    from srs.store.decks import deck_spec
    from srs.safetext import clean

    with app.session() as session:
        spec = deck_spec(session, deck_id)
    if as_json:
        data = asdict(spec)
        data["cards"] = [c["id"] for c in data["cards"]]
        echo_json(data)
        return
    # Deck files are validated on the way in; a shared database may still hold text from elsewhere.
    click.echo(clean(f"{spec.name} ({spec.id}, version {spec.version})"))
    if spec.description:
        click.echo(clean(spec.description))
    if spec.license:
        click.echo(clean(f"Licence: {spec.license}"))
    if spec.credits:
        click.echo(clean(f"Credits: {spec.credits.strip()}"))
    if spec.sources:
        click.echo("Sources:")
        for s in spec.sources:
            by = f", {s.author}" if s.author else ""
            when = f", {s.date}" if s.date else ""
            click.echo(clean(f"  [{s.id}] {s.title}{by}{when}{' <' + s.url + '>' if s.url else ''}"))
    click.echo(f"Cards: {len(spec.cards)}")
    for c in spec.cards:
        click.echo(f"  {c.id}")


@deck.command("export")
@click.argument("deck_id", shell_complete=complete_deck_ids)
@click.option("-o", "--output", required=True, type=OutputFile(allow_dash=True),
              help="File to write ('-' for stdout).")
@pass_app
def export(app: AppContext, deck_id: str, output: str) -> None:
    """Write a deck back to a deck file (TOML) that `srs deck add` reads unchanged.

    \b
    Example:
      srs deck export interview-closing -o closing.toml
    """
    from exporters.deck_toml import dump_deck
    from srs.store.decks import deck_spec

    with app.session() as session:
        spec = deck_spec(session, deck_id)
    text = dump_deck(spec)
    if output == "-":
        sys.stdout.write(text)
        return
    with open(output, "w", encoding="utf-8") as fh:
        fh.write(text)
    note(f"Wrote {output} ({_cards(len(spec.cards))}).")


@deck.command("remove")
@click.argument("deck_id", shell_complete=complete_deck_ids)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def remove(app: AppContext, deck_id: str, yes: bool) -> None:
    """Remove a deck with its cards and every learner's progress on them.

    \b
    Example:
      srs deck remove old-deck --yes
    """
    from srs.store.decks import get_deck, remove_deck

    with app.session() as session:
        name = get_deck(session, deck_id).name
        confirm_or_refuse(f"Remove deck {name!r} ({deck_id}) and all progress on it?", yes)
        count = remove_deck(session, deck_id)
        session.commit()
    note(f"Removed deck {deck_id!r} ({_cards(count)}).")
