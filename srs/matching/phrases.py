"""Finding one key-point alternative in an answer: its required words, in the right polarity, close together.

An alternative's *required* words are its content words: function words ("the", "about", "me", "would", ...)
are left out, so "about hiring me" needs only "hiring". An alternative made only of function words ("about me")
needs all of them, in a row. Each required word is found in the answer by stem ("hiring" ~ "hire" ~ "hired"),
or, for words of four letters or more, by a small typo (one edit up to eight letters, two from nine; for four
or five letters the first letter must agree); the answer's adjacent words joined are tried too ("up beat" ~
"upbeat"). Two slips are read in shorter forms: a three-letter word with its last two letters swapped ("jbo" ~
"job"), and a word typed without its vowels, three letters or more ("nxt" ~ "next"). Word order does not
matter, but the words must fall within a window of ``3 * n + 3`` words for ``n`` required words.

Polarity: each required word must be negated in the answer exactly when it is negated in the alternative
("not afraid" needs a negated "afraid"); for a prohibitive point (``avoid:``) the other way round.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from srs.matching.negation import read_words
from srs.matching.synonyms import phrase_stems, same_as
from srs.matching.words import ALSO_SAYS

__all__ = ["FUNCTION_WORDS", "Answer", "Phrase", "compile_phrase", "find", "matched_text"]

FUNCTION_WORDS = frozenset({
    "a", "an", "the", "this", "that", "these", "those", "some", "any", "each", "such",
    "about", "of", "to", "for", "in", "on", "at", "by", "with", "from", "into", "onto", "as", "than", "over",
    "i", "me", "my", "mine", "myself", "you", "your", "yours", "yourself", "we", "us", "our", "they", "them",
    "their", "he", "him", "his", "she", "her", "it", "its", "one",
    "is", "am", "are", "was", "were", "be", "been", "being", "have", "has", "had", "will", "would", "shall",
    "should", "can", "could", "may", "might", "must",
    "and", "or", "if", "whether", "what", "which", "just", "really", "very", "also",
})
MIN_FUZZY_LETTERS = 4
# An answer that opens with a plain "No" replies to the situation's yes/no question ("Should you ask...?"); so
# does an opening clause that only refuses, with nothing but small words after its cue ("Don't ask that.").
_REPLY_NO = re.compile(r"\s*(?:no|nope)\s*(?:$|[.,;:!—–-])", re.IGNORECASE)
_FIRST_CLAUSE = re.compile(r"[^.,;:!?\n—–]*")
_MAX_REFUSAL_WORDS = 6  # "I really would not ask that": a longer opening clause says more than no
_REFUSAL_WORDS = frozenset({"do", "ask", "bother", "definitely", "certainly", "absolutely", "all"})
MAX_SHOWN_WORDS = 12
# A word typed without these ("nxt") has dropped its vowels: no English word of three letters or more lacks all
# of them, so such a word is a slip. ("y" counts, so "try" is not "tray".)
_VOWELS = frozenset("aeiouy")


@dataclass(frozen=True, slots=True)
class _Term:
    key: str
    stem: str
    negated: bool  # the polarity the answer's word must have


@dataclass(frozen=True, slots=True)
class Phrase:
    """One alternative, ready to look for: its required words and whether they must be in a row."""

    terms: tuple[_Term, ...]
    in_a_row: bool


def _max_edits(key: str) -> int:
    if len(key) < MIN_FUZZY_LETTERS:
        return 0
    return 1 if len(key) <= 8 else 2


def _short_slip(key: str) -> str:
    """For a three-letter word, the one slip accepted: its last two letters swapped ("job" -> "jbo"); else ""."""
    if len(key) != 3 or key[1] == key[2] or not key.isalpha():
        return ""
    return key[0] + key[2] + key[1]


@lru_cache(maxsize=4096)
def _without_vowels(key: str) -> str:
    """A word typed without its vowels ("next" -> "nxt"), when that leaves three letters or more; else ""."""
    bare = "".join(ch for ch in key if ch not in _VOWELS)
    return bare if len(bare) >= 3 and bare != key and key.isalpha() else ""


@lru_cache(maxsize=4096)
def compile_phrase(alternative: str, avoid: bool) -> Phrase:
    """Read one alternative of a key point into the words an answer must contain (cached).

    Args:
        alternative: The phrase as the deck author wrote it.
        avoid: True for a prohibitive point: every required word's polarity is reversed.
    """
    words = read_words(alternative)
    plain = [w for w in words if not w.cue]
    if not plain:  # a phrase that is nothing but a cue ("no"): its words are plain words
        plain = read_words(alternative, cues=False)
    content = [w for w in plain if w.key not in FUNCTION_WORDS]
    chosen = content or plain
    terms = tuple(_Term(w.key, w.stem, w.negated != avoid) for w in chosen)
    return Phrase(terms=terms, in_a_row=not content and len(terms) > 1)


def _refusal(text: str) -> str | None:
    """The answer's opening "No" or bare refusal ("Don't ask that", "I wouldn't"), as written; else None."""
    reply = _REPLY_NO.match(text)
    if reply:
        return text[:reply.end()].strip(" .,;:!—–-\t")
    clause = _FIRST_CLAUSE.match(text)
    if not clause or len(clause.group().split()) > _MAX_REFUSAL_WORDS:
        return None
    words = read_words(clause.group())
    if any(w.cue for w in words) and all(w.cue or w.key in FUNCTION_WORDS or w.key in _REFUSAL_WORDS
                                         for w in words):
        return " ".join(dict.fromkeys(w.surface for w in words))
    return None


