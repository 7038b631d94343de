"""Hardening: a short fuzz run against the HTTP routes Gradio exposes in our app.

The whole app (`create_app`: middleware, the chat mounted at /) runs in a real uvicorn
server, so event streams are read over real HTTP with bounded timeouts. The routes are
found from /config (the event handlers' fn ids, their inputs, the api names), then
hypothesis sends them valid-shaped event payloads with random data, wrong fn ids, junk
JSON, non-JSON bodies, wrong content types and random query strings. Properties: no status
>= 500, no cut stream, no exception out of our own code (our logs name it); every 4xx body
is our `{"error": ...}` JSON and does not quote the canary in the request; the event stream
of a join ends cleanly, and a chat-shaped event gets an answer.

The first runs found Gradio answering 500 (or cutting the connection) for a dozen kinds of
malformed request, and our thumbs handler raising on a malformed vote; each has a minimal
reproducer at the end (REPRODUCERS), kept as a regression test, as is the last one found:
an integer past 64 bits handed back by a handler cut the event stream.

By default 90 fuzzed event-route requests and 60 to the other routes, 30 chat-shaped events
(each answered by the engine), 36 raw bodies and 19 reproducers: about 10 s past the shared
index build. ASSISTANT_TEST_FUZZ_SCALE=10 runs ten times as many fuzzed cases.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx
import hypothesis
import pytest
from browser_helpers import ServerThread
from conftest import is_text
from hypothesis import HealthCheck, event, given
from hypothesis import strategies as st

import assistant
from assistant import messages
from assistant.server import create_app

pytestmark = pytest.mark.slow

SCALE = float(os.environ.get("ASSISTANT_TEST_FUZZ_SCALE", "1"))
EVENT_EXAMPLES = int(90 * SCALE)
CHAT_EXAMPLES = int(30 * SCALE)
OTHER_EXAMPLES = int(60 * SCALE)
FUZZ = dict(deadline=None, database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                   HealthCheck.function_scoped_fixture])
STREAM_DEADLINE_S = 15.0  # one event stream, read to its end (an event takes well under 1 s)
CANARY = "zq-canary-7304"
PREFIX = "/gradio_api"

# Our own modules: an exception escaping one of them (our logs name the exception and its
# innermost file, never the message) is a server error whatever the status says.
OUR_FILES = {p.name for p in Path(assistant.__file__).parent.rglob("*.py")}
ESCAPED = re.compile(r"^(?:unhandled|chat event failed:) \w+ at (\S+?):\d+")


class Records(logging.Handler):
    """Error records of the `assistant` loggers, from any thread (the server's included)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@dataclass
class Sent:
    method: str
    path: str
    status: int = 0
    content_type: str = ""
    body: bytes = b""
    events: list = field(default_factory=list)  # SSE data, parsed
    cut: str = ""  # how a stream ended early, if it did
    logs: list[str] = field(default_factory=list)

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def broken(self) -> bool:
        """A server error: a 5xx, a cut stream, a stream that reports one, or an exception
        out of our own code (which a 4xx may hide)."""
        return self.status >= 500 or bool(self.cut) or any(
            isinstance(e, dict) and e.get("msg") == "unexpected_error" for e in self.events
        ) or any((m := ESCAPED.search(line)) and m.group(1) in OUR_FILES for line in self.logs)


# --- the server ---------------------------------------------------------------------------


@dataclass
class Routes:
    """What /config says the page may call."""

    fn_ids: list[int]
    inputs: dict[int, int]  # fn id -> how many inputs its event carries
    queued: set[int]
    chat: int  # the ChatInterface's API handler, api_name "chat"
    like: int
    api_names: list[str]
    unqueued_with_inputs: int  # a handler /run/ may call directly, other than the thumbs
    chat_routes: list[str]  # the routes that take a chat message: queue/join, and call/ if open
    delete_conversation: int  # a ChatInterface handler that hands its browser state back


@pytest.fixture(scope="module")
def records():
    handler = Records()
    logger = logging.getLogger("assistant")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


@pytest.fixture(scope="module")
def server(bot, settings, tmp_path_factory, records):
    app = create_app(bot, settings.model_copy(update={
        "data_dir": tmp_path_factory.mktemp("fuzz-gradio"), "rate_limit_per_minute": 0}))
    with ServerThread(app) as running:
        yield running


@pytest.fixture(scope="module")
def http(server):
    with httpx.Client(base_url=server.url, timeout=httpx.Timeout(20.0)) as client:
        yield client


@pytest.fixture(scope="module")
def routes(http) -> Routes:
    # Gradio's API for programmatic clients (/call/, /call/v2/) may be closed (our 404):
    # an invalid body tells which (open: Gradio's 4xx for it).
    closed = {"error": "Not found."}
    chat_routes = ["queue/join"] + [
        route for route, probe in (("call/chat", b"{}"), ("call/v2/chat", b"[]"))
        if http.post(f"{PREFIX}/{route}", content=probe,
                     headers={"content-type": "application/json"}).json() != closed]
    config = http.get("/config")
    assert config.status_code == 200, config.text[:300]
    config = config.json()
    assert config["api_prefix"] == PREFIX
    deps = config["dependencies"]
    by_name = {d.get("api_name"): d["id"] for d in deps}
    return Routes(fn_ids=sorted(d["id"] for d in deps),
                  inputs={d["id"]: len(d["inputs"]) for d in deps},
                  queued={d["id"] for d in deps if d.get("queue") is not False},
                  chat=by_name["chat"], like=by_name["like"],
                  api_names=sorted(n for n in by_name if n),
                  unqueued_with_inputs=next(d["id"] for d in deps if d.get("queue") is False
                                            and d["inputs"] and d["id"] != by_name["like"]),
                  chat_routes=chat_routes, delete_conversation=by_name["_delete_conversation"])


def send(http: httpx.Client, records: Records, method: str, path: str, query: str = "",
         content: bytes | None = None, headers: dict | None = None) -> Sent:
    """One request; an event stream is read to its end (or STREAM_DEADLINE_S)."""
    sent = Sent(method, path)
    start = len(records.lines)
    url = path + (f"?{query}" if query else "")
    try:
        with http.stream(method, url, content=content, headers=headers) as response:
            sent.status = response.status_code
            sent.content_type = response.headers.get("content-type", "")
            if sent.content_type.startswith("text/event-stream"):
                read_stream(response, sent)
            else:
                sent.body = response.read()
    except (httpx.RemoteProtocolError, httpx.ReadTimeout) as exc:
        sent.cut = f"{type(exc).__name__}: {exc}"
    if sent.broken():
        # Starlette sends the 500 first and re-raises after: the log line may come later.
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline and len(records.lines) == start:
            time.sleep(0.01)
        time.sleep(0.05)
    sent.logs = records.lines[start:]
    return sent


def read_stream(response: httpx.Response, sent: Sent) -> None:
    """Gradio's SSE: `data: {...}` lines (queue/data) or `event: x` + `data: ...` (call/),
    read until the server ends the stream (it does after the last event), or the deadline."""
    deadline = time.monotonic() + STREAM_DEADLINE_S
    kind = None
    for line in sse_lines(response):
        if time.monotonic() > deadline:
            sent.cut = "deadline"
            return
        if line.startswith("event:"):
            kind = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            data = json.loads(line.split(":", 1)[1])
            sent.events.append({"event": kind, "data": data} if kind else data)


def sse_lines(response: httpx.Response):
    """Lines as SSE splits them: at CR, LF or CRLF only. (httpx's iter_lines also splits at
    U+2028, U+0085 and the like, which Gradio's JSON carries unescaped.)"""
    pending = b""
    for chunk in response.iter_bytes():
        pending += chunk
        *lines, pending = re.split(rb"\r\n|\r|\n", pending)
        for line in lines:
            yield line.decode("utf-8")
    if pending:
        yield pending.decode("utf-8")


def sent_json(content: bytes) -> dict:
    """The body as the server read it (the drawn one may have been sent as junk)."""
    try:
        body = json.loads(content.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return {}
    return body if isinstance(body, dict) else {}


def encode(body: object) -> bytes:
    # json.dumps escapes lone surrogates and writes NaN, as a careless client would
    return json.dumps(body).encode()


def note(text: str) -> None:
    """hypothesis.event, also callable from a plain test."""
    try:
        event(text)
    except hypothesis.errors.InvalidArgument:
        pass


def assert_no_server_error(sent: Sent) -> None:
    """The fuzz's property for one response."""
    where = f"{sent.method} {sent.path} -> {sent.status} {sent.cut} logs={sent.logs} " \
            f"events={sent.events[-2:]} body={sent.text()[:300]!r}"
    assert not sent.broken(), "server error: " + where
    note(f"{sent.method} {re.sub(r'/[^/]*$', '/…', sent.path)} -> {sent.status}")
    for line in sent.logs:
        if line.startswith("chat failed"):  # our chat's catch-all: the member is told, politely
            note(f"our chat caught: {line}")
    if sent.status >= 400 and sent.method != "HEAD":
        assert sent.content_type.startswith("application/json"), where
        data = json.loads(sent.body)
        assert isinstance(data, dict) and isinstance(data.get("error"), str) and data["error"], where
        assert CANARY not in sent.text(), where
        assert "Traceback" not in sent.text(), where


def stream_of_join(http, records, session_hash: str) -> Sent:
    return send(http, records, "GET", f"{PREFIX}/queue/data",
                query="session_hash=" + quote(session_hash, safe=""))


def assert_stream_ended_cleanly(stream: Sent, chat_shaped: bool) -> None:
    assert_no_server_error(stream)
    assert stream.status == 200 and stream.content_type.startswith("text/event-stream")
    done = [e for e in stream.events if e.get("msg") == "process_completed"]
    assert done and stream.events[-1].get("msg") == "close_stream", stream.events[-3:]
    for item in done:
        if not item.get("success"):
            # show_error=False: Gradio says only "Error", never the exception's message
            assert item["output"].get("error") in (None, ""), item
            assert CANARY not in json.dumps(item)
            assert not chat_shaped, f"a chat-shaped event failed: {item} logs={stream.logs}"
            note("handler failed (success: false in the stream)")


# --- strategies ---------------------------------------------------------------------------

ANY_CHAR = st.characters(exclude_categories=())  # lone surrogates included
# Integers past 64 bits broke Gradio's event stream when a handler handed them back
# (orjson); they are refused now and pinned below
# (test_an_event_stream_survives_an_int_past_64_bits), so the fuzz keeps to 64 bits.
INT64 = st.integers(-(2**63), 2**63 - 1)
QUESTIONS = ["How should I set the seat on the leg press?", "my calf goes numb when I push",
             "I can't feel my groin", "what's the best pizza?", "and my knees?"]
ODD = st.sampled_from(["\ud800", "\udfff", "\x00", "\x1b[31m", "\u202e", "\ufeff", "\u200b",
                       "\U0001f9b5\u200d", "\r\n", "<img src=x onerror=alert(1)>", "{{7*7}}"])
TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=30),
    st.sampled_from(QUESTIONS),
    st.lists(st.sampled_from(QUESTIONS) | ODD | st.just(CANARY) | st.text(ANY_CHAR, max_size=4),
             min_size=1, max_size=5).map(" ".join),
    st.tuples(st.text(ANY_CHAR, min_size=1, max_size=5) | ODD, st.integers(100, 4000))
    .map(lambda t: t[0] * t[1]),
)
JSONISH = st.recursive(
    st.none() | st.booleans() | INT64 | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=8,
)
CONTENT = TEXT | st.lists(st.fixed_dictionaries({"type": st.just("text"), "text": TEXT}),
                          min_size=1, max_size=2)
