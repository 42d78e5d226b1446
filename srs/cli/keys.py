"""Reading the learner's commands during a review: one keypress on a terminal, one line otherwise.

On a terminal the keyboard is put in cbreak mode (no line buffering, no echo; Ctrl-C still interrupts) for as
long as :func:`key_reader` is open, and the previous settings are restored on the way out, whatever happens:
an exception, Ctrl-C, or the end of the session. When stdin is not a terminal (a pipe, a file, a test), each
line is one command, so a session can be scripted: an empty line is Enter.

Either way a reader returns a *token*: ``" "`` for Space, ``"\\n"`` for Enter, a single lower-case character for
other keys, ``"up"``/``"down"``/``"left"``/``"right"``/``"pgup"``/``"pgdn"``/``"home"``/``"end"``/``"delete"`` for
those keys, ``"backspace"``, ``"ctrl-a"``/``"ctrl-e"``/``"ctrl-k"``/``"ctrl-u"``/``"ctrl-w"`` for the control keys
a line editor uses, ``"esc"`` for a bare Esc and any other escape sequence, or ``""`` at end of input. A terminal
reader also returns ``"resize"`` when the window changed size (SIGWINCH), so the screen can be drawn again to fit.

``read(text=True)`` is for typing (:mod:`srs.cli.line_editor`): a character keeps its case, and an Enter that
arrives together with more keys (a paste of several lines) is a space, so a paste never submits half an answer.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import IO, Any, Protocol

ENTER = "\n"
EOF = ""
RESIZE = "resize"

# Escape sequences of the keys that scroll (xterm and VT100 forms).
_NAMED_KEYS = {
    b"\x1b[A": "up", b"\x1bOA": "up", b"\x1b[B": "down", b"\x1bOB": "down",
    b"\x1b[5~": "pgup", b"\x1b[6~": "pgdn",
    b"\x1b[H": "home", b"\x1bOH": "home", b"\x1b[1~": "home", b"\x1b[F": "end", b"\x1bOF": "end", b"\x1b[4~": "end",
    b"\x1b[C": "right", b"\x1bOC": "right", b"\x1b[D": "left", b"\x1bOD": "left", b"\x1b[3~": "delete",
    b"\x1b[7~": "home", b"\x1b[8~": "end",
}
# Control keys a line editor uses (Backspace sends DEL or, on some terminals, Ctrl-H).
_CONTROL_KEYS = {b"\x7f": "backspace", b"\x08": "backspace", b"\x01": "ctrl-a", b"\x05": "ctrl-e",
                 b"\x0b": "ctrl-k", b"\x15": "ctrl-u", b"\x17": "ctrl-w"}


class KeyReader(Protocol):
    """Something that returns the learner's next command token."""

    def read(self, text: bool = False) -> str:
        """The next token; with ``text``, a character keeps its case (see the module docstring)."""
        ...

    def paused(self) -> AbstractContextManager[None]:
        """A block during which the terminal is back in its normal mode (to run ``$EDITOR``)."""
        ...


def token_from_line(line: str) -> str:
    """The command token for one line of scripted input: ``""`` → Enter, ``"space"`` → Space, ``"3"`` → ``"3"``."""
    text = line.strip().lower()
    if not text:
        return ENTER
    if text in ("space", "spc"):
        return " "
    if text in ("enter", "return"):
        return ENTER
    return text[0] if len(text) == 1 else text


def token_from_bytes(data: bytes, text: bool = False) -> str:
    """The token for the bytes one keypress produced on a terminal; with ``text``, a letter keeps its case."""
    if not data:
        return EOF
    if data[:1] == b"\x1b":
        return _NAMED_KEYS.get(data, "esc")
    if data in (b"\r", b"\n", b"\r\n"):
        return ENTER
    if data == b"\x04":  # Ctrl-D
        return EOF
    if data in _CONTROL_KEYS:
        return _CONTROL_KEYS[data]
    char = data.decode("utf-8", errors="replace")[:1]
    return char if text else char.lower()


