"""The negation scan is linear and says exactly what the earlier quadratic scan said."""

from __future__ import annotations

import random
import re

from assistant.safety import vocabulary as lex
from assistant.safety.negation import is_negated, negation_scopes

_WORD = re.compile(r"[a-z]+")
_NEGATION = re.compile(lex.NEGATION_TRIGGERS)
_PSEUDO = re.compile(lex.PSEUDO_NEGATIONS)
_TERMINATOR = re.compile(lex.NEGATION_TERMINATORS)
_SYMPTOM_WORD = re.compile(lex.SYMPTOM_WORD)
_RULED_OUT_AFTER = re.compile(r"(?:\w+ ){0,3}?(?:was |has been |been |is |were )?ruled out")


def reference_scopes(text):
    """The scan as it was before issue 11: every trigger searched to the end of the text."""
    pseudo = [m.span() for m in _PSEUDO.finditer(text)]
    scopes = []
    for m in _NEGATION.finditer(text):
        if any(a <= m.start() < b for a, b in pseudo):
            continue
        end = len(text)
        terminator = _TERMINATOR.search(text, m.end())
        if terminator:
            end = terminator.start()
        comma = text.find(",", m.end(), end)
        if comma != -1 and not _SYMPTOM_WORD.search(text, m.end(), comma):
            end = comma
        words = list(_WORD.finditer(text, m.end(), end))
        if len(words) > lex.NEGATION_WINDOW:
            end = words[lex.NEGATION_WINDOW - 1].end()
        scopes.append((m.start(), m.end(), end))
    return scopes


def reference_is_negated(text, key, scopes):
    k_start, k_end = key
    for t_start, t_end, s_end in scopes:
        if t_start < k_end and k_start < t_end:
            continue
        if t_end <= k_start < s_end:
            return True
    return bool(_RULED_OUT_AFTER.match(text, k_end + 1))


WORDS = ("no not never without nothing none zero nope don't isn't can't feel any numb numbness "
         "tingling pins needles pain weak weakness back leg foot groin bladder my the it and a "
         "but just only still now since when so i meant it's not sure no idea never until "
         "ruled out was free of 1234 -- ... ? ! ;").split()


def _texts(n, seed=11, most_words=60):
    rng = random.Random(seed)
    for _ in range(n):
        parts = [rng.choice(WORDS) for _ in range(rng.randint(1, most_words))]
        yield "".join(p + rng.choice((" ", " ", " ", ", ", ". ", "  ")) for p in parts).strip()


def test_linear_scan_matches_the_reference_scan():
    for text in [*_texts(3000), *_texts(300, seed=12, most_words=400)]:
        scopes = negation_scopes(text)
        assert scopes == reference_scopes(text), text
        for symptom in _SYMPTOM_WORD.finditer(text):
            key = symptom.span()
            assert is_negated(text, key, scopes) == reference_is_negated(text, key, scopes), text