GOOD_TURN = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant"]), "content": CONTENT},
    optional={"metadata": st.fixed_dictionaries({"title": st.text(max_size=10)})})
ANY_TURN = st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant", "system"])
                                  | JSONISH, "content": CONTENT | JSONISH}) | JSONISH
CHAT_HISTORY = st.lists(GOOD_TURN, max_size=6)
# What the page sends (Gradio's random 11 characters), prefixed so that no stream read for
# an unknown session ("nx-") ever names one that joined.
PAGE_SESSION = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=11) \
    .map(lambda s: "fz-" + s)
SESSION = PAGE_SESSION | st.text(st.characters(codec="utf-8"), max_size=12).map(lambda s: "fz-" + s)
CONTENT_TYPES = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=zz",
                 "application/json; charset=utf-16", "*/*", "", "application/xml"]


@st.composite
def query_strings(draw) -> str:
    """Mostly none; else random pairs, percent-encoded (lone surrogates as CESU bytes)."""
    if draw(st.integers(0, 2)):
        return ""
    keys = st.sampled_from(["session_hash", "fn_index", "__theme", "view", "lang", "x"]) \
        | st.text(ANY_CHAR, max_size=6)
    pairs = draw(st.lists(st.tuples(keys, st.text(ANY_CHAR, max_size=12) | st.just(CANARY)),
                          max_size=3))
    return "&".join(quote(k.encode("utf-8", "surrogatepass"), safe="") + "="
                    + quote(v.encode("utf-8", "surrogatepass"), safe="") for k, v in pairs)


