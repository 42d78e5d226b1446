"""What ``srs card show`` and ``srs card list`` print: a card under the review screen's headings, and a table.

Built from the same plain data ``--json`` prints, so text and JSON say the same thing. Card text is cleaned and
wrapped at word boundaries (or cut with an ellipsis in a table) to ``width``; numbers are rounded for people;
times are in the learner's zone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from srs.cli.render import clean, clean_line, display_width, wrap
from srs.cli.times import duration, local_time
from srs.scheduling.labels import format_interval

INDENT = "  "
RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def plural(count: int, word: str) -> str:
    """``1 lapse``, ``2 lapses``, ``0 reps``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def stability_text(days: float) -> str:
    """``0.2 d``, ``6.4 d``, ``37 d``: one decimal below ten days, whole days above."""
    return f"{days:.1f} d" if days < 10 else f"{days:,.0f} d"


def card_state(progress: dict[str, Any], retired: bool, now: datetime, tz: str, label: bool) -> str:
    """The card's state with what keeps it out of the queue: ``review, suspended, leech``."""
    parts = [str(progress["state"])]
    if progress["suspended"]:
        parts.append("suspended")
    buried = progress.get("buried_until")
    if buried and datetime.fromisoformat(buried) > now:
        parts.append(f"buried until {local_time(buried, tz, label)}")
    if progress["leech"]:
        parts.append("leech")
    if retired:
        parts.append("retired (no longer in its deck file)")
    return ", ".join(parts)


def _section(title: str, text: str, width: int) -> list[str]:
    return ["", title, *(wrap(text, width, INDENT) or [INDENT + "(empty)"])]


def _field(name: str, value: str, width: int) -> list[str]:
    """``  Name      value``, the value wrapped under itself."""
    head = f"{INDENT}{name:<9} "
    lines = wrap(value, width, " " * len(head))
    return [head + lines[0][len(head):], *lines[1:]] if lines else [head.rstrip()]


def progress_lines(data: dict[str, Any], now: datetime, tz: str, label: bool, width: int) -> list[str]:
    """State, due, memory (stability, difficulty, recall now) and answers, one line each."""
    p = data["progress"]
    lines = ["", "PROGRESS"]
    lines += _field("State", card_state(p, data["retired"], now, tz, label), width)
    if p["state"] == "new":
        lines += _field("Due", "not studied yet", width)
    elif p["due"]:
        due = datetime.fromisoformat(p["due"])
        relative = f"in {format_interval(due - now, timedelta(0))}" if due > now else "due now"
        lines += _field("Due", f"{local_time(due, tz, label)} ({relative})", width)
    if p["stability"] is not None and p["difficulty"] is not None:
        memory = f"stability {stability_text(p['stability'])}, difficulty {p['difficulty']:.1f}/10"
        if p.get("recall_now") is not None:
            memory += f", recall now {p['recall_now'] * 100:.0f}%"
        lines += _field("Memory", memory, width)
    answers = f"{plural(p['reps'], 'rep')}, {plural(p['lapses'], 'lapse')}"
    if p["last_review"]:
        answers += f"; last {local_time(p['last_review'], tz, label)}"
    lines += _field("Answers", answers, width)
    return lines


def _differs(data: dict[str, Any], *keys: str) -> bool:
    """Whether the learner's text of any of ``keys`` differs from the deck's (only with their own wording)."""
    deck = data.get("deck_text")
    return deck is not None and any(deck[key].strip() != data[key].strip() for key in keys)


def _hanging(mark: str, text: str, width: int, indent: str) -> list[str]:
    """``indent + mark + text``, wrapped with the text's later lines under its first word."""
    inner = indent + " " * (display_width(mark) + 1)
    lines = wrap(text, width, inner)
    return [indent + mark + " " + lines[0][len(inner):], *lines[1:]] if lines else [indent + mark]


def point_label(text: str) -> str:
    """A key point as the deck wrote it (``"a | b"``), for display: ``a / b`` (``avoid:`` kept)."""
    from srs.keypoints import KeyPointError, parse_key_point

    try:
        return parse_key_point(text).label
    except KeyPointError:  # validated on import; a shared database may still hold anything
        return text


def key_point_lines(points: list[str], width: int, unicode: bool) -> list[str]:
    """The KEY POINTS section: one point a line, numbered (``srs card wording add ID N`` takes the number), its
    alternatives joined by " / " (``avoid:`` kept)."""
    lines = ["", "KEY POINTS"]
    for n, text in enumerate(points, start=1):
        lines += _hanging(f"{n}.", point_label(text), width, INDENT)
    return lines


def _quoted(wordings: list[dict[str, Any]]) -> str:
    return ", ".join(f'"{w["wording"]}"' for w in wordings)


