"""Reading and checking request bodies (pure, apart from reading the body stream)."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from assistant.errors import InvalidQuestionError
from assistant.settings import Settings

from .errors import ApiError

ROLES = ("user", "assistant")
# Earlier assistant turns are full replies, so they may be longer than a question.
HISTORY_CHARS_FACTOR = 10

def parse_question(payload: Any, settings: Settings) -> tuple[str, list[dict[str, str]]]:
    """Check an /api/ask body and return (message, history), or raise InvalidQuestionError."""
    if not isinstance(payload, dict):
        raise InvalidQuestionError(
            'The body must be a JSON object like {"message": "...", "history": []}.'
        )
    message = payload.get("message")
    if not isinstance(message, str):
        raise InvalidQuestionError('"message" is required and must be a string.')
    message = message.strip()
    if not message:
        raise InvalidQuestionError("The message is empty; please type a question.")
    if len(message) > settings.max_message_chars:
        raise InvalidQuestionError(
            f"The message is {len(message)} characters long; the limit is "
            f"{settings.max_message_chars}. Please shorten it."
        )
    history = payload.get("history", [])
    if history is None:
        history = []
    if not isinstance(history, list):
        raise InvalidQuestionError('"history" must be a list of {"role", "content"} turns.')
    if len(history) > settings.max_history_turns:
        raise InvalidQuestionError(
            f"The history has {len(history)} turns; at most {settings.max_history_turns} "
            "are accepted. Send only the latest turns."
        )
    max_turn_chars = settings.max_message_chars * HISTORY_CHARS_FACTOR
    turns = []
    for i, turn in enumerate(history):
        if not isinstance(turn, dict):
            raise InvalidQuestionError(
                f'History turn {i} must be an object with "role" and "content".'
            )
        role, content = turn.get("role"), turn.get("content")
        if role not in ROLES:
            raise InvalidQuestionError(
                f'History turn {i} has role {role!r}; use "user" or "assistant".'
            )
        if not isinstance(content, str):
            raise InvalidQuestionError(f'History turn {i} needs "content" as a string.')
        if len(content) > max_turn_chars:
            raise InvalidQuestionError(
                f"History turn {i} is {len(content)} characters long; "
                f"the limit is {max_turn_chars}."
            )
        turns.append({"role": role, "content": content})
    return message, turns


def max_body_bytes(settings: Settings) -> int:
    """Largest /api/ask body that could still be valid (UTF-8 and JSON escaping included)."""
    chars = settings.max_message_chars * (1 + settings.max_history_turns * HISTORY_CHARS_FACTOR)
    return chars * 6 + 4096


async def read_json(request: Request, limit: int) -> Any:
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise ApiError(415, "Send the question as JSON with Content-Type: application/json.")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"The request body is larger than {limit} bytes.")
    # Read at most `limit` bytes: a chunked body has no Content-Length to check first, and
    # reading it whole would let one request fill memory.
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"The request body is larger than {limit} bytes.")
        chunks.append(chunk)
    body = b"".join(chunks)
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        # ValueError covers JSONDecodeError, bad UTF-8 and a number too long to parse.
        raise ApiError(400, "The request body is not valid JSON.") from None
