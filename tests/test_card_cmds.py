"""``srs card list`` and ``srs card show``: times in the learner's zone, numbers for people, tables that fit."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from srs.cli import cli
from srs.cli.card_text import list_lines, show_lines
from srs.scheduling.recall import recall_probability

NOW = "2026-11-29T07:43:00+00:00"  # 08:43 in Berlin


def run(runner: CliRunner, *args: str, input: str | None = None) -> Result:
    result = runner.invoke(cli, list(args), input=input)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def studied(deck_file: Path, db_url: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo deck in Berlin time on a UTC machine; 'first' answered Good at NOW (due again in 10 minutes)."""
    monkeypatch.setenv("SRS_NOW", NOW)
    monkeypatch.setenv("SRS_DATABASE_URL", db_url)
    monkeypatch.setenv("TZ", "UTC")
    run(runner, "deck", "add", str(deck_file))
    for key, value in (("timezone", "Europe/Berlin"), ("new_per_day", "1"), ("learn_ahead_minutes", "0")):
        run(runner, "config", "set", key, value)
    run(runner, "review", "--deck", "demo", input="\n3\nq\n")


def due_of(runner: CliRunner, ref: str) -> datetime:
    return datetime.fromisoformat(json.loads(run(runner, "card", "show", ref, "--json").stdout)["progress"]["due"])


