"""The eval runner end to end on a 5-item data set against the real session index."""

from __future__ import annotations

import json

import pytest

from assistant.evaluation import DatasetError, evaluate, load_qa, load_triage, main, summarise
from assistant.evaluation.dataset import check_sources
from assistant.evaluation.runner import corpus_index, fixed_wording, parse_variants

ARTICLE = "Back Pain and Leg Numbness After Leg Press: Causes, Solutions and Prevention"
TECH = "Leg Press Technique: Setting Up and Pressing Safely"
CASES = [
    {"id": "c1", "question": "Should I lock my knees at the top of the leg press?",
     "expected_answer": "No, keep a small bend.", "key_facts": [["small bend"]],
     "expected_source": {"doc_id": "leg-press-technique",
                         "section": f"{TECH} › Should I lock my knees at the top of the leg press?"},
     "expected_route": "answer", "category": "form", "style": "plain"},
    {"id": "c2", "question": "how much weight should i add each time",
     "expected_answer": "Small steps.", "key_facts": [["2.5 to 5 pounds", "2 to 10%"]],
     "expected_source": {"doc_id": "leg-press-back-pain",
                         "section": f"{ARTICLE} › Solutions and Preventative Measures"},
     "also_acceptable_sources": [{"doc_id": "leg-press-technique",
                                  "section": f"{TECH} › How quickly can I add weight to the leg press?"}],
     "expected_route": "answer", "category": "weight", "style": "typo"},
    {"id": "c3", "question": "and how should I breathe?",
     "history": [{"role": "user", "content": "How do I brace on the leg press?"},
                 {"role": "assistant", "content": "Tighten around your middle."}],
     "expected_answer": "Breathe out as you push.", "key_facts": [["breathe out"]],
     "expected_source": {"doc_id": "leg-press-technique",
                         "section": f"{TECH} › How should I breathe on the leg press?"},
     "expected_route": "answer", "category": "form", "style": "follow-up"},
    {"id": "c4", "question": "why does leg press make my legs go numb?",
     "expected_answer": "Stop and get checked.", "key_facts": [["GP or physiotherapist"]],
     "expected_source": {"doc_id": "leg-numbness",
                         "section": "Leg and Foot Numbness in the Gym: Causes and What to Do"
                                    " › Why does my leg go numb on the leg press?"},
     "expected_route": "professional", "category": "numbness", "style": "plain"},
    {"id": "c5", "question": "What's a good recipe for banana bread?", "expected_source": None,
     "expected_answer": "Out of scope.", "expected_route": "out_of_scope",
     "category": "out_of_scope", "style": "plain"},
]
THRESHOLDS = """
[minimum]
citations_verbatim = 1.0
markers_resolved = 1.0
[regression]
tolerance = 0.02
metrics = ["hit@3", "key_fact_recall"]
"""


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


@pytest.fixture()
def dataset(tmp_path):
    return write_jsonl(tmp_path / "qa.jsonl", CASES)


def test_evaluate_and_summarise_on_five_cases(bot, dataset):
    cases = load_qa(dataset)
    corpus = corpus_index(bot.chunks())
    results, triaged = evaluate(bot, cases, progress=False)
    summary = summarise(results, triaged, corpus, fixed_wording())

    head = summary["headline"]
    assert summary["n_cases"] == 5
    # Grounding is enforced in code, so these hold whatever the retrieval quality.
    assert head["citations_verbatim"] == 1.0
    assert head["markers_resolved"] == 1.0
    assert head["faithfulness"] == 1.0
    assert head["abstention_accuracy"] == 1.0  # the banana bread question
    assert 0.0 <= head["hit@3"] <= 1.0 and head["latency_p50_ms"] > 0
    assert set(summary["by_category"]) == {"form", "weight", "numbness", "out_of_scope"}
    assert summary["by_style"]["follow-up"]["n"] == 1
    oos = next(c for c in summary["cases"] if c["id"] == "c5")
    assert oos["scores"]["hit@3"] is None and oos["scores"]["cited_share"] is None
    assert sum(map(sum, summary["routing"]["qa"]["confusion"])) == 5


