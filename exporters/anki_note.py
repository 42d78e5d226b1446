"""The Anki note type for srs cards, and how a card becomes a note's fields and tags.

Everything here is fixed forever, because Anki matches on it (see DESIGN.md, "Anki interop"):

* :data:`MODEL_ID` — changing it makes a second note type and leaves the old notes un-updated.
* the ``"id"`` of every field and template — with them, renaming or adding a field later updates the existing
  note type in place instead of creating ``srs Situation+``.
* :data:`MODEL_MTIME` — the note type's own modification time. Bump it (to the time of the change) whenever
  the template or CSS changes, so Anki takes the new look on the next import, and only then.

Never add, remove or rename a field, whatever the ids: Anki's importer then sets the new note type aside as
"srs Situation+" and skips every note of the old one (its default), or, with "Merge note types" ticked, adds the
field by rewriting every existing note with the import's time, which makes each incoming note look older and
skipped (measured with Anki 26.9; ``tests/test_export_anki_key_points.py``). That is why a card's key points
travel inside the Response field, under the response.

Field text from a deck file is untrusted: every value is HTML-escaped, so markup in it shows as text and never
runs inside Anki. The template itself holds no script.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from srs.cardview import CardView

MODEL_ID = 1663018994  # generated once with random.randrange(1 << 30, 1 << 31); never change it
MODEL_NAME = "srs Situation"
MODEL_MTIME = 1795904800  # 2026-11-29 (key points' CSS): bump when TEMPLATE_* or CSS change

FIELDS = (
    ("Situation", 4072974585914330),
    ("Response", 1136338919813118),
    ("Reasoning", 4202963299513923),
    ("Sources", 3642015313823338),
    ("Counterpoints", 1120983661750751),
)
TEMPLATE_ID = 4114701119538588
KEY_POINTS_LABEL = "Check yourself: did you say each?"
TEMPLATE_NAME = "Situation → Response"

QUESTION = """\
<div class="srs">
<div class="label">Situation</div>
<div class="situation">{{Situation}}</div>
</div>"""

ANSWER = """\
{{FrontSide}}
<hr id="answer">
<div class="srs">
<div class="label">Response</div>
<div class="response">{{Response}}</div>
{{#Reasoning}}
<div class="label">Why</div>
<div class="reasoning">{{Reasoning}}</div>
{{/Reasoning}}
{{#Sources}}
<div class="label">Sources</div>
<div class="sources">{{Sources}}</div>
{{/Sources}}
{{#Counterpoints}}
<div class="counterpoints">
<div class="label">Counterpoints: where the sources disagree</div>
{{Counterpoints}}
</div>
{{/Counterpoints}}
</div>"""

CSS = """\
.card {
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 18px;
  line-height: 1.5;
  text-align: left;
  color: #1f2328;
  background-color: #ffffff;
  padding: 0 4px;
}
.srs { max-width: 36em; margin: 0 auto; overflow-wrap: anywhere; }
.label {
  font-size: 0.75em;
  font-weight: 600;
  letter-spacing: 0.04em;
  text-transform: uppercase;
  color: #656d76;
  margin: 1.1em 0 0.2em;
}
.situation { font-size: 1.05em; }
.response { font-weight: 600; }
.keypoints { font-weight: normal; }
.keypoints ul { margin: 0.2em 0 0; padding-left: 0; list-style: none; }
.keypoints li { margin: 0.1em 0; }
.reasoning { color: #31363c; }
.sources { font-size: 0.85em; color: #656d76; }
.counterpoints {
  margin-top: 1.2em;
  padding: 0.2em 0.8em 0.6em;
  border-left: 4px solid #bf8700;
  background-color: #fff8e5;
  border-radius: 4px;
}
.counterpoints .label { color: #7d4e00; }
.counterpoint { margin: 0.4em 0 0; }
.counterpoint-source { font-weight: 600; }
hr#answer { border: none; border-top: 1px solid #d0d7de; margin: 1em 0; }
.card.nightMode, .nightMode .card { color: #e6edf3; background-color: #1e1e1e; }
.nightMode .label { color: #9198a1; }
.nightMode .reasoning { color: #d1d7e0; }
.nightMode .sources { color: #9198a1; }
.nightMode .counterpoints { border-left-color: #d29922; background-color: #2d2611; }
.nightMode .counterpoints .label { color: #e3b341; }
.nightMode hr#answer { border-top-color: #3d444d; }
"""


def text_html(value: str) -> str:
    """Plain text as inert HTML: every markup character escaped, line breaks kept as ``<br>``."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    # html.escape(value, quote=False), spelled out: this runs five times per card.
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")


def sources_html(card: CardView) -> str:
    """One line per source: ``title — author``."""
    lines = []
    for source in card.sources:
        line = text_html(source.title)
        if source.author:
            line += " — " + text_html(source.author)
        lines.append(line)
    return "<br>".join(lines)


def counterpoints_html(card: CardView) -> str:
    """Each counterpoint as a paragraph naming its source."""
    return "".join(
        f'<div class="counterpoint"><span class="counterpoint-source">{text_html(source.title)}:</span> '
        f"{text_html(view)}</div>"
        for source, view in card.counterpoints
    )


def key_points_html(card: CardView) -> str:
    """The card's key points as a self-check list, for the back under the response: an empty box before each
    point, its alternatives joined by " / " ("avoid: ..." for a prohibitive one); empty when it has none."""
    if not card.key_points:
        return ""
    items = "".join(f"<li>\u2610 {text_html(point.label)}</li>" for point in card.key_points)
    return f'<div class="keypoints"><div class="label">{KEY_POINTS_LABEL}</div><ul>{items}</ul></div>'


def response_html(card: CardView) -> str:
    """The Response field: the response, then its key points (:func:`key_points_html`)."""
    return text_html(card.response) + key_points_html(card)


def note_fields(card: CardView) -> list[str]:
    """The note's fields, in :data:`FIELDS` order, as safe HTML."""
    return [text_html(card.situation), response_html(card), text_html(card.reasoning), sources_html(card),
            counterpoints_html(card)]


def note_tags(card: CardView) -> list[str]:
    """The card's tags plus its deck id (all slugs, so Anki-safe), without duplicates, in a stable order."""
    return list(dict.fromkeys([*card.tags, card.deck_id]))


def anki_deck_name(name: str) -> str:
    """The deck's name on one line, as Anki's deck list shows it (``::`` in a name still makes a subdeck)."""
    return " ".join(name.split()) or "srs"


def anki_deck_id(deck_id: str) -> int:
    """A fixed Anki deck id for an srs deck: derived from the deck id, so every export of a deck agrees."""
    digest = hashlib.sha256(f"srs-anki-deck:{deck_id}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)
