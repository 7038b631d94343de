"""Hardening: hypothesis on the request models themselves (`assistant.question`), no HTTP.

`parse_question` and `parse_feedback` are the one check every surface runs (the API, the
Gradio chat, `Assistant.ask`), so they are driven here directly with arbitrary JSON-like
payloads and Python values: they return a valid result or raise `InvalidQuestionError`,
never anything else; what they return keeps the limits; what they say is one short
sentence that does not quote the submitted text. A few seconds by default;
ASSISTANT_TEST_FUZZ_SCALE=10 runs ten times as many cases.
"""

from __future__ import annotations

import os
import unicodedata
from types import MappingProxyType

import hypothesis
import pytest
from conftest import is_text
from hypothesis import HealthCheck, event, example, given
from hypothesis import strategies as st

from assistant.errors import InvalidQuestionError
from assistant.question import (
    HISTORY_CHARS_FACTOR,
    AskRequest,
    FeedbackRequest,
    Turn,
    as_payload,
    parse_feedback,
    parse_question,
)
from assistant.types import ROUTES

SCALE = float(os.environ.get("ASSISTANT_TEST_FUZZ_SCALE", "1"))
QUESTION_EXAMPLES = int(600 * SCALE)
FEEDBACK_EXAMPLES = int(400 * SCALE)
CANARY_EXAMPLES = int(300 * SCALE)
PAYLOAD_EXAMPLES = int(200 * SCALE)
FUZZ = dict(deadline=None, database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                   HealthCheck.large_base_example])

CANARY = "zq-canary-5521"
OK = "How should I set the seat on the leg press?"
# The controls `parse_question` turns into spaces: every Cc character but tab and newlines.
KEPT_CONTROLS = frozenset("\t\n\r")
# Words that would mean a library's message reached the member instead of ours.
INTERNALS = ("Traceback", "pydantic", "ValidationError", "input_value", "input_type",
             "errors.pydantic.dev", "model_type", "literal_error", "Exception")
SHORT = 200  # characters: one sentence, not a page

ANY_CHAR = st.characters(exclude_categories=())  # lone surrogates included
ODD_CHARS = st.sampled_from(["\ud800", "\udfff", "\x00", "\x07", "\x1b", "\x7f", "\x85",
                             "\x9f", "\u200b", "\u200d", "\u2028", "\u202e", "\ufeff",
                             "\U0001f9b5", "\U0010ffff", "\r\n", "\t", "\u0301", "\u3000",
                             " ", "\x0b\x0c\x1c"])


@st.composite
def long_text(draw) -> str:
    """Text around and past the limits, cheaply: a drawn piece repeated."""
    piece = draw(st.text(ANY_CHAR, min_size=1, max_size=6) | ODD_CHARS)
    return piece * draw(st.integers(1, 25_000))


TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=40),
    st.lists(st.sampled_from([OK, "knee", "my calf goes numb"]) | ODD_CHARS
             | st.text(ANY_CHAR, max_size=4), min_size=1, max_size=6).map("".join),
    st.just(OK),
    long_text(),
)
# Scalars JSON can carry, and Python values a caller of `Assistant.ask` might pass.
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-10**400, 10**400),
                    st.floats(), st.just(float("nan")), st.just(float("inf")), TEXT)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)
# A role is quoted back when it is wrong (test_question pins "role 'system'"), so junk
# roles stay small here; long and unprintable ones are the known bugs at the end.
SMALL_JUNK = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), st.floats(),
                       st.text(max_size=12), st.lists(st.integers(0, 9), max_size=3),
                       st.sampled_from(["system", "User", "assistant ", "tool", "", "\ud800"]))
ROLE = st.sampled_from(["user", "assistant"]) | SMALL_JUNK


