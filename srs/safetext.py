"""The one sanitiser for text from files (deck files, Anki packages, file names) on its way to a terminal.

Deck files and packages come from strangers, and a terminal acts on what it prints: an escape sequence can move
the cursor, retitle the window or write the clipboard (OSC 52). So every string from a file goes through
:func:`clean` before any terminal output (the CLI's messages, summaries and card text do), and text kept from a
file where a deck file would refuse control characters (a deck named after a package's file name) goes
through :func:`plain`. Escape sequences (CSI, OSC, DCS, ...) are dropped whole in both.
"""

from __future__ import annotations

import re
import unicodedata

_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI ... final byte
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS / SOS / PM / APC ... ST
    r"|\x1b[@-Z\\-_]"  # two-byte escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Every C0/C1 control but tab and newline, and the bidi embedding, override and isolate controls.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: str) -> str:
    """Return ``text`` with escape sequences removed and every other control character made visible.

    Newlines are kept; carriage returns, tabs and form feeds become plain spaces or line breaks.
    """
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    out = []
    for ch in text:
        if ch == "\n":
            out.append(ch)
        elif ch in _BIDI or unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\u200d\u200c":
            out.append(_visible(ch))
        else:
            out.append(ch)
    return "".join(out)


def plain(text: str) -> str:
    """``text`` to keep as content: escape sequences dropped whole, then every other control character but
    newline and tab (C0, DEL, C1, bidi overrides) dropped."""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))
