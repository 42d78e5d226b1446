"""Text as the answer matcher reads it: normalized words with their stems, each marked negated or not.

An answer and a key point's alternative go through the same reading, so that "not afraid" in a key point and
"you're not afraid" in an answer agree. The steps:

* Terminal escape sequences read as spaces; Unicode is normalized (NFKC), case folded and accents dropped
  ("Résumé" reads as "resume"); only letters and digits make words, so no control character reaches a word.
* Contractions are opened: "don't" and "dont" read as "do not", "you're" as "you"; a few irregular verbs are
  mapped to their base form ("did" -> "do", "told" -> "tell"), then the English Snowball stemmer reduces
  inflections ("hesitations" and "hesitation" both -> "hesit").
* A negation cue (not, never, no, avoid, skip, without, rather than, instead of, refrain from, steer clear of,
  ...) negates the words after it up to the end of its clause: clause punctuation (. , ; : ! ? and dashes), a
  contrast or reason word (but, instead, because, so, then, ...), or "and"/"or" followed by a new subject ("and I
  would..."); a comma right after the cue does not end it ("never, ever ask"). Two cues in one clause cancel out
  ("don't skip the note"). "not only", "or not" and a determiner before "no" ("a no", "the no") are not cues.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from snowballstemmer import stemmer as _snowball

__all__ = ["Word", "read_words", "stem", "word_count"]

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
_NT_BASES = {"won": "will", "ca": "can", "sha": "shall", "ai": "is"}

_IRREGULAR = {
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

# One-word cues, and cues of several words (all their words are part of the cue).
_CUES = frozenset({
    "not", "no", "never", "nor", "neither", "without", "avoid", "avoids", "avoided", "avoiding", "skip",
    "skips", "skipped", "skipping", "refrain", "refrains", "against", "hardly", "omit", "omits", "omitting",
    "resist", "forgo", "forego", "stop", "quit",
})
_MULTI_CUES = (
    ("rather", "than"), ("instead", "of"), ("steer", "clear", "of"), ("steer", "clear"), ("stay", "away", "from"),
    ("keep", "away", "from"), ("hold", "off", "on"), ("hold", "off"), ("leave", "out"), ("no", "longer"),
)
_MULTI_CUES_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _cue in _MULTI_CUES:
    _MULTI_CUES_BY_FIRST.setdefault(_cue[0], []).append(_cue)
_NOT_CUE_AFTER = {"not": frozenset({"only", "just", "merely", "least"}), "no": frozenset({"matter"})}
_NOT_CUE_BEFORE = {"not": frozenset({"or"}), "no": frozenset({"a", "an", "the", "that", "this", "yes", "or"})}
# Words that end a negation's clause, and subjects that start a new clause after "and"/"or".
_SCOPE_ENDS = frozenset({
    "but", "however", "instead", "though", "although", "yet", "because", "since", "so", "whereas", "while",
    "rather", "except", "then", "otherwise", "unless",
})
_SUBJECTS = frozenset({"i", "you", "we", "they", "he", "she"})


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a text.

    Attributes:
        surface: The word as written (for display; letters, digits and apostrophes only).
        key: Case folded, accents dropped, contraction opened ("don't" gives "do", then "not").
        stem: The key's stem, after irregular verbs are mapped to their base form.
        negated: True when a negation cue covers the word (the cue words themselves are never negated).
        cue: True for a word that is part of a negation cue.
        source: Index of the written word it comes from ("don't" gives two words with one source).
        cue_source: For a negated word, the source index of the cue that negates it; for a cue word, of its
            cue's first word; else -1.
    """

    surface: str
    key: str
    stem: str
    negated: bool
    cue: bool
    source: int
    cue_source: int


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
    base = _IRREGULAR.get(key, key)
    return str(_STEMMER.stemWord(base))


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


def _cue_length(keys: list[str], i: int) -> int:
    """How many words starting at ``keys[i]`` form a negation cue (0: none)."""
    key = keys[i]
    for cue in _MULTI_CUES_BY_FIRST.get(key, ()):
        if tuple(keys[i:i + len(cue)]) == cue:
            return len(cue)
    if key not in _CUES:
        return 0
    after = keys[i + 1] if i + 1 < len(keys) else ""
    before = keys[i - 1] if i > 0 else ""
    if after in _NOT_CUE_AFTER.get(key, ()) or before in _NOT_CUE_BEFORE.get(key, ()):
        return 0
    return 1


def read_words(text: str, *, cues: bool = True) -> list[Word]:
    """Read a text into words, each stemmed and marked negated or not (see the module docstring).

    Args:
        text: The text, already cut to the length the caller accepts.
        cues: False reads every word as plain (for a phrase that is nothing but a cue, such as "no").

    Returns:
        The words in order; punctuation is not kept.
    """
    keys: list[str] = []
    surfaces: list[str] = []
    sources: list[int] = []
    breaks: dict[int, bool] = {}  # a clause boundary just before keys[i]: True for a comma (a soft one)
    source = 0
    for match in _TOKEN.finditer(unicodedata.normalize("NFKC", _ESCAPE.sub(" ", text))):
        token = match.group()
        if not (token[0].isalnum()):
            breaks[len(keys)] = breaks.get(len(keys), True) and token == ","
            continue
        for key in _keys(token):
            if key:
                keys.append(key)
                surfaces.append(token)
                sources.append(source)
        source += 1

    words: list[Word] = []
    depth, cue_source, covered = 0, -1, False
    i = 0
    while i < len(keys):
        key = keys[i]
        ends = key in _SCOPE_ENDS and _cue_length(keys, i) == 0
        new_subject = key in ("and", "or") and i + 1 < len(keys) and keys[i + 1] in _SUBJECTS
        soft = breaks.get(i)
        if (soft is not None and (covered or not soft)) or ends or new_subject:
            depth, cue_source, covered = 0, -1, False
        length = _cue_length(keys, i) if cues else 0
        if length:
            depth += 1
            cue_source = sources[i]
            for j in range(i, i + length):
                words.append(Word(surfaces[j], keys[j], keys[j], False, True, sources[j], cue_source))
            i += length
            continue
        negated = depth % 2 == 1
        covered = covered or depth > 0
        words.append(Word(surfaces[i], key, stem(key), negated, False, sources[i], cue_source if negated else -1))
        i += 1
    return words


def word_count(text: str) -> int:
    """How many words a text has, as a reader counts them ("don't" is one word)."""
    return len(_WORD.findall(text))