def _stale_lines(wordings: list[dict[str, Any]], width: int) -> list[str]:
    """The wordings whose point the deck changed: they no longer count."""
    stale = [w for w in wordings if not w["applies"]]
    if not stale:
        return []
    lines = wrap("No longer counts (the deck has changed the point since):", width, INDENT)
    for w in stale:
        lines += _hanging("-", f'"{w["wording"]}" (for: {point_label(w["point"])})', width, INDENT * 2)
    return lines


def your_wording_lines(wordings: list[dict[str, Any]], width: int) -> list[str]:
    """``srs card show``'s YOUR WORDINGS (under the key points): per point number, the learner's wordings of it,
    then those that no longer count. Nothing when there are none."""
    if not wordings:
        return []
    lines = ["", "YOUR WORDINGS (they count for you only)"]
    numbers = sorted({w["number"] for w in wordings if w["applies"]})
    for n in numbers:
        lines += _hanging(f"{n}.", _quoted([w for w in wordings if w["number"] == n]), width, INDENT)
    return lines + _stale_lines(wordings, width)


def wording_lines(ref: str, points: list[str], wordings: list[dict[str, Any]], width: int) -> list[str]:
    """``srs card wording ID``: the card, each key point numbered with the learner's wordings of it under it,
    then those that no longer count (with how to remove them)."""
    lines = [clean_line(ref, width)]
    for n, point in enumerate(points, start=1):
        lines += _hanging(f"{n}.", point_label(point), width, INDENT)
        mine = [w for w in wordings if w["number"] == n]
        lines += wrap(_quoted(mine) if mine else "(none of yours)", width, INDENT * 2 + "   ")
    stale = _stale_lines(wordings, width)
    if stale:
        stale += wrap(f"Remove them with: srs card wording remove {ref} --stale", width, INDENT)
    return lines + stale


def attempt_lines(attempts: list[dict[str, Any]], tz: str, label: bool, width: int, unicode: bool) -> list[str]:
    """Each typed attempt, newest first: when, points hit, suggested and given rating and typing time; then the
    answer as typed, and the points it missed."""
    hit_mark, miss_mark = ("✓", "✗") if unicode else ("[x]", "[ ]")
    lines: list[str] = []
    for a in attempts:
        points = a["key_points"]
        hits = sum(1 for p in points if p["hit"])
        suggested = RATING_NAMES.get(a["suggested_rating"], str(a["suggested_rating"]))
        given = RATING_NAMES.get(a["rating"], str(a["rating"]))
        head = (f"{INDENT}{local_time(a['time'], tz, label)}  {hits} of {plural(len(points), 'point')}  "
                f"suggested {suggested}, you gave {given}  {duration(a['typed_ms'] / 1000)}")
        lines += [head] if len(head) <= width else wrap(head, width, INDENT)
        lines += wrap(f'"{a["answer"].strip()}"', width, INDENT * 2) or [INDENT * 2 + '""']
        for p in points:
            lines += _hanging(hit_mark if p["hit"] else miss_mark, point_label(p["point"]), width, INDENT * 2)
    return lines


def show_lines(data: dict[str, Any], now: datetime, tz: str, label: bool, width: int, unicode: bool) -> list[str]:
    """The whole of ``srs card show``: id and deck, the card's text (the learner's own wording with the deck's
    beside it), key points, sources, counterpoints, progress, typed attempts, history.

    Args:
        data: What ``srs card show --json`` prints.
        now: The current time (for "buried until" and "in 3d").
        tz: The learner's zone; ``label`` adds its abbreviation to every time.
        width: Columns to wrap to.
        unicode: Use an em dash (else a hyphen), the same one everywhere.
    """
    dash = "—" if unicode else "-"
    personal_line = data.get("personal") and not data.get("needs_personal")
    edit = "your line" if personal_line and not _differs(data, "situation", "reasoning") else "your edit"
    marks = [m for m, on in ((edit, data["edited"]), ("personal", data.get("personal")),
                             ("retired", data["retired"])) if on]
    lines = [clean_line(data["id"], width)]
    about = f"Deck: {clean(data['deck'])}"
    if data["tags"]:
        about += f"; tags: {', '.join(data['tags'])}"
    if marks:
        about += f" ({', '.join(marks)})"
    lines += wrap(about, width)
    if data.get("edit_outdated"):
        lines += wrap(f"The deck's text changed after you made this card's wording yours: both are shown below. "
                      f"Keep yours, or take the deck's with: srs card reset-edit {data['id']}", width)
    for title, key in (("SITUATION", "situation"), ("RESPONSE", "response"), ("REASONING", "reasoning")):
        if key == "response" and data.get("needs_personal"):
            lines += _section(f"RESPONSE {dash} the deck's (srs review asks for your own line)", data[key], width)
        elif _differs(data, key):
            lines += _section(f"{title} {dash} {'your line' if personal_line and key == 'response' else 'yours'}",
                              data[key], width)
            lines += _section(f"{title} {dash} the deck's" + (", for reference" if key == "response" else ""),
                              data["deck_text"][key], width)
        else:
            lines += _section(title, data[key], width)
        if key == "response" and data.get("key_points"):
            lines += key_point_lines(data["key_points"], width, unicode)
        if key == "response":
            lines += your_wording_lines(data.get("wordings", []), width)
    if data["sources"]:
        lines += ["", "SOURCES"]
        for s in data["sources"]:
            lines += wrap(s["title"] + (f" {dash} {s['author']}" if s["author"] else ""), width, INDENT)
    for c in data["counterpoints"]:
        lines += _section(f"COUNTERPOINT {dash} {clean_line(c['title'], max(10, width - 15))}", c["view"], width)
    lines += progress_lines(data, now, tz, label, width)
    if data.get("attempts"):
        lines += ["", "YOUR LAST ATTEMPTS"] + attempt_lines(data["attempts"], tz, label, width, unicode)
    if data["history"]:
        lines += ["", "HISTORY"]
        for h in data["history"]:
            rating = RATING_NAMES.get(h["rating"], str(h["rating"]))
            spent = duration(h["duration_ms"] / 1000) if h["duration_ms"] is not None else "-"
            origin = clean_line(h["origin"], 20)
            line = f"{INDENT}{local_time(h['time'], tz, label)}  {rating:<5}  {spent:>6}  {origin}"
            lines += [line] if len(line) <= width else wrap(line, width, INDENT)
    return lines


