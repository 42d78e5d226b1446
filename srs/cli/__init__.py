"""The ``srs`` command line. Commands are thin: parse, call one service, print.

The root group is lazy: it knows its commands by name (:data:`COMMANDS`) and imports a command's module only
when that command runs, so ``srs --help`` and shell completion load click and this file, nothing more.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from srs import __version__
from srs.cli.common import AppContext, translate
from srs.cli.completion import complete_learners

# name -> (module in srs.cli, attribute, one-line help). The help lines are the commands' own summaries (the
# first sentence of their docstrings); a test keeps the two equal, so `srs --help` lists the commands without
# importing them.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "card": ("card_cmds", "card", "List cards, show one with your progress on it, suspend or bury cards."),
    "config": ("config_cmds", "config",
               "Show or change your settings: retention, daily limits, steps, day rollover, time zone."),
    "db": ("db_cmds", "db", "Show, upgrade and check the database schema."),
    "deck": ("deck_cmds", "deck", "Check, add, list, show, export and remove decks."),
    "export": ("export_cmds", "export", "Export decks for Anki on your phone, or as text for other tools."),
    "import": ("import_cmds", "import_", "Bring progress made elsewhere back: reviews from Anki or AnkiDroid."),
    "interview": ("interview_cmds", "interview",
                  "Plan for an interview date: set it, list interviews with how ready you are, clear them."),
    "learner": ("learner_cmds", "learner", "Add, list and remove learners (each keeps their own progress)."),
    "optimize": ("config_cmds", "optimize",
                 "Fit FSRS to your review history; adopt the result only if it predicts better."),
    "review": ("review_cmds", "review", "Review today's cards: read the situation, answer aloud, reveal, grade."),
    "stats": ("review_cmds", "stats",
              "Pictures of your progress: due forecast, review calendar, retention, cards by state, time per card."),
    "status": ("review_cmds", "status",
               "Today at a glance: cards left per deck, reviews done, next due, streak, retention."),
}


# The exit status when the reader of our output goes away (`srs card list | head -1`): what a shell reports for
# a Unix tool killed by SIGPIPE (128 + 13), with no message.
PIPE_CLOSED = 141


def _pipe_closed() -> click.exceptions.Exit:
    """Stop quietly: point stdout at /dev/null so that Python's last flush cannot fail again, and exit 141."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real stdout (a test runner's buffer): nothing to redirect
        pass
    return click.exceptions.Exit(PIPE_CLOSED)


class SRSGroup(click.Group):
    """The root group: loads a command's module on first use, and turns domain errors into clean messages and
    exit code 1, never a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = self.commands.get(cmd_name)
        if command is None and cmd_name in COMMANDS:
            module, attribute, _ = COMMANDS[cmd_name]
            command = getattr(importlib.import_module(f"srs.cli.{module}"), attribute)
            self.commands[cmd_name] = command
        return command

    def _short_help(self, name: str, limit: int) -> str:
        if name in self.commands or name not in COMMANDS:
            command = self.get_command(click.get_current_context(), name)
            return command.get_short_help_str(limit) if command is not None else ""
        return click.Command(name, help=COMMANDS[name][2]).get_short_help_str(limit)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        with formatter.section("Commands"):
            formatter.write_dl([(name, self._short_help(name, limit)) for name in names])

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        results: list[Any] = [CompletionItem(name, help=self._short_help(name, 45))
                              for name in self.list_commands(ctx) if name.startswith(incomplete)]
        # Options of the root group (--db, --learner, ...), as click.Command completes them.
        results.extend(click.Command.shell_complete(self, ctx, incomplete))
        return results

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None,
                                                                            list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError:
            # An unknown name: click suggests close ones from self.commands, so load them all (an error path).
            for name in COMMANDS:
                self.get_command(ctx, name)
            return super().resolve_command(ctx, args)

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:  # `srs --help | head -1` writes while parsing
            return super().make_context(info_name, args, parent, **extra)
        except BrokenPipeError:
            raise _pipe_closed() from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            raise _pipe_closed() from None
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
              help="Whose progress to use. Env: SRS_LEARNER.", shell_complete=complete_learners)
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


def main() -> None:
    try:
        cli(prog_name="srs")
    finally:  # output written with sys.stdout.write may still be buffered: flush it while we can say how it ended
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            raise SystemExit(_pipe_closed().exit_code) from None
