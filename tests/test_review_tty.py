"""`srs review` on a real pseudo-terminal: single keypresses, terminal restored, and kill -9 loses nothing."""

from __future__ import annotations

import os
import signal
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

from sqlalchemy import func, select, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from srs.app import open_store  # noqa: E402
from srs.store.models import Progress, Review  # noqa: E402
from srs.store.progress import card_state, rebuild_state  # noqa: E402
from srs.store.settings import load_settings  # noqa: E402

NOW = "2026-03-02T15:00:00+00:00"
SRS = str(Path(sys.executable).parent / "srs")


def _env(data: Path, color: bool = False) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "SRS_DATABASE_URL", "EDITOR", "VISUAL")}
    env.update({"SRS_DATA_DIR": str(data), "SRS_NOW": NOW, "TERM": "xterm-256color", "COLUMNS": "100",
                "LINES": "40"})
    if not color:
        env["NO_COLOR"] = "1"
    return env


def _spawn(data: Path, command: str = f"{SRS} review", color: bool = False) -> "pexpect.spawn":
    return pexpect.spawn("/bin/sh", ["-c", command], env=_env(data, color), encoding="utf-8", timeout=30,
                         dimensions=(40, 100))


def test_single_keypress_flow_on_a_terminal(isolated_data: Path) -> None:
    child = _spawn(isolated_data, f"{SRS} review; echo; stty -a", color=True)
    child.expect("Say or think your response")
    child.send(" ")  # no Enter: one key reveals
    child.expect("RESPONSE")
    child.expect("Counterpoint — Untitled article on closing an interview:")
    child.expect("Easy")
    child.send("3")
    child.expect("Tomorrow is your final interview")  # the next card
    child.expect("Say or think your response")
    child.send("u")
    child.expect("Undid Good: the card is back.")
    child.send("\r")
    child.expect("interview-closing/ask-about-hesitations")  # the id, now that the response shows
    child.expect("RESPONSE")
    child.send("4")
    child.expect("Tomorrow is your final interview")
    child.send("q")
    child.expect("Reviewed 1 card")
    child.expect("Day streak: 1 day")
    child.expect(pexpect.EOF)
    stty = (child.before or "").replace("\r\n", " ")
    # The terminal is back in its normal mode: line editing and echo on.
    assert " icanon" in stty and "-icanon" not in stty
    assert " echo " in stty and " -echo " not in stty


def test_terminal_mode_is_restored_after_an_exception() -> None:
    import pty
    import termios

    from srs.cli.keys import TerminalReader, key_reader

    master, slave = pty.openpty()
    with os.fdopen(slave, "r", closefd=True) as stream:
        before = termios.tcgetattr(slave)
        with pytest.raises(RuntimeError):
            with key_reader(stream) as keys:
                assert isinstance(keys, TerminalReader)
                assert not termios.tcgetattr(slave)[3] & termios.ICANON
                os.write(master, b"3\x1b[A\r\x1b")  # typed together: four keys
                assert [keys.read(), keys.read(), keys.read(), keys.read()] == ["3", "up", "\n", "esc"]
                raise RuntimeError("boom")
        assert termios.tcgetattr(slave) == before
    os.close(master)


@pytest.mark.parametrize("grades", [1, 4])
def test_kill_9_after_k_grades_loses_nothing(isolated_data: Path, grades: int) -> None:
    child = _spawn(isolated_data)
    keys = "3143"
    for i in range(grades):
        child.expect("Say or think your response")
        child.send(" ")
        child.expect("4 Easy")
        child.send(keys[i % len(keys)])
    child.expect("Say or think your response")  # the next card is showing: the grade was committed
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus == signal.SIGKILL

    store = open_store(None, "default", datetime.now(timezone.utc), install_bundled=False)
    with Session(store.engine) as session:
        assert session.execute(select(func.count()).select_from(Review)).scalar_one() == grades
        assert session.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        settings = load_settings(session, store.learner_id)
        rows = list(session.execute(select(Progress).where(Progress.state != 0)).scalars())
        assert rows
        for progress in rows:
            assert card_state(progress) == rebuild_state(session, store.learner_id, progress.card_pk, settings)
    store.engine.dispose()

    # The next session continues the same day's queue.
    child = _spawn(isolated_data)
    child.expect("Say or think your response")
    screen = child.before or ""
    child.send("q")
    child.expect(pexpect.EOF)
    assert f"[{20 - grades} new]" in screen  # new cards come before learning cards learned ahead
