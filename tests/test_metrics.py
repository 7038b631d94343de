"""The eval's metric functions on small hand-made cases (no model, no index)."""

from __future__ import annotations

import math

import pytest

from assistant.evaluation import metrics as m
from assistant.evaluation.gate import Thresholds, check

SRC = m.SourceRef("article", "Leg Press › Causes › Overloading Weight")


# ---------------------------------------------------------------- retrieval


def test_section_match_is_exact_or_a_subsection_on_a_heading_boundary():
    assert m.section_matches("article", SRC.section, SRC)
    assert m.section_matches("article", SRC.section + " › Progressive Overload", SRC)
    assert not m.section_matches("article", SRC.section + " Again", SRC)
    assert not m.section_matches("other", SRC.section, SRC)
    assert not m.section_matches("article", "Leg Press › Causes", SRC)  # parent is too broad


def test_relevance_counts_each_acceptable_section_once():
    other = m.SourceRef("sciatica", "Sciatica › What it is")
    hits = [("x", "X"), ("article", SRC.section), ("article", SRC.section),
            ("sciatica", "Sciatica › What it is")]
    assert m.relevance(hits, [SRC, other]) == [0, 1, 0, 1]
    assert m.relevance([], [SRC]) == []


def test_hit_at_k_and_mrr():
    cases = [[1, 0, 0], [0, 0, 1], [0, 0, 0, 0, 0], None, []]
    assert m.hit_at_k(cases, 1) == (pytest.approx(1 / 4), [1.0, 0.0, 0.0, None, 0.0])
    assert m.hit_at_k(cases, 3)[1] == [1.0, 1.0, 0.0, None, 0.0]
    avg, per = m.mrr(cases)
    assert per == [1.0, pytest.approx(1 / 3), 0.0, None, 0.0]
    assert avg == pytest.approx((1 + 1 / 3) / 4)


def test_ndcg_single_and_multiple_relevant_sections():
    avg, per = m.ndcg_at_k([[1], [0, 1], [0, 0, 0, 0, 0, 1], [0, 1, 1]], [1, 1, 1, 2], k=5)
    assert per[0] == 1.0
    assert per[1] == pytest.approx(1 / math.log2(3))
    assert per[2] == 0.0  # found only at rank 6
    ideal = 1 + 1 / math.log2(3)
    assert per[3] == pytest.approx((1 / math.log2(3) + 1 / math.log2(4)) / ideal)
    assert m.ndcg_at_k([None], [0])[0] is None


# ---------------------------------------------------------------- answers


def test_key_fact_recall_alternatives_case_and_whitespace():
    facts = [[["neutral spine", "natural curve"], ["lower back", "lumbar"]], [["planks"]], []]
    texts = ["Keep a NEUTRAL\n  spine [1].", "Dead bugs help.", "anything"]
    avg, per = m.key_fact_recall(facts, texts)
    assert per == [0.5, 0.0, None]
    assert avg == 0.25


def test_key_fact_matching_ignores_curly_quotes():
    assert m.fact_found(["don't push through pain"], "Don’t push through pain.")


def test_key_fact_recall_on_empty_answer():
    assert m.key_fact_recall([[["core"]]], [""]) == (0.0, [0.0])


def test_answer_length_ignores_markers():
    assert m.answer_length(["Brace your core [1]. Keep it slow [2, 3].", ""]) == (3.0, [6.0, 0.0])


def test_split_sentences_keeps_markers_and_bullets_apart():
    text = "First one [1]. Second one? [2] Third. [3, 4] (Fourth.)\n- Bullet line. [3]\n\nEnd:"
    assert m.split_sentences(text) == [
        "First one [1].", "Second one? [2]", "Third. [3, 4]", "(Fourth.)", "Bullet line. [3]",
        "End:",
    ]


PASSAGE = "Maintain a neutral spine throughout the exercise. Avoid rounding your lower back."


def test_faithfulness_sentence_must_be_in_the_passage_it_cites():
    cited = {1: PASSAGE, 2: "Brace your core before each repetition."}
    answers = [
        "Maintain a neutral spine throughout the exercise. [1] Brace your core before each "
        "repetition. [2]",
        "Avoid rounding your lower back [2].",  # right text, wrong citation
        "Maintain a   neutral spine\nthroughout the exercise.",  # no marker: any citation
        "Keep your back totally flat [1].",  # invented
    ]
    avg, per = m.faithfulness(answers, [cited] * 4)
    assert per == [1.0, 0.0, 1.0, 0.0]
    assert avg == 0.5


def test_faithfulness_edge_cases_empty_answer_and_no_citations():
    _, per = m.faithfulness(["", "Keep a neutral spine."], [{}, {}])
    assert per == [None, 0.0]


def test_faithfulness_exempts_fixed_wording_with_placeholders():
    template = "**See a doctor.** You mentioned {reasons}; that needs a check."
    patterns = m.boilerplate_patterns([template, "What our guidance says:"])
    answer = ("**See a doctor.** You mentioned numbness in leg; that needs a check.\n\n"
              "What our guidance says: Avoid rounding your lower back. [1]")
    checked, bad = m.unsupported_sentences(answer, {1: PASSAGE}, patterns)
    assert (checked, bad) == (1, [])
    # a refusal alone has nothing to check
    assert m.faithfulness(["What our guidance says:"], [{}], patterns) == (None, [None])