@st.composite
def raw_bodies(draw) -> bytes:
    """Bodies no JSON parser should get far with."""
    return draw(st.one_of(
        st.binary(max_size=64),
        st.integers(1, 3000).map(lambda n: b'{"data": ' + b"[" * n + b"]" * n + b"}"),
        st.just(b'{"data": [' + b"9" * 5000 + b'], "fn_index": 0, "session_hash": "fz-x"}'),
        st.just(b'{"data": ["\xff\xfe"], "fn_index": 0, "session_hash": "fz-x"}'),
        st.just(b'{"data": [NaN, Infinity], "fn_index": 0, "session_hash": "fz-x"}'),
        st.just(b'{"data": ["' + CANARY.encode() + b'"'),  # cut short
        st.just(b"null"), st.just(b""), st.just(b"[]"),
    ))


@st.composite
def dressed(draw, body: object) -> tuple[bytes, dict]:
    """A body as bytes with headers: JSON mostly, sometimes raw junk or a wrong type."""
    kind = draw(st.integers(0, 9))
    headers = {"content-type": "application/json"}
    if kind == 7:
        headers["content-type"] = draw(st.sampled_from(CONTENT_TYPES))
    if kind == 8 and draw(st.booleans()):
        headers["origin"] = draw(st.sampled_from(["http://evil.example", "null", "https://x"]))
    content = draw(raw_bodies()) if kind == 9 else encode(body)
    return content, headers


