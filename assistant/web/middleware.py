"""ASGI middleware, one concern each: the error shape, the Host check, closed Gradio
routes, the rate limits, the body limit, browser hardening headers, the origin check.
`create_app` stacks them."""

from __future__ import annotations

import json
import logging
import math
import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant import messages
from assistant.shared_state import Limiter

from .errors import SERVER_ERROR, ApiError, describe_failure, error_response

log = logging.getLogger("assistant.server")

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
                await self._send_error(held.pop("start"), b"".join(chunks), send,
                                       scope.get("path", ""))
                return
            await send(message)

        try:
            await self.app(scope, receive, shaped_send)
        except Exception as exc:  # noqa: BLE001 - past every handler: never a traceback page
            log.error("unhandled %s on %s", describe_failure(exc), scope.get("path", ""))
            if not started:
                await error_response(500, SERVER_ERROR)(scope, receive, send)

    # Our chat's handlers catch every failure of their own, so a 500 from Gradio's event
    # routes is Gradio failing to read input the page never sends (a history that is not
    # messages, say): the request's fault, a 400. It is still logged ("chat event failed").
    UNREADABLE_EVENT = "The chat could not read this request; reload the page."

    async def _send_error(self, start, body: bytes, send: Send, path: str = "") -> None:
        headers = Headers(raw=start.get("headers", []))
        status = start["status"]
        if status == 500 and path in GradioRequests.EVENTS:
            start, status = {**start, "status": 400}, 400
            body = json.dumps({"error": self.UNREADABLE_EVENT}).encode()
        try:
            data = json.loads(body) if "json" in headers.get("content-type", "") else None
        except ValueError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("error"), str):
            out = body  # already ours
        else:
            detail = data.get("detail") if isinstance(data, dict) else None
            readable = isinstance(detail, str) and status != 422 and len(detail) < 200
            # Gradio's bounded queue: "Queue is full. Max size is 64 and size is 64."
            busy = status == 503 and readable and detail.startswith("Queue is full")
            message = (messages.CHAT_BUSY if busy else SERVER_ERROR if status >= 500
                       else detail if readable
                       else self.MESSAGES.get(status, "The request was refused."))
            shaped = {"error": message}
            if readable and (status < 500 or busy):
                shaped["detail"] = detail  # Gradio's page reads it (e.g. a failed login)
            out = json.dumps(shaped).encode()
        kept = [(k, v) for k, v in start.get("headers", [])
                if k.lower() not in (b"content-length", b"content-type")]
        kept += [(b"content-type", b"application/json"), (b"content-length", str(len(out)).encode())]
        await send({**start, "headers": kept})
        await send({"type": "http.response.body", "body": out})


def _host_name(host: str) -> str:
    host = host.strip().lower()
    return host.rsplit(":", 1)[0] if not host.endswith("]") else host


class HostGuard:
    """Answer only to the configured Host names: a page on another site that rebinds its
    DNS name to this server (DNS rebinding) sends its own name, and is refused.

    The same goes for the host a proxy names in X-Forwarded-Host, which Gradio uses to
    build the page's URLs. Without trusted proxies (`behind_proxy` false) no request
    comes through one, so X-Forwarded-Host, -Proto and Forwarded are dropped: a client
    must not choose the URLs a page (or a cache in front of it) serves to others."""

    DROPPED = (b"x-forwarded-host", b"x-forwarded-proto", b"x-forwarded-port",
               b"x-forwarded-prefix", b"forwarded")

    def __init__(self, app: ASGIApp, hosts: list[str], behind_proxy: bool = False):
        self.app = app
        self.hosts = set(hosts)
        self.behind_proxy = behind_proxy

    def allows(self, host: str) -> bool:
        return "*" in self.hosts or _host_name(host) in self.hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if not self.behind_proxy:
            scope = {**scope, "headers": [(k, v) for k, v in scope.get("headers", [])
                                          if k.lower() not in self.DROPPED]}
        headers = Headers(scope=scope)
        forwarded = headers.get("x-forwarded-host", "").split(",")[0]
        if not self.allows(headers.get("host", "")) or (forwarded and not self.allows(forwarded)):
            if scope["type"] == "websocket":
                # No HTTP response on a WebSocket: closing before accepting is the ASGI way
                # to refuse the handshake (the server answers 403).
                await receive()  # websocket.connect
                await send({"type": "websocket.close", "code": 1008, "reason": "Unknown host"})
                return
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
              "/gradio_api/mcp", "/openapi.json", "/docs", "/redoc",
              # Gradio's API for programmatic clients (our API is /api/ask; without /info
              # no Gradio client can use it anyway), and its proxy for Spaces. The page
              # uses queue/join, queue/data, run/predict and heartbeat only.
              "/gradio_api/call/", "/gradio_api/api/", "/gradio_api/proxy=")

    def __init__(self, app: ASGIApp):
        self.app = app

    def closed(self, path: str) -> bool:
        return path.startswith(self.CLOSED) or (
            path.startswith("/gradio_api/run/") and path != "/gradio_api/run/predict")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        query = parse_qs((scope.get("query_string") or b"").decode("latin-1"), keep_blank_values=True)
        # The chat is Gradio's only page: `?page=<other>` made Gradio raise (a 500).
        if self.closed(path) or "deep_link" in query or query.get("page", [""]) != [""]:
            await error_response(404, "Not found.")(scope, receive, send)
            return
        await self.app(scope, receive, send)


