"""Streaming LLM answers (issue 13): only sentences that passed the checks are ever shown,
and the last thing every surface gets is the reply `ask` gives.

The model is the scripted OpenAI-compatible server (real HTTP, server-sent events); the
surfaces are the engine, a worker pool, `POST /api/ask/stream`, the Gradio chat function
and, in Debian's Chromium, the widget and the Gradio page while the model is still writing.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from browser_helpers import CHROMIUM, ServerThread, gym_site, launch_chromium
from fastapi.testclient import TestClient
from openai_stub import first_sentence, passages_in

from assistant import messages
from assistant.engine import Assistant
from assistant.grounding import finished, generated_sentences
from assistant.server import create_app
from assistant.types import Draft, Reply
from assistant.web.chat import make_chat_fn

QUESTION = "Should I lock my knees at the top of the leg press?"
EMERGENCY = "I suddenly can't control my bladder and my groin is numb after leg day"


@pytest.fixture(scope="module")
def llm_settings(settings, stub, tmp_path_factory):
    return settings.model_copy(update={"llm_base_url": stub.url, "llm_model": "stub",
                                       "llm_timeout_s": 5.0, "rate_limit_per_minute": 0})


@pytest.fixture(scope="module")
def llm_bot(bot, llm_settings):
    return Assistant(llm_settings, bot.store, bot.query_embedder, bot.triager)


@pytest.fixture(autouse=True)
def reset(stub):
    stub.reset()


def sentence(prompt: str, n: int) -> str:
    return f"{first_sentence(passages_in(prompt)[n])} [{n}]"


INVENTED = "Most people also benefit from 800 mg of magnesium daily. [1]"


def good_bad_good(prompt: str) -> str:
    return f"{sentence(prompt, 1)} {INVENTED} {sentence(prompt, 2)}"


def test_drafts_hold_only_checked_sentences_and_end_with_asks_reply(llm_bot, stub):
    stub.script = good_bad_good
    *drafts, reply = list(llm_bot.ask_stream(QUESTION))
    assert drafts and all(isinstance(d, Draft) for d in drafts)
    assert isinstance(reply, Reply) and reply.reasons[-1] == messages.LLM_CHECKED_REASON
    for draft in drafts:
        assert "magnesium" not in draft.text and "800" not in draft.text
        assert reply.text.startswith(draft.text)  # each draft grows into the answer
        assert set(draft.citations) <= set(reply.citations)
    assert stub.requests[-1]["stream"] is True
    assert reply == llm_bot.ask(QUESTION)  # streamed or not, the same reply


def test_a_streamed_answer_that_falls_short_ends_with_the_extractive_reply(bot, llm_bot, stub):
    stub.script = lambda p: f"{sentence(p, 1)} {INVENTED} " + \
        "The leg press cures sciatica within a week. [1] It also fixes your posture. [2]"
    items = list(llm_bot.ask_stream(QUESTION))
    reply = items[-1]
    assert [type(i) for i in items] == [Draft, Reply]  # the first sentence was shown ...
    assert reply.text == bot.ask(QUESTION).text  # ... then replaced by the guidance
    assert reply.reasons[-1] == messages.LLM_UNCHECKED_REASON.format(dropped=3, total=4)


def test_safety_routes_and_model_free_answers_are_one_reply(bot, llm_bot, stub):
    stub.script = lambda p: "This is not an emergency. [1]"
    assert list(llm_bot.ask_stream(EMERGENCY)) == [bot.ask(EMERGENCY)]
    assert stub.requests == []
    assert list(bot.ask_stream(QUESTION)) == [bot.ask(QUESTION)]


def test_a_model_that_fails_mid_stream_falls_back(bot, llm_bot, stub):
    stub.script, stub.delay_s = good_bad_good, 8.0  # past the 5 s timeout
    *drafts, reply = list(llm_bot.ask_stream(QUESTION))
    assert drafts == [] and reply.text == bot.ask(QUESTION).text
    assert reply.reasons[-1] == "quoted from the guidance: the language model did not answer in time"


def test_a_sentence_is_finished_only_once_the_next_one_has_begun():
    def done(text):
        return finished(generated_sentences(text))

    assert done("Lower slowly.") == 0
    assert done("Lower slowly. [") == 0  # its marker may still be arriving
    assert done("Lower slowly. [1") == 0
    assert done("Lower slowly. [1] Keep") == 1
    assert done("Lower slowly [1]. Keep your back flat [2]. Stop") == 2
    assert done("") == 0


# --- the surfaces -----------------------------------------------------------------------


def ndjson(response) -> list[dict]:
    return [json.loads(line) for line in response.text.splitlines() if line.strip()]


def test_the_stream_route_sends_drafts_then_the_reply_of_api_ask(llm_bot, llm_settings, stub):
    stub.script = good_bad_good
    with TestClient(create_app(llm_bot, llm_settings)) as client:
        streamed = client.post("/api/ask/stream", json={"message": QUESTION})
        plain = client.post("/api/ask", json={"message": QUESTION}).json()
        bad = client.post("/api/ask/stream", json={"message": "   "})
        wrong_method = client.get("/api/ask/stream")
    assert streamed.status_code == 200
    assert streamed.headers["content-type"].startswith("application/x-ndjson")
    *drafts, last = ndjson(streamed)
    assert drafts and all(d["draft"] is True and "magnesium" not in d["answer"] for d in drafts)
    assert last == plain and "draft" not in last
    assert bad.status_code == 400 and set(bad.json()) == {"error"}  # our usual error
    assert wrong_method.status_code == 405


def test_the_stream_route_spends_the_question_budget(llm_bot, llm_settings, stub):
    stub.script = good_bad_good
    limited = llm_settings.model_copy(update={"rate_limit_per_minute": 2})
    with TestClient(create_app(llm_bot, limited)) as client:
        codes = [client.post(path, json={"message": QUESTION}).status_code
                 for path in ("/api/ask/stream", "/api/ask", "/api/ask/stream")]
    assert codes == [200, 200, 429]


def test_the_gradio_chat_streams_drafts_only_when_llm_answers_are_on(llm_bot, llm_settings,
                                                                    bot, settings, stub):
    stub.script = good_bad_good
    streaming = make_chat_fn(llm_bot.ask, llm_settings, ask_stream=llm_bot.ask_stream)
    *drafts, last = list(streaming(QUESTION, []))
    assert drafts and all("magnesium" not in m[0]["content"] for m in drafts)
    assert last[0]["content"] == llm_bot.ask(QUESTION).text
    plain = make_chat_fn(bot.ask, settings)(QUESTION, [])
    assert plain[0]["content"] == bot.ask(QUESTION).text  # a plain function, as before


def test_worker_processes_stream_drafts_too(llm_bot, llm_settings, stub):
    from assistant.workers import AnswerPool

    stub.script = good_bad_good
    pool = AnswerPool(llm_settings, workers=1)
    try:
        *drafts, reply = list(pool.ask_stream(QUESTION))
        assert reply == llm_bot.ask(QUESTION)
        assert drafts and all(reply.text.startswith(d.text) for d in drafts)
        assert list(pool.ask_stream(EMERGENCY)) == [llm_bot.ask(EMERGENCY)]
        # A worker that died: the pool is restarted and the question still answered.
        os.kill(pool.warm()[0], signal.SIGKILL)
        assert list(pool.ask_stream(QUESTION))[-1] == reply
    finally:
        pool.close()


# --- in the browser, while the model is still writing -----------------------------------

W = "legpress-assistant"  # the widget's host element; Playwright's CSS pierces its shadow root


@pytest.fixture(scope="module")
def site(llm_bot, llm_settings, tmp_path_factory):
    gym = ServerThread()
    web = llm_settings.model_copy(update={"allowed_origins": [gym.url],
                                          "data_dir": tmp_path_factory.mktemp("stream-web")})
    with ServerThread(create_app(llm_bot, web)) as api:
        gym.app = gym_site(api.url)
        with gym:
            yield api.url, gym.url


@pytest.fixture(scope="module")
def chromium():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        yield browser
        browser.close()


@pytest.mark.browser
@pytest.mark.filterwarnings("ignore:::gradio.queueing")  # Gradio's own pandas use
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}")
@pytest.mark.parametrize("surface", ["widget", "gradio"])
def test_the_first_checked_sentence_shows_before_the_model_has_finished(
        surface, site, chromium, llm_bot, stub):
    from playwright.sync_api import expect

    # Two checked sentences; streamed, one word every 0.15 s: seconds between them.
    stub.script = lambda p: f"{sentence(p, 1)} {sentence(p, 2)}"
    reply = llm_bot.ask(QUESTION)  # unstreamed: what the member will end up reading
    assert reply.reasons[-1] == messages.LLM_CHECKED_REASON
    first, second = (s for s, _ in generated_sentences(reply.text))
    stub.piece_delay_s = 0.15
    api, gym = site
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        if surface == "widget":
            page.goto(gym)
            page.locator(f"{W} .l").click()
            box = page.locator(f"{W} textarea")
            answer = page.locator(f"{W} .b.a").last
        else:
            page.goto(api + "/")
            box = page.get_by_placeholder(messages.UI_INPUT_PLACEHOLDER)
            answer = page.locator(".bot").first
        box.fill(QUESTION)
        box.press("Enter")
        expect(answer).to_contain_text(first[:60], timeout=20_000)
        assert second[:40] not in answer.inner_text()  # shown while the model still writes
        expect(answer).to_contain_text(second[:40], timeout=30_000)
        if surface == "widget":  # the reply, with its thumbs, has replaced the draft
            expect(page.locator(f"{W} .b.a .f").last).to_be_visible(timeout=10_000)
            expect(page.locator(f"{W} .b[aria-busy]")).to_have_count(0)
        assert errors == []
    finally:
        context.close()
