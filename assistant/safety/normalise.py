"""Normalising a message before rules read it: case, apostrophes, run-together words,
contractions, and typos of key terms ("numbnes" -> "numbness").

Typos are corrected only towards a short list of key terms, SymSpell-style, and never
for protected look-alike words; a verb typed as a noun ("how much dose a beginner lift")
is restored first, so a typo is never read as a request about medicine.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import vocabulary as lex

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_WORD = re.compile(r"[a-z]+")
_RUN_TOGETHER = tuple((re.compile(p), r) for p, r in lex.RUN_TOGETHER)
_FIGURATIVE = re.compile("|".join(lex.FIGURATIVE))
_DOSE_AS_DOES = re.compile(lex.DOSE_AS_DOES)
_PREVIOUS_WORD = re.compile(r"([a-z]+)\W*$")
_CONTRACTION = re.compile(r"\b(" + "|".join(lex.CONTRACTIONS) + r")\b")


def _edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance (Damerau-Levenshtein with adjacent swaps)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _allowed_typos(length: int) -> int:
    return 0 if length < 5 else 1 if length < 8 else 2


@lru_cache(maxsize=1)
def _typo_index() -> dict[str, tuple[str, ...]]:
    """SymSpell-style index: every one-letter deletion of each key term -> terms."""
    index: dict[str, set[str]] = {}
    for term in lex.FUZZY_TERMS:
        for variant in {term, *(term[:i] + term[i + 1:] for i in range(len(term)))}:
            index.setdefault(variant, set()).add(term)
    return {k: tuple(sorted(v)) for k, v in index.items()}


@lru_cache(maxsize=4096)
def correct_typo(word: str) -> str:
    """Map a misspelt key term ("numbnes", "tinglng", "bladdr") to the term, else unchanged."""
    if len(word) < 5 or word in lex.PROTECTED_WORDS or word in lex.FUZZY_TERMS:
        return word
    index = _typo_index()
    candidates: set[str] = set()
    for variant in {word, *(word[:i] + word[i + 1:] for i in range(len(word)))}:
        candidates.update(index.get(variant, ()))
    best, best_distance = word, 99
    for term in sorted(candidates):
        limit = min(_allowed_typos(len(word)), _allowed_typos(len(term)))
        distance = _edit_distance(word, term)
        if 0 < distance <= limit and distance < best_distance:
            best, best_distance = term, distance
    return best


def _dose_or_does(text: str, match: re.Match[str]) -> str:
    """'does ' unless a determiner comes first ("the dose the doctor gave me")."""
    previous = _PREVIOUS_WORD.search(text, 0, match.start())
    if previous and previous.group(1) in lex.DOSE_DETERMINERS and previous.group(1) != "what":
        return match.group(0)
    return "does "


@lru_cache(maxsize=2048)
def normalise(text: str) -> str:
    """Lower-case, straight apostrophes, run-together words split, contractions restored, typos fixed."""
    text = text.translate(_APOSTROPHES).lower()
    for pattern, replacement in _RUN_TOGETHER:
        text = pattern.sub(replacement, text)
    text = " ".join(text.split())
    text = _CONTRACTION.sub(lambda m: lex.CONTRACTIONS[m.group(1)], text)
    text = _FIGURATIVE.sub("(figure of speech)", text)
    text = _DOSE_AS_DOES.sub(lambda m: _dose_or_does(text, m), text)
    return _WORD.sub(lambda m: correct_typo(m.group(0)), text)

