"""Negation scope for the answer matcher: which words of a text a negation covers.

* A negation cue (not, never, no, avoid, skip, without, rather than, instead of, refrain from, steer clear of,
  ...) covers the words after it up to the end of its clause: clause punctuation (. , ; : ! ? and dashes), a
  contrast or reason word (but, instead, because, so, then, ...), or "and"/"or" followed by a new subject or a
  common verb ("and I would...", "and close with..."). A comma right after the cue does not end it ("never, ever
  ask"), unless a new subject follows ("Never, it seems needy").
* A second cue right after the first (at most one word between) cancels it ("don't skip the note", "never
  avoid"); a later one in the same clause starts afresh ("don't acknowledge it, give no context").
* Not cues: "not only", "or not", a "no" used as a noun ("a no", "the no", "no is misleading") or as a reply
  ("No, I ..."). A hyphened "no-" or "not-" covers only its hyphened words ("a no-win spot", "the not-a-fit
  question").
* A judgement rejects what comes before or after it: the subject of a clause that starts with a gerund and
  calls it needy, a mistake, risky, pointless, ... ("asking how I did | seems needy"), and what follows
  "<judgement> to" ("it's a mistake to | ask how I did").
"""

from __future__ import annotations

from dataclasses import dataclass

from srs.matching.words import Token, read_tokens, stem

__all__ = ["Word", "read_words"]

