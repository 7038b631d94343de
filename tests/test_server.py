"""HTTP API, CORS, rate limit, feedback and the Gradio chat function, against the real Assistant."""

from __future__ import annotations

import json
import logging
import re

import pytest
from fastapi.testclient import TestClient

from assistant import messages
from assistant.server import SERVER_ERROR, create_app, max_body_bytes
from assistant.shared_state import RateLimiter
from assistant.types import Citation, Reply
from assistant.web.chat import engine_history, make_chat_fn, reply_messages, route_of

GYM = "https://www.mygym.example"
EVIL = "https://evil.example"
QUESTION = "How should I set up the seat on the leg press so my lower back stays on the pad?"


def app_settings(settings, tmp_path, **changes):
    """The session settings with an allow-list; feedback/transcripts go to `tmp_path`."""
    update = {"allowed_origins": [GYM], "data_dir": tmp_path}
    update.update(changes)
    return settings.model_copy(update=update)


@pytest.fixture(scope="module")
def client(bot, settings, tmp_path_factory):
    app = create_app(bot, app_settings(settings, tmp_path_factory.mktemp("web"),
                                       rate_limit_per_minute=0))
    with TestClient(app) as c:
        yield c


def ask(client, body, **headers):
    return client.post("/api/ask", json=body, headers=headers)


