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
import math
import os
import threading
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant import api_schema as api_schema_module
from assistant import messages
from assistant.errors import AssistantError, IndexUnavailableError, InvalidQuestionError
from assistant.observability import ServiceMetrics
from assistant.settings import Settings, load_settings
from assistant.shared_state import ROUTES, Limiter, SharedState
from assistant.types import Reply

if TYPE_CHECKING:
    import uvicorn

    from assistant import Assistant
    from assistant.workers import AnswerPool

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
ROLES = ("user", "assistant")
# Earlier assistant turns are full replies, so they may be longer than a question.
HISTORY_CHARS_FACTOR = 10
WIDGET_CACHE_CONTROL = "public, max-age=3600"
SERVER_ERROR = "Something went wrong on our side. Please try again in a moment."


class ApiError(Exception):
    """A request the API refuses; becomes `{"error": message}` with `status`."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_response(status: int, message: str, headers: dict[str, str] | None = None):
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def describe_failure(exc: BaseException) -> str:
    """Exception type and where it was raised, without its message (which could quote
    what the user typed): enough for an operator to find the bug."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return type(exc).__name__ + where


# --- validation (pure) -----------------------------------------------------------------


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


# --- rate limit, feedback --------------------------------------------------------------


class Transcripts:
    """Opt-in log of what users typed and what they got (`data_dir/transcripts.jsonl`)."""

    def __init__(self, settings: Settings):
        self.path = Path(settings.data_dir) / "transcripts.jsonl"
        self.enabled = settings.log_transcripts
        self._lock = threading.Lock()

    def write(self, kind: str, **fields: Any) -> None:
        if not self.enabled:
            return
        entry = {"time": datetime.now(UTC).isoformat(timespec="seconds"),
                 "kind": kind, **fields}
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
            except OSError:
                log.warning("could not write transcript to %s", self.path)

    def reply(self, surface: str, message: str, reply: Reply) -> None:
        self.write("ask", surface=surface, message=message, route=reply.route,
                   answer=reply.text)


# --- origins ---------------------------------------------------------------------------


def normalise_origins(origins: list[str]) -> list[str]:
    return [o.strip().rstrip("/").lower() for o in origins if o.strip()]


def throttle(limiter: Limiter, client: str) -> None:
    """A 429 with Retry-After when `client` has used its budget on this limiter."""
    wait = limiter.acquire(client)
    if wait:
        seconds = max(1, math.ceil(wait))
        raise ApiError(429, messages.UI_RATE_LIMITED.format(seconds=seconds),
                       {"Retry-After": str(seconds)})


class ErrorShape:
    """Our `{"error": ...}` JSON for every 4xx/5xx, Gradio's mounted routes included: they
    answer `{"detail": ...}` (a 422 even echoes the request back) or a plain-text 500.
    Our own error bodies pass unchanged; streams and successful responses are not touched."""

    MESSAGES = {404: "Not found.", 405: "Method not allowed.", 422: "Invalid request."}

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: dict[str, Any] = {}
        chunks: list[bytes] = []
        started = False

        async def shaped_send(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if message["status"] >= 400:
                    held["start"] = message  # the body decides whether it needs reshaping
                    return
            elif message["type"] == "http.response.body" and "start" in held:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                await self._send_error(held.pop("start"), b"".join(chunks), send)
                return
            await send(message)

        try:
            await self.app(scope, receive, shaped_send)
        except Exception as exc:  # noqa: BLE001 - past every handler: never a traceback page
            log.error("unhandled %s on %s", describe_failure(exc), scope.get("path", ""))
            if not started:
                await error_response(500, SERVER_ERROR)(scope, receive, send)

    async def _send_error(self, start, body: bytes, send: Send) -> None:
        headers = Headers(raw=start.get("headers", []))
        status = start["status"]
        try:
            data = json.loads(body) if "json" in headers.get("content-type", "") else None
        except ValueError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("error"), str):
            out = body  # already ours
        else:
            detail = data.get("detail") if isinstance(data, dict) else None
            readable = isinstance(detail, str) and status != 422 and len(detail) < 200
            message = (SERVER_ERROR if status >= 500 else detail if readable
                       else self.MESSAGES.get(status, "The request was refused."))
            shaped = {"error": message}
            if readable and status < 500:
                shaped["detail"] = detail  # Gradio's page reads it (e.g. a failed login)
            out = json.dumps(shaped).encode()
        kept = [(k, v) for k, v in start.get("headers", [])
                if k.lower() not in (b"content-length", b"content-type")]
        kept += [(b"content-type", b"application/json"), (b"content-length", str(len(out)).encode())]
        await send({**start, "headers": kept})
        await send({"type": "http.response.body", "body": out})