class Answer:
    """An answer read once, then searched for any number of phrases.

    Attributes:
        refusal: How the answer opens when it refuses outright ("No", "Don't ask that"), else None: a reply to
            the situation's yes/no question ("Should you ask...?").
    """

    def __init__(self, text: str) -> None:
        self.all_words = read_words(text)
        self.words = [w for w in self.all_words if not w.cue]
        self.surfaces = {w.source: ("-" if w.hyphen else " ") + w.surface for w in self.all_words}
        self._by_stem: dict[str, list[int]] = {}
        self.expression_end: dict[int, int] = {}  # an expression's first word -> its last ("taking me on")
        synonyms = same_as()
        for i, word in enumerate(self.words):
            self._by_stem.setdefault(word.stem, []).append(i)
            if word.stem in ALSO_SAYS:
                self._by_stem.setdefault(ALSO_SAYS[word.stem], []).append(i)
            for other in synonyms.get(word.stem, ()):
                self._by_stem.setdefault(other, []).append(i)
        self._read_expressions()
        self.refusal = _refusal(text)
        self._fuzzy_keys: list[str] | None = None
        self._short: dict[str, list[int]] | None = None
        self._fuzzy_positions: list[list[int]] = []
        self._near: dict[tuple[str, str], list[int]] = {}
        self._found: dict[_Term, list[int]] = {}

    def _read_expressions(self) -> None:
        """Index each expression the answer uses ("take me on") under the word it says, at its first word."""
        stems = [w.stem for w in self.words]
        for pattern, says in phrase_stems():
            first = pattern[0]
            for i in self._by_stem.get(first, ()):
                if i + len(pattern) <= len(stems) and all(p == "*" or stems[i + k] == p
                                                          for k, p in enumerate(pattern)):
                    self._by_stem.setdefault(says, []).append(i)
                    self.expression_end[i] = max(self.expression_end.get(i, i), i + len(pattern) - 1)

    def _candidates(self) -> tuple[list[str], list[list[int]]]:
        """Keys and stems to compare for typos, each with its positions; adjacent pairs joined are included."""
        if self._fuzzy_keys is None:
            index: dict[str, list[int]] = {}
            for i, word in enumerate(self.words):
                index.setdefault(word.key, []).append(i)
                if len(word.stem) >= MIN_FUZZY_LETTERS and word.stem != word.key:
                    index.setdefault(word.stem, []).append(i)
                if i + 1 < len(self.words) and self.words[i + 1].source != word.source:
                    index.setdefault(word.key + self.words[i + 1].key, []).append(i)
            self._fuzzy_keys = [k for k in index if len(k) >= MIN_FUZZY_LETTERS]
            self._fuzzy_positions = [index[k] for k in self._fuzzy_keys]
        return self._fuzzy_keys, self._fuzzy_positions

    def positions(self, term: _Term) -> list[int]:
        """Where the answer has this word (same stem, or a small typo of it), in the polarity it needs."""
        found = self._found.get(term)
        if found is None:
            found = self._found[term] = self._look_up(term)
        return found

    def _short_forms(self) -> dict[str, list[int]]:
        """The answer's words of three letters or more, with their positions (for short-word slips)."""
        if self._short is None:
            self._short = {}
            for i, word in enumerate(self.words):
                if len(word.key) == 3 or (len(word.key) > 3 and not _VOWELS & set(word.key)):
                    self._short.setdefault(word.key, []).append(i)
        return self._short

    def _look_up(self, term: _Term) -> list[int]:
        exact = [i for i in self._by_stem.get(term.stem, ()) if self.words[i].negated == term.negated]
        if exact:
            return exact
        slip = _short_slip(term.key)
        if slip:
            return [i for i in self._short_forms().get(slip, ()) if self.words[i].negated == term.negated]
        if not _max_edits(term.key):
            return []
        cache_key = (term.key, term.stem)
        if cache_key not in self._near:
            keys, positions = self._candidates()
            found: set[int] = set(self._short_forms().get(_without_vowels(term.key), ()))
            for probe in {term.key, term.stem}:
                edits = _max_edits(probe)
                if not edits:
                    continue
                for choice, _, index in process.extract(probe, keys, scorer=OSA.distance,
                                                        score_cutoff=edits, limit=None):
                    if len(choice) <= 5 and choice[0] != probe[0]:
                        continue
                    found.update(positions[index])
            self._near[cache_key] = sorted(found)
        return [i for i in self._near[cache_key] if self.words[i].negated == term.negated]


