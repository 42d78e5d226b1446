"""`srs review` on a real pseudo-terminal of a fixed size, read back through a terminal emulator (pyte), so a
test checks what is on the screen after each key, not what was printed. Needs pexpect and pyte."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

NOW = "2026-03-02T15:00:00+00:00"
SRS = str(Path(sys.executable).parent / "srs")
# Every frame ends with the hint line's last key, so a frame is complete once this has been read.
FRAME_END = "q quit"
# While the learner types, the frame ends with the escape sequence that puts the cursor in the typed line.
TYPING_FRAME_END = r"q quit[^\x1b]*\x1b\[\d+;\d+H"


def terminal_env(data: Path, color: bool = False) -> dict[str, str]:
    """The environment `srs` runs in on the test's terminal: its own data directory, a fixed time, no editor."""
    environ = {k: v for k, v in os.environ.items()
               if k not in ("NO_COLOR", "SRS_DATABASE_URL", "EDITOR", "VISUAL", "COLUMNS", "LINES")}
    environ.update({"SRS_DATA_DIR": str(data), "SRS_NOW": NOW, "TERM": "xterm-256color"})
    if not color:
        environ["NO_COLOR"] = "1"
    return environ


class Terminal:
    """`srs ARGS` (default: `srs review`) on a pty of ``rows`` x ``cols``; :meth:`frame` waits for the next
    complete frame."""

    def __init__(self, data: Path, rows: int, cols: int, color: bool = False,
                 env: dict[str, str] | None = None, args: Sequence[str] = ("review",)) -> None:
        import pexpect
        import pyte

        environ = terminal_env(data, color)
        environ.update(env or {})
        self.screen: Any = pyte.Screen(cols, rows)
        self.stream: Any = pyte.Stream(self.screen)
        self.child: Any = pexpect.spawn(SRS, list(args), env=environ, encoding="utf-8", timeout=30,
                                        dimensions=(rows, cols))

    def frame(self, marker: str = FRAME_END) -> list[str]:
        """Read up to and including ``marker``; return the screen's rows as text."""
        self.child.expect_exact(marker)
        self.stream.feed(self.child.before + self.child.after)
        return self.rows()

    def typing_frame(self) -> list[str]:
        """Read a frame that takes typed text, up to the cursor's position after it."""
        self.child.expect(TYPING_FRAME_END)
        self.stream.feed(self.child.before + self.child.after)
        return self.rows()

    def rows(self) -> list[str]:
        return [row.rstrip() for row in self.screen.display]

    @property
    def cursor(self) -> tuple[int, int]:
        """The terminal cursor's (row, column), from 0."""
        return self.screen.cursor.y, self.screen.cursor.x

    def key(self, data: str, marker: str = FRAME_END) -> list[str]:
        self.child.send(data)
        return self.frame(marker)

    def type(self, data: str) -> list[str]:
        """Send keys to a screen that takes text, one key at a time (each one redraws); the last frame."""
        for char in data:
            self.child.send(char)
            self.typing_frame()
        return self.rows()

    def resize(self, rows: int, cols: int) -> list[str]:
        self.screen.resize(rows, cols)
        self.child.setwinsize(rows, cols)  # the kernel sends SIGWINCH to the review
        return self.frame()

    def close(self, quit_keys: str = "q\n") -> None:
        import pexpect

        self.child.send(quit_keys)
        self.child.expect(pexpect.EOF)
        self.child.close()


def screen_text(rows: list[str]) -> str:
    """The screen as one string with rows joined by spaces, so wrapped text can be searched for."""
    return " ".join(" ".join(row.split()) for row in rows)


def assert_fits(rows: list[str], cols: int) -> None:
    assert all(len(row) <= cols for row in rows)
