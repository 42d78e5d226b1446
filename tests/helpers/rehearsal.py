"""The rehearsal deck the typed-answer, card-view and rehearsal-store tests share: a question card with key
points and a personal closing-line card, in two wordings.

Imported as ``from helpers.rehearsal import ...``. The wordings differ where tests rely on them: the card view
and store tests assert the short texts of :data:`HESITATIONS` and :data:`CLOSING_LINE`; ``srs review --type``
tests type against :data:`HESITATIONS_QUOTED` and :data:`CLOSING_LINE_QUOTED` (their length sets the "said
aloud ~4s" timing; their key points the marks).
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class RehearsalCard:
    """One card of a rehearsal deck, written out by :func:`rehearsal_deck`."""

    id: str
    situation: str
    response: str
    key_points: tuple[str, ...]
    reasoning: str
    personal: bool = False

    def toml(self) -> str:
        """The card as a ``[[cards]]`` table citing source ``a`` (strings as TOML basic strings)."""
        lines = ["[[cards]]", f"id = {json.dumps(self.id)}"]
        if self.personal:
            lines.append("personal = true")
        lines += [f"situation = {json.dumps(self.situation)}", f"response = {json.dumps(self.response)}",
                  f"key_points = {json.dumps(list(self.key_points))}", f"reasoning = {json.dumps(self.reasoning)}",
                  'sources = ["a"]']
        return "\n".join(lines) + "\n"


HESITATIONS = RehearsalCard(
    "hesitations", "Any more questions for me?", "Ask what hesitations they have about hiring you.",
    ("hesitations | concerns | reservations", "about hiring me | about me | about hiring you"),
    "Gives you a chance to answer them.")
CLOSING_LINE = RehearsalCard(
    "closing-line", "The interviewer thanks you. Say your closing line.", "Really interested in the opportunity.",
    ("interested | keen", "opportunity | role"), "Restate your interest.", personal=True)

HESITATIONS_QUOTED = RehearsalCard(
    "hesitations", "The interviewer asks whether you have any more questions.",
    'Ask: "What hesitations do you have about hiring me?"', ("hesitations | concerns | doubts", "hiring me | about me"),
    "You hear the doubt while you can still answer it.")
CLOSING_LINE_QUOTED = RehearsalCard(
    "closing-line", "The interviewer thanks you and says they'll be in touch. Say your closing line.",
    'Something like: "Really interested in the opportunity."', ("interested | keen", "opportunity | role | job"),
    "A short, upbeat line of interest.", personal=True)


def rehearsal_deck(*cards: RehearsalCard, deck_id: str = "rehearse", name: str = "Rehearse") -> str:
    """A deck file's text holding ``cards`` (by default :data:`HESITATIONS` and :data:`CLOSING_LINE`), in order,
    all citing one source ``a``."""
    header = f'[deck]\nid = {json.dumps(deck_id)}\nname = {json.dumps(name)}\nversion = "1.0.0"\n\n' \
             '[[sources]]\nid = "a"\ntitle = "A"\n'
    return "\n".join([header, *(card.toml() for card in cards or (HESITATIONS, CLOSING_LINE))])