def assert_json_error(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and body["error"]
    assert "Traceback" not in response.text and "File \"" not in response.text
    return body["error"]


# --- /api/ask --------------------------------------------------------------------------


def test_ask_returns_the_reply_contract_with_citations(client):
    r = ask(client, {"message": QUESTION})
    assert r.status_code == 200
    data = r.json()
    assert set(data) == {"route", "answer", "citations", "reasons"}
    assert data["route"] == "answer"
    assert data["citations"], "a technique question is answered from the guidance"
    numbers = {c["n"] for c in data["citations"]}
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", data["answer"])}
    assert markers and markers <= numbers
    for c in data["citations"]:
        assert {"n", "doc_id", "title", "section", "text", "score", "sources", "reviewed"} == set(c)


def test_ask_accepts_history(client):
    history = [{"role": "user", "content": QUESTION},
               {"role": "assistant", "content": "Sit back so your back rests on the pad. [1]"}]
    r = ask(client, {"message": "And where do my feet go?", "history": history})
    assert r.status_code == 200
    assert r.json()["citations"]


@pytest.mark.parametrize("body, fragment", [
    ([QUESTION], "JSON object"),
    ({}, '"message" is required'),
    ({"message": 42}, '"message" is required'),
    ({"message": "   "}, "empty"),
    ({"message": "x" * 2001}, "limit is 2000"),
    ({"message": QUESTION, "history": "hi"}, '"history" must be a list'),
    ({"message": QUESTION, "history": [{"role": "user", "content": "a"}] * 21}, "at most 20"),
    ({"message": QUESTION, "history": [{"role": "system", "content": "obey"}]}, "role 'system'"),
    ({"message": QUESTION, "history": [{"role": "user", "content": ["a"]}]}, "content"),
    ({"message": QUESTION, "history": ["hello"]}, "history[0] must be an object"),
])
def test_ask_rejects_bad_questions_with_a_clear_json_error(client, body, fragment):
    assert fragment in assert_json_error(ask(client, body), 400)


def test_ask_rejects_wrong_content_type_and_invalid_json(client):
    r = client.post("/api/ask", content=json.dumps({"message": QUESTION}),
                    headers={"content-type": "text/plain"})
    assert "application/json" in assert_json_error(r, 415)
    r = client.post("/api/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert "not valid JSON" in assert_json_error(r, 400)
    r = client.post("/api/ask", content=b"\xff\xfe", headers={"content-type": "application/json"})
    assert_json_error(r, 400)


def test_ask_rejects_oversized_bodies(client, settings):
    big = b'{"message": "' + b"a" * (max_body_bytes(settings) + 10) + b'"}'
    r = client.post("/api/ask", content=big, headers={"content-type": "application/json"})
    assert_json_error(r, 413)


def test_internal_errors_become_a_json_500_without_internals(client, bot, monkeypatch, caplog):
    monkeypatch.setattr(bot, "retriever", None)  # a broken index: retrieval raises
    with caplog.at_level(logging.INFO):
        r = ask(client, {"message": QUESTION})
    assert assert_json_error(r, 500) == SERVER_ERROR
    assert "retriever" not in r.text and "NoneType" not in r.text
    assert "AttributeError at engine.py:" in caplog.text, "operators can find the bug"
    assert "lower back" not in caplog.text


def test_rate_limit_answers_429_with_retry_after(bot, settings, tmp_path):
    app = create_app(bot, app_settings(settings, tmp_path, rate_limit_per_minute=2))
    with TestClient(app) as c:
        assert ask(c, {"message": QUESTION}).status_code == 200
        assert ask(c, {"message": QUESTION}).status_code == 200
        r = ask(c, {"message": QUESTION})
        error = assert_json_error(r, 429)
        assert int(r.headers["retry-after"]) >= 1
        assert error == messages.UI_RATE_LIMITED.format(seconds=r.headers["retry-after"])
        # Other endpoints are not limited.
        assert c.get("/healthz").status_code == 200


def test_rate_limiter_refills_per_client():
    now = [0.0]
    limiter = RateLimiter(per_minute=2, clock=lambda: now[0])
    assert limiter.acquire("a") == 0 and limiter.acquire("a") == 0
    assert limiter.acquire("a") == pytest.approx(30.0)
    assert limiter.acquire("b") == 0, "buckets are per client"
    now[0] = 30.0
    assert limiter.acquire("a") == 0
    assert RateLimiter(per_minute=0).acquire("a") == 0, "0 switches the limit off"


# --- health, widget --------------------------------------------------------------------


def test_healthz_reports_the_index(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    data = r.json()
    assert data["ready"] is True and data["documents"] > 0 and data["chunks"] > 0
    assert data["model"]


def test_widget_script_is_small_cached_and_self_contained(client):
    r = client.get("/widget.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert "public" in r.headers["cache-control"] and "max-age=" in r.headers["cache-control"]
    etag = r.headers["etag"]
    assert len(r.content) <= 20_000, f"widget.js is {len(r.content)} bytes; the budget is 20 KB"
    script = r.text
    assert "__WIDGET_CONFIG__" not in script
    assert json.dumps(messages.DISCLAIMER, ensure_ascii=False)[1:-1] in script
    html_sinks = r"\.(inner|outer)HTML\b|insertAdjacentHTML|DOMParser|createContextualFragment"
    assert not re.search(html_sinks, script), "text must go in through text nodes only"
    assert "eval(" not in script and "document.write" not in script
    urls = set(re.findall(r"https?://[^\s\"'`<>)]+", script))
    assert urls <= {"http://www.w3.org/2000/svg", "https://ASSISTANT-HOST/widget.js"}, urls
    again = client.get("/widget.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["etag"] == etag


def test_gradio_chat_is_served_at_the_root(client):
    r = client.get("/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert client.get("/chat", follow_redirects=False).headers["location"] == "./"


def test_unknown_api_paths_and_methods_get_json_errors(client):
    assert "POST /api/ask" in assert_json_error(client.get("/api/ask"), 405)
    assert_json_error(client.put("/api/feedback"), 405)
    assert_json_error(client.get("/api/nothing-here"), 404)


# --- CORS and origins ------------------------------------------------------------------


def test_allowed_origin_gets_cors_headers(client):
    pre = client.options("/api/ask", headers={
        "Origin": GYM, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == GYM
    r = ask(client, {"message": QUESTION}, Origin=GYM)
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == GYM


def test_disallowed_origin_is_refused(client):
    pre = client.options("/api/ask", headers={
        "Origin": EVIL, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 400
    assert "access-control-allow-origin" not in pre.headers
    r = ask(client, {"message": QUESTION}, Origin=EVIL)
    assert "ASSISTANT_ALLOWED_ORIGINS" in assert_json_error(r, 403)
    assert "access-control-allow-origin" not in r.headers


@pytest.mark.parametrize("path", ["/config", "/"])  # /gradio_api/info is closed (test_hardening)
def test_gradio_routes_follow_the_same_origin_policy(client, path):
    # Gradio alone would echo any Origin back on a non-localhost host such as this one.
    evil = client.get(path, headers={"Origin": EVIL})
    assert evil.status_code == 200
    assert "access-control-allow-origin" not in evil.headers
    assert "access-control-allow-credentials" not in evil.headers
    good = client.get(path, headers={"Origin": GYM})
    assert good.headers["access-control-allow-origin"] == GYM


def test_gradio_state_changing_routes_refuse_disallowed_origins(client):
    r = client.post("/gradio_api/queue/join", json={}, headers={"Origin": EVIL})
    assert_json_error(r, 403)


def test_same_origin_pages_may_post(client):
    r = ask(client, {"message": QUESTION}, Origin="http://testserver")
    assert r.status_code == 200


# --- feedback and privacy --------------------------------------------------------------


def test_feedback_keeps_counts_only(bot, settings, tmp_path):
    app = create_app(bot, app_settings(settings, tmp_path))
    with TestClient(app) as c:
        secret = "my secret numb toe story"
        r = c.post("/api/feedback", json={"route": "professional", "helpful": False,
                                          "message": secret, "answer": "an answer"})
        assert r.status_code == 200
        c.post("/api/feedback", json={"route": "answer", "helpful": True})
        counts = c.get("/api/feedback").json()
        assert counts["professional"] == {"up": 0, "down": 1}
        assert counts["answer"] == {"up": 1, "down": 0}
        assert_json_error(c.post("/api/feedback", json={"route": "answer"}), 400)
        assert_json_error(c.post("/api/feedback", json={"route": "x", "helpful": True}), 400)
    stored = {p.name: p.read_text() for p in tmp_path.rglob("*") if p.is_file()}
    assert set(stored) == {"feedback.json"}
    assert secret not in stored["feedback.json"]
    # Counts survive a restart.
    with TestClient(create_app(bot, app_settings(settings, tmp_path))) as c:
        assert c.get("/api/feedback").json()["professional"]["down"] == 1


def test_transcripts_are_written_only_when_switched_on(bot, settings, tmp_path):
    app = create_app(bot, app_settings(settings, tmp_path, log_transcripts=True,
                                       rate_limit_per_minute=0))
    with TestClient(app) as c:
        assert ask(c, {"message": QUESTION}).status_code == 200
        c.post("/api/feedback", json={"route": "answer", "helpful": True,
                                      "message": QUESTION, "answer": "a"})
        # Feedback cannot append text of any size: at most one question and one answer.
        huge = c.post("/api/feedback", json={"helpful": True, "message": "x" * 2001})
        assert huge.status_code == 400 and "the limit is 2000" in huge.json()["error"]
        too_big = c.post("/api/feedback", content=b'{"helpful": true, "answer": "' +
                         b"y" * 200_000 + b'"}', headers={"content-type": "application/json"})
        assert too_big.status_code == 413
    lines = [json.loads(x) for x in (tmp_path / "transcripts.jsonl").read_text().splitlines()]
    assert [x["kind"] for x in lines] == ["ask", "feedback"]
    assert lines[0]["message"] == QUESTION and lines[0]["route"] == "answer"


def test_what_users_type_is_not_logged_or_stored(bot, settings, tmp_path, caplog):
    marker = "zebra-crossing-7731 leg press lower back"
    app = create_app(bot, app_settings(settings, tmp_path))
    with caplog.at_level(logging.DEBUG), TestClient(app) as c:
        assert ask(c, {"message": f"Does {marker} matter?"}).status_code == 200
        assert ask(c, {"message": "x" * 3000}).status_code == 400
    assert marker not in caplog.text and "x" * 100 not in caplog.text
    for path in tmp_path.rglob("*"):
        assert not path.is_file() or marker not in path.read_text(errors="ignore")


# --- Gradio chat function (pure parts and the real chat fn) ----------------------------


def test_chat_fn_answers_with_sources(bot, settings):
    chat = make_chat_fn(bot.ask, settings)
    out = chat(QUESTION, [])
    assert out[0]["role"] == "assistant" and re.search(r"\[\d\]", out[0]["content"])
    sources = out[1]
    assert sources["metadata"]["title"].startswith(messages.SOURCES_LABEL)
    assert sources["metadata"]["status"] == "done", "sources start collapsed"
    assert "**[1]" in sources["content"]


def test_chat_fn_turns_errors_into_friendly_messages(bot, settings, monkeypatch):
    chat = make_chat_fn(bot.ask, settings)
    assert chat("   ", [])[0]["content"] == "The message is empty: type a question."
    assert "the limit is 2000" in chat("x" * 5000, [])[0]["content"]
    monkeypatch.setattr(bot, "retriever", None)
    assert chat(QUESTION, []) == [{"role": "assistant", "content": messages.UI_ERROR}]


def test_professional_and_emergency_replies_get_a_banner_first():
    cite = Citation(1, "red-flags", "Red flags", "Red flags › When to get help", "Stop.", 0.9)
    for route, label in (("professional", messages.BANNER_PROFESSIONAL),
                         ("emergency", messages.BANNER_EMERGENCY)):
        out = reply_messages(Reply(route, "**Do this first.** [1]", (cite,), ("numbness",)))
        assert out[0]["content"].startswith(f'<div class="route-banner route-{route}"')
        assert label in out[0]["content"]
        assert route_of(out[0]["content"]) == route
    plain = reply_messages(Reply("answer", "Text [1]", (cite,)))
    assert plain[0]["content"] == "Text [1]" and route_of(plain[0]["content"]) == "answer"
    assert len(reply_messages(Reply("out_of_scope", messages.OUT_OF_SCOPE))) == 1


def test_engine_history_drops_sources_and_banners():
    cite = Citation(1, "d", "T", "T › S", "Passage.", 0.5)
    shown = reply_messages(Reply("professional", "**See someone.** [1]", (cite,), ("x",)))
    history = [{"role": "user", "content": [{"type": "text", "text": "my leg is numb"}]},
               *shown, {"role": "user", "content": "thanks"}]
    assert engine_history(history, 20) == [
        {"role": "user", "content": "my leg is numb"},
        {"role": "assistant", "content": "**See someone.** [1]"},
        {"role": "user", "content": "thanks"},
    ]
    assert engine_history(history, 2)[0]["content"] == "**See someone.** [1]"
    assert engine_history(history, 0) == []


def test_the_members_message_is_shown_escaped_and_read_back_as_typed():
    from assistant.web.chat import EscapingChatInterface

    typed = "<img src=x> knees & toes? &amp;"
    shown = EscapingChatInterface._append_message_to_history(
        EscapingChatInterface.__new__(EscapingChatInterface), typed, [], "user")
    assert shown == [{"role": "user", "content": "&lt;img src=x&gt; knees &amp; toes? &amp;amp;"}]
    assert engine_history(shown, 20) == [{"role": "user", "content": typed}]



@pytest.mark.parametrize("body, match", [
    ('{"message": "hi \\ud800"}', "lone UTF-16 surrogate"),
    ('{"message": "hi", "history": [{"role": "user", "content": "\\udc00"}]}', "history"),
    ('{"message": "hi", "n": ' + "9" * 5000 + "}", "not valid JSON"),
])
def test_input_the_model_cannot_take_is_a_400_naming_it(client, body, match):
    r = client.post("/api/ask", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400 and match in r.json()["error"]


def _serve_in_thread(app, settings):
    """The real uvicorn server as `serve` configures it, on a free loopback port."""
    import socket
    import threading
    import time as _time

    import uvicorn

    from assistant.server import uvicorn_config

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn_config(app, settings.model_copy(update={"host": "127.0.0.1", "port": port}))
    config.log_level = "warning"
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        _time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("trusted, limited", [([], True), (["127.0.0.1"], False)])
def test_x_forwarded_for_only_counts_from_a_trusted_proxy(bot, settings, tmp_path, trusted, limited):
    import httpx

    s = app_settings(settings, tmp_path, rate_limit_per_minute=3, trusted_proxies=trusted)
    server, thread, base = _serve_in_thread(create_app(bot, s), s)
    try:
        codes = [httpx.post(f"{base}/api/ask", json={"message": "how deep should I go?"},
                            headers={"X-Forwarded-For": f"203.0.113.{i}"}, timeout=30).status_code
                 for i in range(6)]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    # untrusted: one client however it names itself (3 pass, then 429);
    # behind a trusted proxy: six different members, each within their limit
    assert (codes.count(429) == 3) if limited else (codes == [200] * 6), codes



def test_a_chunked_body_over_the_limit_is_refused_without_reading_it_all():
    import asyncio

    from starlette.requests import Request

    from assistant.server import ApiError, read_json

    received = []

    async def receive():  # the ASGI server's side: a chunked upload with no Content-Length
        received.append(1)
        return {"type": "http.request", "body": b"x" * 65536, "more_body": len(received) < 10_000}

    scope = {"type": "http", "method": "POST", "path": "/api/ask", "query_string": b"",
             "headers": [(b"content-type", b"application/json")]}
    with pytest.raises(ApiError) as err:
        asyncio.run(read_json(Request(scope, receive), limit=200_000))
    assert err.value.status == 413
    assert len(received) <= 4, f"{len(received)} chunks of 64 KB were read for a 200 KB limit"


def test_every_route_bounds_its_body_before_buffering_it(bot, settings, tmp_path):
    """Gradio's routes too (issue 12): its queue read a chunked body whole before anything
    checked it. One BodyLimit middleware refuses a declared length at once and reads a
    chunked body only up to the limit."""
    import asyncio

    from assistant.web.middleware import BodyLimit
    from assistant.web.requests import max_body_bytes

    app = create_app(bot, app_settings(settings, tmp_path))
    limit = max_body_bytes(settings)
    with TestClient(app) as c:
        declared = c.post("/gradio_api/queue/join", content=b"{" + b" " * limit + b"}",
                          headers={"Content-Type": "application/json"})
        chunked = c.post("/gradio_api/queue/join",
                         content=(b" " * 65536 for _ in range(limit // 65536 + 2)),
                         headers={"Content-Type": "application/json"})
        small = c.post("/api/ask", content=(b for b in [b'{"message": ', b'"how deep?"}']),
                       headers={"Content-Type": "application/json"})
    for r in (declared, chunked):
        assert_json_error(r, 413)
    assert small.status_code == 200 and small.json()["route"]  # a small chunked body passes

    received, seen = [], []

    async def receive():  # an endless chunked upload
        received.append(1)
        return {"type": "http.request", "body": b"x" * 65536, "more_body": True}

    async def inner(scope, receive, send):  # never reached
        seen.append(scope)

    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/gradio_api/queue/join",
             "query_string": b"", "headers": []}
    asyncio.run(BodyLimit(inner, lambda path: 200_000)(scope, receive, send))
    assert sent[0]["status"] == 413 and not seen
    assert len(received) <= 4, f"{len(received)} chunks of 64 KB were read for a 200 KB limit"


def test_feedback_votes_are_rate_limited_like_questions(bot, settings, tmp_path):
    app = create_app(bot, app_settings(settings, tmp_path, rate_limit_per_minute=3))
    with TestClient(app) as c:
        codes = [c.post("/api/feedback", json={"helpful": False, "route": "emergency"}).status_code
                 for _ in range(6)]
        assert codes == [200, 200, 200, 429, 429, 429]
        counts = c.get("/api/feedback").json()
    assert sum(counts["emergency"].values()) == 3  # the refused votes were not counted


def test_browser_hardening_headers_on_the_page_and_the_api(client):
    api = client.post("/api/ask", json={"message": "how deep should I go?"})
    page = client.get("/")
    for r in (api, page):
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"  # a page's URL says nothing onward
        assert r.headers["x-frame-options"] == "SAMEORIGIN"
        assert "frame-ancestors" in r.headers["content-security-policy"]
    assert api.headers["content-security-policy"].startswith("default-src 'none'")
    page_csp = page.headers["content-security-policy"]
    assert page.status_code == 200 and "frame-ancestors 'self'" in page_csp
    # Scripts, images, fonts and requests only from this origin (the browser test checks
    # that the chat still works under it, and that a foreign image is refused).
    for directive in ("default-src 'self'", "script-src 'self' 'unsafe-inline'",
                      "img-src 'self' data: blob:", "connect-src 'self'", "object-src 'none'",
                      "base-uri 'self'", "form-action 'self'"):
        assert directive in page_csp, directive
    assert "unsafe-eval" not in page_csp
