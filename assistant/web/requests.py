"""Reading and checking request bodies (pure, apart from reading the body stream)."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from assistant import question
from assistant.question import HISTORY_CHARS_FACTOR
from assistant.settings import Settings

from .errors import ApiError


def parse_question(payload: Any, settings: Settings) -> tuple[str, list[dict[str, str]]]:
    """Check an /api/ask body and return (message, history), or raise InvalidQuestionError:
    the same check, limits and messages as every other surface (`assistant.question`)."""
    return question.parse_question(payload, settings.max_message_chars,
                                   settings.max_history_turns)


def max_body_bytes(settings: Settings) -> int:
    """Largest /api/ask body that could still be valid (UTF-8 and JSON escaping included)."""
    chars = settings.max_message_chars * (1 + settings.max_history_turns * HISTORY_CHARS_FACTOR)
    return chars * 6 + 4096


def max_feedback_bytes(settings: Settings) -> int:
    """Largest /api/feedback body that could still be valid: one question and one answer."""
    return settings.max_message_chars * (1 + HISTORY_CHARS_FACTOR) * 6 + 4096


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
