"""``srs import``: bring progress made in Anki (phone or desktop) back into the terminal."""

from __future__ import annotations

from typing import Any

import click

from srs.cli.common import AppContext, SRSClickError, echo_json, note, pass_app

MiB = 1 << 20
DEFAULT_MAX_SIZE = 256 * MiB
_UNITS = {"": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "m": MiB, "mb": MiB, "mib": MiB,
          "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30}


class FieldMapping(click.ParamType):  # type: ignore[type-arg]  # generic in click 8.2+, not in 8.1
    """``Front=situation,Back=response``: Anki field names to situation, response and reasoning."""

    name = "MAPPING"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dict[str, str]:
        if isinstance(value, dict):
            return value
        from srs.anki_notes import parse_mapping

        try:
            return parse_mapping(str(value))
        except ValueError as exc:
            self.fail(f"{value!r}: {exc}", param, ctx)


class ByteSize(click.ParamType):  # type: ignore[type-arg]  # generic in click 8.2+, not in 8.1
    """A size in bytes, or with a binary unit: ``512MiB``, ``1G``, ``300M``."""

    name = "SIZE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().lower().replace(" ", "")
        digits = text.rstrip("abcdefghijklmnopqrstuvwxyz")
        unit = text[len(digits):]
        try:
            size = int(float(digits) * _UNITS[unit])
        except (ValueError, KeyError):
            self.fail(f"{value!r} is not a size such as 512MiB, 1GiB or 300M", param, ctx)
        if not MiB <= size <= 64 << 30:
            self.fail(f"{value!r} is out of range (1MiB to 64GiB)", param, ctx)
        return size


@click.group("import")
def import_() -> None:
    """Bring progress made elsewhere back: reviews from Anki or AnkiDroid.

    \b
    Example:
      srs import anki ~/Downloads/collection.colpkg --dry-run
    """


@import_.command("anki")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("--dry-run", is_flag=True, help="Show what would change and write nothing.")
@click.option("--map", "mapping", type=FieldMapping(), metavar="MAPPING",
              help="How other notes' fields become cards, e.g. 'Front=situation,Back=response' "
                   "(default: fields named Situation, Response, Reasoning).")
@click.option("--deck-id", metavar="ID", help="Deck id for other notes (default: anki-FILE-NAME).")
@click.option("--max-size", type=ByteSize(), default=DEFAULT_MAX_SIZE, metavar="SIZE",
              help="Refuse a collection that unpacks to more than SIZE (default 256MiB; e.g. 1GiB).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_app
def anki(app: AppContext, file: str, dry_run: bool, mapping: dict[str, str] | None, deck_id: str | None,
         max_size: int, as_json: bool) -> None:
    """Merge an Anki package's reviews into yours and import its other notes as a deck.

    Reads .apkg and .colpkg files from current Anki and AnkiDroid and older versions. Reviews of cards that came
    from `srs export anki` are merged once, however often the file is imported, and each card's schedule is
    recomputed from the merged history. Notes of other note types become a new deck when their fields map to
    situation and response. One transaction: an error writes nothing. A package is untrusted: it is read in
    memory, within --max-size, and rows no Anki could write are skipped and listed.

    \b
    Example:
      srs import anki phone.apkg --map 'Front=situation,Back=response'
    """
    from exporters.anki_reader import Limits, TooLarge, read_package
    from srs.store.anki_merge import merge_anki
    from srs.safetext import clean

    try:
        package = read_package(file, Limits.for_collection(max_size))
    except TooLarge as exc:
        raise SRSClickError(f"{exc}; if it is a real collection, raise the limit with --max-size") from None
    now = app.now()
    with app.session() as session:
        summary = merge_anki(session, app.learner_id, package, now, mapping=mapping, deck_id=deck_id)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    summary.skipped[:0] = package.skipped  # rows the reader left out, listed first as the merge's own skips are
    if as_json:
        echo_json(summary.as_dict() | {"dry_run": dry_run})
    else:
        for line in summary.lines():  # names and text from the package: never a control sequence
            click.echo(clean(line).replace("\n", " "))
    note("Dry run: nothing was written." if dry_run else "Done.")