def _in_a_row(answer: Answer, phrase: Phrase) -> list[int] | None:
    n = len(phrase.terms)
    words = answer.words
    for start in answer.positions(phrase.terms[0]):
        span = words[start:start + n]
        if len(span) == n and all(w.stem == t.stem and w.negated == t.negated for w, t in zip(span, phrase.terms)):
            return list(range(start, start + n))
    return None


def _closest(lists: Sequence[list[int]], window: int) -> list[int] | None:
    """One position from each list, spanning fewer than ``window`` words, as close together as possible."""
    events = sorted((pos, which) for which, positions in enumerate(lists) for pos in positions)
    counts = [0] * len(lists)
    covered = left = 0
    best: tuple[int, int, int] | None = None  # span, first and last event
    for right, (pos, which) in enumerate(events):
        counts[which] += 1
        covered += counts[which] == 1
        while covered == len(lists):
            span = pos - events[left][0]
            if span < window and (best is None or span < best[0]):
                best = (span, left, right)
            counts[events[left][1]] -= 1
            covered -= counts[events[left][1]] == 0
            left += 1
    if best is None:
        return None
    chosen: dict[int, int] = {}
    for pos, which in events[best[1]:best[2] + 1]:
        chosen.setdefault(which, pos)
    return sorted(chosen.values())


def find(answer: Answer, phrase: Phrase) -> list[int] | None:
    """The answer's word positions that say this phrase, or None when it does not say it."""
    if not phrase.terms:
        return None
    if phrase.in_a_row:
        return _in_a_row(answer, phrase)
    lists = []
    for term in phrase.terms:
        positions = answer.positions(term)
        if not positions:
            return None
        lists.append(positions)
    return _closest(lists, 3 * len(phrase.terms) + 3)


def matched_text(answer: Answer, positions: Sequence[int]) -> str:
    """The answer's written words from the first to the last matched one, with the cue negating any of them.

    A stretch longer than :data:`MAX_SHOWN_WORDS` is shown as its matched words only.
    """
    chosen = {answer.words[i].source for i in positions}
    chosen.update(answer.words[answer.expression_end[i]].source for i in positions if i in answer.expression_end)
    cue_groups = {answer.words[i].cue_source for i in positions} - {-1}
    chosen.update(cue_groups)  # a cue's first word, or a judgement
    chosen.update(w.source for w in answer.all_words if w.cue and w.cue_source in cue_groups)
    low, high = min(chosen), max(chosen)
    shown = range(low, high + 1) if high - low < MAX_SHOWN_WORDS else sorted(chosen)
    return "".join(answer.surfaces[s] for s in shown if s in answer.surfaces)[1:]
