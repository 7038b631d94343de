"""Conversation helpers (pure): bound the history and condense a follow-up for retrieval."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

_FOLLOW_UP_START = re.compile(
    r"^\s*(and|also|or|but|so|what about|how about|what if|same|then|ok(?:ay)?|does that|"
    r"is that|would that|should i|can i|what else)\b", re.IGNORECASE)
_REFERRING = re.compile(
    r"\b(it|that|this|those|these|them|they|there|one|ones|again|instead|too|as well)\b",
    re.IGNORECASE)


_SYMPTOM = r"(?:numb\w*|tingl\w*|pins and needles|leg pains?|shooting pains?|pain down (?:my|the) legs?)\b"
_DENIED = re.compile(
    rf"\b(?:no|not|without|never|zero|nor|n't)\s+(?:any\s+|feeling\s+|feel\s+|really\s+)?"
    rf"{_SYMPTOM}(?:\s*(?:,|or|and|/|nor)\s*(?:any\s+)?{_SYMPTOM})*",
    re.IGNORECASE)


def drop_denied_symptoms(query: str) -> str:
    """Remove symptoms the user denies ("no numbness or tingling") from the retrieval query.

    The safety layer reads the full message; retrieval should not be pulled towards the
    numbness guidance by a symptom the user says they do not have.
    """
    cleaned = _DENIED.sub(" ", query)
    return re.sub(r"\s+", " ", cleaned).strip() or query


def bounded(history: Sequence[Mapping[str, str]], max_chars: int) -> list[dict[str, str]]:
    """Each turn cut to `max_chars` for triage and condensing: a quoted earlier answer may be
    long (up to its own limit), but what the safety layer scans per turn stays bounded."""
    return [{"role": t["role"], "content": t["content"][:max_chars]} for t in history]


def user_turns(history: Sequence[Mapping[str, str]]) -> list[str]:
    return [t["content"] for t in history if t.get("role") == "user"]


def is_follow_up(message: str) -> bool:
    """Short or referring messages ("and for the hamstrings?") lean on the previous question."""
    words = message.split()
    if len(words) <= 4:
        return True
    if _FOLLOW_UP_START.search(message) and len(words) <= 12:
        return True
    return len(words) <= 10 and bool(_REFERRING.search(message))


def condense_query(message: str, history: Sequence[Mapping[str, str]]) -> str:
    """The retrieval query: the message, prefixed by the previous user turn for a follow-up."""
    previous = user_turns(history)
    if previous and is_follow_up(message):
        return drop_denied_symptoms(f"{previous[-1]} {message}")
    return drop_denied_symptoms(message)
