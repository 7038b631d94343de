"""Reader-facing answer figures (assistant.evaluation.reader): pure functions on reply text."""

from __future__ import annotations

import json

import pytest

from assistant import messages
from assistant.evaluation import reader as rd


def test_a_fact_counts_when_its_words_stand_in_one_sentence():
    text = "Stop exercising and get it checked by a physiotherapist. Keep your knees soft."
    assert rd.fact_stated(["stop the exercise"], text)  # stems: stop + exercis
    assert rd.fact_stated(["knees soft"], text)
    assert not rd.fact_stated(["lower the weight"], text)
    assert not rd.fact_stated(["stop physiotherapist knees"], text)  # words split across sentences
    assert rd.facts_in_text([["stop the exercise"], ["lower the weight"]], text) == 0.5
    assert rd.facts_in_text([], text) is None


def test_answer_text_is_what_the_member_reads_as_the_answer():
    reply = (messages.PROFESSIONAL_FIRST_LINE.format(reasons="numbness in the leg")
             + f"\n\n{messages.GUIDANCE_LEAD_IN} Get numbness checked by a GP. [1]")
    assert rd.answer_text(reply) == "Get numbness checked by a GP."


@pytest.mark.parametrize("text, meta", [
    ("The gym's main leg press article recommends core work.", True),
    ("A Dutch trial of 283 people found surgery eased pain faster.", True),
    ("Research suggests staying active helps.", True),
    ("Keep your lower back on the pad.", False),
])
def test_meta_means_talking_about_sources_instead_of_advising(text, meta):
    assert rd.is_meta(text) is meta


def test_a_close_paraphrase_counts_through_its_similarity():
    # "go to A&E straight away" states "go to A&E immediately" in other words
    text = "Go to A&E straight away. [1]"
    assert not rd.fact_stated(["go to A&E immediately"], text)
    assert rd.fact_stated(["go to A&E immediately"], text, similarity=rd.FACT_SIMILARITY)
    assert not rd.fact_stated(["go to A&E immediately"], text, similarity=rd.FACT_SIMILARITY - 0.01)
    assert rd.facts_in_text([["go to A&E immediately"], ["rest"]], text, [0.9, 0.1]) == 0.5


def test_filler_share_and_summary():
    # sentences far below the corpus's best match for the question count as filler
    assert rd.filler_share([0.9, 0.1, 0.5], best=0.9, ratio=0.5) == pytest.approx(1 / 3)
    assert rd.filler_share([], best=0.9) is None
    rows = [
        {"facts": 1.0, "filler": 0.0, "meta": False, "words": 40, "refused": False,
         "expects_list": True, "bullets": True, "hit3": 1.0},
        {"facts": 0.0, "filler": 0.5, "meta": True, "words": 80, "refused": False,
         "expects_list": False, "bullets": False},
        {"facts": None, "filler": None, "meta": False, "words": 20, "refused": True,
         "expects_list": True, "bullets": False},
    ]
    s = rd.summarise(rows)
    assert s["facts_in_text"] == 0.5 and s["filler_proxy"] == 0.25 and s["hit@3"] == 1.0
    assert s["meta"] == 0.5 and s["words_median"] == 60 and s["refused"] == pytest.approx(1 / 3)
    assert s["lists_as_bullets"] == 0.5


def test_fresh_sets_are_well_formed_and_split():
    dev = rd.load_fresh(rd.EVAL / "qa_fresh_dev.jsonl")
    sealed = rd.load_fresh(rd.EVAL / "qa_fresh_sealed.jsonl")
    assert len(dev) + len(sealed) >= 200 and abs(len(dev) - len(sealed)) <= 10
    assert not {c.question for c in dev} & {c.question for c in sealed}
    for case in dev + sealed:
        assert case.question.strip() and case.key_facts and all(case.key_facts)
    qa = {json.loads(line)["question"] for line in (rd.EVAL / "qa.jsonl").open(encoding="utf-8")}
    assert not qa & {c.question for c in dev + sealed}


def test_agreement_with_hand_labels():
    a = rd.agreement([True, True, False, False], [True, False, False, True])
    assert a["agreement"] == 0.5 and a["precision"] == 0.5 and a["recall"] == 0.5
    assert a["predicted_share"] == a["labelled_share"] == 0.5
