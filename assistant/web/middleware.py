"""ASGI middleware, one concern each: the error shape, the Host check, closed Gradio
routes, the question budget on Gradio's routes, browser hardening headers, the origin
check. `create_app` stacks them."""

from __future__ import annotations

import json
import logging
import math
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
                if scope["type"] == "websocket":
                    # No HTTP response on a WebSocket: closing before accepting is the
                    # ASGI way to refuse the handshake (the server answers 403).
                    await receive()  # websocket.connect
                    await send({"type": "websocket.close", "code": 1008,
                                "reason": "Unknown host"})
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
              "/gradio_api/mcp", "/openapi.json", "/docs", "/redoc")

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        query = parse_qs((scope.get("query_string") or b"").decode("latin-1"), keep_blank_values=True)
        # The chat is Gradio's only page: `?page=<other>` made Gradio raise (a 500).
        if path.startswith(self.CLOSED) or "deep_link" in query or query.get("page", [""]) != [""]:
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