def test_faithfulness_ignores_markdown_emphasis():
    assert m.faithfulness(["**Neutral Spine:** keep it [1]."],
                          [{1: "- Neutral Spine: keep it."}])[1] == [1.0]


# ---------------------------------------------------------------- citations


CORPUS = {("article", SRC.section): [m.normalize_ws("Lifting   excessively heavy loads\nplaces "
                                                    "immense stress on the spine.")]}


def test_citations_verbatim_whitespace_normalised_and_section_checked():
    ok = ("article", SRC.section, "excessively heavy loads places immense stress")
    wrong_section = ("article", "Leg Press › Other", ok[2])
    paraphrase = ("article", SRC.section, "heavy loads stress the spine")
    empty = ("article", SRC.section, "")
    avg, per = m.citations_verbatim([[ok], [ok, wrong_section], [paraphrase, empty], []], CORPUS)
    assert per == [1.0, 0.5, 0.0, None]
    assert avg == pytest.approx(0.5)


def test_markers_resolved_duplicates_ranges_and_no_markers():
    answers = ["A [1]. B [1]. C [2].", "A [1, 3].", "No markers at all.", "", "A [2]."]
    numbers = [[1, 2], [1, 2], [1], [], []]
    avg, per = m.markers_resolved(answers, numbers)
    assert per == [1.0, 0.0, None, None, 0.0]
    assert avg == pytest.approx(1 / 3)
    assert m.unresolved_markers("A [3]. B [3]. C [1].", [1]) == [3]


def test_markers_do_not_match_markdown_links_or_words():
    assert m.markers("See [the guide](https://x) and [a] [12].") == [12]


def test_cited_share_skips_cases_that_should_not_cite():
    assert m.cited_share([2, 0, None, 1]) == (pytest.approx(2 / 3), [1.0, 0.0, None, 1.0])


# ---------------------------------------------------------------- routing


EXPECTED = ["emergency", "emergency", "professional", "professional", "answer", "answer",
            "out_of_scope", "out_of_scope"]
GOT = ["emergency", "professional", "answer", "emergency", "professional", "answer",
       "out_of_scope", "answer"]


def test_under_triage_counts_any_red_flag_routed_lower():
    count, per = m.under_triage(EXPECTED, GOT)
    assert count == 2
    assert per == [0.0, 1.0, 1.0, 0.0, None, None, None, None]
    assert m.is_under_triage("professional", "out_of_scope")
    assert not m.is_under_triage("answer", "out_of_scope")


def test_false_alarm_abstention_accuracy_confusion():
    assert m.false_alarm_rate(EXPECTED, GOT)[0] == 0.25
    assert m.abstention_accuracy(EXPECTED, GOT) == (0.5, [None] * 6 + [1.0, 0.0])
    assert m.route_accuracy(EXPECTED, GOT)[0] == 3 / 8
    matrix = m.confusion_matrix(EXPECTED, GOT)
    assert matrix[0] == [1, 1, 0, 0]  # emergency row
    assert matrix[1] == [1, 0, 1, 0]  # professional row
    assert sum(map(sum, matrix)) == len(EXPECTED)


def test_routing_on_no_cases():
    assert m.route_accuracy([], []) == (None, [])
    assert m.under_triage([], []) == (0, [])


# ---------------------------------------------------------------- latency and groups


def test_percentiles_match_numpy_linear_interpolation():
    values = [10.0, 20.0, 30.0, 40.0, 1000.0]
    assert m.percentile(values, 50) == 30.0
    assert m.percentile(values, 95) == pytest.approx(808.0)
    assert m.latency([]) == {"p50": None, "p95": None, "max": None}


def test_by_group_averages_only_applicable_scores():
    table = m.by_group(["form", "form", "sciatica"], {"hit@3": [1.0, None, 0.0]})
    assert table == {"form": {"n": 2.0, "hit@3": 1.0}, "sciatica": {"n": 1.0, "hit@3": 0.0}}


# ---------------------------------------------------------------- gate


def test_gate_thresholds_and_regression_tolerance():
    t = Thresholds(minimum={"hit@3": 0.95}, maximum={"under_triage": 0}, tolerance=0.02,
                   regression_metrics=("mrr", "false_alarm_rate"))
    good = {"hit@3": 0.96, "under_triage": 0.0, "mrr": 0.80, "false_alarm_rate": 0.05}
    assert check(good, t, {"mrr": 0.81, "false_alarm_rate": 0.04}) == []
    failures = check({**good, "hit@3": 0.9, "under_triage": 1.0, "mrr": 0.7,
                      "false_alarm_rate": 0.1}, t, {"mrr": 0.81, "false_alarm_rate": 0.04})
    assert len(failures) == 4
    assert any("hit@3" in f and "below" in f for f in failures)
    assert any("mrr regressed" in f for f in failures)
    assert check({"under_triage": 0.0}, t) == ["hit@3 was not measured (threshold >= 0.95)"]
