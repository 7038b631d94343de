"""What a question is (pure): one pydantic model and one parser for every surface, and the
feedback vote that may follow it.

The HTTP API, the Gradio chat and `Assistant.ask` all accept a question through
`parse_question`, so they share one set of limits (from the settings), one treatment of
text that is not text (lone surrogates, control characters) and one set of messages that
say what to change. `api_schema` publishes the same model as the OpenAPI request body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from .errors import InvalidQuestionError
from .settings import Settings
from .types import ROUTES, Route

# Earlier assistant turns are full replies, so they may be longer than a question.
HISTORY_CHARS_FACTOR = 10

# C0 and C1 controls other than tab and newlines: invisible, and never part of a question.
# (str.translate: a regex over a full history costs ten times as much.)
_CONTROLS_TO_SPACE = {c: " " for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20),
                                       *range(0x7F, 0xA0))}
_NOT_TEXT = ("{what} contains a character that is not valid text (a lone UTF-16 surrogate). "
             "Send the text as UTF-8.")


# Without a validation context (a schema check, a fuzzer), the settings' default limits.
_DEFAULT_LIMITS = (Settings.model_fields["max_message_chars"].default,
                   Settings.model_fields["max_history_turns"].default)


def _limits(info: ValidationInfo) -> tuple[int, int]:
    """(max_chars, max_turns) from the validation context, else the defaults."""
    context = info.context or {}
    return (context.get("max_chars", _DEFAULT_LIMITS[0]),
            context.get("max_turns", _DEFAULT_LIMITS[1]))


def _clean(text: str, what: str) -> str:
    try:
        # "\ud800" alone is valid JSON but not text: the tokenizer cannot encode it.
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_NOT_TEXT.format(what=what)) from None
    return text.translate(_CONTROLS_TO_SPACE)


class Turn(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")
    role: Literal["user", "assistant"]
    content: str = Field(description="The turn's text. A turn may be longer than a message "
                         f"({HISTORY_CHARS_FACTOR}x its limit): earlier answers are quoted back.")

    @field_validator("content")
    @classmethod
    def _content(cls, content: str, info: ValidationInfo) -> str:
        max_chars, _ = _limits(info)
        limit = max_chars * HISTORY_CHARS_FACTOR
        if len(content) > limit:
            raise ValueError(f"is {len(content)} characters long; the limit is {limit}")
        return _clean(content, "It")


class AskRequest(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")
    message: str = Field(description="The member's question. Its length limits apply once "
                         "surrounding whitespace is stripped.")
    history: list[Turn] | None = Field(default=None, description="Earlier turns, oldest "
                                       "first; null means none.")

    @field_validator("message")
    @classmethod
    def _message(cls, message: str, info: ValidationInfo) -> str:
        max_chars, _ = _limits(info)
        message = _clean(message, "The message").strip()
        if not message:
            raise ValueError("The message is empty: type a question.")
        if len(message) > max_chars:
            raise ValueError(f"The message is {len(message)} characters long; the limit is "
                             f"{max_chars}. Please shorten it.")
        return message

    @field_validator("history", mode="before")
    @classmethod
    def _history_length(cls, history: Any, info: ValidationInfo) -> Any:
        # Counted before the turns are checked, so an overlong list costs nothing more.
        _, max_turns = _limits(info)
        if isinstance(history, list) and len(history) > max_turns:
            raise ValueError(f"history has {len(history)} turns; at most {max_turns} are "
                             "accepted. Send only the latest turns.")
        return history


def parse_question(payload: Any, max_chars: int, max_turns: int
                   ) -> tuple[str, list[dict[str, str]]]:
    """(message, history) from a request body, or InvalidQuestionError saying what to change."""
    try:
        question = AskRequest.model_validate(
            payload, context={"max_chars": max_chars, "max_turns": max_turns})
    except ValidationError as exc:
        raise InvalidQuestionError(_explain(exc.errors()[0])) from None
    history = [{"role": t.role, "content": t.content} for t in question.history or ()]
    return question.message, history


def as_payload(message: object, history: object) -> dict[str, Any]:
    """A Python caller's (message, history) as the request body `parse_question` reads: a
    tuple of turns counts as a list and any mapping as an object, as they would in JSON."""
    if isinstance(history, tuple):
        history = list(history)
    if isinstance(history, list):
        history = [dict(t) if isinstance(t, Mapping) and not isinstance(t, dict) else t
                   for t in history]
    return {"message": message, "history": history}


def _quoted(value: object, limit: int = 20) -> str:
    """A wrong role or route as the refusal names it: a short string quoted, anything else
    by its type. Never the whole value: it may be long, and repr() of a huge int or a deep
    list raises (a fuzz run found both)."""
    if isinstance(value, str):
        return repr(value) if len(value) <= limit else repr(value[:limit] + "…")
    return f"of type {type(value).__name__}"


def _explain(error: dict) -> str:
    """One pydantic error, in words that name the field and say what it must be."""
    loc = [part for part in error["loc"] if not (isinstance(part, str) and "[" in part)]
    kind = error["type"]
    reason = str(error.get("ctx", {}).get("error", "")) if kind == "value_error" else ""
    if not loc:
        return 'The body must be a JSON object like {"message": "...", "history": []}.'
    if loc[0] == "message":
        return reason or '"message" is required and must be text.'
    if len(loc) == 1:
        return reason or '"history" must be a list of {"role", "content"} turns, or null.'
    turn = f"history[{loc[1]}]"
    if len(loc) == 2:
        return f'{turn} must be an object with "role" and "content".'
    if loc[2] == "role":
        got = "no role" if kind == "missing" else f"role {_quoted(error['input'])}"
        return f'{turn} has {got}; use "user" or "assistant".'
    if reason:
        return reason.replace("It ", f"{turn} ", 1) if reason.startswith("It ") \
            else f"{turn} {reason}."
    return f'{turn} needs "content" as text.'


class FeedbackRequest(BaseModel):
    """A thumbs up or down. `message` and `answer` are kept only with transcript logging
    on, and never longer than a question and an answer can be."""

    model_config = ConfigDict(strict=True, extra="ignore")
    helpful: bool
    route: Route = "answer"
    message: str | None = Field(default=None, description="The question voted on (kept only "
                                "with transcript logging on).")
    answer: str | None = Field(default=None, description="The answer voted on (likewise).")

    @field_validator("message", "answer")
    @classmethod
    def _bounded(cls, text: str | None, info: ValidationInfo) -> str | None:
        max_chars, _ = _limits(info)
        limit = max_chars * (1 if info.field_name == "message" else HISTORY_CHARS_FACTOR)
        if text is not None and len(text) > limit:
            raise ValueError(f'"{info.field_name}" is {len(text)} characters long; the limit '
                             f"is {limit}.")
        return None if text is None else _clean(text, f'"{info.field_name}"')


def parse_feedback(payload: Any, max_chars: int) -> FeedbackRequest:
    """A feedback body, or InvalidQuestionError saying what to send."""
    try:
        return FeedbackRequest.model_validate(payload, context={"max_chars": max_chars})
    except ValidationError as exc:
        error = exc.errors()[0]
        if error["type"] == "value_error":
            raise InvalidQuestionError(str(error["ctx"]["error"])) from None
        if error["loc"][:1] == ("route",):
            raise InvalidQuestionError(
                f"Unknown route {_quoted(error['input'])}; use one of {', '.join(ROUTES)}.") from None
        raise InvalidQuestionError('Send {"helpful": true|false, "route": "answer"}.') from None
