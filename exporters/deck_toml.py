"""Write a deck as a deck file (TOML) that ``srs deck check`` accepts and ``srs deck add`` reads back unchanged.

The content round-trips (key points and personal cards included); comments, quoting styles and key order of a
hand-written file do not.
"""

from __future__ import annotations

from srs.deckfile import CardSpec, DeckSpec


def _basic(value: str) -> str:
    """A TOML basic string: one line, everything escaped."""
    out = []
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _text(value: str) -> str:
    """A readable TOML string: multi-line when the text has line breaks."""
    if "\n" not in value:
        return _basic(value)
    body = _basic(value)[1:-1].replace("\\n", "\n")
    # The newline right after the opening quotes is trimmed by TOML, so the text starts on its own line.
    return '"""\n' + body + '"""'


def _list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(_basic(v) for v in values) + "]"


def _card(card: CardSpec, default_sources: tuple[str, ...]) -> list[str]:
    lines = [
        "[[cards]]",
        f"id = {_basic(card.id)}",
        f"situation = {_text(card.situation)}",
        f"response = {_text(card.response)}",
        f"reasoning = {_text(card.reasoning)}",
    ]
    if card.sources != default_sources:  # else left out: the deck's default_sources (or none) apply
        lines.append(f"sources = {_list(card.sources)}")
    lines.append(f"tags = {_list(card.tags)}")
    if card.key_points:
        lines += ["key_points = ["] + [f"  {_basic(point.text)}," for point in card.key_points] + ["]"]
    if card.personal:
        lines.append("personal = true")
    for cp in card.counterpoints:
        lines += ["", "  [[cards.counterpoints]]", f"  source = {_basic(cp.source)}", f"  view = {_text(cp.view)}"]
    return lines


def dump_deck(deck: DeckSpec) -> str:
    """Serialise ``deck`` to deck-file text."""
    lines = ["[deck]", f"id = {_basic(deck.id)}", f"name = {_basic(deck.name)}",
             f"version = {_basic(deck.version)}"]
    for key in ("description", "license", "credits"):
        value = getattr(deck, key)
        if value:
            lines.append(f"{key} = {_text(value)}")
    if deck.default_sources:
        lines.append(f"default_sources = {_list(deck.default_sources)}")
    for src in deck.sources:
        lines += ["", "[[sources]]", f"id = {_basic(src.id)}", f"title = {_basic(src.title)}"]
        for key in ("author", "date", "url"):
            value = getattr(src, key)
            if value:
                lines.append(f"{key} = {_basic(value)}")
    for card in deck.cards:
        lines += [""] + _card(card, deck.default_sources)
    return "\n".join(lines) + "\n"
