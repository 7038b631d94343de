"""Issue 12's fuzzers: hypothesis on `POST /api/ask` and `Assistant.ask`, schemathesis on our
own OpenAPI document, against the real index. Marked slow: about 20 s past the index build."""

from __future__ import annotations

import json
import os

import hypothesis
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given
from hypothesis import strategies as st

from assistant.answer import ungrounded_sentences, unresolved_markers
from assistant.api_schema import AskRequest, Error, openapi
from assistant.api_schema import Reply as ReplyModel
from assistant.errors import InvalidQuestionError
from assistant.question import HISTORY_CHARS_FACTOR
from assistant.server import create_app
from assistant.settings import Settings
from assistant.types import ROUTES, Citation, Reply

pytestmark = pytest.mark.slow

# Asks are the slow part (each embeds and triages); these bound the file to about 20 s of
# calls. ASSISTANT_TEST_FUZZ_SCALE=10 runs ten times as many, for a deeper search.
SCALE = float(os.environ.get("ASSISTANT_TEST_FUZZ_SCALE", "1"))
HTTP_EXAMPLES = int(500 * SCALE)
ENGINE_EXAMPLES = int(400 * SCALE)
SCHEMA_EXAMPLES = int(150 * SCALE)  # per operation
# One ask can take a second under load, so no deadline; nothing is saved between runs.
FUZZ = dict(deadline=None, database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                   HealthCheck.data_too_large])

QUESTIONS = ["How should I set up the seat on the leg press?", "my leg goes numb when I push",
             "I can't feel my groin", "what's the best pizza?", "and what about my knees?"]
# Every code point, lone surrogates included (hypothesis leaves category Cs out by default).
ANY_CHAR = st.characters(exclude_categories=())
ODD_CHARS = st.sampled_from(["\ud800", "\udfff", "\x00", "\x07", "\x1b", "\u202e", "\ufeff",
                             "\u200b", "\U0001f4a9", "\U0001f9b5\u200d", "\ufffd", "\U0010ffff",
                             "\r\n", "\t", "\u0301", "ǅ", "\ub098"])


@st.composite
def huge(draw) -> str:
    """Long text cheaply: a drawn piece repeated past the configured limits."""
    piece = draw(st.text(ANY_CHAR, min_size=1, max_size=8) | ODD_CHARS)
    return piece * draw(st.integers(200, 30_000))


TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=60),
    st.lists(st.sampled_from(QUESTIONS) | ODD_CHARS | st.text(ANY_CHAR, max_size=5),
             min_size=1, max_size=6).map(" ".join),
    st.sampled_from(QUESTIONS),
    huge(),
)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12,
)
TURN = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant"]) | JSONISH, "content": TEXT | JSONISH})
HISTORY = st.one_of(st.lists(TURN, max_size=22), JSONISH)


@st.composite
def ask_bodies(draw) -> object:
    """Mostly object bodies with a message and maybe a history; sometimes anything at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(JSONISH)
    body = {"message": draw(TEXT) if draw(st.integers(0, 5)) else draw(JSONISH)}
    if draw(st.booleans()):
        body["history"] = draw(HISTORY)
    return body


def assert_reply_contract(data: dict) -> None:
    """The reply contract: one of the four routes, every [n] marker resolves to a citation and
    every citation is cited; an answer's cited sentences are verbatim from their passages."""
    assert set(data) == {"route", "answer", "citations", "reasons"}
    ReplyModel.model_validate(data)
    assert data["route"] in ROUTES
    citations = [Citation(**{**c, "sources": tuple(c["sources"])}) for c in data["citations"]]
    assert len({c.n for c in citations}) == len(citations)
    assert unresolved_markers(data["answer"], citations) == []
    assert all(f"[{c.n}]" in data["answer"] for c in citations)
    if data["route"] == "answer":
        assert ungrounded_sentences(data["answer"], citations) == []


@pytest.fixture(scope="module")
def app(bot, settings, tmp_path_factory):
    """The whole app (middleware, Gradio mount) with the rate limit off, so the fuzzers see
    answers rather than 429s."""
    return create_app(bot, settings.model_copy(update={
        "data_dir": tmp_path_factory.mktemp("fuzz"), "rate_limit_per_minute": 0}))


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def post_ask(client, body: object):
    # json.dumps escapes lone surrogates ("\ud800") and writes NaN; httpx's own encoder refuses both
    return client.post("/api/ask", content=json.dumps(body),
                       headers={"content-type": "application/json"})


@hypothesis.settings(max_examples=HTTP_EXAMPLES, **FUZZ)
@given(body=ask_bodies())
def test_any_ask_body_gets_a_reply_or_our_4xx_never_a_5xx(client, body):
    response = post_ask(client, body)
    event(f"HTTP {response.status_code}")  # shown by --hypothesis-show-statistics
    assert response.status_code < 500, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json")
    data = response.json()
    if response.status_code == 200:
        assert_reply_contract(data)
    else:
        assert 400 <= response.status_code < 500
        assert set(data) == {"error"} and isinstance(data["error"], str) and data["error"]
        Error.model_validate(data)