def fn_indexes(routes: Routes):
    return st.one_of(st.sampled_from(routes.fn_ids), st.sampled_from(routes.fn_ids),
                     st.integers(-3, max(routes.fn_ids) + 5), st.integers(), st.none(),
                     st.sampled_from(["7", 7.0, True, [7]]))


# Text and JSON that any strict reader accepts: no lone surrogates, no NaN.
CLEAN_TEXT = st.one_of(st.text(st.characters(codec="utf-8"), max_size=30), st.sampled_from(QUESTIONS),
                       st.sampled_from(QUESTIONS).map(lambda q: f"{q} {CANARY}"))
CLEAN_JSON = st.recursive(
    st.none() | st.booleans() | INT64 | st.floats(allow_nan=False, allow_infinity=False)
    | CLEAN_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(CLEAN_TEXT, inner, max_size=3),
    max_leaves=6)
CLEAN_TURN = st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant", "system"]),
                                    "content": CLEAN_TEXT | CLEAN_JSON})


@st.composite
def plausible_event(draw, routes: Routes) -> dict:
    """An event the way the page shapes one: a known handler, as many inputs as it takes
    (random values), a page-like session hash, a vote's keys for the thumbs."""
    fn = draw(st.sampled_from(routes.fn_ids))
    data = draw(st.lists(CLEAN_JSON | st.lists(CLEAN_TURN, max_size=3),
                         min_size=routes.inputs[fn], max_size=routes.inputs[fn]))
    body = {"data": data, "fn_index": fn, "session_hash": draw(PAGE_SESSION),
            "event_data": None, "trigger_id": draw(st.none() | st.integers(0, 40))}
    if fn == routes.like:
        body["event_data"] = draw(st.fixed_dictionaries(
            {"index": st.integers(-2, 8) | st.lists(st.integers(-1, 3), max_size=2) | CLEAN_JSON,
             "value": CLEAN_JSON}, optional={"liked": st.booleans() | CLEAN_JSON}))
    return body


