"""``srs interview``: set, list and clear the interviews the queue plans toward."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import click

from srs.cli.common import AppContext, SRSClickError, echo_json, note, pass_app

if TYPE_CHECKING:
    from srs.store.interviews import InterviewReadiness, InterviewRecord

# An interview further ahead than this is refused: plain scheduling prepares for it as well, and the plan
# reasons day by day up to the interview.
MAX_DAYS_AHEAD = 366
EXAMPLE_TIME = '"2026-12-04 10:00"'


class LocalTime(click.ParamType):  # type: ignore[type-arg]  # generic in click 8.2+, not in 8.1
    """A date and time as the learner's clock reads it: ``2026-12-04 10:00`` (``T`` instead of the space, and
    seconds, are fine; an offset such as ``+01:00`` makes it an exact instant)."""

    name = "WHEN"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        shown = repr(text) if len(text) <= 40 and text.isprintable() else "that"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            self.fail(f"{shown} is not a date and time; write it as YYYY-MM-DD HH:MM, e.g. {EXAMPLE_TIME}",
                      param, ctx)
        if ":" not in text:
            self.fail(f"{shown} has no time of day; give the date and the time, e.g. {EXAMPLE_TIME}", param, ctx)
        return moment


def to_utc(moment: datetime, tz: str) -> datetime:
    """``moment`` as UTC: a time without an offset is read in zone ``tz``.

    Raises:
        SRSClickError: the local time does not exist there (the clocks skip it).
    """
    from srs.scheduling.days import zone

    if moment.tzinfo is not None:
        return moment.astimezone(timezone.utc)
    local = moment.replace(tzinfo=zone(tz))  # a repeated time (clocks going back) is its first occurrence
    exact = local.astimezone(timezone.utc)
    if exact.astimezone(zone(tz)).replace(tzinfo=None) != moment:
        raise SRSClickError(f"{moment:%Y-%m-%d %H:%M} does not exist in {tz}: the clocks skip it (a change to "
                            "summer time); give a time just after the change")
    return exact


def _when(at: datetime, now: datetime, tz: str) -> str:
    from srs.cli.status_view import interview_when
    from srs.cli.times import zone_is_obvious

    return interview_when(at, now, tz, label=not zone_is_obvious(tz))


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def interview(ctx: click.Context, as_json: bool) -> None:
    """Plan for an interview date: set it, list interviews with how ready you are, clear them.

    Until an interview, `srs review` introduces and reviews its decks' cards so that each one's predicted recall
    at the interview reaches interview_retention (default 95%), with as few reviews as it can. With no command,
    lists your interviews.

    \b
    Example:
      srs interview set "2026-12-04 10:00" --deck interview-closing
      srs interview
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_, as_json=as_json)


@interview.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def list_(app: AppContext, as_json: bool) -> None:
    """List your interviews, with how many cards are ready for each one ahead.

    \b
    Example:
      srs interview list --json
    """
    from srs.store.interviews import interview_readiness, list_interviews
    from srs.store.settings import load_settings

    now = app.now()
    with app.session() as session:
        settings = load_settings(session, app.learner_id)
        every = list_interviews(session, app.learner_id)
        ready = {found.interview.id: found for found in interview_readiness(session, app.learner_id, now, settings)}
    if as_json:
        echo_json([_as_dict(record, ready.get(record.id)) for record in every])
        return
    if not every:
        note(f"No interviews. Set one with: srs interview set {EXAMPLE_TIME}")
        return
    for record in every:
        click.echo(_line(record, ready.get(record.id), now, settings.timezone))


def _as_dict(record: "InterviewRecord", found: "InterviewReadiness | None") -> dict[str, Any]:
    data: dict[str, Any] = {"id": record.id, "at": record.at.isoformat(), "deck": record.deck_id,
                            "past": found is None}
    if found is not None:
        r = found.readiness
        data.update(cards=r.cards, ready=r.ready, predicted_recall_mean=round(r.predicted_recall_mean, 4),
                    predicted_recall_min=round(r.predicted_recall_min, 4), target=found.target)
    return data


def _line(record: "InterviewRecord", found: "InterviewReadiness | None", now: datetime, tz: str) -> str:
    """``2  Fri 4 Dec 10:00, in 5 days  interview-closing  18 of 28 cards ready (>= 95%; mean 93%, lowest 41%)``"""
    from srs.cli.render import clean_line
    from srs.cli.status_view import percent

    deck = "every deck" if record.deck_id is None else clean_line(record.deck_id, 40)
    if found is None:
        from srs.cli.times import local_time

        return f"{record.id}\t{local_time(record.at, tz)}, past\t{deck}"
    r = found.readiness
    recall = f"; mean {percent(r.predicted_recall_mean)}, lowest {percent(r.predicted_recall_min)}" if r.cards else ""
    return (f"{record.id}\t{_when(record.at, now, tz)}\t{deck}\t{r.ready} of {r.cards} card"
            f"{'s' if r.cards != 1 else ''} ready (predicted recall at the interview >= {percent(found.target)}"
            f"{recall})")


@interview.command("set")
@click.argument("when", type=LocalTime())
@click.option("--deck", "deck_id", metavar="ID", help="The deck the interview is about. Default: every deck.")
@pass_app
def set_(app: AppContext, when: datetime, deck_id: str | None) -> None:
    """Set an interview: its date and time on your clock (your time zone setting), and its deck.

    You may set several; each one's cards are planned toward it. The plan for today is made again at once.

    \b
    Example:
      srs interview set "2026-12-04 10:00" --deck interview-closing
    """
    from srs.store.interviews import add_interview, interview_readiness
    from srs.store.settings import load_settings

    now = app.now()
    with app.session() as session:
        settings = load_settings(session, app.learner_id)
        at = to_utc(when, settings.timezone)
        shown = _when(at, now, settings.timezone) if at > now else None
        if at <= now:
            from srs.cli.times import local_time

            raise SRSClickError(f"the interview time {local_time(at, settings.timezone)} ({settings.timezone}) is "
                                f"in the past (now it is {local_time(now, settings.timezone)}); give a later one")
        if at - now > timedelta(days=MAX_DAYS_AHEAD):
            raise SRSClickError(f"the interview is more than a year ahead ({shown}): plain scheduling prepares "
                                "you for it as well; set it within a year of the date")
        record = add_interview(session, app.learner_id, at, deck_id, now)
        session.commit()
        found = next(f for f in interview_readiness(session, app.learner_id, now, settings)
                     if f.interview.id == record.id)
    from srs.cli.status_view import percent

    deck = "every deck" if deck_id is None else deck_id
    note(f"Interview {record.id} set: {shown}, {deck}. {found.readiness.ready} of {found.readiness.cards} cards "
         f"ready now (predicted recall at the interview >= {percent(found.target)}); `srs review` plans toward "
         "it from today.")


@interview.command("clear")
@click.argument("interview_id", metavar="[ID]", type=click.IntRange(min=1), required=False)
@pass_app
def clear(app: AppContext, interview_id: int | None) -> None:
    """Remove an interview (by its number in `srs interview`), or all of them; scheduling goes back to plain
    FSRS for their cards, from each card's memory as it is (nothing is reset).

    \b
    Example:
      srs interview clear 2
    """
    from srs.store.interviews import clear_interviews

    with app.session() as session:
        removed = clear_interviews(session, app.learner_id, interview_id)
        session.commit()
    if interview_id is not None:
        note(f"Removed interview {interview_id}.")
    else:
        note(f"Removed {removed} interview{'s' if removed != 1 else ''}." if removed else "No interviews to remove.")
