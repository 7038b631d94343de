"""Everyday gym words → the words the guidance uses, added to the BM25 query only.

Members ask "how fast should each rep be?" while the guidance says "tempo"; a small
embedding model misses some of these gaps and BM25 cannot bridge them at all. This list
is reviewed by hand and kept short; a gym can extend it. Pure: no I/O.
"""

from __future__ import annotations

import re

# (pattern in the question, words appended to the lexical query)
GLOSSARY: tuple[tuple[str, str], ...] = (
    (r"\b(tense|tighten|squeeze|suck in|hold in)\b.*\b(stomach|abs|belly|core|tummy)\b",
     "brace bracing trunk"),
    (r"\b(fast|slow|slowly|quick|quickly|speed|pace|seconds per rep)\b", "tempo controlled"),
    (r"\b(lags?|weaker side|stronger side|one side|uneven|imbalanced?|one leg|left leg|"
     r"right leg)\b", "single-leg imbalance"),
    (r"\b(lie down|lying down|lay down|bed ?rest|stay in bed|take it easy)\b", "bed rest active"),
    (r"\b(flare[sd]?[- ]?up|relapse|set ?back)\b", "building back gradually"),
    (r"\b(come back|keep coming back|happen again|recur|recurrence|again next)\b",
     "another episode chance"),
    (r"\b(sore|aching|achy|stiff|can'?t walk|stairs)\b", "soreness DOMS muscle"),
    (r"\b(burn|burning|pump)\b.*\b(set|reps?|during)\b", "fatigue effort soreness"),
    (r"\b(mri|x-?ray|scan|imaging|ct)\b", "scan imaging"),
    (r"\b(dis[ck]s?|slipped|bulg\w*|herniat\w*)\b", "disc herniated slipped"),
    (r"\b(butt ?wink|tuck\w*|tailbone|pelvis (rolls|tilts))\b", "hips lower back pad butt wink"),
    (r"\b(straighten|lock ?out|fully extend|hyperextend)\w*\b", "lock knees"),
    (r"\b(knees? (cave|collapse|fall) in|knock[- ]?knee)\w*\b", "feet knees toes line"),
    (r"\b(how (heavy|much weight)|too heavy|plates?|kilos?|kg|lbs?|pounds)\b",
     "weight load progression"),
    (r"\b(warm ?up|warming up|before (i )?(start|train|lift))\b", "warm-up sets"),
    (r"\b(breath\w*|exhale|inhale|valsalva)\b", "breathing breathe"),
    (r"\b(seat|backrest|back pad|chair)\b", "seat back pad"),
    (r"\b(how deep|depth|how low|how far down|range of motion|rom)\b", "depth deep"),
    (r"\b(foot|feet) (placement|position|stance)|where .* feet\b", "feet platform"),
    (r"\b(come back|get back|return|start again|restart)\w*\b.*\b(train|gym|lift|press)",
     "returning training gradually"),
    (r"\b(hamstrings?|back of (my|the) thighs?)\b", "hamstring stretch"),
    (r"\b(glutes?|bum|butt|booty)\b", "glute"),
    (r"\b(abs|core|six ?pack|trunk)\b", "core"),
)
_COMPILED = tuple((re.compile(p, re.IGNORECASE), words) for p, words in GLOSSARY)


def expand(query: str) -> str:
    """The query plus the guidance's words for any everyday terms it uses."""
    extra = [words for pattern, words in _COMPILED if pattern.search(query)]
    return f"{query} {' '.join(extra)}" if extra else query
