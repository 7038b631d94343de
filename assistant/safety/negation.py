"""NegEx-style negation: which symptom words a "no", "not" or "never" clears.

A trigger opens a scope that runs to a terminator ("but", "just", a full stop), the end
of a comma-free list, or a window of words; pseudo-negations ("not sure if") open none.
The scan is linear in the length of the text (a message packed with "no" and symptom
words once cost 40 ms per turn; issue 11).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from . import vocabulary as lex

_WORD = re.compile(r"[a-z]+")
_NEGATION = re.compile(lex.NEGATION_TRIGGERS)
_PSEUDO = re.compile(lex.PSEUDO_NEGATIONS)
_TERMINATOR = re.compile(lex.NEGATION_TERMINATORS)
_SYMPTOM_WORD = re.compile(lex.SYMPTOM_WORD)
_RULED_OUT_AFTER = re.compile(r"(?:\w+ ){0,3}?(?:was |has been |been |is |were )?ruled out")


# The longest terminator phrase, in characters: a terminator may start inside the window
# and end a little after it.
_TERMINATOR_SLACK = 64


def negation_scopes(text: str) -> list[tuple[int, int, int]]:
    """(trigger start, trigger end, scope end) for each real negation in `text`, in order.

    Linear in the length of `text`: each trigger looks no further than its window of
    `NEGATION_WINDOW` words, and pseudo-negations are looked up by bisection."""
    pseudo = [m.span() for m in _PSEUDO.finditer(text)]
    pseudo_starts = [a for a, _ in pseudo]
    scopes = []
    for m in _NEGATION.finditer(text):
        i = bisect_right(pseudo_starts, m.start()) - 1
        # Pseudo spans do not nest, so only the last one starting here can cover it.
        if i >= 0 and pseudo[i][0] <= m.start() < pseudo[i][1]:
            continue
        # The window: the end of its last word, and where the word after it starts.
        window_end, after_window = len(text), None
        for n, word in enumerate(_WORD.finditer(text, m.end()), 1):
            if n == lex.NEGATION_WINDOW:
                window_end = word.end()
            elif n > lex.NEGATION_WINDOW:
                after_window = word.start()
                break
        # Past the word after the window, the window decides; nothing there is read.
        limit = len(text) if after_window is None else after_window
        end = len(text)
        terminator = _TERMINATOR.search(text, m.end(), min(len(text), limit + _TERMINATOR_SLACK))
        if terminator and terminator.start() <= limit:
            end = terminator.start()
        comma = text.find(",", m.end(), min(end, limit + 1))
        if comma != -1 and not _SYMPTOM_WORD.search(text, m.end(), comma):
            end = comma
        if after_window is not None and after_window < end:
            end = window_end
        scopes.append((m.start(), m.end(), end))
    return scopes


def is_negated(text: str, key: tuple[int, int], scopes: list[tuple[int, int, int]]) -> bool:
    k_start, k_end = key
    # Scopes are in trigger order and span at most NEGATION_WINDOW words, and every later
    # trigger before the key is one of those words: only the last few scopes that start at
    # or before the key can cover it.
    i = bisect_right(scopes, (k_start, len(text) + 1, 0))
    for t_start, t_end, s_end in reversed(scopes[max(0, i - lex.NEGATION_WINDOW - 2):i]):
        # A negation inside the symptom words is the symptom ("can't feel my foot").
        if t_start < k_end and k_start < t_end:
            continue
        if t_end <= k_start < s_end:
            return True
    return bool(_RULED_OUT_AFTER.match(text, k_end + 1))
