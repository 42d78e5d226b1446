"""Making untrusted card text safe to print on a terminal.

Deck files come from strangers. Nothing in them may reach the terminal as a control sequence: escape
sequences (CSI, OSC, …) are dropped whole, other control characters are shown as ``\\xNN`` / ``\\u202E``
so the reader can see something odd is there, and tabs become spaces.
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


def clean_line(text: str, width: int) -> str:
    """First line of ``text``, cleaned, cut to ``width`` characters with an ellipsis."""
    line = " ".join(clean(text).split())
    return line if len(line) <= width else line[: max(0, width - 1)] + "…"