@st.composite
def event_requests(draw, routes: Routes) -> tuple[str, bytes, dict, str]:
    """(path, content, headers, query) for one of Gradio's event routes."""
    fn = draw(fn_indexes(routes))
    data = draw(st.one_of(st.lists(JSONISH, max_size=4),
                          st.tuples(TEXT | JSONISH, st.lists(ANY_TURN, max_size=4) | JSONISH)
                          .map(list),
                          JSONISH))
    api = draw(st.sampled_from(routes.api_names + ["predict", "nope"])
               | st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1,
                         max_size=8))
    route = draw(st.sampled_from(["queue/join"] * 4 + ["run/predict"] * 2 + [
        f"call/{api}", f"call/v2/{api}", f"run/{api}", f"api/{api}"]))
    if route.startswith("call/v2/"):
        body = draw(st.dictionaries(st.sampled_from(["message", "history", "oauth_token", "x"]),
                                    TEXT | JSONISH, max_size=3) | JSONISH)
    elif route in ("queue/join", "run/predict") and draw(st.booleans()):
        body = draw(plausible_event(routes))
        if route == "run/predict" and draw(st.booleans()):
            body.pop("session_hash")
    else:
        body = {"data": data}
        if draw(st.integers(0, 4)):
            body["fn_index"] = fn
        optional = {"session_hash": SESSION | JSONISH, "event_data": JSONISH,
                    "trigger_id": INT64 | JSONISH, "event_id": TEXT,
                    "batched": st.booleans(), "simple_format": st.booleans()}
        for key in draw(st.lists(st.sampled_from(sorted(optional)), unique=True, max_size=4)):
            body[key] = draw(optional[key])
        if route == "queue/join" and draw(st.integers(0, 3)):
            body.setdefault("session_hash", draw(SESSION))
    content, headers = draw(dressed(body))
    return f"{PREFIX}/{route}", content, headers, draw(query_strings())


# --- what the page calls ------------------------------------------------------------------


def test_the_open_gradio_routes_are_found_and_the_unused_ones_closed(http, records, routes):
    assert routes.chat in routes.queued and routes.like not in routes.queued
    assert {"chat", "like"} <= set(routes.api_names)
    # The join route exists (a GET is refused), the description routes do not.
    assert send(http, records, "GET", f"{PREFIX}/queue/join").status == 405
    for method, path in [("GET", f"{PREFIX}/info"), ("GET", f"{PREFIX}/openapi.json"),
                         ("POST", f"{PREFIX}/upload"), ("GET", "/gradio_api/config")]:
        sent = send(http, records, method, path, content=b"x" if method == "POST" else None)
        assert sent.status == 404, (path, sent.status)
        assert "error" in json.loads(sent.body)


@hypothesis.settings(max_examples=EVENT_EXAMPLES, **FUZZ)
@given(data=st.data())
def test_gradio_event_routes_never_answer_a_server_error(http, records, routes, data):
    path, content, headers, query = data.draw(event_requests(routes))
    sent = send(http, records, "POST", path, query, content, headers)
    assert_no_server_error(sent)
    if sent.status != 200:
        return
    event_id = json.loads(sent.body).get("event_id")
    if path.endswith("queue/join"):
        session = sent_json(content).get("session_hash")
        if not isinstance(session, str) or not is_text(session):
            event("join with a session hash a URL cannot carry: stream not read")
            return
        stream = stream_of_join(http, records, session)
        chat_shaped = False  # the data is random: Gradio may fail to read it, in words
        assert_stream_ended_cleanly(stream, chat_shaped)
    elif "/call/" in path and event_id:
        api = path.rstrip("/").rsplit("/", 1)[-1]
        result = send(http, records, "GET", f"{PREFIX}/call/{api}/{event_id}")
        assert_no_server_error(result)
        assert result.events and result.events[-1].get("event") in ("complete", "error"), result
        if result.events[-1]["event"] == "error":
            failure = result.events[-1]["data"]  # show_error=False: no message at all
            assert failure in (None, "") or failure == {"error": None}, result.events[-1]
            event("handler failed (event: error in the stream)")


