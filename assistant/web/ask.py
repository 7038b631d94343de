"""The question routes, `POST /api/ask` and `POST /api/ask/stream`, and `Answering`: the
bot's `ask`/`ask_stream` counted for /metrics (the Gradio chat uses it too).

The rate limit and the body limit are spent before these run (`middleware`)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from assistant import messages
from assistant.errors import AssistantError, IndexUnavailableError, InvalidQuestionError
from assistant.observability import ServiceMetrics
from assistant.settings import Settings
from assistant.types import Draft, Reply

from .errors import SERVER_ERROR, ApiError, describe_failure
from .requests import max_body_bytes, parse_question, read_json
from .transcripts import Transcripts

if TYPE_CHECKING:
    from assistant import Assistant
    from assistant.workers import AnswerPool

log = logging.getLogger("assistant.server")


def _failure_kind(exc: Exception) -> str:
    return ("invalid" if isinstance(exc, InvalidQuestionError) else
            "index_unavailable" if isinstance(exc, IndexUnavailableError) else "error")


class Answering:
    """`bot.ask` and `bot.ask_stream` (thread-safe: requests run side by side), each reply
    and failure counted for /metrics by surface."""

    def __init__(self, bot: Assistant | AnswerPool, metrics: ServiceMetrics):
        self.bot, self.metrics = bot, metrics

    def ask(self, message, history=None, surface: str = "gradio") -> Reply:
        started = time.perf_counter()
        try:
            reply = self.bot.ask(message, history=history)
        except Exception as exc:
            self.metrics.failed(surface, _failure_kind(exc))
            raise
        self.metrics.observe(surface, reply.route, reply.reasons, time.perf_counter() - started)
        return reply

    async def ask_async(self, message, history=None, surface: str = "api") -> Reply:
        """`ask` awaited: a worker pool's future directly, an in-process Assistant on a
        thread (its ONNX and numpy work releases the GIL)."""
        started = time.perf_counter()
        try:
            if hasattr(self.bot, "ask_async"):
                reply = await self.bot.ask_async(message, history=history)
            else:
                reply = await run_in_threadpool(self.bot.ask, message, history=history)
        except Exception as exc:
            self.metrics.failed(surface, _failure_kind(exc))
            raise
        self.metrics.observe(surface, reply.route, reply.reasons, time.perf_counter() - started)
        return reply

    def ask_stream(self, message, history=None, surface: str = "gradio"
                   ) -> Iterator[Draft | Reply]:
        started = time.perf_counter()
        try:
            for item in self.bot.ask_stream(message, history=history):
                if isinstance(item, Reply):
                    self.metrics.observe(surface, item.route, item.reasons,
                                         time.perf_counter() - started)
                yield item
        except Exception as exc:
            self.metrics.failed(surface, _failure_kind(exc))
            raise


def ask_routes(answering: Answering, settings: Settings, transcripts: Transcripts) -> APIRouter:
    router = APIRouter()
    body_limit = max_body_bytes(settings)
    metrics = answering.metrics

    async def question_of(request: Request) -> tuple[str, list | None]:
        payload = await read_json(request, body_limit)
        try:
            return parse_question(payload, settings)
        except InvalidQuestionError as exc:
            metrics.failed("api", "invalid")  # Answering counts the failures past this point
            raise ApiError(400, str(exc)) from None

    async def answered(pending):
        """Await `pending` (a coroutine); the engine's errors become our API errors."""
        try:
            return await pending
        except IndexUnavailableError as exc:
            log.error("index unavailable: %s", exc)  # the fix, for the operator
            raise ApiError(503, messages.INDEX_UNAVAILABLE) from None
        except AssistantError as exc:  # InvalidQuestionError included
            raise ApiError(400, str(exc)) from None
        except Exception as exc:
            log.error("ask failed: %s", describe_failure(exc))
            raise ApiError(500, SERVER_ERROR) from None

    @router.post("/api/ask")
    async def ask(request: Request):
        message, history = await question_of(request)
        started = time.perf_counter()
        reply = await answered(answering.ask_async(message, history=history, surface="api"))
        log.info("ask route=%s citations=%d ms=%.0f", reply.route, len(reply.citations),
                 (time.perf_counter() - started) * 1000)
        transcripts.reply("api", message, reply)
        return reply.to_dict()

    @router.post("/api/ask/stream")
    async def ask_stream(request: Request):
        """The same question and reply as /api/ask, as newline-delimited JSON: with LLM
        answers on, drafts of the checked answer first (`{"draft": true, ...}`), and the
        reply last. Errors before the first line are our usual JSON errors."""
        message, history = await question_of(request)
        items = answering.ask_stream(message, history=history, surface="api")
        first = await answered(run_in_threadpool(next, items))

        async def lines():
            item = first
            while True:
                yield json.dumps(item.to_dict(), ensure_ascii=False) + "\n"
                if isinstance(item, Reply):
                    transcripts.reply("api", message, item)
                    return
                try:
                    item = await run_in_threadpool(next, items)
                except Exception as exc:  # noqa: BLE001 - the status line is already sent
                    log.error("ask stream failed: %s", describe_failure(exc))
                    yield json.dumps({"error": SERVER_ERROR}) + "\n"
                    return

        return StreamingResponse(lines(), media_type="application/x-ndjson",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    return router
