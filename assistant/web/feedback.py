"""The feedback routes: `POST /api/feedback` counts a thumbs up or down, `GET` the counts.

The counts live in `assistant.shared_state` (Redis when configured); votes spend their own
budget before this runs (`middleware.RateLimits`)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from assistant.errors import InvalidQuestionError
from assistant.question import parse_feedback
from assistant.settings import Settings

from .errors import ApiError
from .requests import max_feedback_bytes, read_json

log = logging.getLogger("assistant.server")


def feedback_routes(feedback, settings: Settings) -> APIRouter:
    """`feedback` has `record(route, helpful, message=, answer=)` and `counts()`."""
    router = APIRouter()
    body_limit = max_feedback_bytes(settings)

    @router.post("/api/feedback")
    async def post_feedback(request: Request):
        payload = await read_json(request, body_limit)
        try:
            vote = parse_feedback(payload, settings.max_message_chars)
        except InvalidQuestionError as exc:
            raise ApiError(400, str(exc)) from None
        try:
            await run_in_threadpool(feedback.record, vote.route, vote.helpful,
                                    message=vote.message, answer=vote.answer)
        except Exception as exc:  # noqa: BLE001 - the shared store is down
            log.error("feedback not saved: %s", type(exc).__name__)
            raise ApiError(503, "Feedback could not be saved right now; please try later.") from None
        return {"ok": True}

    @router.get("/api/feedback")
    async def get_feedback():
        try:
            return await run_in_threadpool(feedback.counts)
        except Exception as exc:  # noqa: BLE001
            log.error("feedback counts unavailable: %s", type(exc).__name__)
            raise ApiError(503, "Feedback counts are unavailable right now.") from None

    return router