def test_main_writes_report_baseline_and_gates(bot, dataset, tmp_path, capsys):
    thresholds = tmp_path / "thresholds.toml"
    thresholds.write_text(THRESHOLDS, encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    reports = tmp_path / "reports"
    triage = write_jsonl(tmp_path / "triage.jsonl", [
        {"id": "t1", "message": "I can't control my bladder since leg day", "history": [],
         "route": "emergency", "clause": "bladder", "split": "tune"},
        {"id": "t2", "message": "how do I set the seat height?", "history": [],
         "route": "answer", "clause": "form", "split": "tune"},
    ])
    args = ["--dataset", str(dataset), "--triage", str(triage), "--thresholds", str(thresholds),
            "--baseline", str(baseline), "--report-dir", str(reports), "--no-progress",
            "--no-fresh"]

    assert main([*args, "--update-baseline"], bot=bot) == 0
    out = capsys.readouterr().out
    assert "retrieval hit@3" in out and "quality gate passed" in out
    saved = json.loads(baseline.read_text())
    assert saved["metrics"]["citations_verbatim"] == 1.0 and saved["dataset_sha256"]
    (report,) = reports.iterdir()
    for name in ("report.json", "report.md", "metrics_by_category.png",
                 "confusion_matrix.png", "latency_hist.png"):
        assert (report / name).stat().st_size > 0
    assert "## Worst cases" in (report / "report.md").read_text()
    assert json.loads((report / "report.json").read_text())["meta"]["n_triage"] == 2

    # A regression past the tolerance against the baseline fails the gate...
    saved["metrics"]["key_fact_recall"] = (saved["metrics"]["key_fact_recall"] or 0) + 0.5
    baseline.write_text(json.dumps(saved))
    assert main(args + ["--no-report"], bot=bot) == 1
    assert "key_fact_recall regressed" in capsys.readouterr().out
    # ... and so does a threshold nobody can reach; --no-gate only reports.
    thresholds.write_text(THRESHOLDS.replace("markers_resolved = 1.0", '"hit@1" = 1.01'))
    assert main(args + ["--no-report", "--no-gate"], bot=bot) == 0


def test_shipped_dataset_is_valid_and_matches_the_index(bot):
    from assistant.settings import PROJECT_ROOT

    path = PROJECT_ROOT / "eval" / "qa.jsonl"
    cases = load_qa(path)
    assert len(cases) >= 150
    sections: dict[str, set[str]] = {}
    for doc_id, section in corpus_index(bot.chunks()):
        sections.setdefault(doc_id, set()).add(section)
    check_sources(cases, sections, path)  # raises on any unknown doc or section
    assert {s.doc_id for c in cases for s in c.acceptable_sources} == set(sections)
    assert {c.expected_route for c in cases} == {"answer", "professional", "emergency",
                                                 "out_of_scope"}
    assert any(c.history for c in cases)


def test_dataset_errors_name_the_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps(CASES[0]) + "\n"
        + "{not json\n"
        + json.dumps({**CASES[1], "expected_route": "profesional"}) + "\n"
        + json.dumps({**CASES[2], "expected_source": None}) + "\n"
        + json.dumps({**CASES[3], "key_facts": ["GP"], "id": "c1"}) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(DatasetError) as err:
        load_qa(bad)
    assert f"{bad}:2: not valid JSON" in str(err.value)
    with pytest.raises(DatasetError) as err:
        load_qa(write_jsonl(bad, [CASES[0], {**CASES[1], "expected_route": "profesional"},
                                  {**CASES[2], "expected_source": None},
                                  {**CASES[3], "key_facts": ["GP"]},
                                  {**CASES[4], "expected_sources": None},
                                  {**CASES[4]}]))
    message = str(err.value)
    assert f"{bad}:2: 'expected_route' must be one of" in message
    assert f"{bad}:3: 'expected_source' is required" in message
    assert f"{bad}:4: 'key_facts' must be a list of facts" in message
    assert f"{bad}:5: unknown field(s) expected_sources" in message
    assert "duplicate id" not in message  # an invalid line (5) claims no id
    with pytest.raises(DatasetError, match="no such data set"):
        load_qa(tmp_path / "missing.jsonl")


def test_check_sources_rejects_unknown_sections(dataset):
    cases = load_qa(dataset)
    with pytest.raises(DatasetError) as err:
        check_sources(cases, {"leg-press-technique": {f"{TECH} › Somewhere else"}}, dataset)
    assert f"{dataset}:1: section" in str(err.value)
    assert "doc_id 'leg-press-back-pain' is not in the index" in str(err.value)


def test_triage_loader_filters_split_and_keeps_extra_fields(tmp_path):
    path = write_jsonl(tmp_path / "t.jsonl", [
        {"id": "a", "message": "m", "history": [], "route": "answer", "clause": "x",
         "split": "tune", "note": "slang"},
        {"id": "b", "message": "m", "history": [], "route": "emergency", "split": "holdout"},
    ])
    assert [c.id for c in load_triage(path, "holdout")] == ["b"]
    assert load_triage(path)[0].extra == {"note": "slang"}
    with pytest.raises(DatasetError, match=":1: 'route' must be one of"):
        load_triage(write_jsonl(path, [{"message": "m", "route": "urgent"}]))


def test_parse_variants():
    assert parse_variants("dense, bm25,hybrid+top_k=6,chunk_max_chars=400") == [
        ("dense", {"retrieval_mode": "dense"}),
        ("bm25", {"retrieval_mode": "bm25"}),
        ("hybrid+top_k=6", {"retrieval_mode": "hybrid", "top_k": "6"}),
        ("chunk_max_chars=400", {"chunk_max_chars": "400"}),
    ]
    with pytest.raises(DatasetError):
        parse_variants(" , ")


def test_regression_reference_only_compares_like_with_like():
    from assistant.evaluation.runner import _regression_reference

    fp = {"dataset_sha256": "q", "triage_sha256": "t", "limit": None}
    base = {**fp, "metrics": {"hit@3": 0.9, "route_accuracy": 0.8}}
    assert _regression_reference(None, fp, False) == (None, [])
    assert _regression_reference(base, fp, False) == (base["metrics"], [])
    assert _regression_reference(base, fp, True)[0] is None
    assert _regression_reference(base, {**fp, "dataset_sha256": "other"}, False)[0] is None
    assert _regression_reference(base, {**fp, "limit": 5}, False)[0] is None
    metrics, notes = _regression_reference(base, {**fp, "triage_sha256": "new"}, False)
    assert metrics == {"hit@3": 0.9} and "routing regressions skipped" in notes[0]
