"""The triage evaluator's pure metrics, the labelled sets' shape, and regression runs."""

from __future__ import annotations

from collections import Counter

import pytest

from assistant.evaluation import triage as te
from assistant.safety.labelled import Case, LabelledDataError, load_cases
from assistant.types import ROUTES, SEVERITY

EVAL = te.EVAL_DIR


def case(route: str, lang: str = "en", style: str = "s") -> Case:
    return Case(id=f"x-{route}", message="m", history=(), route=route, clause="c", style=style, lang=lang)


def test_wilson_interval_matches_known_values():
    lo, hi = te.wilson(0, 40)
    assert lo == 0.0 and hi == pytest.approx(0.0876, abs=1e-3)
    lo, hi = te.wilson(36, 40)
    assert (lo, hi) == (pytest.approx(0.7694, abs=1e-3), pytest.approx(0.9604, abs=1e-3))
    assert te.wilson(0, 0) == (0.0, 1.0)


def test_metrics_confusion_and_misses_by_kind_on_a_tiny_set():
    cases = [case("emergency", style="forum"), case("emergency"), case("professional"),
             case("answer"), case("answer"), case("out_of_scope"), case("emergency", lang="es")]
    preds = [te.Prediction(r) for r in ("answer", "emergency", "emergency", "professional", "answer",
                                        "answer")] + [te.Prediction("professional", language="es")]
    assert te.confusion(cases, preds)["emergency"]["answer"] == 1
    m = te.metrics(cases, preds)
    assert m["emergency_recall"] == 0.5  # English items only: the Spanish one got the notice
    assert m["professional_or_higher_recall"] == 1.0  # emergency counts as "or higher"
    assert m["answer_false_alarm"] == 0.5 and m["answer_answered"] == 0.5
    assert m["out_of_scope_accuracy"] == 0.0 and m["unreadable_noticed"] == 1.0
    assert not te.passed(m)
    wrong = te.misrouted(cases, preds)
    assert wrong[0]["expected"] == "emergency" and wrong[0]["got"] == "answer"  # worst first
    kinds = te.misses_by_kind(wrong)
    assert kinds["under-triage emergency -> answer"] == Counter({"forum": 1})
    assert kinds["false alarm answer -> professional"] == Counter({"s": 1})


def test_a_sealed_set_runs_only_with_counts(capsys):
    with pytest.raises(SystemExit):
        te.main(["--dataset", str(EVAL / te.SEALED)])
    assert "--counts-only" in capsys.readouterr().err


def test_a_bad_line_names_the_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "message": "m", "route": "answer"}\n{"id": "b", "route": "maybe"}\n')
    with pytest.raises(LabelledDataError, match="bad.jsonl:2"):
        load_cases(path)


def test_labelled_sets_are_well_formed_and_disjoint():
    """The training files never share a message with any set the triager is measured on."""
    measured = {}
    for name in ("triage.jsonl", "triage_blind2.jsonl", "triage_dev.jsonl", "triage_sealed.jsonl"):
        cases = load_cases(EVAL / name)
        assert len({c.id for c in cases}) == len(cases), name
        assert {c.route for c in cases} == set(ROUTES), name
        for c in cases:
            assert c.message.strip() and all(t["role"] in ("user", "assistant") for t in c.history)
        measured[name] = {c.message for c in cases if c.split != "tune"}
    dev, sealed = load_cases(EVAL / "triage_dev.jsonl"), load_cases(EVAL / "triage_sealed.jsonl")
    assert len(dev) + len(sealed) >= 500 and abs(len(dev) - len(sealed)) <= 20
    assert {c.author for c in dev} == {c.author for c in sealed} == set("ABCDE")
    assert not {c.message for c in dev} & {c.message for c in sealed}
    training = set()
    for name in ("t1", "t2", "t3"):
        training |= {c.message for c in load_cases(EVAL / "triage_train" / f"{name}.jsonl")}
    assert len(training) >= 900
    for name, messages in measured.items():
        assert not training & messages, name


@pytest.fixture(scope="module")
def triager():
    return te.default_triager()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["triage.jsonl", "triage_blind.jsonl"])
def test_existing_labelled_sets_do_not_regress(triager, name):
    """Emergency 100% and professional-or-higher >= 99% on the sets the lexicon was built on."""
    cases = load_cases(EVAL / name)
    preds = te.variants(triager)["shipped"](cases)
    m = te.metrics(cases, preds)
    assert m["emergency_recall"] == 1.0, te.misrouted(cases, preds)[:5]
    assert m["professional_or_higher_recall"] >= 0.99
    assert all(p.reasons for p in preds)  # every decision explains itself


@pytest.mark.slow
def test_dev_half_keeps_its_safety_figures(triager):
    """The thresholds were chosen on the dev half: they must keep emergency recall >= 99% there."""
    cases = load_cases(EVAL / "triage_dev.jsonl")
    preds = te.variants(triager)["shipped"](cases)
    m = te.metrics(cases, preds)
    assert m["emergency_recall"] >= 0.99 and m["professional_or_higher_recall"] >= 0.97
    assert m["unreadable_noticed"] == 1.0
    severe = [p for c, p in zip(cases, preds) if c.lang == "en" and SEVERITY[c.route] >= 2]
    assert all(p.reasons for p in severe)