@st.composite
def turns(draw) -> object:
    """Mostly a {"role", "content"} turn; sometimes missing keys, extras, or not an object."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(JSONISH)
    turn = {}
    if kind != 1:
        turn["role"] = draw(ROLE)
    if kind != 2:
        turn["content"] = draw(TEXT if kind > 3 else JSONISH)
    if kind == 3:
        turn.update(draw(st.dictionaries(st.text(max_size=6), JSONISH, max_size=3)))
    return turn


def deep(value: object, depth: int) -> object:
    for _ in range(depth):
        value = [value]
    return value


HISTORY = st.one_of(
    st.lists(turns(), max_size=8),
    # Around the turn limit (20 by default): at it, one past it, far past it.
    st.integers(0, 60).map(lambda n: [{"role": ("user", "assistant")[i % 2], "content": "hi"}
                                      for i in range(n)]),
    st.builds(deep, st.just({"role": "user", "content": "x"}), st.integers(1, 200)),
    JSONISH,
)


@st.composite
def ask_payloads(draw) -> object:
    """A request body: mostly an object with a message and maybe a history; sometimes
    anything at all; sometimes junk keys beside them."""
    if draw(st.integers(0, 9)) == 0:
        return draw(JSONISH)
    body = {}
    if draw(st.integers(0, 19)):
        body["message"] = draw(TEXT) if draw(st.integers(0, 4)) else draw(JSONISH)
    if draw(st.booleans()):
        body["history"] = draw(HISTORY)
    if draw(st.integers(0, 4)) == 0:
        body.update(draw(st.dictionaries(st.text(max_size=8).filter(
            lambda k: k not in ("message", "history")), JSONISH, max_size=3)))
    return body


@st.composite
def feedback_payloads(draw) -> object:
    if draw(st.integers(0, 9)) == 0:
        return draw(JSONISH)
    body = {}
    if draw(st.integers(0, 9)):
        body["helpful"] = draw(st.booleans()) if draw(st.integers(0, 3)) else draw(SMALL_JUNK)
    if draw(st.booleans()):
        body["route"] = draw(st.sampled_from(ROUTES)) if draw(st.booleans()) else draw(SMALL_JUNK)
    for key in ("message", "answer"):
        if draw(st.booleans()):
            body[key] = draw(TEXT | st.none()) if draw(st.integers(0, 3)) else draw(JSONISH)
    if draw(st.integers(0, 4)) == 0:
        body.update(draw(st.dictionaries(st.text(max_size=8), JSONISH, max_size=3)))
    return body


# The settings' limits (2000 characters, 20 turns), or small ones that put the edges of
# both within reach of short inputs.
@st.composite
def limits(draw, settings) -> tuple[int, int]:
    if draw(st.booleans()):
        return settings.max_message_chars, settings.max_history_turns
    return draw(st.integers(1, 60)), draw(st.integers(0, 6))


def has_controls(value: str) -> bool:
    return any(unicodedata.category(c) == "Cc" and c not in KEPT_CONTROLS for c in value)


def cleaned(text: str) -> str:
    """The spec, written independently of the module: controls become spaces."""
    return "".join(" " if unicodedata.category(c) == "Cc" and c not in KEPT_CONTROLS else c
                   for c in text)


def expected_question(payload: object, max_chars: int, max_turns: int):
    """What parse_question must return for `payload`, or None where it must refuse."""
    if not isinstance(payload, dict) or type(payload.get("message")) is not str:
        return None
    if not is_text(payload["message"]):
        return None
    message = cleaned(payload["message"]).strip()
    if not message or len(message) > max_chars:
        return None
    history = payload.get("history")
    if history is None:
        return message, []
    if type(history) is not list or len(history) > max_turns:
        return None
    out = []
    for turn in history:
        if type(turn) is not dict or type(turn.get("role")) is not str \
                or turn["role"] not in ("user", "assistant") or type(turn.get("content")) is not str:
            return None
        content = turn["content"]
        if len(content) > max_chars * HISTORY_CHARS_FACTOR or not is_text(content):
            return None
        out.append({"role": turn["role"], "content": cleaned(content)})
    return message, out


def assert_a_short_sentence(exc: InvalidQuestionError) -> str:
    text = str(exc)
    assert isinstance(exc, InvalidQuestionError) and type(exc) is InvalidQuestionError
    assert text and text == text.strip() and "\n" not in text, text[:300]
    assert len(text) <= SHORT, (len(text), text[:300])
    assert text.endswith("."), text
    assert text[0].isupper() or text[0] in '"h', text  # 'history[0] ...', '"message" ...'
    assert not any(word in text for word in INTERNALS), text
    assert is_text(text)
    assert exc.__cause__ is None and exc.__suppress_context__  # no chained pydantic error
    return text


def assert_question_invariants(result, max_chars: int, max_turns: int) -> None:
    message, history = result
    assert type(message) is str and message == message.strip() and message
    assert len(message) <= max_chars
    assert not has_controls(message) and is_text(message)
    assert type(history) is list and len(history) <= max_turns
    for turn in history:
        assert set(turn) == {"role", "content"}
        assert turn["role"] in ("user", "assistant")
        assert type(turn["content"]) is str
        assert len(turn["content"]) <= max_chars * HISTORY_CHARS_FACTOR
        assert not has_controls(turn["content"]) and is_text(turn["content"])


# --- parse_question ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def limit_strategy(settings):
    return limits(settings)


@hypothesis.settings(max_examples=QUESTION_EXAMPLES, **FUZZ)
@given(data=st.data(), payload=ask_payloads())
@example(data=None, payload={"message": "\ud800"})
@example(data=None, payload={"message": " \x00\x1b\x7f\x85 "})
@example(data=None, payload={"message": "\u200b"})  # zero-width: text, so accepted
@example(data=None, payload={"message": float("nan")})
@example(data=None, payload={"message": OK, "history": [{"role": "user", "content": "x"}] * 21})
@example(data=None, payload={"message": OK, "history": [{"role": "user", "content": "\udfff"}]})
@example(data=None, payload={"message": OK, "history": [{"role": "robot", "content": "x"}]})
@example(data=None, payload={"message": OK, "history": [["user", "x"]]})
@example(data=None, payload={"message": OK, "history": {"role": "user", "content": "x"}})
@example(data=None, payload={"message": "x" * 2001})
@example(data=None, payload=[{"message": OK}])
def test_parse_question_returns_a_valid_question_or_refuses_it_in_words(
        settings, limit_strategy, data, payload):
    max_chars, max_turns = (data.draw(limit_strategy) if data is not None else
                            (settings.max_message_chars, settings.max_history_turns))
    wanted = expected_question(payload, max_chars, max_turns)
    try:
        result = parse_question(payload, max_chars, max_turns)
    except InvalidQuestionError as exc:
        event("refused")
        assert_a_short_sentence(exc)
        assert wanted is None, f"a valid question was refused: {str(exc)[:200]}"
        return
    event("accepted")
    assert_question_invariants(result, max_chars, max_turns)
    assert result == wanted


@hypothesis.settings(max_examples=PAYLOAD_EXAMPLES, **FUZZ)
@given(message=TEXT | JSONISH, history=st.none() | HISTORY)
def test_a_python_caller_gets_the_same_answer_from_tuples_and_mappings(settings, message, history):
    """`as_payload` (what `Assistant.ask` builds from its arguments) reads a tuple of turns
    as a list and any mapping as an object, and never raises on its own."""
    limits = settings.max_message_chars, settings.max_history_turns

    def outcome(payload):
        try:
            return parse_question(payload, *limits)
        except InvalidQuestionError as exc:
            assert_a_short_sentence(exc)
            return str(exc)

    plain = outcome(as_payload(message, history))
    if isinstance(history, list):
        as_tuple = tuple(MappingProxyType(t) if isinstance(t, dict) else t for t in history)
        assert outcome(as_payload(message, as_tuple)) == plain


# --- parse_feedback ------------------------------------------------------------------------


def expected_feedback(payload: object, max_chars: int):
    if not isinstance(payload, dict) or type(payload.get("helpful")) is not bool:
        return None
    route = payload.get("route", "answer")
    if type(route) is not str or route not in ROUTES:
        return None
    out = {"helpful": payload["helpful"], "route": route}
    for key, limit in (("message", max_chars), ("answer", max_chars * HISTORY_CHARS_FACTOR)):
        value = payload.get(key)
        if value is not None and (type(value) is not str or len(value) > limit
                                  or not is_text(value)):
            return None
        out[key] = None if value is None else cleaned(value)
    return out


@hypothesis.settings(max_examples=FEEDBACK_EXAMPLES, **FUZZ)
@given(data=st.data(), payload=feedback_payloads())
@example(data=None, payload={"helpful": "yes"})
@example(data=None, payload={"helpful": 1})
@example(data=None, payload={"helpful": True, "route": "nope"})
@example(data=None, payload={"helpful": True, "message": "\ud800"})
@example(data=None, payload={"helpful": False, "answer": "y" * 20001})
@example(data=None, payload=None)
def test_parse_feedback_returns_a_valid_vote_or_refuses_it_in_words(
        settings, limit_strategy, data, payload):
    max_chars = data.draw(limit_strategy)[0] if data is not None else settings.max_message_chars
    wanted = expected_feedback(payload, max_chars)
    try:
        vote = parse_feedback(payload, max_chars)
    except InvalidQuestionError as exc:
        event("refused")
        assert_a_short_sentence(exc)
        assert wanted is None, f"a valid vote was refused: {str(exc)[:200]}"
        return
    event("accepted")
    assert isinstance(vote, FeedbackRequest)
    assert type(vote.helpful) is bool and vote.route in ROUTES
    for text, limit in ((vote.message, max_chars), (vote.answer, max_chars * HISTORY_CHARS_FACTOR)):
        assert text is None or (type(text) is str and len(text) <= limit
                                and not has_controls(text) and is_text(text))
    assert vote.model_dump() == wanted


# --- what the refusals say ------------------------------------------------------------------


def with_canary(text: str, where: int) -> str:
    """The canary inside submitted text, where the message would show it (start, middle,
    end), with something around it that is refused for other reasons."""
    return (CANARY + text, text[: len(text) // 2] + CANARY + text[len(text) // 2:],
            text + CANARY)[where % 3]


# Each makes a payload with the canary in submitted text (never in a role or a route,
# which are quoted back by design) that is refused.
CANARY_PAYLOADS = [
    lambda t, w: {"message": with_canary(t, w) + "\ud800"},
    lambda t, w: {"message": with_canary(t, w) * 3000},
    lambda t, w: {"message": [with_canary(t, w)]},
    lambda t, w: {"message": {with_canary(t, w): with_canary(t, w)}},
    lambda t, w: {with_canary(t, w): OK},
    lambda t, w: with_canary(t, w),
    lambda t, w: [{"message": with_canary(t, w)}],
    lambda t, w: {"message": OK, "history": with_canary(t, w)},
    lambda t, w: {"message": OK, "history": [with_canary(t, w)]},
    lambda t, w: {"message": OK, "history": [{"role": "user", "content": with_canary(t, w) * 2000}]},
    lambda t, w: {"message": OK, "history": [{"role": "user", "content": with_canary(t, w) + "\udfff"}]},
    lambda t, w: {"message": OK, "history": [{"role": "user", "content": [with_canary(t, w)]}]},
    lambda t, w: {"message": OK, "history": [{"role": "bot", "content": with_canary(t, w)}]},
    lambda t, w: {"message": OK, "history": [{"content": with_canary(t, w)}]},
    lambda t, w: {"message": OK, "history": [{"role": "user", "content": "x"}] * 21
                  + [{"role": "user", "content": with_canary(t, w)}]},
    lambda t, w: {"message": with_canary(t, w), "history": [{"role": "user"}]},
]
FEEDBACK_CANARY_PAYLOADS = [
    lambda t, w: {"helpful": with_canary(t, w)},
    lambda t, w: {"helpful": True, "message": with_canary(t, w) * 1000},
    lambda t, w: {"helpful": True, "answer": with_canary(t, w) + "\ud800"},
    lambda t, w: {"helpful": True, "message": [with_canary(t, w)]},
    lambda t, w: {"helpful": None, "answer": with_canary(t, w)},
    lambda t, w: {with_canary(t, w): True},
]


@hypothesis.settings(max_examples=CANARY_EXAMPLES, **FUZZ)
@given(make=st.sampled_from(CANARY_PAYLOADS + FEEDBACK_CANARY_PAYLOADS),
       text=st.text(ANY_CHAR, max_size=20), where=st.integers(0, 2))
def test_a_refusal_never_quotes_the_submitted_text(settings, make, text, where):
    payload = make(text, where)
    feedback = make in FEEDBACK_CANARY_PAYLOADS
    with pytest.raises(InvalidQuestionError) as refused:
        if feedback:
            parse_feedback(payload, settings.max_message_chars)
        else:
            parse_question(payload, settings.max_message_chars, settings.max_history_turns)
    message = assert_a_short_sentence(refused.value)
    assert CANARY not in message, message
    assert CANARY not in repr(refused.value.args)


def test_the_models_carry_no_limits_of_their_own_beyond_the_settings_defaults(settings):
    """Without a validation context (a schema check) the settings' defaults apply, so the
    published model and the parser agree."""
    at_limit = {"message": "x" * settings.max_message_chars,
                "history": [{"role": "user", "content": "y" * settings.max_message_chars
                             * HISTORY_CHARS_FACTOR}] * settings.max_history_turns}
    assert AskRequest.model_validate(at_limit).message == at_limit["message"]
    assert parse_question(at_limit, settings.max_message_chars,
                          settings.max_history_turns)[0] == at_limit["message"]
    assert Turn.model_validate({"role": "assistant", "content": ""}).content == ""
    for over in ({**at_limit, "message": "x" * (settings.max_message_chars + 1)},
                 {**at_limit, "history": at_limit["history"] * 2}):
        with pytest.raises(InvalidQuestionError):
            parse_question(over, settings.max_message_chars, settings.max_history_turns)


# --- a wrong role or route of any size: refused in words, and never quoted whole ----------
# `_explain` and `parse_feedback` quoted the value with repr(): a huge int or a deep list
# raised from repr() itself, and a long string came back whole (found by this fuzz run;
# fixed with `question._quoted`). JSON cannot carry the first two past `read_json`, but
# `Assistant.ask(message, history=...)` passes them straight through.


def _role(value: object) -> dict:
    return {"message": OK, "history": [{"role": value, "content": "x"}]}


@pytest.mark.parametrize("payload, feedback", [
    (_role(10 ** 5000), False),
    (_role(deep([], 100_000)), False),
    ({"helpful": True, "route": 10 ** 5000}, True),
    ({"helpful": True, "route": deep([], 100_000)}, True),
], ids=["huge-int-role", "deep-role", "huge-int-route", "deep-route"])
def test_a_wrong_role_or_route_of_any_size_is_refused_in_words(settings, payload, feedback):
    with pytest.raises(InvalidQuestionError):
        if feedback:
            parse_feedback(payload, settings.max_message_chars)
        else:
            parse_question(payload, settings.max_message_chars, settings.max_history_turns)


@pytest.mark.parametrize("payload, feedback", [
    (_role("r" * 100_000), False),
    ({"helpful": True, "route": "r" * 100_000}, True),
], ids=["long-role", "long-route"])
def test_a_long_wrong_role_or_route_gets_a_short_message(settings, payload, feedback):
    with pytest.raises(InvalidQuestionError) as refused:
        if feedback:
            parse_feedback(payload, settings.max_message_chars)
        else:
            parse_question(payload, settings.max_message_chars, settings.max_history_turns)
    assert len(str(refused.value)) <= SHORT