class HostGuard:
    """Answer only to the configured Host names: a page on another site that rebinds its
    DNS name to this server (DNS rebinding) sends its own name, and is refused."""

    def __init__(self, app: ASGIApp, hosts: list[str]):
        self.app = app
        self.hosts = set(hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and "*" not in self.hosts:
            host = Headers(scope=scope).get("host", "").lower()
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name not in self.hosts:
                response = error_response(400, "Unknown host; add it to ASSISTANT_ALLOWED_HOSTS.")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class GradioExposure:
    """Gradio routes this product does not use, closed: file uploads (nothing here takes a
    file, and each one landed in the temp dir), deep links (they wrote a session's chat,
    health text, to disk for anyone with the link), and the API description and
    monitoring pages (they listed every endpoint to anyone)."""

    CLOSED = ("/gradio_api/upload", "/gradio_api/deep_link", "/gradio_api/info",
              "/gradio_api/openapi.json", "/monitoring", "/gradio_api/monitoring",
              "/gradio_api/mcp", "/openapi.json", "/docs", "/redoc")

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path.startswith(self.CLOSED) or "deep_link" in (scope.get("query_string") or b"").decode(
                "latin-1"):
            await error_response(404, "Not found.")(scope, receive, send)
            return
        await self.app(scope, receive, send)


class GradioThrottle:
    """The question budget on Gradio's own routes too: a chat message reaches the engine
    through `/gradio_api/queue/join` (or `/call/`, `/run/`), and those had no limit, so one
    client could flood the chat queue (issue 12). They share `/api/ask`'s limiter."""

    PREFIXES = ("/gradio_api/queue/join", "/gradio_api/call/", "/gradio_api/run/",
                "/gradio_api/api/")

    def __init__(self, app: ASGIApp, limiter):
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and scope.get("method") == "POST"
                and scope.get("path", "").startswith(self.PREFIXES)):
            client = (scope.get("client") or ("unknown",))[0]
            try:
                await run_in_threadpool(throttle, self.limiter, client)
            except ApiError as exc:
                response = error_response(exc.status, exc.message, exc.headers)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Browser hardening on every response (issue 12): no MIME sniffing, no referrer, and
    no framing by other sites. API responses also get a CSP that allows nothing at all;
    the Gradio page keeps the scripts it needs and may only be framed by this site."""

    COMMON = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
              (b"x-frame-options", b"SAMEORIGIN"))
    API_CSP = b"default-src 'none'; frame-ancestors 'none'"
    PAGE_CSP = b"frame-ancestors 'self'; object-src 'none'; base-uri 'self'"

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope.get("path", "").startswith(("/api/", "/healthz"))

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                have = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in self.COMMON if k not in have]
                if b"content-security-policy" not in have:
                    headers.append((b"content-security-policy", self.API_CSP if api else self.PAGE_CSP))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class OriginGuard:
    """Refuse state-changing requests from origins that are not allowed.

    CORS headers only stop a page from reading a response; a form post from a
    disallowed page would still run. This covers the API and Gradio's routes alike.
    """

    SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

    def __init__(self, app: ASGIApp, allowed_origins: list[str]):
        self.app = app
        self.allowed = set(allowed_origins)

    def allows(self, origin: str, headers: Headers) -> bool:
        if "*" in self.allowed or origin.lower() in self.allowed:
            return True
        # Same origin: the page was served by this host.
        return bool(origin != "null" and urlsplit(origin).netloc == headers.get("host"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in self.SAFE_METHODS:
            headers = Headers(scope=scope)
            origin = headers.get("origin")
            if origin is not None and not self.allows(origin, headers):
                response = error_response(
                    403, f"Origin {origin} may not use this assistant; "
                    "add it to ASSISTANT_ALLOWED_ORIGINS to allow it.",
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


# --- widget script ---------------------------------------------------------------------


def render_widget(settings: Settings) -> bytes:
    """The widget script with its wording and limits filled in (one place for wording)."""
    config = {
        "greeting": messages.WIDGET_GREETING,
        "title": messages.UI_TITLE,
        "disclaimer": messages.DISCLAIMER,
        "professional": messages.BANNER_PROFESSIONAL,
        "emergency": messages.BANNER_EMERGENCY,
        "sources": messages.SOURCES_LABEL,
        "reviewed": messages.REVIEWED_LABEL,
        "input": messages.UI_INPUT_LABEL,
        "placeholder": messages.UI_INPUT_PLACEHOLDER,
        "send": messages.UI_SEND,
        "open": messages.UI_OPEN,
        "close": messages.UI_CLOSE,
        "thinking": messages.UI_THINKING,
        "helpful": messages.UI_HELPFUL,
        "notHelpful": messages.UI_NOT_HELPFUL,
        "thanks": messages.UI_FEEDBACK_THANKS,
        "error": messages.UI_ERROR,
        "unreachable": messages.UI_UNREACHABLE,
        "refused": messages.UI_REFUSED_ORIGIN,
        "maxChars": settings.max_message_chars,
        "maxTurns": settings.max_history_turns,
    }
    # "<" escaped so no string can close a script element if the file is ever inlined.
    blob = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
    source = (STATIC_DIR / "widget.js").read_text(encoding="utf-8")
    return source.replace("__WIDGET_CONFIG__", blob, 1).encode("utf-8")


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
        except InvalidQuestionError:
            metrics.failed(surface, "invalid")
            raise
        except IndexUnavailableError:
            metrics.failed(surface, "index_unavailable")
            raise
        except Exception:
            metrics.failed(surface, "error")
            raise
        metrics.observe(surface, reply.route, reply.reasons, time.perf_counter() - started)
        return reply
    body_limit = max_body_bytes(settings)
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

    @app.post("/api/ask")
    async def ask(request: Request):
        client = request.client.host if request.client else "unknown"
        await run_in_threadpool(throttle, limiter, client)
        payload = await read_json(request, body_limit)
        started = time.perf_counter()
        try:
            try:
                message, history = parse_question(payload, settings)
            except InvalidQuestionError:
                metrics.failed("api", "invalid")  # ask_bot counts the failures past this point
                raise
            reply = await run_in_threadpool(ask_bot, message, history=history, surface="api")
        except InvalidQuestionError as exc:
            raise ApiError(400, str(exc)) from None
        except IndexUnavailableError as exc:
            log.error("index unavailable: %s", exc)
            raise ApiError(503, str(exc)) from None
        except AssistantError as exc:
            raise ApiError(400, str(exc)) from None
        except Exception as exc:
            log.error("ask failed: %s", describe_failure(exc))
            raise ApiError(500, SERVER_ERROR) from None
        log.info("ask route=%s citations=%d ms=%.0f", reply.route, len(reply.citations),
                 (time.perf_counter() - started) * 1000)
        transcripts.reply("api", message, reply)
        return reply.to_dict()

    @app.post("/api/feedback")
    async def post_feedback(request: Request):
        client = request.client.host if request.client else "unknown"
        await run_in_threadpool(throttle, votes, client)
        payload = await read_json(request, body_limit)
        if not isinstance(payload, dict) or not isinstance(payload.get("helpful"), bool):
            raise ApiError(400, 'Send {"helpful": true|false, "route": "answer"}.')
        route = payload.get("route", "answer")
        if route not in ROUTES:
            raise ApiError(400, f"Unknown route {route!r}; use one of {', '.join(ROUTES)}.")
        text = {k: payload.get(k) if isinstance(payload.get(k), str) else None
                for k in ("message", "answer")}
        try:
            await run_in_threadpool(feedback.record, route, payload["helpful"], **text)
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

    @app.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                   include_in_schema=False)
    async def api_fallback(rest: str):
        # Without this, Gradio (mounted at "/") would answer unknown API paths with HTML.
        if rest == "ask":
            raise ApiError(405, "Use POST /api/ask with a JSON body.", {"Allow": "POST"})
        if rest == "feedback":
            raise ApiError(405, "Use GET or POST /api/feedback.", {"Allow": "GET, POST"})
        raise ApiError(404, f"There is no /api/{rest}; see POST /api/ask, /api/feedback and "
                       "/api/openapi.json.")

    @app.get("/chat", include_in_schema=False)
    async def chat_redirect():
        return RedirectResponse("./")

    origins = normalise_origins(settings.allowed_origins)
    app.add_middleware(GradioThrottle, limiter=limiter)
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
    blocks = ui.build(bot, settings, ask=ask_bot, on_feedback=feedback.record,
                      on_reply=transcripts.reply if transcripts.enabled else None)
    # A bounded queue: past it Gradio tells the member the chat is busy.
    blocks.queue(max_size=settings.chat_queue_size, api_open=False)
    app = gr.mount_gradio_app(
        app, blocks, path="/",
        ssr_mode=False, mcp_server=False, run_history=False, show_error=False,
        footer_links=["settings"], theme=ui.theme(), css=ui.CSS, js=ui.SCROLL_JS,
        max_file_size=1, enable_monitoring=False,
        auth=settings.trainer_logins or None,
        auth_message=messages.UI_TRAINER_LOGIN if settings.trainer_logins else None,
    )
    app.add_middleware(ErrorShape)
    # Outermost: an unknown Host is refused before anything else runs.
    app.add_middleware(HostGuard, hosts=settings.host_names)
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
