"""The ``srs`` command line. Commands are thin: parse, call one service, print."""

from __future__ import annotations

from typing import Any

import click

from srs import __version__
from srs.cli.common import AppContext, translate


class SRSGroup(click.Group):
    """The root group: turns domain errors into clean messages and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - translated or re-raised below
            translated = translate(exc)
            if translated is None:
                raise
            raise translated from None


@click.group(cls=SRSGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="srs")
@click.option("--db", envvar="SRS_DATABASE_URL", metavar="PATH|URL",
              help="Database file or URL (sqlite:///..., postgresql+psycopg://...). "
                   "Default: srs.db in the user data dir. Env: SRS_DATABASE_URL.")
@click.option("--learner", envvar="SRS_LEARNER", default="default", show_default=True, metavar="NAME",
              help="Whose progress to use. Env: SRS_LEARNER.")
@click.pass_context
def cli(ctx: click.Context, db: str | None, learner: str) -> None:
    """Rehearse how to close a job interview, with spaced repetition.

    With no command, shows today's status.

    \b
    Example:
      srs review          # today's cards, one keypress to reveal and grade
    """
    ctx.obj = AppContext(db, learner)
    if ctx.invoked_subcommand is None:
        status = cli.get_command(ctx, "status")
        if status is not None:
            ctx.invoke(status)
        else:
            deck_list = cli.get_command(ctx, "deck").get_command(ctx, "list")  # type: ignore[union-attr]
            ctx.invoke(deck_list)


def _register() -> None:
    from srs.cli import (card_cmds, config_cmds, db_cmds, deck_cmds, export_cmds, learner_cmds,
                         review_cmds)

    for command in (review_cmds.review, review_cmds.status, review_cmds.stats, deck_cmds.deck, card_cmds.card,
                    export_cmds.export, config_cmds.config, config_cmds.optimize, learner_cmds.learner,
                    db_cmds.db):
        cli.add_command(command)
    from srs.cli.import_cmds import import_
    cli.add_command(import_)


_register()


def main() -> None:
    cli(prog_name="srs")
