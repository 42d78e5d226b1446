"""Anki field HTML as plain text, in time linear in the field's length whatever the field holds.

A field comes from an untrusted package, so the work per field is bounded twice: callers refuse a field longer
than :data:`MAX_FIELD_HTML` before converting it, and the conversion itself is a single left-to-right scan with
patterns that never backtrack over what they have already read. (The standard library's ``html.parser`` is
quadratic on runs of unclosed ``<a `` and raises ``AssertionError`` on ``<![``; a regular expression for cloze
deletions with a lazy body and an optional hint is cubic on ``{{c1::`` repeated.)

Markup is read the way a browser (and so Anki's editor and reviewer) reads it: a tag runs to the first ``>``
outside a quoted attribute value, a tag or comment left open at the end of the field hides the rest of it, and
``<!...>``, ``<?...>`` and ``</ ...>`` that are not tags are bogus comments, hidden up to the next ``>``. The
content of ``script`` and ``style`` is raw text up to its end tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

from srs.safetext import plain

MAX_FIELD_HTML = 256 * 1024  # characters of HTML in one field; callers skip a note with a longer field

_BLOCK = frozenset({"br", "div", "p", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
                    "blockquote", "pre", "section", "article", "header", "footer", "dd", "dt"})
_SKIP = frozenset({"script", "style", "head", "title", "template", "noscript", "object", "iframe", "svg", "math"})
_RAW_TEXT = frozenset({"script", "style"})  # content is not markup: it runs to the matching end tag
_SOUND = re.compile(r"\[sound:[^\[\]]*\]")  # no '[' inside: a run of "[sound:" costs one pass, not one per start
_EDGE = "\x00"  # a block element's edge: one line break however many meet (Anki's editor wraps lines in <div>)
_EDGES = re.compile("\x00[\x00 ]*")
_CLOZE_TOKEN = re.compile(r"\{\{c\d+::|::|\}\}")
# A tag from its '<': the name, then attributes up to the first '>' outside a quoted value, or to the end of the
# field. Every character after the name is matched by exactly one branch, so the match never fails and never
# backtracks: one pass over the tag whatever it holds.
_TAG = re.compile(r"""<(/?)([A-Za-z][^\s/>]*)(?:[^>"'=]+|=\s*"[^"]*(?:"|\Z)|=\s*'[^']*(?:'|\Z)|=|["'])*(?:>|\Z)""")
_OPENS_TAG = re.compile(r"</?[A-Za-z]")
_RAW_END = {name: re.compile(rf"</{name}(?=[\s/>]|\Z)", re.IGNORECASE) for name in _RAW_TEXT}


def clozes_as_text(value: str) -> str:
    """Cloze deletions as their answers: ``{{c1::Paris::capital}}`` → ``Paris``; nested ones too.

    Markers are paired with a stack in one pass; a ``{{c1::`` never closed stays as it is written.
    """
    if "{{c" not in value:
        return value
    stack: list[list[int]] = []  # per open cloze: [start of opener, end of opener, start of hint or -1]
    cut: list[tuple[int, int]] = []
    for match in _CLOZE_TOKEN.finditer(value):
        token = match.group()
        if token == "::":
            if stack and stack[-1][2] < 0:
                stack[-1][2] = match.start()
        elif token == "}}":
            if stack:
                start, end, hint = stack.pop()
                cut.append((start, end))
                cut.append((hint, match.end()) if hint >= 0 else match.span())
        else:
            stack.append([match.start(), match.end(), -1])
    if not cut:
        return value
    cut.sort()
    out, pos = [], 0
    for start, end in cut:
        if start > pos:
            out.append(value[pos:start])
        pos = max(pos, end)
    out.append(value[pos:])
    return "".join(out)


def _events(html: str) -> Iterator[tuple[str, str]]:
    """``("data", text)``, ``("start", name)``, ``("empty", name)`` (``<br/>``) and ``("end", name)`` in
    document order, in one pass."""
    pos, size = 0, len(html)
    while pos < size:
        lt = html.find("<", pos)
        if lt < 0:
            yield "data", html[pos:]
            return
        if lt > pos:
            yield "data", html[pos:lt]
        if _OPENS_TAG.match(html, lt):
            tag = _TAG.match(html, lt)
            assert tag is not None  # the pattern matches any '<' followed by a name
            name = tag.group(2).lower()
            pos = tag.end()
            if tag.group(1):
                yield "end", name
                continue
            if tag.group().endswith("/>"):
                yield "empty", name
                continue
            yield "start", name
            if name in _RAW_TEXT and html[pos - 1:pos] == ">":
                end = _RAW_END[name].search(html, pos)
                if end is None:
                    return  # raw text to the end of the field: nothing shown
                close = html.find(">", end.end())
                pos = size if close < 0 else close + 1
                yield "end", name
        elif html.startswith("<!--", lt):
            if html.startswith(("<!-->", "<!--->"), lt):
                pos = html.index(">", lt) + 1
                continue
            close = html.find("-->", lt + 4)
            pos = size if close < 0 else close + 3
        elif html[lt + 1:lt + 2] in ("!", "?", "/"):  # a bogus comment: up to the next '>'
            close = html.find(">", lt + 2)
            pos = size if close < 0 else close + 1
        else:
            yield "data", "<"
            pos = lt + 1


def _markup_as_text(html: str) -> str:
    parts: list[str] = []
    skipping = 0
    for kind, value in _events(html):
        if kind == "data":
            if not skipping:
                parts.append(unescape(value).replace(_EDGE, ""))
        elif value in _SKIP:
            if kind != "empty":
                skipping = skipping + 1 if kind == "start" else max(0, skipping - 1)
        elif value == "br":  # browsers read a stray </br> as <br> too
            parts.append("\n")
        elif value in _BLOCK:
            parts.append(_EDGE)
    return "".join(parts)


def html_to_text(value: str) -> str:
    """Anki field HTML as plain text: tags dropped (scripts and styles with their content), entities decoded,
    block elements and ``<br>`` as line breaks, ``[sound:...]`` removed, cloze deletions shown as their text,
    escape sequences and control characters removed (:func:`srs.safetext.plain`), spaces collapsed.

    Linear in ``len(value)``; callers bound that with :data:`MAX_FIELD_HTML` first.
    """
    text = _EDGES.sub(_EDGE, _SOUND.sub("", _markup_as_text(clozes_as_text(value))).replace("\xa0", " "))
    text = text.replace("\n" + _EDGE, "\n").replace(_EDGE, "\n")
    text = plain(text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = "\n".join(lines).strip()
    text = text.encode("utf-8", "replace").decode("utf-8")  # no lone surrogates
    return re.sub(r"\n{3,}", "\n\n", text)