@hypothesis.settings(max_examples=CHAT_EXAMPLES, **FUZZ)
@given(message=TEXT, history=CHAT_HISTORY, data=st.data(), session=PAGE_SESSION)
def test_a_chat_shaped_event_gets_an_answer_through_every_route(
        http, records, routes, message, history, data, session):
    """Valid-shaped chat payloads with random text: a 200, a stream that completes, a reply
    that is an answer or our message saying what to change, never 'something went wrong'."""
    how = data.draw(st.sampled_from(routes.chat_routes))
    body = ({"message": message} if how == "call/v2/chat" else
            {"data": [message, history], "fn_index": routes.chat, "session_hash": session}
            if how == "queue/join" else {"data": [message, history]})
    sent = send(http, records, "POST", f"{PREFIX}/{how}", content=encode(body),
                headers={"content-type": "application/json"})
    assert_no_server_error(sent)
    if sent.status == 400 and not is_text(json.dumps(body, ensure_ascii=False)):
        note("a lone surrogate in the event: refused with our 400")  # not text: may be refused
        return
    assert sent.status == 200, sent.text()[:300]
    event_id = json.loads(sent.body)["event_id"]
    if how == "queue/join":
        stream = stream_of_join(http, records, session)
        assert_stream_ended_cleanly(stream, chat_shaped=True)
        output = next(e for e in stream.events if e.get("msg") == "process_completed")
        reply = output["output"]["data"][0]
    else:
        stream = send(http, records, "GET", f"{PREFIX}/call/{how.split('/')[-1]}/{event_id}")
        assert_no_server_error(stream)
        assert stream.events and stream.events[-1]["event"] == "complete", stream.events[-2:]
        reply = stream.events[-1]["data"][0]
    assert isinstance(reply, list) and reply, reply
    assert all(m["role"] == "assistant" and isinstance(m["content"], str) and m["content"]
               for m in reply), reply
    assert reply[0]["content"] != messages.UI_ERROR, stream.logs
    assert not [line for line in stream.logs + sent.logs if "failed" in line], stream.logs
    event(f"{how}: {len(reply)} message(s)")


# --- everything else Gradio serves ---------------------------------------------------------

PATH_SEGMENT = st.text(ANY_CHAR, min_size=1, max_size=10).map(
    lambda s: quote(s.encode("utf-8", "surrogatepass"), safe=""))


@st.composite
def other_requests(draw) -> tuple[str, str, bytes | None, dict, str]:
    segment = draw(PATH_SEGMENT)
    method, path = draw(st.sampled_from([
        ("GET", "/config"), ("GET", "/"), ("GET", f"{PREFIX}/info"), ("POST", f"{PREFIX}/upload"),
        ("GET", f"{PREFIX}/upload_progress"), ("GET", f"{PREFIX}/openapi.json"),
        ("GET", f"{PREFIX}/queue/data"), ("GET", f"{PREFIX}/queue/data?session_hash=nx-{segment}"),
        ("GET", f"{PREFIX}/call/chat/nx-{segment}"), ("POST", f"{PREFIX}/cancel"),
        ("POST", f"{PREFIX}/reset"), ("GET", f"{PREFIX}/startup-events"),
        ("GET", f"{PREFIX}/app_id"), ("GET", f"{PREFIX}/file={segment}"),
        ("GET", f"{PREFIX}/proxy={segment}"), ("POST", f"{PREFIX}/stream/{segment}"),
        ("POST", f"{PREFIX}/component_server"), ("POST", f"{PREFIX}/process_recording"),
        ("GET", f"{PREFIX}/{segment}"), ("POST", f"{PREFIX}/{segment}"), ("GET", f"/{segment}"),
        ("GET", f"/{segment}/{segment}"), ("GET", "/manifest.json"), ("GET", "/theme.css"),
        ("POST", "/login"), ("GET", f"/assets/{segment}"), ("GET", f"/static/{segment}"),
    ]))
    method = draw(st.sampled_from([method] * 6 + ["HEAD", "PUT", "DELETE", "PATCH", "OPTIONS",
                                                  "TRACE"]))
    body = draw(st.dictionaries(st.sampled_from(["session_hash", "event_id", "fn_index", "data",
                                                 "files", "component_id", "fn_name"]),
                                JSONISH, max_size=4) | JSONISH)
    content, headers = draw(dressed(body))
    if method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        content = None
        headers.pop("content-type", None)
    query = draw(query_strings())
    if query and "?" in path:
        path, query = path + "&" + query, ""
    return method, path, content, headers, query