class LineReader:
    """One command per line from a text stream (a pipe, a file, or a test's input)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def paused(self) -> AbstractContextManager[None]:
        return nullcontext()

    def read(self, text: bool = False) -> str:
        line = self.stream.readline()
        if line == "":
            return EOF
        return token_from_line(line)

    def read_line(self) -> str | None:
        """The next line as typed (without its line break; a typed answer keeps its case), None at the end."""
        line = self.stream.readline()
        if line == "":
            return None
        return line.rstrip("\r\n")


def split_key(data: bytes) -> tuple[bytes, bytes]:
    """Split the first keypress off ``data``: an escape sequence, a CR LF pair, a UTF-8 character, or a byte.

    Keys typed fast (or pasted) arrive together in one read; each must still count as its own command.
    """
    if data[:1] == b"\x1b":
        if data[1:2] in (b"[", b"O"):
            end = 2
            while end < len(data) and not 0x40 <= data[end] <= 0x7E:
                end += 1
            return data[:end + 1], data[end + 1:]
        return data[:1], data[1:]
    if data[:2] == b"\r\n":
        return data[:2], data[2:]
    lead = data[0]
    size = 4 if lead >= 0xF0 else 3 if lead >= 0xE0 else 2 if lead >= 0xC0 else 1
    return data[:size], data[size:]


class TerminalReader:
    """Single keypresses from a terminal file descriptor that :func:`key_reader` put in cbreak mode.

    ``wake`` is the read end of a pipe that the SIGWINCH handler writes to: :meth:`read` then returns
    :data:`RESIZE` (a key typed meanwhile stays unread until the next call).
    """

    def __init__(self, fd: int, saved: list[Any], wake: int | None = None) -> None:
        self.fd = fd
        self.saved = saved
        self.wake = wake
        self.pending = b""

    @contextmanager
    def paused(self) -> Iterator[None]:
        import termios
        import tty

        termios.tcsetattr(self.fd, termios.TCSADRAIN, self.saved)
        try:
            yield
        finally:
            tty.setcbreak(self.fd, termios.TCSANOW)
            self.pending = b""

    def read(self, text: bool = False) -> str:
        import select

        if not self.pending:
            if self.wake is not None and self.wake in select.select([self.fd, self.wake], [], [])[0]:
                _drain(self.wake)
                return RESIZE
            self.pending = os.read(self.fd, 64)
            # The rest of an escape sequence or of a multi-byte character may follow a moment later.
            while self.pending and select.select([self.fd], [], [], 0.01)[0]:
                more = os.read(self.fd, 64)
                if not more:
                    break
                self.pending += more
        if not self.pending:
            return EOF
        key, self.pending = split_key(self.pending)
        token = token_from_bytes(key, text)
        if text and token == ENTER and self.pending:  # a pasted line break: the paste goes on
            return " "
        return token


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 512):
            pass
    except BlockingIOError:
        pass


@contextmanager
def _resize_signal() -> Iterator[int | None]:
    """Yield a pipe's read end that becomes readable when the window changes size; None where there is no
    SIGWINCH or signals cannot be set (not the main thread)."""
    import signal
    import threading

    if not hasattr(signal, "SIGWINCH") or threading.current_thread() is not threading.main_thread():
        yield None
        return
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    os.set_blocking(write_end, False)

    def on_resize(signum: int, frame: object) -> None:
        try:
            os.write(write_end, b"w")
        except BlockingIOError:  # a resize is already pending
            pass

    previous = signal.signal(signal.SIGWINCH, on_resize)
    try:
        yield read_end
    finally:
        signal.signal(signal.SIGWINCH, previous)
        os.close(read_end)
        os.close(write_end)


def stdin_is_terminal(stream: IO[str] | None = None) -> bool:
    """Whether ``stream`` (default: stdin) is a real terminal that supports termios."""
    stream = stream or sys.stdin
    try:
        return stream.isatty() and hasattr(stream, "fileno") and _has_termios()
    except (ValueError, OSError):
        return False


def _has_termios() -> bool:
    try:
        import termios  # noqa: F401
    except ImportError:  # Windows
        return False
    return True


@contextmanager
def key_reader(stream: IO[str] | None = None) -> Iterator[KeyReader]:
    """Yield a reader for ``stream`` (default: stdin): single keypresses on a terminal, lines otherwise.

    The terminal's settings (and the SIGWINCH handler) are restored when the block exits, even on an exception
    or Ctrl-C.
    """
    stream = stream or sys.stdin
    if not stdin_is_terminal(stream):
        yield LineReader(stream)
        return
    import termios
    import tty

    fd = stream.fileno()
    saved = termios.tcgetattr(fd)
    with _resize_signal() as wake:
        try:
            tty.setcbreak(fd, termios.TCSANOW)
            yield TerminalReader(fd, saved, wake)
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