class GradioRequests:
    """Gradio's event routes take only what the chat page sends (issue 12): a fuzz run
    found Gradio answering 500, or cutting the connection, for an unknown fn_index, the
    wrong number of inputs, NaN or a lone surrogate in the body, or the event stream of a
    session that never joined. Each such request is refused here with our 400 or 404.

    `functions` maps each event handler's fn_index to its number of inputs and the keys
    its event data must have (a thumbs vote's index and value). The body is already
    bounded (BodyLimit, outside this one)."""

    EVENTS = ("/gradio_api/queue/join", "/gradio_api/run/predict")
    SESSION = re.compile(r"[A-Za-z0-9_-]{1,64}")
    MAX_SESSIONS = 10_000  # session hashes remembered (a join each), oldest forgotten first

    def __init__(self, app: ASGIApp, functions: dict[int, tuple[int, tuple[str, ...]]]):
        self.app = app
        self.functions = functions
        self.sessions: OrderedDict[str, None] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith("/gradio_api/"):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "GET" and path == "/gradio_api/queue/data":
            hashes = parse_qs((scope.get("query_string") or b"").decode("latin-1")).get(
                "session_hash", [""])
            if hashes[0] not in self.sessions:  # Gradio cut the stream of an unknown one
                await error_response(404, "No such chat session; reload the page.")(
                    scope, receive, send)
                return
        if scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:  # the client went away
            return
        problem = self.problem(path, body, Headers(scope=scope).get("content-type", ""))
        if problem:
            await error_response(400, problem)(scope, receive, send)
            return
        await self.app(scope, _replaying(body, receive), send)

    def problem(self, path: str, body: bytes, content_type: str) -> str | None:
        """What is wrong with a POST to Gradio's routes, in words (never quoting it)."""
        if "json" not in content_type.lower() and path not in self.EVENTS:
            return None  # not JSON: Gradio refuses it with a 4xx of its own
        try:
            data = json.loads(body, parse_constant=_no_constant)
        except (ValueError, RecursionError):
            return "The request body is not valid JSON."
        try:
            _check_values(data)
        except UnicodeError:
            return "The request has text that is not valid Unicode (a lone surrogate)."
        except OverflowError:
            return "The request has a number past 64 bits."
        except RecursionError:
            return "The request body is nested too deeply."
        if path not in self.EVENTS:
            return None
        if not isinstance(data, dict):
            return "An event must be a JSON object."
        fn = data.get("fn_index")
        if type(fn) is not int or fn not in self.functions:
            return "Unknown event."
        count, keys = self.functions[fn]
        inputs = data.get("data")
        if not isinstance(inputs, list) or len(inputs) != count:
            return "The event has the wrong inputs."
        event = data.get("event_data")
        if (event is not None or keys) and not (isinstance(event, dict) and set(keys) <= set(event)):
            return "The event's data is not what this event sends."
        session = data.get("session_hash")
        if session is not None and not (isinstance(session, str) and self.SESSION.fullmatch(session)):
            return "Bad session."
        if path == "/gradio_api/queue/join" and session is not None:
            self.sessions[session] = None
            self.sessions.move_to_end(session)
            while len(self.sessions) > self.MAX_SESSIONS:
                self.sessions.popitem(last=False)
        return None


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _check_values(value) -> None:
    """Raise UnicodeError for a lone surrogate anywhere (a valid JSON escape, but no text),
    and OverflowError for an integer past 64 bits: Gradio writes its event streams with
    orjson, which refuses it, and cuts the stream of a handler that hands one back."""
    if isinstance(value, str):
        value.encode("utf-8")
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int):
        if not -(2**63) <= value < 2**64:
            raise OverflowError
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_values(k)
            _check_values(v)
    elif isinstance(value, list):
        for v in value:
            _check_values(v)


