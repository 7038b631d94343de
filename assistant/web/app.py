"""The FastAPI app for every web surface: JSON API, widget script and the Gradio chat.

`create_app(bot, settings)` wires the parts around an already-loaded `Assistant` (or a
pool of answer workers): the question routes (`ask`), feedback (`feedback`), health,
metrics, the widget (`widget`) and the chat page (`chat`), inside the middleware
(`middleware`). Nothing a user types is logged or stored unless transcripts are on.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware

from assistant import api_schema as api_schema_module
from assistant import messages
from assistant.observability import ServiceMetrics
from assistant.settings import Settings
from assistant.shared_state import SharedState

from .ask import Answering, ask_routes
from .errors import SERVER_ERROR, ApiError, describe_failure, error_response
from .feedback import feedback_routes
from .middleware import (
    BodyLimit,
    ErrorShape,
    GradioExposure,
    GradioRequests,
    HostGuard,
    OriginGuard,
    RateLimits,
    SecurityHeaders,
    normalise_origins,
)
from .requests import max_body_bytes, max_feedback_bytes
from .transcripts import Transcripts
from .widget import WIDGET_CACHE_CONTROL, render_widget

if TYPE_CHECKING:
    from assistant import Assistant
    from assistant.workers import AnswerPool

log = logging.getLogger("assistant.server")


def create_app(bot: Assistant | AnswerPool, settings: Settings) -> FastAPI:
    """The FastAPI app: /api/ask, /api/feedback, /healthz, /widget.js and the Gradio chat at /.

    `bot` is an `Assistant` (answers in this process) or an `AnswerPool` (answers in worker
    processes); only its `ask`, `ask_stream` and `stats` are used."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    from assistant.web import chat

    app = FastAPI(title=messages.UI_TITLE, docs_url=None, redoc_url=None, openapi_url=None)
    transcripts = Transcripts(settings)
    shared = SharedState(settings, transcripts)  # in Redis when ASSISTANT_REDIS_URL is set
    limiter, votes, feedback = shared.asks, shared.votes, shared.feedback
    metrics = ServiceMetrics()

    answering = Answering(bot, metrics)

    body_limit = max_body_bytes(settings)
    feedback_body_limit = max_feedback_bytes(settings)
    widget = render_widget(settings)
    widget_etag = '"' + hashlib.sha256(widget).hexdigest()[:20] + '"'
    app.state.bot, app.state.settings, app.state.feedback = bot, settings, feedback

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return error_response(exc.status, exc.message, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        return error_response(exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _server_error(request: Request, exc: Exception):
        log.error("unhandled %s on %s", describe_failure(exc), request.url.path)
        return error_response(500, SERVER_ERROR)

    # Before the catch-all /api/{rest} below: the routes that answer and count.
    app.include_router(ask_routes(answering, settings, transcripts))
    app.include_router(feedback_routes(feedback, settings))

    @app.get("/api/openapi.json")
    async def api_schema():
        """The contract of our own routes (Gradio's are not part of it)."""
        from importlib.metadata import PackageNotFoundError, version

        try:
            release = version("legpress-assistant")
        except PackageNotFoundError:
            release = "source"
        return api_schema_module.openapi(settings, release)

    @app.get("/healthz")
    async def healthz():
        try:
            stats = await run_in_threadpool(bot.stats)
        except Exception as exc:
            log.error("health check failed: %s", describe_failure(exc))
            return JSONResponse({"ready": False, "error": SERVER_ERROR}, status_code=503)
        stats = {k: v for k, v in stats.items() if k != "index_version"}  # shape unchanged
        if stats.get("error"):
            log.error("not ready: %s", stats["error"])
            stats["error"] = messages.INDEX_UNAVAILABLE_HEALTH  # no internals in public
        return JSONResponse(stats, status_code=200 if stats.get("ready") else 503)

    @app.get("/metrics")
    async def prometheus_metrics(request: Request):
        """Prometheus text format; counts and timings only, never what anyone typed."""
        if settings.metrics_token and not hmac.compare_digest(
                request.headers.get("authorization", ""), f"Bearer {settings.metrics_token}"):
            raise ApiError(401, "Send Authorization: Bearer <ASSISTANT_METRICS_TOKEN>.",
                           {"WWW-Authenticate": "Bearer"})
        try:
            index = await run_in_threadpool(bot.stats)
        except Exception:  # noqa: BLE001 - still report the counts
            index = {"ready": False}
        try:
            votes = await run_in_threadpool(feedback.counts)
        except Exception:  # noqa: BLE001 - the shared store is down
            votes = None
        return Response(metrics.render(votes, index),
                        media_type="text/plain; version=0.0.4; charset=utf-8")

    @app.api_route("/widget.js", methods=["GET", "HEAD"])
    async def widget_js(request: Request):
        headers = {
            "Cache-Control": WIDGET_CACHE_CONTROL,
            "ETag": widget_etag,
            "X-Content-Type-Options": "nosniff",
        }
        if widget_etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        return Response(widget, media_type="text/javascript; charset=utf-8", headers=headers)

    @app.get("/chat.js", include_in_schema=False)
    async def chat_js():
        """The chat page's own script (chat.SCROLL_JS), a file so the page's CSP needs no eval."""
        return Response(chat.SCROLL_JS, media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": WIDGET_CACHE_CONTROL})

    @app.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                   include_in_schema=False)
    async def api_fallback(rest: str):
        # Without this, Gradio (mounted at "/") would answer unknown API paths with HTML.
        if rest in ("ask", "ask/stream"):
            raise ApiError(405, f"Use POST /api/{rest} with a JSON body.", {"Allow": "POST"})
        if rest == "feedback":
            raise ApiError(405, "Use GET or POST /api/feedback.", {"Allow": "GET, POST"})
        raise ApiError(404, f"There is no /api/{rest}; see POST /api/ask, /api/feedback and "
                       "/api/openapi.json.")

    @app.get("/chat", include_in_schema=False)
    async def chat_redirect():
        return RedirectResponse("./")

    chat.quiet_gradio_tracebacks()
    blocks = chat.build(bot, settings, ask=answering.ask,
                        ask_stream=answering.ask_stream if settings.llm_base_url else None,
                        on_feedback=feedback.record,
                        on_reply=transcripts.reply if transcripts.enabled else None)
    # A bounded queue: past it Gradio tells the member the chat is busy.
    blocks.queue(max_size=settings.chat_queue_size, api_open=False)

    origins = normalise_origins(settings.allowed_origins)
    # Inner to outer: Gradio's events are checked against the chat's handlers; a body past
    # its limit is refused before it is buffered, and only after the request has spent its
    # budget (as before: a flood of big bodies is a 429).
    app.add_middleware(GradioRequests, functions={
        i: (len(f.inputs), ("index", "value") if any(t[1] == "like" for t in f.targets) else ())
        for i, f in blocks.fns.items()})
    app.add_middleware(BodyLimit, limit_for=lambda path: feedback_body_limit
                       if path.startswith("/api/feedback") else body_limit)
    app.add_middleware(RateLimits, budgets=[(RateLimits.QUESTIONS, limiter),
                                            (RateLimits.FEEDBACK, votes)])
    app.add_middleware(GradioExposure)
    app.add_middleware(OriginGuard, allowed_origins=origins)
    app.add_middleware(SecurityHeaders)
    # Gradio adds no CORS headers of its own when the parent app has Starlette's
    # CORSMiddleware, so this allow-list is the one policy for the API and Gradio's routes.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type"],
        expose_headers=["Retry-After"],
        max_age=600,
    )

    app = gr.mount_gradio_app(
        app, blocks, path="/",
        ssr_mode=False, mcp_server=False, run_history=False, show_error=False,
        footer_links=["settings"], theme=chat.theme(), css=chat.CSS, head=chat.HEAD,
        max_file_size=1, enable_monitoring=False,
        auth=settings.trainer_logins or None,
        auth_message=messages.UI_TRAINER_LOGIN if settings.trainer_logins else None,
    )
    app.add_middleware(ErrorShape)
    # Outermost: an unknown Host is refused before anything else runs.
    app.add_middleware(HostGuard, hosts=settings.host_names,
                       behind_proxy=bool(settings.trusted_proxies))
    return app