@hypothesis.settings(max_examples=OTHER_EXAMPLES, **FUZZ)
@given(request=other_requests())
def test_gradio_other_routes_and_unknown_paths_never_answer_a_server_error(http, records, request):
    method, path, content, headers, query = request
    if "?" in path:
        path, query = path.split("?", 1)
    assert "heartbeat" not in path  # an endless stream by design
    sent = send(http, records, method, path, query, content, headers)
    assert_no_server_error(sent)


@pytest.mark.parametrize("raw", [
    b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b', "fn_index": 0, "session_hash": "a"}',
    b'{"data": [' + b"9" * 5000 + b'], "fn_index": 0, "session_hash": "fz-a"}',
    b'{"data": ["\xff\xfe knee"], "fn_index": 0, "session_hash": "fz-a"}',
    b'{"data": ["' + b"x" * 3_000_000 + b'"], "fn_index": 0, "session_hash": "fz-a"}',  # 413
    b'{"data": NaN, "fn_index": 0, "session_hash": "fz-a"}',
    b"", b"null", b"[]", b"\xef\xbb\xbf{}",
], ids=["deep", "int-5000-digits", "not-utf8", "3MB", "nan", "empty", "null", "list", "bom"])
@pytest.mark.parametrize("path", ["queue/join", "call/chat", "run/predict", "call/v2/chat"])
def test_raw_bodies_that_break_parsers_get_our_4xx(http, records, path, raw):
    sent = send(http, records, "POST", f"{PREFIX}/{path}", content=raw,
                headers={"content-type": "application/json"})
    assert_no_server_error(sent)
    assert 400 <= sent.status < 500, sent


# --- what the first runs found, one minimal reproducer each -------------------------------


def _like(routes: Routes, event_data: object) -> dict:
    return {"data": [[]], "fn_index": routes.like, "event_data": event_data, "session_hash": "fz-l"}