class RateLimits:
    """Every budget in one place (issue 12). Each route that answers a question spends the
    question budget: `/api/ask` and its stream, and Gradio's event routes (a chat message
    reaches the engine through `/gradio_api/queue/join` or `/run/predict`, which had no
    limit, so one client could flood the chat queue). Feedback votes spend their own.
    `budgets` pairs route prefixes with a limiter; only POSTs spend. (Gradio's other event
    routes, `/call/` and `/api/`, are closed by GradioExposure before this runs.)"""

    QUESTIONS = ("/api/ask", "/gradio_api/queue/join", "/gradio_api/run/")
    FEEDBACK = ("/api/feedback",)

    def __init__(self, app: ASGIApp, budgets: Sequence[tuple[tuple[str, ...], Limiter]]):
        self.app = app
        self.budgets = budgets

    def limiter_for(self, path: str) -> Limiter | None:
        for prefixes, limiter in self.budgets:
            if any(path == p or path.startswith(p if p.endswith("/") else p + "/")
                   for p in prefixes):
                return limiter
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limiter = (self.limiter_for(scope.get("path", ""))
                   if scope["type"] == "http" and scope.get("method") == "POST" else None)
        if limiter is not None:
            # The peer, or the client a trusted proxy named (uvicorn's proxy headers).
            client = (scope.get("client") or ("unknown",))[0]
            try:
                await run_in_threadpool(throttle, limiter, client)
            except ApiError as exc:
                await error_response(exc.status, exc.message, exc.headers)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BodyLimit:
    """Request bodies bounded before anything buffers them (issue 12), on every route,
    Gradio's included. A declared Content-Length over the limit is refused at once; a
    chunked body (no length to check) is read only up to the limit, then handed on."""

    METHODS = {"POST", "PUT", "PATCH", "DELETE"}

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]):
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in self.METHODS:
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit():
            if int(declared) > limit:
                await self._refuse(limit, scope, receive, send)
                return
            await self.app(scope, receive, send)  # the server holds it to that length
            return
        body = await _read_body(receive, limit)
        if body is None:  # the client went away
            return
        if len(body) > limit:
            await self._refuse(limit, scope, receive, send)
            return
        await self.app(scope, _replaying(body, receive), send)

    @staticmethod
    async def _refuse(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        await error_response(413, f"The request body is larger than {limit} bytes.",
                             {"Connection": "close"})(scope, receive, send)


async def _read_body(receive: Receive, limit: float = math.inf) -> bytes | None:
    """The request body, read until its end or until it is past `limit` (then what was read
    so far, longer than `limit`); None if the client went away."""
    chunks, size, more = [], 0, True
    while more and size <= limit:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        more = message.get("more_body", False)
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the app the body already read, then the real one's messages
    (e.g. http.disconnect)."""
    replayed = False

    async def replay():
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class SecurityHeaders:
    """Browser hardening on every response (issue 12): no MIME sniffing, no referrer, and
    no framing by other sites. API responses also get a CSP that allows nothing at all;
    the Gradio page keeps the scripts it needs and may only be framed by this site."""

    COMMON = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
              (b"x-frame-options", b"SAMEORIGIN"))
    API_CSP = b"default-src 'none'; frame-ancestors 'none'"
    # Gradio's page needs its inline config scripts and styles; everything it loads or
    # talks to is on this origin, so nothing else may be (no image, font or request that
    # could carry a member's words elsewhere).
    PAGE_CSP = (b"default-src 'self'; script-src 'self' 'unsafe-inline'; "
                b"style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
                b"font-src 'self' data:; connect-src 'self'; media-src 'self' blob:; "
                b"worker-src 'self' blob:; frame-src 'none'; object-src 'none'; "
                b"base-uri 'self'; form-action 'self'; frame-ancestors 'self'")

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
