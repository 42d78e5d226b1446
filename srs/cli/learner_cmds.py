"""``srs learner``: add, list and remove learners sharing one database."""

from __future__ import annotations

import click

from srs.cli.common import AppContext, confirm_or_refuse, echo_json, note, pass_app
from srs.cli.completion import complete_learners


@click.group()
def learner() -> None:
    """Add, list and remove learners (each keeps their own progress).

    \b
    Example:
      srs learner add maya && srs --learner maya review
    """


@learner.command("add")
@click.argument("name")
@pass_app
def add(app: AppContext, name: str) -> None:
    """Add a learner.

    \b
    Example:
      srs learner add maya
    """
    from srs.store.learners import add_learner

    with app.session() as session:
        add_learner(session, name, app.now())
        session.commit()
    note(f"Added learner {name!r} (use: srs --learner {name} ... or SRS_LEARNER={name})")


@learner.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def list_(app: AppContext, as_json: bool) -> None:
    """List learners and their number of reviews.

    \b
    Example:
      srs learner list
    """
    from srs.store.learners import list_learners

    with app.session() as session:
        rows = list_learners(session)
    if as_json:
        echo_json([{"name": n, "reviews": c} for n, c in rows])
        return
    for name, count in rows:
        click.echo(f"{name}\t{count} reviews")


@learner.command("remove")
@click.argument("name", shell_complete=complete_learners)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def remove(app: AppContext, name: str, yes: bool) -> None:
    """Remove a learner with all their progress and history.

    Their settings, typed answers (srs review --type), own wording of cards (edits, personal lines) and wordings
    of key points (srs card wording) go too.

    \b
    Example:
      srs learner remove maya --yes
    """
    from srs.store.learners import remove_learner

    confirm_or_refuse(f"Remove learner {name!r} with all their progress, typed answers, own lines and wordings?", yes)
    with app.session() as session:
        remove_learner(session, name)
        session.commit()
    note(f"Removed learner {name!r}")
