"""Reading text into words for the answer matcher: normalized, contractions opened, stemmed.

An answer and a key point's alternative go through the same reading, so that they compare alike:

* Terminal escape sequences read as spaces; Unicode is normalized (NFKC), case folded and accents dropped
  ("Résumé" reads as "resume"); only letters and digits make words, so no control character reaches a word.
* Contractions are opened: "don't" and "dont" read as "do not", "you're" as "you".
* A few irregular verbs are mapped to their base form ("did" -> "do", "told" -> "tell"), then the English
  Snowball stemmer reduces inflections ("hesitations" -> "hesit"). :data:`ALSO_SAYS` lets an answer's
  "question" say a key point's "ask" (not the other way round: "my question" is not said by "ask").
* Clause punctuation (. , ; : ! ? newlines and dashes) is kept as a mark on the next word, for the negation
  scope (:mod:`srs.matching.negation`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from snowballstemmer import stemmer as _snowball

__all__ = ["ALSO_SAYS", "Token", "read_tokens", "stem", "word_count"]

_TOKEN = re.compile(r"[^\W_]+(?:['’‘ʼ`][^\W_]+)*|[.,;:!?\n—–]|(?<!\S)-+(?!\S)")
_WORD = re.compile(r"[^\W_]+(?:['’‘ʼ`][^\W_]+)*")
# A terminal escape sequence (CSI or OSC), read as a space like any other control character.
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?)?")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})

# "dont" and friends, as typed without the apostrophe.
_BARE_NEGATIONS = {
    "dont": "do", "doesnt": "does", "didnt": "did", "wont": "will", "cant": "can", "cannot": "can",
    "isnt": "is", "arent": "are", "wasnt": "was", "werent": "were", "shouldnt": "should", "wouldnt": "would",
    "couldnt": "could", "havent": "have", "hasnt": "has", "hadnt": "had", "mustnt": "must", "neednt": "need",
    "aint": "is", "shant": "shall", "mightnt": "might",
}
_NT_BASES = {"wo": "will", "ca": "can", "sha": "shall", "ai": "is"}

_BASE_FORMS = {
    "did": "do", "does": "do", "done": "do", "said": "say", "says": "say", "told": "tell", "gave": "give",
    "given": "give", "took": "take", "taken": "take", "made": "make", "knew": "know", "known": "know",
    "saw": "see", "seen": "see", "got": "get", "gotten": "get", "went": "go", "gone": "go", "goes": "go",
    "thought": "think", "felt": "feel", "left": "leave", "sent": "send", "shook": "shake", "shaken": "shake",
    "heard": "hear", "kept": "keep", "found": "find", "brought": "bring", "came": "come", "stood": "stand",
    "wrote": "write", "written": "write", "spoke": "speak", "spoken": "speak", "meant": "mean",
    "lost": "lose", "won": "win", "was": "be", "were": "be", "is": "be", "am": "be", "are": "be",
    "been": "be", "being": "be", "has": "have", "had": "have", "ran": "run", "held": "hold", "paid": "pay",
    "sought": "seek", "taught": "teach", "chose": "choose", "chosen": "choose", "began": "begin",
    "begun": "begin", "hid": "hide", "hidden": "hide", "fell": "fall", "fallen": "fall", "led": "lead",
}
# After stemming: an answer's word that also says a key point's word ("skip the question" says "ask").
ALSO_SAYS = {"question": "ask", "inquir": "ask", "enquir": "ask"}


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text, before negation is marked.

    Attributes:
        surface: The word as written (letters, digits and apostrophes only).
        key: Case folded, accents dropped, contraction opened ("don't" gives "do", then "not").
        source: Index of the written word it comes from ("don't" gives two tokens with one source).
        pause: The clause punctuation just before it: "," for a comma, "." for any stronger mark, "" for none.
        hyphen: True when a hyphen joins it to the word before ("no-win").
    """

    surface: str
    key: str
    source: int
    pause: str
    hyphen: bool


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower().replace("`", "'")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_APOSTROPHES)


@lru_cache(maxsize=65536)
def stem(key: str) -> str:
    """The stem of a folded word ("hesitations" -> "hesit"), irregular verbs first mapped to their base form.

    Cached: the Snowball stemmer is pure Python (about 30 µs a word), and an answer's words repeat.
    """
    return str(_STEMMER.stemWord(_BASE_FORMS.get(key, key)))


_STEMMER = _snowball("english")


def _keys(token: str) -> list[str]:
    """The folded words of one written token: contractions opened, possessives and other clitics dropped."""
    folded = _fold(token)
    if folded in _BARE_NEGATIONS:
        return [_BARE_NEGATIONS[folded], "not"]
    if "'" not in folded:
        return [folded]
    if folded.endswith("n't"):
        base = folded[:-3]
        return [_NT_BASES.get(base, base), "not"] if base else ["not"]
    return [folded.split("'", 1)[0]]


def read_tokens(text: str) -> list[Token]:
    """Read a text into its words, with the clause punctuation before each (see the module docstring)."""
    tokens: list[Token] = []
    pause = ""
    source = 0
    end = -1
    for match in _TOKEN.finditer(unicodedata.normalize("NFKC", _ESCAPE.sub(" ", text))):
        token = match.group()
        if not token[:1].isalnum():
            pause = "," if token == "," and pause != "." else "."
            continue
        hyphen = end >= 0 and match.start() == end + 1 and match.string[end] == "-"
        for key in _keys(token):
            if key:
                tokens.append(Token(token, key, source, pause, hyphen))
                pause, hyphen = "", False
        source += 1
        end = match.end()
    return tokens


def word_count(text: str) -> int:
    """How many words a text has, as a reader counts them ("don't" is one word)."""
    return len(_WORD.findall(text))
