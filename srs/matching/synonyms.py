"""Common English synonyms the matcher reads as the same word, so a key point need not list every one.

A deck author lists a key point's *phrasings* ("hesitations | concerns | reservations"); a learner's own
wording often differs in a single word ("any misgivings about taking me on?"). Each group below is a set of
words that say the same thing in most sentences an answer to a flashcard is made of: a word of a group in an
answer also counts as every other word of its group, in both directions, by stem ("worried" ~ "concerns" ~
"hesitant"). A few multi-word expressions count as one word ("take me on" says "hire").

The groups are kept narrow on purpose: a word that means something else in ordinary use ("firm", "straight",
"right", "chance") is left out, as is any pair that only sometimes agrees. The list is general English, not one
deck's: it was written from each key-point word of the bundled deck by asking what else people commonly say
for it, then checked against a labelled set of answers.
"""

from __future__ import annotations

from functools import lru_cache

from srs.matching.words import stem

__all__ = ["GROUPS", "PHRASES", "phrase_stems", "same_as"]

GROUPS = (
    # doubts and fears
    "hesitation hesitations hesitant hesitancy concern concerns concerned reservation reservations misgiving "
    "misgivings qualm qualms apprehension apprehensions apprehensive worry worries worried doubt doubts unsure "
    "uncertain",
    "afraid scared frightened fearful",
    "ready prepared braced steeled",
    # wanting the job
    "hire hiring employ employing recruit recruiting",
    "candidacy application",
    "interested keen eager excited thrilled enthusiastic delighted",
    "upbeat positive cheerful optimistic",
    "role job position post",
    "company organisation organization employer",
    "opportunity opening",
    # asking and answering
    "question questions query queries",
    "remaining outstanding unanswered",
    "real genuine",
    "seek solicit request pursue",
    "welcome embrace",
    "address tackle counter rebut",
    "honest honestly candid candidly frank frankly truthful truthfully forthright upfront",
    "helpful useful",
    "satisfactorily adequately sufficiently",
    "rephrase reword",
    "push pester",
    "insist persist",
    # owning a gap
    "acknowledge admit concede recognise recognize",
    "fair valid reasonable true",
    "closest nearest",
    "similar comparable equivalent analogous",
    "skills abilities strengths expertise",
    "achievements accomplishments",
    "qualifications credentials",
    # judging yourself
    "evaluate assess appraise judge",
    "wonder wondering speculate speculating",
    # why not to ask
    "needy clingy",
    "insecure unconfident",
    "awkward uncomfortable embarrassing uneasy",
    "trap corner",
    "rejection rejected reject",
    "misleading deceptive",
    "pointless useless futile",
    "benefit advantage",
    "hurt harm damage jeopardise jeopardize undermine",
    "risky dangerous hazardous dicey",
    "necessary required needed essential mandatory obligatory",
    "optional voluntary",
    "hurry rush",
    "meeting appointment",
    "final last",
    "technique approach method",
    "warn caution",
    # after the interview
    "note letter email",
    "future upcoming subsequent",
)

# Expressions an answer may use for one word: the words in order (``*`` stands for one or two words, such as the
# "me" in "take me on" or "them a" in "drop them a line"), and the word they say.
PHRASES = (
    (("take", "*", "on"), "hire"),
    (("take", "on"), "hire"),
    (("bring", "*", "on"), "hire"),
    (("bring", "*", "aboard"), "hire"),
    (("go", "after"), "seek"),
    (("ask", "for"), "seek"),
    (("drop", "*", "line"), "write"),
    (("on", "*", "mind"), "think"),
    (("in", "*", "mind"), "think"),
    (("straight", "with"), "honest"),
    (("do", "*", "good"), "help"),
    (("there", "and", "then"), "now"),
    (("right", "away"), "now"),
    (("turn", "*", "down"), "reject"),
)


@lru_cache(maxsize=1)
def same_as() -> dict[str, frozenset[str]]:
    """Each grouped word's stem, with the stems of the other words of its group (made once, when first asked)."""
    table: dict[str, set[str]] = {}
    for group in GROUPS:
        stems = {stem(word) for word in group.split()}
        for one in stems:
            table.setdefault(one, set()).update(stems - {one})
    return {one: frozenset(others) for one, others in table.items()}


@lru_cache(maxsize=1)
def phrase_stems() -> tuple[tuple[tuple[str, ...], str], ...]:
    """:data:`PHRASES` by stem, a ``*`` as one ``*`` and as two (each ``*`` then stands for exactly one word),
    each with the stem of the word it says."""
    out = []
    for words, says in PHRASES:
        stems = [w if w == "*" else stem(w) for w in words]
        forms = {tuple(stems)}
        if "*" in stems:
            at = stems.index("*")
            forms.add(tuple(stems[:at] + ["*", "*"] + stems[at + 1:]))
        out += [(form, stem(says)) for form in sorted(forms)]
    return tuple(out)
