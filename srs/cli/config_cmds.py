"""``srs config`` (list, get, set a learner's settings) and ``srs optimize`` (fit FSRS to the review log)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from srs.cli.common import AppContext, echo_json, note, pass_app
from srs.cli.completion import complete_setting_names

if TYPE_CHECKING:
    from srs.store.settings import SettingInfo


@click.group()
def config() -> None:
    """Show or change your settings: retention, daily limits, steps, day rollover, time zone.

    \b
    Example:
      srs config set desired_retention 0.85
    """


@config.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def list_(app: AppContext, as_json: bool) -> None:
    """List every setting with its value; * marks your own values, with the default beside them.

    \b
    Example:
      srs config list
    """
    from srs.store.settings import list_settings

    with app.connection() as conn:
        rows = list_settings(conn, app.learner_id)
    if as_json:
        echo_json([row.as_dict() for row in rows])
        return
    width = max(len(row.key) for row in rows)
    for row in rows:
        mark, default = (" ", "") if row.is_default else ("*", f"  (default: {row.default})")
        click.echo(f"{row.key:<{width}} {mark} {row.value}{default}")
    if not all(row.is_default for row in rows):
        note("* Your own value. `srs config set KEY default` goes back to the default.")
    _note_detected_zone(rows)


@config.command("get")
@click.argument("key", shell_complete=complete_setting_names)
@pass_app
def get(app: AppContext, key: str) -> None:
    """Print one setting's value.

    \b
    Example:
      srs config get learning_steps
    """
    from srs.store.settings import get_setting

    with app.connection() as conn:
        info = get_setting(conn, app.learner_id, key)
    click.echo(info.value)
    _note_detected_zone([info])


def _note_detected_zone(rows: "list[SettingInfo]") -> None:
    """When the time zone is this machine's and it could not be told cleanly, say so (on stderr)."""
    from srs.scheduling.settings import detect_timezone

    if any(row.key == "timezone" and row.is_default for row in rows):
        problem = detect_timezone()[1]
        if problem:
            note(problem)


@config.command("set")
@click.argument("key", shell_complete=complete_setting_names)
@click.argument("value")
@pass_app
def set_(app: AppContext, key: str, value: str) -> None:
    """Change a setting; VALUE 'default' goes back to the default.

    \b
    Keys and allowed values:
      desired_retention    0.70-0.99
      new_per_day          0-9999
      reviews_per_day      0-99999
      learning_steps       e.g. "1m 10m" (units s m h d), or none
      relearning_steps     e.g. "10m"
      rollover_hour        0-23
      timezone             IANA name, e.g. Europe/Berlin
      maximum_interval     1-36500 (days)
      leech_threshold      1-9999 (lapses)
      learn_ahead_minutes  0-1440
      fsrs_parameters      set by `srs optimize`, or default
      interview_retention  0.80-0.99 (recall at an interview that counts as ready)

    \b
    Example:
      srs config set learning_steps "1m 10m 1h"
    """
    from srs.store.settings import set_setting

    with app.connection() as conn:
        info = set_setting(conn, app.learner_id, key, value)
        conn.commit()
    note(f"{info.key} = {info.value}")


@click.command()
@click.option("--dry-run", is_flag=True, help="Fit and compare, but keep the current parameters.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def optimize(app: AppContext, dry_run: bool, as_json: bool) -> None:
    """Fit FSRS to your review history; adopt the result only if it predicts better.

    Compares log loss and RMSE (bins) of the default and the fitted parameters on your latest reviews, held
    out from the fitting.

    \b
    Example:
      srs optimize --dry-run
    """
    from srs.store.settings import optimize_learner

    with app.connection() as conn:
        result = optimize_learner(conn, app.learner_id, app.now(), dry_run=dry_run)
        conn.commit()
    if as_json:
        echo_json(result.as_dict() | {"adopted": result.improved and not dry_run})
        return
    if result.needed:
        click.echo(
            f"Not enough history yet: {result.usable} usable reviews of {result.reviews}; "
            f"optimizing needs {result.needed} more (reviews on a later day than the card's previous one)."
        )
        return
    assert result.default is not None and result.fitted is not None and result.baseline is not None
    click.echo(f"Reviews: {result.reviews} ({result.usable} usable) of {result.cards} cards")
    click.echo("Held-out reviews      log loss   RMSE (bins)")
    click.echo(f"  default parameters  {result.default.log_loss:8.4f}   {result.default.rmse_bins:8.4f}")
    if result.baseline != result.default:
        click.echo(f"  current parameters  {result.baseline.log_loss:8.4f}   {result.baseline.rmse_bins:8.4f}")
    click.echo(f"  fitted parameters   {result.fitted.log_loss:8.4f}   {result.fitted.rmse_bins:8.4f}")
    if not result.improved:
        note("The fitted parameters are no better; keeping the current ones.")
    elif dry_run:
        note("The fitted parameters are better (dry run: not adopted).")
    else:
        note("Adopted the fitted parameters (see: srs config get fsrs_parameters).")
