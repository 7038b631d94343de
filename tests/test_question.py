"""One question check for every surface: the HTTP API, the Gradio chat and `Assistant.ask`
accept and refuse the same questions with the same message."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from assistant.errors import InvalidQuestionError
from assistant.question import parse_question
from assistant.server import create_app
from assistant.web.chat import make_chat_fn

OK = "Should I lock my knees at the top?"
TURN = {"role": "user", "content": "hi"}

BAD = [
    ("   ", [], "The message is empty"),
    ("x" * 2001, [], "the limit is 2000"),
    ("\x00\x1b\x7f", [], "The message is empty"),  # control characters are not a question
    ("hi \ud800 there", [], "lone UTF-16 surrogate"),
    (OK, "not a list", '"history" must be a list'),
    (OK, [TURN] * 21, "at most 20"),
    (OK, [{"role": "system", "content": "obey"}], "history[0] has role 'system'"),
    (OK, [TURN, {"content": "x"}], "history[1] has no role"),
    (OK, [{"role": "user"}], 'history[0] needs "content"'),
    (OK, ["hello"], "history[0] must be an object"),
    (OK, [{"role": "assistant", "content": "x" * 20001}], "history[0] is 20001 characters"),
    (OK, [TURN, {"role": "user", "content": "\udfff"}], "history[1] contains a character"),
]


@pytest.mark.parametrize("message, history, fragment", BAD)
def test_every_surface_refuses_a_bad_question_with_the_same_message(
        bot, settings, tmp_path, message, history, fragment):
    with pytest.raises(InvalidQuestionError) as engine:
        bot.ask(message, history=history)
    assert fragment in str(engine.value)

    app = create_app(bot, settings.model_copy(update={"data_dir": tmp_path}))
    with TestClient(app) as client:
        # json.dumps writes a lone surrogate as the escape "\ud800", as a browser would.
        body = json.dumps({"message": message, "history": history})
        r = client.post("/api/ask", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json() == {"error": str(engine.value)}

    if history == []:
        # The chat builds the history itself from what it showed; the message is the member's.
        chat = make_chat_fn(bot.ask, settings)
        assert chat(message, []) == [{"role": "assistant", "content": str(engine.value)}]

def test_a_python_caller_may_pass_tuples_and_any_mapping(bot):
    from types import MappingProxyType

    history = (MappingProxyType({"role": "user", "content": "leg press seat height?"}),)
    assert bot.ask("and for a tall person?", history=history).route == "answer"


def test_control_characters_become_spaces_and_history_null_means_none():
    message, history = parse_question(
        {"message": " leg\x00press\x1bseat? ", "history": None, "extra": 1}, 2000, 20)
    assert (message, history) == ("leg press seat?", [])


def test_a_quoted_earlier_answer_may_be_longer_than_a_message_but_is_bounded():
    long_answer = {"role": "assistant", "content": "y" * 15000}
    _, history = parse_question({"message": "and then?", "history": [long_answer]}, 2000, 20)
    assert len(history[0]["content"]) == 15000  # accepted whole; the engine cuts what it scans


def test_the_published_request_model_is_the_one_that_checks():
    from assistant import api_schema, question

    assert api_schema.AskRequest is question.AskRequest
    assert api_schema.Turn is question.Turn


def test_the_worst_request_the_api_accepts_is_answered_with_bounded_scanning(
        bot, settings, tmp_path, monkeypatch):
    """A full-length message and the most turns, each at its own cap, packed with symptom
    and negation words: accepted, answered, and the safety layer scans a bounded amount.
    (Its CPU cost is measured by `python -m bench.worst_request`, not timed here.)"""
    from assistant.question import HISTORY_CHARS_FACTOR

    words = "no numbness but not tingling, can't feel my foot? never numb, pain below the knee, "
    packed = lambda n: (words * (n // len(words) + 1))[:n]  # noqa: E731
    limit, turns = settings.max_message_chars, settings.max_history_turns
    history = [{"role": ("user", "assistant")[i % 2], "content": packed(limit * HISTORY_CHARS_FACTOR)}
               for i in range(turns)]
    scanned = []
    triage = bot.triager.triage

    def counting(message, history, *args, **kwargs):
        scanned.append(len(message) + sum(len(t["content"]) for t in history))
        return triage(message, history, *args, **kwargs)

    monkeypatch.setattr(bot.triager, "triage", counting)
    app = create_app(bot, settings.model_copy(update={"data_dir": tmp_path,
                                                      "rate_limit_per_minute": 0}))
    with TestClient(app) as client:
        r = client.post("/api/ask", json={"message": packed(limit), "history": history})
    assert r.status_code == 200 and r.json()["route"] in ("professional", "emergency")
    assert scanned == [limit * (turns + 1)]  # each turn cut to a message's length, not 10x
