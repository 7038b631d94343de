"""One FastAPI app for every web surface: JSON API, widget script and the Gradio chat.

`create_app(bot, settings)` wires the routes around an already-loaded `Assistant`;
`serve(settings)` loads it (building the index first if missing) and runs uvicorn.
Nothing a user types is logged or stored unless `settings.log_transcripts` is on.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware

from assistant import api_schema as api_schema_module
from assistant import messages
from assistant.errors import AssistantError, IndexUnavailableError, InvalidQuestionError
from assistant.observability import ServiceMetrics
from assistant.question import parse_feedback
from assistant.settings import Settings, load_settings
from assistant.shared_state import SharedState
from assistant.types import Reply
from assistant.web.errors import SERVER_ERROR, ApiError, describe_failure, error_response
from assistant.web.middleware import (
    BodyLimit,
    ErrorShape,
    GradioExposure,
    HostGuard,
    OriginGuard,
    RateLimits,
    SecurityHeaders,
    normalise_origins,
)
from assistant.web.requests import max_body_bytes, max_feedback_bytes, parse_question, read_json
from assistant.web.transcripts import Transcripts
from assistant.web.widget import WIDGET_CACHE_CONTROL, render_widget

if TYPE_CHECKING:
    import uvicorn

    from assistant import Assistant
    from assistant.workers import AnswerPool

log = logging.getLogger(__name__)

__all__ = ["ApiError", "SERVER_ERROR", "create_app", "describe_failure", "max_body_bytes",
           "parse_question", "read_json", "serve", "uvicorn_config"]

# --- app -------------------------------------------------------------------------------


def create_app(bot: Assistant | AnswerPool, settings: Settings) -> FastAPI:
    """The FastAPI app: /api/ask, /api/feedback, /healthz, /widget.js and the Gradio chat at /.

    `bot` is an `Assistant` (answers in this process) or an `AnswerPool` (answers in worker
    processes); only its `ask` and `stats` are used."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    from assistant import ui

    app = FastAPI(title=messages.UI_TITLE, docs_url=None, redoc_url=None, openapi_url=None)
    transcripts = Transcripts(settings)
    shared = SharedState(settings, transcripts)  # in Redis when ASSISTANT_REDIS_URL is set
    limiter, votes, feedback = shared.asks, shared.votes, shared.feedback
    metrics = ServiceMetrics()

    def ask_bot(message, history=None, surface: str = "gradio") -> Reply:
        """`bot.ask` (thread-safe: requests run side by side), counted for /metrics."""
        started = time.perf_counter()
        try:
            reply = bot.ask(message, history=history)
        except Exception as exc:
            metrics.failed(surface, "invalid" if isinstance(exc, InvalidQuestionError) else
                           "index_unavailable" if isinstance(exc, IndexUnavailableError) else "error")
            raise
        metrics.observe(surface, reply.route, reply.reasons, time.perf_counter() - started)
        return reply

    def ask_bot_stream(message, history=None, surface: str = "gradio"):
        """`bot.ask_stream`: drafts, then the reply, counted for /metrics like `ask_bot`."""
        started = time.perf_counter()
        try:
            for item in bot.ask_stream(message, history=history):
                if isinstance(item, Reply):
                    metrics.observe(surface, item.route, item.reasons,
                                    time.perf_counter() - started)
                yield item
        except Exception as exc:
            metrics.failed(surface, "invalid" if isinstance(exc, InvalidQuestionError) else
                           "index_unavailable" if isinstance(exc, IndexUnavailableError) else "error")
            raise

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

    async def question_of(request: Request) -> tuple[str, list | None]:
        payload = await read_json(request, body_limit)  # the budget is spent (RateLimits)
        try:
            return parse_question(payload, settings)
        except InvalidQuestionError as exc:
            metrics.failed("api", "invalid")  # ask_bot counts the failures past this point
            raise ApiError(400, str(exc)) from None

    async def answering(call):
        """Await `call` in a worker thread; the engine's errors become our API errors."""
        try:
            return await run_in_threadpool(call)
        except IndexUnavailableError as exc:
            log.error("index unavailable: %s", exc)  # the fix, for the operator
            raise ApiError(503, messages.INDEX_UNAVAILABLE) from None
        except AssistantError as exc:  # InvalidQuestionError included
            raise ApiError(400, str(exc)) from None
        except Exception as exc:
            log.error("ask failed: %s", describe_failure(exc))
            raise ApiError(500, SERVER_ERROR) from None

    @app.post("/api/ask")
    async def ask(request: Request):
        message, history = await question_of(request)
        started = time.perf_counter()
        reply = await answering(lambda: ask_bot(message, history=history, surface="api"))
        log.info("ask route=%s citations=%d ms=%.0f", reply.route, len(reply.citations),
                 (time.perf_counter() - started) * 1000)
        transcripts.reply("api", message, reply)
        return reply.to_dict()

    @app.post("/api/ask/stream")
    async def ask_stream(request: Request):
        """The same question and reply as /api/ask, as newline-delimited JSON: with LLM
        answers on, drafts of the checked answer first (`{"draft": true, ...}`), and the
        reply last. Errors before the first line are our usual JSON errors."""
        message, history = await question_of(request)
        items = ask_bot_stream(message, history=history, surface="api")
        first = await answering(lambda: next(items))

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

    @app.post("/api/feedback")
    async def post_feedback(request: Request):
        payload = await read_json(request, feedback_body_limit)
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

    @app.get("/api/feedback")
    async def get_feedback():
        try:
            return await run_in_threadpool(feedback.counts)
        except Exception as exc:  # noqa: BLE001
            log.error("feedback counts unavailable: %s", type(exc).__name__)
            raise ApiError(503, "Feedback counts are unavailable right now.") from None

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
        """The chat page's own script (ui.SCROLL_JS), a file so the page's CSP needs no eval."""
        return Response(ui.SCROLL_JS, media_type="text/javascript; charset=utf-8",
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

    origins = normalise_origins(settings.allowed_origins)
    # Inner to outer: a body past its limit is refused before it is buffered, and only
    # after the request has spent its budget (as before: a flood of big bodies is a 429).
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

    ui.quiet_gradio_tracebacks()
    blocks = ui.build(bot, settings, ask=ask_bot,
                      ask_stream=ask_bot_stream if settings.llm_base_url else None,
                      on_feedback=feedback.record,
                      on_reply=transcripts.reply if transcripts.enabled else None)
    # A bounded queue: past it Gradio tells the member the chat is busy.
    blocks.queue(max_size=settings.chat_queue_size, api_open=False)
    app = gr.mount_gradio_app(
        app, blocks, path="/",
        ssr_mode=False, mcp_server=False, run_history=False, show_error=False,
        footer_links=["settings"], theme=ui.theme(), css=ui.CSS, head=ui.HEAD,
        max_file_size=1, enable_monitoring=False,
        auth=settings.trainer_logins or None,
        auth_message=messages.UI_TRAINER_LOGIN if settings.trainer_logins else None,
    )
    app.add_middleware(ErrorShape)
    # Outermost: an unknown Host is refused before anything else runs.
    app.add_middleware(HostGuard, hosts=settings.host_names,
                       behind_proxy=bool(settings.trusted_proxies))
    return app


def _build_index(settings: Settings) -> None:
    from assistant.engine import build_index_if_missing

    build_index_if_missing(settings)


def build_index_in_child(settings: Settings) -> None:
    """Build a missing index in a child process: torch (about 0.6 GB) is needed only to
    embed the corpus and leaves with the child, so the server stays small."""
    import multiprocessing

    from assistant.engine import index_is_missing

    if not index_is_missing(settings):
        return
    child = multiprocessing.get_context("spawn").Process(target=_build_index, args=(settings,))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise AssistantError(f"Building the index failed (exit status {child.exitcode}); see "
                             "the messages above, then run `assistant ingest` to retry.")


def serve(settings: Settings | None = None) -> None:
    """Build the index if it is missing, start the answer workers and serve."""
    import uvicorn

    settings = settings or load_settings()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    print("Loading the assistant (the first run builds the index)…", flush=True)
    build_index_in_child(settings)
    workers = settings.answer_workers
    if workers > 1:
        from assistant.workers import AnswerPool

        bot = AnswerPool(settings, workers)
        bot.warm()
    else:
        from assistant import Assistant

        bot = Assistant.load(settings)
        bot.watch_index(settings.index_check_seconds)
    try:
        app = create_app(bot, settings)
        stats = bot.stats()
        base = f"http://{settings.host}:{settings.port}"
        print(
            f"Ready: {stats.get('documents')} documents, {stats.get('chunks')} passages, "
            f"{workers} answer worker{'s' if workers > 1 else ''}.\n"
            f"  Chat:   {base}/\n  API:    POST {base}/api/ask\n"
            f"  Health: {base}/healthz\n"
            f"  Widget: <script src=\"{base}/widget.js\" defer></script>",
            flush=True,
        )
        uvicorn.Server(uvicorn_config(app, settings)).run()
    finally:
        if hasattr(bot, "close"):
            bot.close()


def uvicorn_config(app, settings: Settings) -> uvicorn.Config:
    """How the server listens. X-Forwarded-For is believed only from `trusted_proxies`:
    uvicorn's default trusts any loopback peer, which let one client rotate the header past
    the rate limit (issue 12)."""
    import uvicorn

    trusted = ",".join(settings.trusted_proxies)
    return uvicorn.Config(app, host=settings.host, port=settings.port, log_level="info",
                          proxy_headers=bool(trusted), forwarded_allow_ips=trusted or "")