@hypothesis.settings(max_examples=ENGINE_EXAMPLES, **FUZZ)
@given(message=TEXT | JSONISH, history=st.none() | HISTORY)
def test_the_engine_answers_or_raises_invalid_question_only(bot, message, history):
    try:
        reply = bot.ask(message, history=history)
    except InvalidQuestionError as exc:
        event("InvalidQuestionError")
        assert str(exc)
        return
    assert isinstance(reply, Reply)
    event(f"route {reply.route}")
    assert_reply_contract(reply.to_dict())


@pytest.mark.parametrize("body", [
    {"message": "\ud800"},
    {"message": "how deep \udfff should I go?", "history": [{"role": "user", "content": "\ud800"}]},
    {"message": "\x00\x1b[31m leg press \u202e"},
    {"message": "\U0001f9b5" * 5000},
    {"message": "knee", "history": [{"role": "user", "content": "\U0001f4a9" * 3000}] * 20},
    {"message": "knee", "history": {"role": "user"}},
    {"message": float("nan")},
    [{"message": "knee"}],
])
def test_inputs_fuzzers_favour_are_answered_without_a_server_error(client, body):
    response = post_ask(client, body)
    assert response.status_code in (200, 400), response.text[:300]
    assert set(response.json()) == ({"error"} if response.status_code == 400 else
                                    {"route", "answer", "citations", "reasons"})


@pytest.mark.parametrize("raw, status", [
    (b'{"message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", 400),  # RecursionError
    (b'{"message": "knee", "history": [' + b"9" * 5000 + b"]}", 400),  # int too long
    (b'{"message": "\xff\xfe knee"}', 400),  # not UTF-8
    (b'{"message": NaN}', 400),
    (b'{"message": "a", "message": 1}', 400),  # the last key wins, as in json.loads
    (b"", 400),
    (b"null", 400),
    (b'\xef\xbb\xbf{"message": "knee"}', 200),  # a UTF-8 byte-order mark is tolerated
])
def test_raw_bodies_that_break_parsers_get_our_400(client, raw, status):
    response = client.post("/api/ask", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == status, response.text[:300]
    assert status == 200 or set(response.json()) == {"error"}


# --- schemathesis: our OpenAPI document, generated requests, responses checked against it -----
# `schemathesis.pytest.from_fixture` (a schema loaded from the app fixture) fails under
# pytest 9 (it sets `node._nodeid`, which pytest 9 removed), so the document is built here
# from the same function `/api/openapi.json` serves, and the test below checks they agree.

LIMITS = Settings()
schema = schemathesis.openapi.from_dict(openapi(LIMITS, "fuzz"))


def valid_once_normalised(body: object) -> bool:
    """Whether the server, which strips the message and reads `"history": null` as no
    history before checking, sees a body it accepts (the document's limits, and a turn's
    content at most HISTORY_CHARS_FACTOR messages long)."""
    if not isinstance(body, dict) or not isinstance(body.get("message"), str):
        return False
    history = body.get("history", [])
    try:
        ask = AskRequest.model_validate(
            {**body, "message": body["message"].strip(), "history": [] if history is None else history},
            strict=True)
    except ValueError:
        return False
    return (len(ask.message) <= LIMITS.max_message_chars
            and len(ask.history) <= LIMITS.max_history_turns
            and all(len(t.content) <= LIMITS.max_message_chars * HISTORY_CHARS_FACTOR
                    for t in ask.history))


ASK_PATHS = ("/api/ask", "/api/ask/stream")  # one request model, one check


@schema.hook("filter_failure")
def filter_failure(context, failure, case, response) -> bool:
    """Judge /api/ask's (and its stream's) "invalid data accepted" (ST201) and "valid data refused" (ST202) by
    the body the server checks, once normalised; every other failure stands. (The document
    states `"history": null` and a turn's `maxLength`; that the message's limits apply once
    it is stripped it can only say in words.)"""
    if case.operation.path not in ASK_PATHS or failure.code not in ("ST201", "ST202"):
        return True
    return valid_once_normalised(case.body) == (failure.code == "ST202")


def test_the_fuzzed_document_is_the_one_the_app_serves(client):
    served = client.get("/api/openapi.json").json()
    assert {k: v for k, v in served.items() if k != "info"} == \
        {k: v for k, v in schema.raw_schema.items() if k != "info"}


@schema.parametrize()
@hypothesis.settings(max_examples=SCHEMA_EXAMPLES, **FUZZ)
def test_our_routes_conform_to_our_openapi_document(case, app):
    # The default checks: no 5xx, documented status codes, content types, headers and bodies
    # matching their schemas, valid data accepted and invalid data refused. Left out: an
    # undeclared method (TRACE) must be 405; ours is a 404 in our error shape (test_hardening).
    response = case.call_and_validate(app=app,
                                      excluded_checks=[schemathesis.checks.unsupported_method])
    event(f"{case.method} {case.path} -> {response.status_code}")