def test_times_read_in_the_learners_zone_labelled_when_the_machine_is_elsewhere(
    studied: None, runner: CliRunner
) -> None:
    due = due_of(runner, "demo/first")  # ten minutes from NOW, give or take Anki's fuzz of learning steps
    berlin, utc = (due + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"), due.strftime("%H:%M")
    listed = run(runner, "card", "list", "--deck", "demo").stdout
    assert f"  {berlin}  " in listed and "Due (Europe/Berlin)" in listed and utc not in listed
    shown = run(runner, "card", "show", "demo/first").stdout
    assert f"{berlin} CET" in shown  # due
    assert "2026-11-29 08:43 CET" in shown  # the answer, in the history
    assert utc not in shown and "+00:00" not in shown and "T07" not in shown
    status = run(runner, "status").stdout
    assert "Next due:        in 1" in status and f"({berlin[-5:]} CET)" in status


def test_no_label_when_the_machine_shares_the_learners_zone(
    studied: None, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    berlin = (due_of(runner, "demo/first") + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    listed = run(runner, "card", "list", "--deck", "demo").stdout
    assert berlin in listed and "CET" not in listed
    assert f"({berlin[-5:]})" in run(runner, "status").stdout


def test_json_keeps_iso_8601_with_an_offset(studied: None, runner: CliRunner) -> None:
    first = json.loads(run(runner, "card", "show", "demo/first", "--json").stdout)
    assert first["progress"]["due"].endswith("+00:00")
    assert first["history"][0]["time"] == "2026-11-29T07:43:00+00:00"
    listed = json.loads(run(runner, "card", "list", "--deck", "demo", "--json").stdout)
    assert listed[0]["due"] == first["progress"]["due"]
    assert json.loads(run(runner, "status", "--json").stdout)["next_due"] == first["progress"]["due"]


# -- srs card show: numbers for people, wrapped, every state shown ------------------------------------------------

WORDS = ("Nevertheless the interviewer's counterproductive hesitation encompasses extraordinarily "
         "uncomfortable circumstances ") * 4


def card_data(**progress: Any) -> dict[str, Any]:
    """What `srs card show --json` prints for a card, with ``progress`` over a review card's."""
    return {
        "id": "demo/second", "deck": "Demo deck", "situation": WORDS, "response": "Smile and leave.",
        "reasoning": WORDS, "sources": [{"id": "a", "title": "Article A", "author": "Ann Author"}],
        "counterpoints": [{"source": "a", "title": "Article A", "view": WORDS}], "tags": ["ending"],
        "retired": False, "edited": False, "history": [
            {"time": "2026-11-28T07:43:00+00:00", "rating": 3, "duration_ms": 25_400, "interval_days": 0,
             "origin": "terminal"}],
        "progress": {"state": "review", "due": "2026-12-02T03:00:00+00:00", "stability": 0.21199999749660492,
                     "difficulty": 6.413300037384033, "reps": 3, "lapses": 1,
                     "last_review": "2026-11-28T07:43:00+00:00", "suspended": False, "buried_until": None,
                     "leech": False, "recall_now": 0.8712} | progress,
    }


SHOW_NOW = datetime(2026, 11, 29, 7, 43, tzinfo=timezone.utc)


def test_card_show_rounds_for_people() -> None:
    text = "\n".join(show_lines(card_data(), SHOW_NOW, "Europe/Berlin", False, 80, False))
    assert "stability 0.2 d, difficulty 6.4/10, recall now 87%" in text
    assert "0.21199" not in text and "6.4133" not in text
    assert "3 reps, 1 lapse; last 2026-11-28 08:43" in text
    assert "2026-12-02 04:00 (in 2.8d)" not in text and "2026-12-02 04:00 (in 3d)" in text
    assert "Good     25 s  terminal" in text


@pytest.mark.parametrize("width", [40, 60, 100])
def test_card_show_wraps_at_word_boundaries(width: int) -> None:
    lines = show_lines(card_data(), SHOW_NOW, "Europe/Berlin", True, width, False)
    assert all(len(line) <= width for line in lines), [line for line in lines if len(line) > width]
    words = set(" ".join(lines).split())
    assert {"counterproductive", "extraordinarily", "encompasses", "interviewer's"} <= words  # none cut in two


@pytest.mark.parametrize(
    ("progress", "retired", "shown"),
    [
        ({"suspended": True}, False, "State     review, suspended"),
        ({"buried_until": "2026-11-30T03:00:00+00:00"}, False, "State     review, buried until 2026-11-30 04:00"),
        ({"buried_until": "2026-11-29T03:00:00+00:00"}, False, "State     review\n"),  # over: not buried now
        ({"leech": True, "suspended": True}, False, "State     review, suspended, leech"),
        ({}, True, "State     review, retired"),
        ({"state": "new", "due": None, "stability": None, "difficulty": None, "reps": 0, "lapses": 0,
          "last_review": None, "recall_now": None, "suspended": True}, False, "State     new, suspended"),
    ],
)
def test_card_show_says_what_keeps_a_card_out_of_the_queue(progress: dict[str, Any], retired: bool,
                                                          shown: str) -> None:
    data = card_data(**progress) | {"retired": retired}
    assert shown in "\n".join(show_lines(data, SHOW_NOW, "Europe/Berlin", False, 80, False)) + "\n"


@pytest.mark.parametrize(("unicode", "dash", "other"), [(False, " - ", "—"), (True, " — ", " - ")])
def test_card_show_uses_one_dash_style(unicode: bool, dash: str, other: str) -> None:
    text = "\n".join(show_lines(card_data(), SHOW_NOW, "UTC", False, 80, unicode))
    assert f"Article A{dash}Ann Author" in text and f"COUNTERPOINT{dash}Article A" in text
    assert "--" not in text and other not in text


def test_card_show_on_the_command_line(studied: None, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    data = json.loads(run(runner, "card", "show", "demo/first", "--json").stdout)
    assert data["deck"] == "Demo deck" and data["progress"]["recall_now"] == 1.0  # answered this very minute
    text = run(runner, "card", "show", "demo/first").stdout
    assert all(len(line) <= 60 for line in text.splitlines())
    assert f"stability {data['progress']['stability']:.1f} d, difficulty {data['progress']['difficulty']:.1f}/10, " \
           "recall now 100%" in " ".join(text.split())  # wrapped at 60 columns
    assert "State     learning\n" in text and "Deck: Demo deck; tags: closing-question" in text


def test_recall_is_ninety_percent_after_one_stability_and_matches_fsrs() -> None:
    import fsrs_rs_python as frs

    last = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert recall_probability(12.5, last, last + timedelta(days=12.5)) == pytest.approx(0.9)
    assert recall_probability(12.5, last, last) == 1.0 and recall_probability(12.5, last, last - timedelta(1)) == 1.0
    for parameters in (None, tuple(frs.DEFAULT_PARAMETERS[:19])):
        model = frs.FSRS(list(parameters) if parameters else frs.DEFAULT_PARAMETERS)
        days = model.next_interval(12.5, 0.8, 3)  # when FSRS expects recall to have fallen to 80%
        assert recall_probability(12.5, last, last + timedelta(days=days), parameters) == pytest.approx(0.8, abs=1e-4)


# -- srs card list: a header, rows that fit, states shown ---------------------------------------------------------


def list_row(**fields: Any) -> dict[str, Any]:
    """One entry of `srs card list --json`: a review card, with ``fields`` over it."""
    return {"id": "demo/first", "situation": WORDS, "tags": [], "retired": False, "state": "review",
            "due": "2026-12-02T03:00:00+00:00", "stability": 3.0, "difficulty": 5.0, "reps": 2, "lapses": 0,
            "last_review": "2026-11-28T07:43:00+00:00", "suspended": False, "buried_until": None,
            "leech": False} | fields


@pytest.mark.parametrize(
    ("fields", "state", "due"),
    [
        ({}, "review", "2026-12-02 04:00"),
        ({"suspended": True}, "suspended", ""),
        ({"state": "new", "due": None, "suspended": True}, "suspended", ""),
        ({"buried_until": "2026-11-30T03:00:00+00:00"}, "buried", ""),
        ({"buried_until": "2026-11-29T03:00:00+00:00"}, "review", "2026-12-02 04:00"),  # the bury is over
        ({"leech": True}, "review, leech", "2026-12-02 04:00"),
        ({"leech": True, "suspended": True}, "suspended, leech", ""),
        ({"retired": True}, "retired", ""),
        ({"state": "new", "due": None}, "new", ""),
    ],
)
def test_card_list_shows_what_keeps_a_card_out_of_the_queue(fields: dict[str, Any], state: str, due: str) -> None:
    lines = list_lines([list_row(**fields)], SHOW_NOW, "Europe/Berlin", False, 100)
    assert lines[1] == "demo/"
    assert lines[2].startswith(f"  first  {state}  ")
    assert f"  {state}  {due}  Nevertheless" in lines[2] if due else "2026" not in lines[2]


@pytest.mark.parametrize("width", [30, 40, 60, 80, 100, 160])
def test_card_list_rows_fit_the_width(width: int) -> None:
    cards = [list_row(), list_row(id="a-deck-with-a-long-name/" + "x" * 90), list_row(id="demo/third")]
    lines = list_lines(cards, SHOW_NOW, "Europe/Berlin", True, width)
    assert all(len(line) <= width for line in lines), [line for line in lines if len(line) > width]
    assert " ".join(lines[:2]).split()[:3] == ["Card", "State", "Due"]  # at 30 columns, on two lines
    assert "Due (Europe/Berlin)" in " ".join(lines[:2]) or width < 60
    assert any("xxx…" in line for line in lines)  # a long id is cut where the reader can see it
    if width >= 160:
        assert lines[0].split()[-1] == "Situation" and "Nevertheless the" in lines[2]


def test_card_list_on_the_command_line(deck_file: Path, db_url: str, runner: CliRunner,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SRS_NOW", NOW)
    monkeypatch.setenv("SRS_DATABASE_URL", db_url)
    monkeypatch.setenv("COLUMNS", "100")
    run(runner, "deck", "add", str(deck_file))
    run(runner, "review", "--deck", "demo", input="\ns\n\nb\nq\n")  # suspend the first card, bury the second
    lines = run(runner, "card", "list", "--deck", "demo").stdout.splitlines()
    assert lines[0].split() == ["Card", "State", "Due", "Situation"] and lines[1] == "demo/"
    assert [line.split()[:2] for line in lines[2:]] == [["first", "suspended"], ["second", "buried"], ["third", "new"]]
    assert all(len(line) <= 100 for line in lines)