# id -> (what it did, method, path, body: JSON, raw bytes, or a function of the routes).
# Found by this file against 54946e4 (Gradio 6, mounted as create_app mounts it).
REPRODUCERS = {
    "join-unknown-fn-index": ("500: KeyError in gradio route_utils.get_fn", "POST", "queue/join",
                              {"data": [], "fn_index": 9999, "session_hash": "fzr"}),
    "run-unknown-fn-index": ("500: KeyError in gradio route_utils.get_fn", "POST", "run/predict",
                             {"data": [], "fn_index": 9999}),
    "call-unknown-api-name": ("500: FnIndexInferError", "POST", "call/nope", {"data": []}),
    "call-v2-unknown-api-name": ("500: KeyError in gradio routes.py", "POST", "call/v2/nope", {}),
    "call-v2-no-message": ("500: TypeError in gradio_client construct_args", "POST",
                           "call/v2/chat", {}),
    "call-v2-extra-keyword": ("500: TypeError in gradio_client construct_args", "POST",
                              "call/v2/chat", {"message": "knee", "history": []}),
    "run-like-without-event-data": ("500: TypeError building gradio LikeData", "POST",
                                    "run/predict", lambda r: _like(r, None)),
    "run-like-event-data-without-index": ("500: KeyError building gradio LikeData", "POST",
                                          "run/predict", lambda r: _like(r, {})),
    "run-handler-too-few-inputs": ("500: ValueError in gradio blocks (input count)", "POST",
                                   "run/predict",
                                   lambda r: {"data": [], "fn_index": r.unqueued_with_inputs}),
    "like-index-empty-list": ("500: IndexError in our like handler (web/chat.py)", "POST",
                              "run/predict",
                              lambda r: _like(r, {"index": [], "value": "x", "liked": True})),
    "like-index-null": ("500: TypeError in our like handler (web/chat.py)", "POST", "run/predict",
                        lambda r: _like(r, {"index": None, "value": "x", "liked": True})),
    "like-index-string": ("500: TypeError in our like handler (web/chat.py)", "POST",
                          "run/predict",
                          lambda r: _like(r, {"index": "1", "value": "x", "liked": False})),
    "join-422-with-nan": ("500: ValueError writing FastAPI's 422 (NaN in it)", "POST",
                          "queue/join", b'{"data": NaN, "session_hash": "fzr"}'),
    "reset-422-with-infinity": ("500: ValueError writing FastAPI's 422 (Infinity in it)",
                                "POST", "reset", b'{"event_id": Infinity}'),
    "join-422-with-a-lone-surrogate": ("500: UnicodeEncodeError writing FastAPI's 422", "POST",
                                       "queue/join",
                                       b'{"data": [], "session_hash": ["\\ud800"]}'),
    "proxy-url-with-a-control-character": ("500: httpx InvalidURL in gradio's proxy", "GET",
                                           "proxy=%1F", None),
    "queue-data-unknown-session": ("200, then the connection cut (RuntimeError after start)",
                                   "GET", "queue/data?session_hash=nx-unknown", None),
    "call-result-unknown-event": ("200, then the connection cut (RuntimeError after start)",
                                  "GET", "call/chat/nx-unknown", None),
}


@pytest.mark.parametrize("name", sorted(REPRODUCERS))
def test_requests_that_made_the_chat_fail_no_longer_do(http, records, routes, name):
    """Each once answered as `what` says; now a 4xx in our shape (or, for a vote the page
    would never send, an ignored vote)."""
    what, method, path, body = REPRODUCERS[name]
    body = body(routes) if callable(body) else body
    path, _, query = f"{PREFIX}/{path}".partition("?")
    sent = send(http, records, method, path, query,
                content=body if body is None or isinstance(body, bytes) else encode(body),
                headers=None if body is None else {"content-type": "application/json"})
    assert not sent.broken(), (f"still {what}", sent.status, sent.cut, sent.events, sent.logs)
    assert_no_server_error(sent)


# Gradio's bug, closed off by GradioRequests: a handler that hands back its input (the
# ChatInterface's _delete_conversation with the browser state [2**64]) made orjson raise
# "Integer exceeds 64-bit range" in /queue/data: the stream sent unexpected_error, was cut,
# and the session's next stream never closed. Such an event is now our 400.
def test_an_event_stream_survives_an_int_past_64_bits(http, records, routes):
    sent = send(http, records, "POST", f"{PREFIX}/queue/join", content=encode({
        "data": [None, [2**64]], "fn_index": routes.delete_conversation,
        "session_hash": "fzint64"}), headers={"content-type": "application/json"})
    assert_no_server_error(sent)
    assert sent.status == 400 and "64 bits" in sent.text(), sent.text()
    # 2**64 - 1 still fits (orjson writes unsigned 64-bit integers): Gradio handles it.
    sent = send(http, records, "POST", f"{PREFIX}/queue/join", content=encode({
        "data": [None, [2**64 - 1]], "fn_index": routes.delete_conversation,
        "session_hash": "fzint64b"}), headers={"content-type": "application/json"})
    assert sent.status == 200, sent.text()
    assert_stream_ended_cleanly(stream_of_join(http, records, "fzint64b"), chat_shaped=False)
