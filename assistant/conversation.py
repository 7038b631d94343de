"""Conversation helpers (pure): validate history and condense a follow-up for retrieval."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .errors import InvalidQuestionError

_FOLLOW_UP_START = re.compile(
    r"^\s*(and|also|or|but|so|what about|how about|what if|same|then|ok(?:ay)?|does that|"
    r"is that|would that|should i|can i|what else)\b", re.IGNORECASE)
_REFERRING = re.compile(
    r"\b(it|that|this|those|these|them|they|there|one|ones|again|instead|too|as well)\b",
    re.IGNORECASE)


# "\ud800" alone is valid JSON but not text: the tokenizer cannot encode it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_TEXT = ("{what} contains a character that is not valid text (a lone UTF-16 surrogate). "
             "Send the text as UTF-8.")


def validate(message: object, history: object, max_chars: int, max_turns: int
             ) -> tuple[str, list[dict[str, str]]]:
    """Return a clean (message, history) or raise InvalidQuestionError naming the problem."""
    if not isinstance(message, str):
        raise InvalidQuestionError("The message must be text.")
    if _LONE_SURROGATE.search(message):
        raise InvalidQuestionError(_NOT_TEXT.format(what="The message"))
    message = message.strip()
    if not message:
        raise InvalidQuestionError("The message is empty: type a question.")
    if len(message) > max_chars:
        raise InvalidQuestionError(
            f"The message is {len(message)} characters; the limit is {max_chars}. "
            "Please shorten it.")
    if history is None:
        history = []
    if not isinstance(history, (list, tuple)):
        raise InvalidQuestionError("history must be a list of {role, content} turns.")
    if len(history) > max_turns:
        raise InvalidQuestionError(
            f"history has {len(history)} turns; at most {max_turns} are accepted.")
    clean: list[dict[str, str]] = []
    for i, turn in enumerate(history):
        if (not isinstance(turn, Mapping) or turn.get("role") not in ("user", "assistant")
                or not isinstance(turn.get("content"), str)):
            raise InvalidQuestionError(
                f"history[{i}] must be an object with role 'user' or 'assistant' and a "
                "text content.")
        if _LONE_SURROGATE.search(turn["content"]):
            raise InvalidQuestionError(_NOT_TEXT.format(what=f"history[{i}]"))
        clean.append({"role": turn["role"], "content": turn["content"][:max_chars]})
    return message, clean


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