_CUES = frozenset({
    "not", "no", "never", "nor", "neither", "without", "avoid", "avoids", "avoided", "avoiding", "skip",
    "skips", "skipped", "skipping", "refrain", "refrains", "against", "hardly", "omit", "omits", "omitting",
    "resist", "forgo", "forego", "stop", "quit",
})
_MULTI_CUES: dict[str, tuple[tuple[str, ...], ...]] = {
    "rather": (("rather", "than"),), "instead": (("instead", "of"),),
    "steer": (("steer", "clear", "of"), ("steer", "clear")), "stay": (("stay", "away", "from"),),
    "keep": (("keep", "away", "from"),), "hold": (("hold", "off", "on"), ("hold", "off")),
    "leave": (("leave", "out"),), "no": (("no", "longer"),),
}
_NOT_CUE_AFTER = {
    "not": frozenset({"only", "just", "merely", "least"}),
    "no": frozenset({"matter", "is", "was", "means", "would", "will", "could", "might", "may", "can", "does",
                     "just", "suggests", "gives", "leaves", "implies", "from"}),
}
_NOT_CUE_BEFORE = {"not": frozenset({"or"}), "no": frozenset({"a", "an", "the", "that", "this", "yes", "or"})}
_JUDGEMENTS = frozenset({
    "needy", "desperate", "insecure", "mistake", "risky", "pointless", "useless", "awkward", "unprofessional",
    "pushy", "counterproductive", "harmful", "unwise", "annoying", "backfire", "backfires", "rude", "bad",
    "wrong", "presumptuous", "waste",
})
_SCOPE_ENDS = frozenset({
    "but", "however", "instead", "though", "although", "yet", "because", "since", "so", "whereas", "while",
    "rather", "except", "then", "otherwise", "unless",
})
# Where the subject of a judged clause ends ("asking how I did | seems needy"): stems of linking verbs.
_PREDICATES = frozenset({
    "be", "seem", "look", "sound", "appear", "come", "make", "put", "feel", "would", "could", "can", "will",
    "might", "may", "risk", "cost",
})
# After a comma, these start a new clause even right after a cue ("Never, it seems needy" but "never, ever ask").
_SUBJECTS = frozenset({"i", "you", "we", "they", "he", "she", "it"})
# After "and"/"or", these start a new clause: a subject, a common verb, an adverb that starts a new action.
_NEW_CLAUSE = frozenset({
    "i", "you", "we", "they", "he", "she", "just", "simply", "also", "then", "instead",
    "say", "tell", "ask", "end", "close", "finish", "leave", "go", "walk", "head", "shake", "smile", "thank",
    "send", "write", "move", "focus", "wrap", "keep", "make", "let", "give", "take", "use", "acknowledge",
    "admit", "add", "offer", "explain", "mention", "express", "reiterate", "show", "stay", "wait", "follow",
    "accept", "put", "get", "come", "start", "try", "look", "listen", "respond", "reply", "answer", "own",
    "address", "deal", "stand", "nod", "hope", "repeat", "restate", "summarize", "summarise", "exit", "be",
    "can", "could", "will", "would", "may", "might", "should", "must",
})


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a text, stemmed and marked negated or not.

    Attributes:
        surface: The word as written (for display).
        key: Case folded, accents dropped, contraction opened.
        stem: The key's stem (see :func:`srs.matching.words.stem`).
        negated: True when a negation covers the word (cue words themselves are never negated).
        cue: True for a word that is part of a negation cue.
        source: Index of the written word it comes from ("don't" gives two words with one source).
        cue_source: For a negated word, the source index of what negates it (a cue or a judgement); for a cue
            word, of its cue's first word; else -1.
        hyphen: True when a hyphen joins it to the word before ("no-win").
    """

    surface: str
    key: str
    stem: str
    negated: bool
    cue: bool
    source: int
    cue_source: int
    hyphen: bool = False


def _is_judgement(keys: list[str], i: int) -> bool:
    if keys[i] == "idea":
        return i > 0 and keys[i - 1] in ("bad", "poor", "terrible")
    return keys[i] in _JUDGEMENTS


def _cue_length(tokens: list[Token], keys: list[str], i: int) -> int:
    """How many words starting at ``keys[i]`` form a negation cue (0: none)."""
    key = keys[i]
    for cue in _MULTI_CUES.get(key, ()):
        if tuple(keys[i:i + len(cue)]) == cue:
            return len(cue)
    if key == "to":
        return 1 if i > 0 and not tokens[i].pause and _is_judgement(keys, i - 1) else 0
    if key not in _CUES:
        return 0
    if key in ("no", "not", "non") and i + 1 < len(tokens) and tokens[i + 1].hyphen:
        return 1
    after = keys[i + 1] if i + 1 < len(keys) else ""
    before = keys[i - 1] if i > 0 and not tokens[i].pause else ""
    if after in _NOT_CUE_AFTER.get(key, ()) or before in _NOT_CUE_BEFORE.get(key, ()):
        return 0
    if key == "no" and (not after or tokens[i + 1].pause):  # "No." / "No, I ..." is a reply
        return 0
    return 1


def _ends_clause(tokens: list[Token], keys: list[str], i: int, covered: bool) -> bool:
    pause = tokens[i].pause
    key = keys[i]
    if pause == "." or (pause == "," and (covered or key in _SUBJECTS)):
        return True
    if key in _SCOPE_ENDS:
        return not any(tuple(keys[i:i + len(cue)]) == cue for cue in _MULTI_CUES.get(key, ()))
    return key in ("and", "or") and i + 1 < len(keys) and keys[i + 1] in _NEW_CLAUSE


def _starts_with_gerund(key: str) -> bool:
    return len(key) >= 5 and key.endswith("ing") and not key.endswith("thing")


def read_words(text: str, *, cues: bool = True) -> list[Word]:
    """Read a text into words, each stemmed and marked negated or not (see the module docstring).

    Args:
        text: The text, already cut to the length the caller accepts.
        cues: False reads every word as plain (for a phrase that is nothing but a cue, such as "no").

    Returns:
        The words in order; punctuation is not kept.
    """
    tokens = read_tokens(text)
    keys = [t.key for t in tokens]
    words: list[Word] = []
    clauses: list[int] = []  # where each clause starts in ``words``
    depth, cue_source, covered, cue_end, hyphened = 0, -1, False, -10, False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if i == 0 or tokens[i].pause or _ends_clause(tokens, keys, i, covered):
            clauses.append(len(words))
        if i > 0 and _ends_clause(tokens, keys, i, covered):
            depth, cue_source, covered, hyphened = 0, -1, False, False
        length = _cue_length(tokens, keys, i) if cues else 0
        if length:
            depth = depth + 1 if depth and i - cue_end <= 1 else 1
            cue_source, cue_end = token.source, i + length
            hyphened = i + 1 < len(tokens) and tokens[i + 1].hyphen
            for j in range(i, i + length):
                t = tokens[j]
                words.append(Word(t.surface, t.key, t.key, False, True, t.source, cue_source, t.hyphen))
            i += length
            continue
        negated = depth % 2 == 1
        covered = covered or depth > 0
        words.append(Word(token.surface, token.key, stem(token.key), negated, False, token.source,
                          cue_source if negated else -1, token.hyphen))
        if hyphened and not (i + 1 < len(tokens) and tokens[i + 1].hyphen):  # the end of "not-a-fit"
            depth, cue_source, hyphened = 0, -1, False
        i += 1
    for start, end in zip(clauses, clauses[1:] + [len(words)]):
        _judge(words, start, end, cues)
    return words


def _judge(words: list[Word], start: int, end: int, cues: bool) -> None:
    """Reverse the words of a clause that starts with a gerund and then judges it ("asking ... is needy")."""
    if not cues or start == end or not _starts_with_gerund(words[start].key):
        return
    keys = [w.key for w in words]
    subject_end = next((j for j in range(start + 1, end) if words[j].stem in _PREDICATES), end)
    for j in range(subject_end, end):
        word = words[j]
        if _is_judgement(keys, j) and not word.negated and not word.cue:
            for k in range(start, subject_end):
                w = words[k]
                if not w.cue:
                    negated = not w.negated
                    words[k] = Word(w.surface, w.key, w.stem, negated, False, w.source,
                                    word.source if negated else -1, w.hyphen)
            return