def list_state(card: dict[str, Any], now: datetime) -> str:
    """One word for a row of ``srs card list``: what keeps the card out of the queue, else its learning state;
    ``, leech`` after it for a leech."""
    buried = card.get("buried_until")
    if card["retired"]:
        state = "retired"
    elif card["suspended"]:
        state = "suspended"
    elif buried and datetime.fromisoformat(buried) > now:
        state = "buried"
    else:
        state = str(card["state"])
    return f"{state}, leech" if card["leech"] else state


def list_lines(cards: list[dict[str, Any]], now: datetime, tz: str, label: bool, width: int) -> list[str]:
    """The ``srs card list`` table: a header row, then per deck a line with its id and a row per card.

    A row holds the card's id (``srs card show ID`` takes it), its state, its due time and the start of its
    situation. Every line fits ``width``: an id longer than half of it is cut with an ellipsis, the situation
    takes the columns left and is left out when fewer than 20 remain, and where even id, state and due time do
    not fit side by side, each card takes two lines. Suspended, buried and retired cards say so, and show no due
    time.

    Args:
        cards: What ``srs card list --json`` prints, in deck order.
        now: The current time (a bury that has ended is not shown).
        tz: The learner's zone; with ``label`` the Due heading names it (when there is room).
        width: Columns the table may take.
    """
    states = [list_state(card, now) for card in cards]
    scheduled = ("learning", "review", "relearning")
    dues = [local_time(card["due"], tz) if card["due"] and state.split(",")[0] in scheduled else ""
            for card, state in zip(cards, states)]
    names = [card["id"].rpartition("/")[2] for card in cards]
    state_width = max([len("State"), *(len(s) for s in states)])
    due_width = max([len("Due"), *(len(d) for d in dues)])
    id_width = min(max([len("Card"), *(len(INDENT + name) for name in names)]), max(12, width // 2))
    stacked = id_width + state_width + due_width + 4 > width  # too narrow for one line per card
    if stacked:
        id_width = width
    due_head = "Due"
    for head in ((f"Due ({tz})", "Due (local)") if label else ()):
        if (2 * len(INDENT) if stacked else id_width + 2) + state_width + 2 + len(head) <= width:
            due_head = head
            break
    due_width = max(due_width, len(due_head))
    text_width = width - id_width - state_width - due_width - 6
    show_text = not stacked and text_width >= 20

    def row(ref: str, state: str, due: str, situation: str, indent: str = "") -> list[str]:
        ref = indent + clean_line(ref, id_width - len(indent))
        if stacked:
            return [ref, f"{INDENT * 2}{state:<{state_width}}  {due}".rstrip()]
        cells = f"{ref:<{id_width}}  {state:<{state_width}}  {due:<{due_width}}"
        return [(f"{cells}  {situation}" if show_text else cells).rstrip()]

    lines = row("Card", "State", due_head, "Situation")
    deck = None
    for card, name, state, due in zip(cards, names, states, dues):
        if card["id"].rpartition("/")[0] != deck:
            deck = card["id"].rpartition("/")[0]
            lines.append(clean_line(f"{deck}/", width))
        situation = clean_line(card["situation"], text_width) if show_text else ""
        lines += row(name, state, due, situation, INDENT)
    return lines
