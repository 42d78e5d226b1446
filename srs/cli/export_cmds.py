"""``srs export``: decks for Anki (``.apkg``) and for other tools (Anki's tab-separated text format)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

import click

from srs.cli.common import AppContext, SRSClickError, note, pass_app
from srs.cli.completion import complete_deck_ids
from srs.cli.paths import OutputFile, cannot_write

PROGRESS_BAR_MIN_CARDS = 1000


class Timestamp(click.ParamType):  # type: ignore[type-arg]  # generic in click 8.2+, not in 8.1
    """Seconds since the epoch (``1767225600``) or an ISO 8601 time (``2026-01-01T00:00:00+00:00``)."""

    name = "TIMESTAMP"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, (int, float)):
            return float(value)
        text = str(value).strip()
        try:
            number = float(text)
        except ValueError:
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                self.fail(f"{value!r} is neither seconds since 1970 nor an ISO 8601 time", param, ctx)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
            number = moment.timestamp()
        if not 0 <= number < 32503680000:  # before the year 3000
            self.fail(f"{value!r} is out of range", param, ctx)
        return number


def _default_path(deck_ids: tuple[str, ...], suffix: str) -> str:
    """``interview-closing.apkg`` for one deck, ``srs-decks.apkg`` for several or all."""
    unique = list(dict.fromkeys(deck_ids))
    return f"{unique[0]}{suffix}" if len(unique) == 1 else f"srs-decks{suffix}"


@contextmanager
def _progress(cards: int, label: str) -> Iterator[Callable[[], None] | None]:
    """A progress bar on stderr for big exports, on a terminal only; otherwise nothing.

    The bar takes two steps per card: the exporter reports each card when it is read and again when written.
    """
    if cards < PROGRESS_BAR_MIN_CARDS or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=2 * cards, label=label, file=sys.stderr) as bar:
        yield lambda: bar.update(1)


@click.group()
def export() -> None:
    """Export decks for Anki on your phone, or as text for other tools.

    \b
    Example:
      srs export anki --deck interview-closing
    """


@export.command("anki")
@click.option("--deck", "deck_ids", multiple=True, metavar="ID", help="Deck to export (repeatable). Default: all.",
              shell_complete=complete_deck_ids)
@click.option("-o", "--output", type=OutputFile(), metavar="FILE",
              help="Where to write. Default: DECK-ID.apkg (one deck) or srs-decks.apkg.")
@click.option("--with-progress", is_flag=True,
              help="Include your scheduling and review history (kept by Anki for cards it does not have yet).")
@click.option("--timestamp", type=Timestamp(), envvar="SRS_EXPORT_TIMESTAMP",
              help="Export time (epoch seconds or ISO 8601); fixes the bytes for the same data. "
                   "Env: SRS_EXPORT_TIMESTAMP.")
@pass_app
def anki(app: AppContext, deck_ids: tuple[str, ...], output: str | None, with_progress: bool,
         timestamp: float | None) -> None:
    """Write an Anki package (.apkg) for Anki, AnkiDroid or AnkiMobile.

    Re-importing a newer export updates the notes you have instead of duplicating them; notes you edited in
    Anki are kept unless the card changed here since. Cards a deck update retired come along suspended and
    tagged 'retired': in Anki, search tag:retired to delete them.

    \b
    Example:
      srs export anki --deck interview-closing --with-progress -o ~/closing.apkg
    """
    from exporters.anki import write_apkg
    from srs.store.export import count_cards, decks_for_export, histories_for_export
    from srs.store.interviews import upcoming_interviews
    from srs.store.settings import load_settings

    path = output or _default_path(deck_ids, ".apkg")
    when = app.now().timestamp() if timestamp is None else timestamp
    with app.session() as session:
        total = count_cards(session, deck_ids, include_retired=True)
        with _progress(total, "Exporting") as on_card:
            exported = decks_for_export(session, app.learner_id, deck_ids or None, on_card=on_card,
                                        include_retired=True)
            pks = [card.pk for deck in exported for card in deck.cards]
            histories = histories_for_export(session, app.learner_id, pks) if with_progress else None
            settings = load_settings(session, app.learner_id) if with_progress else None
            interviews = upcoming_interviews(session, app.learner_id, app.now())
            try:
                result = write_apkg(exported, path, when, histories=histories, settings=settings, on_note=on_card)
            except OSError as exc:  # it names the temporary file the package is written to first
                raise SRSClickError(cannot_write(path, exc)) from None
    decks = f"{result.decks} deck" + ("" if result.decks == 1 else "s")
    retired = f", {result.retired} of them retired (suspended, tagged 'retired')" if result.retired else ""
    note(f"Wrote {result.path}: {result.notes} notes{retired} in {decks} ({result.size:,} bytes)")
    if with_progress:
        note(f"With progress: {result.cards_with_progress} cards scheduled, {result.reviews} reviews; in Anki, "
             "tick \"Import any learning progress\" (kept only for cards Anki does not have yet)")
    if interviews:
        note("Your interview date is not in the package: Anki will schedule these cards by its own rules")


@export.command("csv")
@click.option("--deck", "deck_ids", multiple=True, metavar="ID", help="Deck to export (repeatable). Default: all.",
              shell_complete=complete_deck_ids)
@click.option("-o", "--output", type=OutputFile(allow_dash=True), metavar="FILE",
              help="Where to write ('-' for stdout). Default: DECK-ID.txt (one deck) or srs-decks.txt.")
@pass_app
def csv(app: AppContext, deck_ids: tuple[str, ...], output: str | None) -> None:
    """Write Anki's tab-separated text format, with its header lines, for Anki or any other tool.

    \b
    Example:
      srs export csv --deck interview-closing -o closing.txt
    """
    import io

    from exporters.csv_export import write_csv
    from srs.store.export import decks_for_export

    path = output or _default_path(deck_ids, ".txt")
    text = io.StringIO()
    with app.session() as session:
        decks = decks_for_export(session, app.learner_id, deck_ids or None)
    count = write_csv(decks, text)
    if path == "-":
        sys.stdout.write(text.getvalue())
        return
    try:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text.getvalue())
    except OSError as exc:
        raise SRSClickError(cannot_write(path, exc)) from None
    note(f"Wrote {path}: {count} notes")
