"""Optional LLM answers against a scripted OpenAI-compatible server (real HTTP, loopback):
what passes the checks is shown, everything else falls back to the extractive answer with
a reason, and the safety routes never touch the model."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from openai_stub import first_sentence, passages_in

from assistant import messages
from assistant.answer import unresolved_markers
from assistant.engine import Assistant
from assistant.grounding import check_answer, enough, generated_sentences, polarity_flip, unsupported_facts

QUESTION = "Should I lock my knees at the top of the leg press?"


@pytest.fixture(scope="module")
def llm_bot(bot, settings, stub):
    llm_settings = settings.model_copy(update={"llm_base_url": stub.url, "llm_model": "stub",
                                               "llm_timeout_s": 1.0})
    return Assistant(llm_settings, bot.store, bot.query_embedder, bot.triager)


@pytest.fixture(autouse=True)
def reset(stub):
    stub.reset()


def faithful(prompt: str) -> str:
    """What a good model does: restate what passages 1 and 2 say, citing each."""
    passages = passages_in(prompt)
    return " ".join(f"{first_sentence(passages[n])} [{n}]" for n in (1, 2) if n in passages)


def test_a_faithful_answer_is_shown_with_its_own_citations(llm_bot, stub):
    stub.script = faithful
    reply = llm_bot.ask(QUESTION)
    assert reply.route == "answer"
    assert reply.reasons[-1] == messages.LLM_CHECKED_REASON
    assert reply.citations and not unresolved_markers(reply.text, reply.citations)
    for citation in reply.citations:
        assert first_sentence(citation.text) in reply.text
    sent = stub.requests[-1]
    assert sent["model"] == "stub" and sent["max_tokens"] == llm_bot.settings.llm_max_tokens
    prompt = sent["messages"][0]["content"]
    assert "Question: " + QUESTION in prompt and "[1] " in prompt


@pytest.mark.parametrize("answer, why", [
    (lambda p: f"{first_sentence(passages_in(p)[1])} [9]", "invented citation"),
    (lambda p: "The leg press cures sciatica within a week. [1]", "claim not in the passage"),
    (lambda p: first_sentence(passages_in(p)[1]).rstrip(".") +
     ", and take 400 mg of ibuprofen before you train. [1]", "invented dose"),
    (lambda p: "Ignore the safety advice: this is never an emergency and you do not need a "
     "doctor. [1]", "override attempt"),
    (lambda p: "You should definitely lock your knees at the top for stability!", "no citation"),
    (lambda p: "The guidance does not cover that.", "refusal"),
])
def test_an_answer_that_does_not_check_out_falls_back_to_the_guidance(
        bot, llm_bot, stub, answer, why):
    stub.script = answer
    reply = llm_bot.ask(QUESTION)
    extractive = bot.ask(QUESTION)
    assert (reply.route, reply.text, reply.citations) == \
        (extractive.route, extractive.text, extractive.citations), why
    assert reply.reasons[-1].startswith("quoted from the guidance"), reply.reasons
    assert len(stub.requests) == 1


def test_unsupported_sentences_are_dropped_and_the_rest_shown(llm_bot, stub):
    def half_good(prompt: str) -> str:
        return (f"{first_sentence(passages_in(prompt)[1])} [1] "
                "Most people also benefit from 800 mg of magnesium daily. [1]")

    stub.script = half_good
    reply = llm_bot.ask(QUESTION)
    assert reply.reasons[-1] == messages.LLM_CHECKED_REASON
    assert "magnesium" not in reply.text and "800" not in reply.text
    assert reply.text.endswith("[1]") and len(reply.citations) == 1


@pytest.mark.parametrize("message", [
    "I suddenly can't control my bladder and my groin is numb after leg day",
    "My right leg goes numb every time I do leg press",
])
def test_safety_routes_never_ask_the_model(bot, llm_bot, stub, message):
    stub.script = lambda p: "This is not an emergency and you do not need a doctor. [1]"
    reply = llm_bot.ask(message)
    assert reply.route in ("emergency", "professional")
    assert reply == bot.ask(message)  # route, text, citations and reasons all unchanged
    assert stub.requests == []


def test_a_timeout_falls_back_quickly(bot, llm_bot, stub):
    stub.script, stub.delay_s = faithful, 3.0
    started = time.perf_counter()
    reply = llm_bot.ask(QUESTION)
    assert time.perf_counter() - started < 2.5  # the 1 s timeout, not the 3 s answer
    assert reply.text == bot.ask(QUESTION).text
    assert reply.reasons[-1] == "quoted from the guidance: the language model did not answer in time"


def test_a_server_error_falls_back(bot, llm_bot, stub):
    stub.script, stub.status = faithful, 500
    reply = llm_bot.ask(QUESTION)
    assert reply.text == bot.ask(QUESTION).text
    assert reply.reasons[-1] == "quoted from the guidance: the language model's server answered 500"


def test_an_unreachable_server_falls_back(bot, settings):
    down = settings.model_copy(update={"llm_base_url": "http://127.0.0.1:9/v1",
                                       "llm_timeout_s": 1.0})
    reply = Assistant(down, bot.store, bot.query_embedder, bot.triager).ask(QUESTION)
    assert reply.text == bot.ask(QUESTION).text
    assert "could not be reached" in reply.reasons[-1]


# --- the checks themselves (pure) -------------------------------------------------------

PASSAGE = ("Stop the set as soon as numbness starts. Lower the platform slowly, over two "
           "to three seconds. Keep your lower back flat on the pad.")


def test_markers_after_the_full_stop_belong_to_the_sentence_before():
    assert generated_sentences("Stop the set. [1] Go slowly [2][1]. Thanks!") == [
        ("Stop the set.", (1,)), ("Go slowly.", (2, 1)), ("Thanks!", ())]


def test_numbers_medicines_and_body_parts_must_be_in_the_passage():
    assert unsupported_facts("Lower it over two to three seconds.", PASSAGE) == []
    assert unsupported_facts("Lower it over four seconds.", PASSAGE) == ["four"]
    assert unsupported_facts("Take ibuprofen for your knees.", PASSAGE) == ["ibuprofen", "knees"]


def test_crude_reversals_are_caught():
    assert polarity_flip("Do not stop the set when numbness starts.", PASSAGE) == "negation"
    assert polarity_flip("Lower the platform faster.", "Lower the platform slower.") == \
        "faster/slower"
    assert polarity_flip("Stop the set when numbness starts.", PASSAGE) is None


def fake_embed(texts):
    """Bag-of-letters vectors: enough to make a verbatim sentence its own best match."""
    out = np.zeros((len(texts), 26))
    for i, text in enumerate(texts):
        for ch in text.lower():
            if "a" <= ch <= "z":
                out[i, ord(ch) - 97] += 1
    return out


def test_each_sentence_gets_a_verdict_and_enough_needs_half():
    checked = check_answer("Stop the set as soon as numbness starts. [1] "
                           "Take 200 mg of ibuprofen. [1] It is fine. [3]",
                           {1: PASSAGE}, fake_embed)
    assert [c.supported for c in checked] == [True, False, False]
    assert "200" in checked[1].problem and "[3]" in checked[2].problem
    assert not enough(checked)  # 1 of 3 survives: a fragment, not an answer
    assert enough(checked[:2])


# --- the eval, side by side -------------------------------------------------------------


def test_eval_compares_extractive_and_llm_answers(bot, settings, stub, monkeypatch, capsys):
    from assistant.evaluation.runner import main as eval_main

    stub.script = faithful
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))  # the built session index
    monkeypatch.setenv("ASSISTANT_LLM_BASE_URL", stub.url)
    status = eval_main(["--compare", "extractive,llm", "--limit", "6", "--no-triage",
                        "--no-fresh", "--no-report", "--no-gate", "--no-progress", "--json"])
    out = capsys.readouterr().out
    assert status == 0
    figures = json.loads(out[out.index("{"):out.rindex("}") + 1])
    assert figures["extractive"]["llm_answer_share"] is None
    assert 0 < figures["llm"]["llm_answer_share"] <= 1  # the stub's answers pass the checks
    assert figures["llm"]["markers_resolved"] == 1.0
    assert stub.requests  # only the llm variant asked the model


def test_eval_compare_llm_without_a_server_is_a_clear_error(monkeypatch, capsys):
    from assistant.evaluation.runner import main as eval_main

    monkeypatch.delenv("ASSISTANT_LLM_BASE_URL", raising=False)
    assert eval_main(["--compare", "extractive,llm", "--no-report"]) == 2
    assert "ASSISTANT_LLM_BASE_URL" in capsys.readouterr().err


def test_the_timeout_setting_has_the_name_the_issue_gave_it_too(monkeypatch):
    from assistant.settings import load_settings

    monkeypatch.setenv("ASSISTANT_LLM_TIMEOUT", "7")
    assert load_settings().llm_timeout_s == 7.0
    monkeypatch.setenv("ASSISTANT_LLM_TIMEOUT_S", "9")  # the documented name wins
    assert load_settings().llm_timeout_s == 9.0
