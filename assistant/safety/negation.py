"""NegEx-style negation: which symptom words a "no", "not" or "never" clears.

A trigger opens a scope that runs to a terminator ("but", "just", a full stop), the end
of a comma-free list, or a window of words; pseudo-negations ("not sure if") open none.
The scan is linear in the length of the text.
"""

from __future__ import annotations

import re

from . import vocabulary as lex

_WORD = re.compile(r"[a-z]+")
_NEGATION = re.compile(lex.NEGATION_TRIGGERS)
_PSEUDO = re.compile(lex.PSEUDO_NEGATIONS)
_TERMINATOR = re.compile(lex.NEGATION_TERMINATORS)
_SYMPTOM_WORD = re.compile(lex.SYMPTOM_WORD)
_RULED_OUT_AFTER = re.compile(r"(?:\w+ ){0,3}?(?:was |has been |been |is |were )?ruled out")


def negation_scopes(text: str) -> list[tuple[int, int, int]]:
    """(trigger start, trigger end, scope end) for each real negation in `text`."""
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


def is_negated(text: str, key: tuple[int, int], scopes: list[tuple[int, int, int]]) -> bool:
    k_start, k_end = key
    for t_start, t_end, s_end in scopes:
        # A negation inside the symptom words is the symptom ("can't feel my foot").
        if t_start < k_end and k_start < t_end:
            continue
        if t_end <= k_start < s_end:
            return True
    return bool(_RULED_OUT_AFTER.match(text, k_end + 1))


