"""Run the assistant over the data sets, score it, write the report and apply the gate.

``evaluate(bot, qa, triage)`` collects per-case results (the only part that talks to the
assistant); ``summarise`` turns them into figures with the pure functions in ``metrics``;
``main`` is the ``assistant eval`` / ``python -m eval`` entry point.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError

from . import metrics as m
from .dataset import DatasetError, QACase, TriageCase, check_sources, load_qa, load_triage
from .gate import check, load_baseline, load_thresholds

# Headline metrics that are plain averages of per-case scores (routing and latency are not).
AVERAGED = ("hit@1", "hit@3", "hit@5", "mrr", "ndcg@5", "key_fact_recall", "answer_fact_recall",
            "context_fact_recall",
            "faithfulness", "answer_words", "cited_share", "citations_verbatim", "markers_resolved")
RETRIEVAL_DEPTH = 5  # hit@5 / nDCG@5 need five ranked passages whatever top_k answers with


# ---------------------------------------------------------------- per-case results


@dataclass
class CaseResult:
    """What the assistant did for one Q&A case (plain data, JSON-ready)."""

    id: str
    question: str
    history: list[dict[str, str]]
    category: str
    style: str
    expected_route: str
    expected_answer: str
    key_facts: list[list[str]]
    expected_sources: list[dict[str, str]]
    route: str = "out_of_scope"
    answer: str = ""
    citations: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    hits: list[dict[str, Any]] = field(default_factory=list)
    latency_ms: float = 0.0
    retrieve_ms: float = 0.0
    error: str | None = None


@dataclass
class TriageResult:
    id: str
    message: str
    history: list[dict[str, str]]
    clause: str
    split: str
    expected_route: str
    route: str = "out_of_scope"
    reasons: list[str] = field(default_factory=list)
    latency_ms: float = 0.0
    error: str | None = None


def _retrieve(bot: Any) -> Callable[..., list]:
    """bot.retrieve asking for RETRIEVAL_DEPTH passages when it takes a k/top_k argument."""
    params = inspect.signature(bot.retrieve).parameters
    for name in ("k", "top_k"):
        if name in params:
            return lambda q, history: bot.retrieve(q, history=history, **{name: RETRIEVAL_DEPTH})
    return lambda q, history: bot.retrieve(q, history=history)


def run_case(bot: Any, case: QACase, retrieve: Callable[..., list] | None = None) -> CaseResult:
    retrieve = retrieve or _retrieve(bot)
    history = [dict(t) for t in case.history]
    result = CaseResult(
        id=case.id,
        question=case.question,
        history=history,
        category=case.category,
        style=case.style,
        expected_route=case.expected_route,
        expected_answer=case.expected_answer,
        key_facts=[list(f) for f in case.key_facts],
        expected_sources=[asdict(s) for s in case.acceptable_sources],
    )
    try:
        start = time.perf_counter()
        hits = retrieve(case.question, history)
        result.retrieve_ms = (time.perf_counter() - start) * 1000
        result.hits = [
            {
                "doc_id": h.chunk.doc_id,
                "section": h.chunk.section,
                "score": float(h.score),
                "similarity": float(h.similarity),
                "text": h.chunk.text,
            }
            for h in hits
        ]
        start = time.perf_counter()
        reply = bot.ask(case.question, history=history)
        result.latency_ms = (time.perf_counter() - start) * 1000
    except AssistantError as exc:
        # Scored as a refusal: a red-flag case that errors counts as under-triaged.
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    result.route = reply.route
    result.answer = reply.text
    result.reasons = list(reply.reasons)
    result.citations = [
        {"n": c.n, "doc_id": c.doc_id, "section": c.section, "text": c.text, "score": c.score}
        for c in reply.citations
    ]
    return result


def run_triage_case(bot: Any, case: TriageCase) -> TriageResult:
    result = TriageResult(
        id=case.id,
        message=case.message,
        history=[dict(t) for t in case.history],
        clause=case.clause,
        split=case.split,
        expected_route=case.route,
    )
    try:
        start = time.perf_counter()
        reply = bot.ask(case.message, history=result.history)
        result.latency_ms = (time.perf_counter() - start) * 1000
    except AssistantError as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    result.route, result.reasons = reply.route, list(reply.reasons)
    return result


def _progress(items: Sequence, desc: str, enabled: bool | None) -> Iterable:
    from tqdm import tqdm

    # enabled=None: a bar on a terminal, none in CI logs.
    return tqdm(items, desc=desc, unit="q", disable=None if enabled is None else not enabled,
                file=sys.stderr, leave=False)


def evaluate(
    bot: Any,
    qa: Sequence[QACase],
    triage: Sequence[TriageCase] = (),
    progress: bool | None = None,
    desc: str = "eval",
) -> tuple[list[CaseResult], list[TriageResult]]:
    """Ask the assistant every case; the only function here that calls it."""
    retrieve = _retrieve(bot)
    results = [run_case(bot, c, retrieve) for c in _progress(qa, f"{desc} q&a", progress)]
    triaged = [run_triage_case(bot, c) for c in _progress(triage, f"{desc} triage", progress)]
    return results, triaged


# ---------------------------------------------------------------- scoring


def corpus_index(chunks: Iterable[Any]) -> dict[tuple[str, str], list[str]]:
    """(doc_id, section) -> whitespace-normalised chunk texts, for the verbatim check."""
    index: dict[tuple[str, str], list[str]] = {}
    for chunk in chunks:
        index.setdefault((chunk.doc_id, chunk.section), []).append(m.normalize_ws(chunk.text))
    return index


def fixed_wording() -> list[re.Pattern[str]]:
    """Sentences the assistant writes itself (referral lines, refusals): exempt from
    faithfulness, which is about quoting the corpus."""
    from assistant import messages

    templates = [v for k, v in vars(messages).items() if k.isupper() and isinstance(v, str)]
    return m.boilerplate_patterns(templates)


def score_cases(
    results: Sequence[CaseResult],
    corpus: Mapping[tuple[str, str], Sequence[str]],
    boilerplate: Sequence[re.Pattern[str]] = (),
) -> dict[str, list[m.Score]]:
    """Per-case scores for every Q&A metric, keyed by metric name."""
    from . import reader  # here, so `python -m assistant.evaluation.reader` runs cleanly

    gains = [
        m.relevance(
            [(h["doc_id"], h["section"]) for h in r.hits],
            [m.SourceRef(**s) for s in r.expected_sources],
        )
        if r.expected_sources
        else None
        for r in results
    ]
    cited = [{c["n"]: c["text"] for c in r.citations} for r in results]
    evidence = [" \n".join([r.answer, *(c["text"] for c in r.citations)]) for r in results]
    expected = [r.expected_route for r in results]
    got = [r.route for r in results]
    return {
        "hit@1": m.hit_at_k(gains, 1)[1],
        "hit@3": m.hit_at_k(gains, 3)[1],
        "hit@5": m.hit_at_k(gains, 5)[1],
        "mrr": m.mrr(gains)[1],
        "ndcg@5": m.ndcg_at_k(gains, [len(r.expected_sources) for r in results], 5)[1],
        "key_fact_recall": m.key_fact_recall([r.key_facts for r in results], evidence)[1],
        # What a member reads: facts stated in the answer text alone (word matcher only, so
        # the gate stays a pure function of the replies; a lower bound of the reader figure).
        "answer_fact_recall": [
            reader.facts_in_text(r.key_facts, reader.answer_text(r.answer)) if r.answer else
            (0.0 if r.key_facts else None) for r in results],
        # Diagnostic: facts present anywhere in the retrieved passages. High here but low in
        # key_fact_recall = the answer step left the right passage out; low here = retrieval.
        "context_fact_recall": m.key_fact_recall(
            [r.key_facts for r in results],
            [" \n".join(h.get("text", "") for h in r.hits) for r in results],
        )[1],
        "faithfulness": m.faithfulness([r.answer for r in results], cited, boilerplate)[1],
        "answer_words": m.answer_length([r.answer for r in results])[1],
        "cited_share": m.cited_share(
            [None if r.expected_route == "out_of_scope" else len(r.citations) for r in results]
        )[1],
        "citations_verbatim": m.citations_verbatim(
            [[(c["doc_id"], c["section"], c["text"]) for c in r.citations] for r in results],
            corpus,
        )[1],
        "markers_resolved": m.markers_resolved(
            [r.answer for r in results], [[c["n"] for c in r.citations] for r in results]
        )[1],
        "route_accuracy": m.route_accuracy(expected, got)[1],
        "under_triage": m.under_triage(expected, got)[1],
        "false_alarm_rate": m.false_alarm_rate(expected, got)[1],
        "abstention_accuracy": m.abstention_accuracy(expected, got)[1],
        "latency_ms": [r.latency_ms for r in results],
    }


def routing_summary(expected: Sequence[str], got: Sequence[str]) -> dict[str, Any]:
    return {
        "n": len(expected),
        "accuracy": m.route_accuracy(expected, got)[0],
        "labels": list(m.ROUTE_ORDER),
        "confusion": m.confusion_matrix(expected, got),
        "under_triage": m.under_triage(expected, got)[0],
        "false_alarm_rate": m.false_alarm_rate(expected, got)[0],
        "abstention_accuracy": m.abstention_accuracy(expected, got)[0],
    }


FRESH_METRICS = ("facts_in_text", "hit@3", "meta", "refused", "lists_as_bullets")


def fresh_headline(bot: Any, path: Path) -> dict[str, float | None]:
    """The reader-facing figures (`reader.py`) on questions written by independent authors,
    as `fresh_<name>` headline metrics the gate can bound."""
    from . import reader

    figures = reader.summarise(reader.measure(bot, reader.load_fresh(path)))
    return {f"fresh_{k}": figures[k] for k in FRESH_METRICS}


def headline(
    scores: Mapping[str, Sequence[m.Score]],
    triage: Sequence[TriageResult] = (),
) -> dict[str, float | None]:
    """One figure per metric over the given cases; routing also counts triage items."""
    row: dict[str, float | None] = {}
    for name in AVERAGED:
        row[name] = m.average(scores[name])
    route_ok = list(scores["route_accuracy"]) + [
        float(t.route == t.expected_route) for t in triage
    ]
    row["route_accuracy"] = m.average(route_ok)
    under = [s for s in scores["under_triage"] if s is not None] + [
        float(m.is_under_triage(t.expected_route, t.route))
        for t in triage
        if m.SEVERITY[t.expected_route] >= m.SEVERITY["professional"]
    ]
    row["under_triage"] = float(sum(under)) if under or route_ok else None
    row["false_alarm_rate"] = m.average(
        list(scores["false_alarm_rate"]) + m.false_alarm_rate(
            [t.expected_route for t in triage], [t.route for t in triage])[1]
    )
    row["abstention_accuracy"] = m.average(
        list(scores["abstention_accuracy"]) + m.abstention_accuracy(
            [t.expected_route for t in triage], [t.route for t in triage])[1]
    )
    lat = m.latency([v for v in scores["latency_ms"] if v is not None])
    row["latency_p50_ms"], row["latency_p95_ms"] = lat["p50"], lat["p95"]
    return row


def _subset(scores: Mapping[str, Sequence[m.Score]], idx: Sequence[int]) -> dict[str, list]:
    return {name: [values[i] for i in idx] for name, values in scores.items()}


def _grouped(labels: Sequence[str], scores: Mapping[str, Sequence[m.Score]]) -> dict[str, dict]:
    groups: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(label, []).append(i)
    return {
        label: {"n": len(idx), **headline(_subset(scores, idx))}
        for label, idx in sorted(groups.items())
    }


def case_failures(result: CaseResult, scores: Mapping[str, m.Score],
                  boilerplate: Sequence[re.Pattern[str]]) -> list[str]:
    """Human-readable reasons a case is not perfect, most serious first."""
    out = []
    if result.error:
        out.append(f"error: {result.error}")
    if scores["under_triage"]:
        out.append(f"UNDER-TRIAGE: expected {result.expected_route}, got {result.route}")
    elif scores["route_accuracy"] == 0.0:
        out.append(f"route: expected {result.expected_route}, got {result.route}")
    unresolved = m.unresolved_markers(result.answer, [c["n"] for c in result.citations])
    if unresolved:
        out.append(f"unresolved markers: {unresolved}")
    if scores["citations_verbatim"] is not None and scores["citations_verbatim"] < 1:
        out.append("citation text not verbatim in the section it names")
    if scores["hit@3"] == 0.0:
        got = [h["section"] for h in result.hits[:3]]
        out.append(f"retrieval miss@3: got {got}")
    if scores["key_fact_recall"] is not None and scores["key_fact_recall"] < 1:
        evidence = " \n".join([result.answer, *(c["text"] for c in result.citations)])
        missing = m.missing_facts(result.key_facts, evidence)
        out.append(f"key facts missing: {[alts[0] for alts in missing]}")
    if scores["faithfulness"] is not None and scores["faithfulness"] < 1:
        _, bad = m.unsupported_sentences(
            result.answer, {c["n"]: c["text"] for c in result.citations}, boilerplate
        )
        out.append(f"unsupported sentences: {bad[:2]}")
    if scores["cited_share"] == 0.0:
        out.append("no citation")
    return out


def _badness(case: Mapping[str, Any]) -> tuple:
    s = case["scores"]
    return (
        -(s["under_triage"] or 0),
        s["route_accuracy"] if s["route_accuracy"] is not None else 1,
        s["markers_resolved"] if s["markers_resolved"] is not None else 1,
        s["citations_verbatim"] if s["citations_verbatim"] is not None else 1,
        s["hit@3"] if s["hit@3"] is not None else 1,
        s["key_fact_recall"] if s["key_fact_recall"] is not None else 1,
        s["faithfulness"] if s["faithfulness"] is not None else 1,
        s["mrr"] if s["mrr"] is not None else 1,
    )


def summarise(
    results: Sequence[CaseResult],
    triage: Sequence[TriageResult],
    corpus: Mapping[tuple[str, str], Sequence[str]],
    boilerplate: Sequence[re.Pattern[str]] = (),
) -> dict[str, Any]:
    """All figures for one run: headline, per category and style, routing, cases."""
    scores = score_cases(results, corpus, boilerplate)
    cases = []
    for i, r in enumerate(results):
        own = {name: values[i] for name, values in scores.items()}
        cases.append({**asdict(r), "scores": own,
                      "failures": case_failures(r, own, boilerplate)})
    t_expected = [t.expected_route for t in triage]
    t_got = [t.route for t in triage]
    clauses: dict[str, list[int]] = {}
    for i, t in enumerate(triage):
        clauses.setdefault(t.clause or "(none)", []).append(i)
    triage_summary = routing_summary(t_expected, t_got) if triage else None
    if triage_summary is not None:
        triage_summary["by_clause"] = {
            clause: routing_summary([t_expected[i] for i in idx], [t_got[i] for i in idx])
            for clause, idx in sorted(clauses.items())
        }
        triage_summary["latency_ms"] = m.latency([t.latency_ms for t in triage])
    return {
        "n_cases": len(results),
        "n_triage": len(triage),
        # hit@5 / nDCG@5 can only see as many passages as retrieve() returns.
        "retrieval_depth": max((len(r.hits) for r in results), default=0),
        "headline": headline(scores, triage),
        "qa_only": headline(scores),
        "by_category": _grouped([r.category for r in results], scores),
        "by_style": _grouped([r.style for r in results], scores),
        # Emergency replies quote a fixed red-flag passage, so retrieval matters most for
        # the answer and professional rows.
        "by_expected_route": _grouped([r.expected_route for r in results], scores),
        "routing": {
            "qa": routing_summary([r.expected_route for r in results],
                                  [r.route for r in results]),
            "triage": triage_summary,
        },
        "latency_ms": {
            "ask": m.latency([r.latency_ms for r in results]),
            "retrieve": m.latency([r.retrieve_ms for r in results]),
        },
        "cases": cases,
        "worst_cases": [c["id"] for c in sorted(
            (c for c in cases if c["failures"]), key=_badness)],
        "triage_failures": [
            asdict(t) for t in triage if t.route != t.expected_route or t.error
        ],
    }


# ---------------------------------------------------------------- variants (--compare)


# `--compare extractive,llm`: the same settings with LLM answers off, and as configured.
ANSWER_MODES: dict[str, dict[str, Any]] = {"extractive": {"llm_base_url": None}, "llm": {}}


def parse_variants(spec: str) -> list[tuple[str, dict[str, Any]]]:
    """'dense,bm25,hybrid+top_k=6,chunk_max_chars=400' -> [(name, settings overrides)].

    Each comma-separated item is a retrieval mode and/or ``field=value`` settings joined
    with ``+``, or an answer mode: ``extractive`` (LLM answers off) or ``llm`` (the
    configured ASSISTANT_LLM_BASE_URL, which must be set).
    """
    variants = []
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        if item in ANSWER_MODES:
            variants.append((item, dict(ANSWER_MODES[item])))
            continue
        update: dict[str, Any] = {}
        for piece in item.split("+"):
            if "=" in piece:
                key, value = (s.strip() for s in piece.split("=", 1))
                update[key] = value
            else:
                update["retrieval_mode"] = piece.strip()
        variants.append((item, update))
    if not variants:
        raise DatasetError("--compare needs at least one variant, e.g. dense,bm25,hybrid")
    return variants


def variant_settings(base: Any, update: Mapping[str, Any], scratch: Path) -> Any:
    """Settings for one variant; a different chunking gets its own index folder."""
    from pydantic import ValidationError

    fields = type(base).model_fields
    unknown = [k for k in update if k not in fields]
    if unknown:
        raise DatasetError(f"--compare: unknown setting(s) {', '.join(unknown)}; "
                           f"known: {', '.join(fields)}")
    values = {**base.model_dump(), **update}
    if "chunk_max_chars" in update and str(update["chunk_max_chars"]) != str(
        base.chunk_max_chars
    ):
        values["data_dir"] = scratch / f"chunks-{update['chunk_max_chars']}"
    try:
        return type(base)(**values)
    except ValidationError as exc:
        raise DatasetError(f"--compare: bad setting in {dict(update)}: {exc}") from exc


# ---------------------------------------------------------------- entry point


def _project_path(relative: str) -> Path:
    """A default path relative to the working directory, else to the project root."""
    here = Path(relative)
    if here.exists():
        return here
    from assistant.settings import PROJECT_ROOT

    return PROJECT_ROOT / relative


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _display(path: Path) -> str:
    """A path relative to the project root when it lies inside it (baselines get committed)."""
    from assistant.settings import PROJECT_ROOT

    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _fresh_dir(parent: Path) -> Path:
    """parent/<timestamp>, suffixed when two runs start in the same second."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out, n = parent / stamp, 1
    while out.exists():
        n += 1
        out = parent / f"{stamp}-{n}"
    return out


ROUTING_METRICS = ("route_accuracy", "under_triage", "false_alarm_rate", "abstention_accuracy")


def _regression_reference(
    baseline: Mapping[str, Any] | None, fingerprint: Mapping[str, Any], updating: bool
) -> tuple[dict[str, Any] | None, list[str]]:
    """The baseline figures this run may be compared with, and notes on what was skipped.

    Figures are only comparable on the same data: a different Q&A file (or --limit) skips
    the regression check; a different triage file skips it for the routing figures.
    """
    if baseline is None:
        return None, []
    if updating:
        # A deliberate update replaces the old figures, so it is not a regression.
        return None, ["baseline updated; regression check skipped"]
    if baseline.get("dataset_sha256") != fingerprint["dataset_sha256"] or (
        baseline.get("limit") != fingerprint["limit"]
    ):
        return None, ["baseline was made on a different Q&A data set; regression check skipped"]
    metrics = dict(baseline.get("metrics", {}))
    if baseline.get("triage_sha256") != fingerprint["triage_sha256"]:
        for name in ROUTING_METRICS:
            metrics.pop(name, None)
        return metrics, ["triage set changed since the baseline; routing regressions skipped"]
    return metrics, []


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="assistant eval",
        description="Score the assistant on known Q&A pairs and labelled triage messages, "
        "write a report and apply the quality gate (exit 1 when it fails).",
    )
    p.add_argument("--dataset", type=Path, default=None,
                   help="Q&A JSONL file (default eval/qa.jsonl); see eval/README.md")
    p.add_argument("--triage", type=Path, default=None,
                   help="labelled triage JSONL (default eval/triage.jsonl when present)")
    p.add_argument("--no-triage", action="store_true", help="skip the triage set")
    p.add_argument("--fresh", type=Path, default=None,
                   help="reader-facing set (default eval/qa_fresh_dev.jsonl): facts in the "
                        "answer text, hit@3, meta, refused, lists as bullets")
    p.add_argument("--no-fresh", action="store_true", help="skip the reader-facing set")
    p.add_argument("--triage-split", default=None,
                   help="only triage items of this split (e.g. test)")
    p.add_argument("--compare", default=None, metavar="V1,V2,...",
                   help="variants side by side, e.g. dense,bm25,hybrid,hybrid+top_k=6,"
                   "chunk_max_chars=400; the gate checks the first")
    p.add_argument("--thresholds", type=Path, default=None,
                   help="gate config (default eval/thresholds.toml)")
    p.add_argument("--baseline", type=Path, default=None,
                   help="baseline figures (default eval/baseline.json)")
    p.add_argument("--update-baseline", action="store_true",
                   help="write this run's figures as the new baseline")
    p.add_argument("--no-gate", action="store_true", help="report only; always exit 0")
    p.add_argument("--report-dir", type=Path, default=None,
                   help="parent folder of the timestamped report (default eval/reports)")
    p.add_argument("--no-report", action="store_true", help="write no report files")
    p.add_argument("--limit", type=int, default=None, help="only the first N Q&A cases")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.add_argument("--json", action="store_true", help="print the headline figures as JSON")
    return p


def main(argv: Sequence[str] | None = None, *, bot: Any = None) -> int:
    """``assistant eval``; returns the exit status (0 pass, 1 gate failed, 2 bad input).

    ``bot``: an already loaded Assistant to evaluate instead of loading one from the
    environment's settings (used by tests; ignored with --compare).
    """
    args = build_parser().parse_args(argv)
    try:
        return _main(args, bot)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _main(args: argparse.Namespace, preloaded: Any = None) -> int:
    from assistant import Assistant
    from assistant.settings import Settings

    from . import report

    dataset = args.dataset or _project_path("eval/qa.jsonl")
    qa = load_qa(dataset)[: args.limit] if args.limit else load_qa(dataset)
    triage_path = args.triage or _project_path("eval/triage.jsonl")
    triage: list[TriageCase] = []
    if not args.no_triage and (args.triage or triage_path.is_file()):
        triage = load_triage(triage_path, args.triage_split)
    thresholds = load_thresholds(args.thresholds or _project_path("eval/thresholds.toml"))
    baseline_path = args.baseline or _project_path("eval/baseline.json")
    baseline = load_baseline(baseline_path)

    base = preloaded.settings if preloaded is not None and not args.compare else Settings()
    variants = parse_variants(args.compare) if args.compare else [(base.retrieval_mode, {})]
    if any(name == "llm" for name, _ in variants) and not base.llm_base_url:
        raise DatasetError("--compare llm needs a language model: set ASSISTANT_LLM_BASE_URL "
                           "(and ASSISTANT_LLM_MODEL) to an OpenAI-compatible server")
    boilerplate = fixed_wording()
    runs: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="assistant-eval-") as scratch:
        for name, update in variants:
            settings = variant_settings(base, update, Path(scratch)) if update else base
            bot = preloaded if preloaded is not None and not args.compare else (
                Assistant.load(settings, progress=not args.no_progress))
            corpus = corpus_index(bot.chunks())
            sections: dict[str, set[str]] = {}
            for doc_id, section in corpus:
                sections.setdefault(doc_id, set()).add(section)
            check_sources(qa, sections, dataset)
            progress = False if args.no_progress else None
            results, triaged = evaluate(bot, qa, triage, progress=progress, desc=name)
            summary = summarise(results, triaged, corpus, boilerplate)
            summary["headline"]["llm_answer_share"] = m.llm_answer_share(
                [r.route for r in results], [r.reasons for r in results]
            ) if settings.llm_base_url else None
            fresh = args.fresh or _project_path("eval/qa_fresh_dev.jsonl")
            if not args.no_fresh and not args.limit and fresh.is_file():
                summary["headline"].update(fresh_headline(bot, fresh))
            summary["settings"] = {
                k: v for k, v in settings.model_dump(mode="json").items()
                if k in ("retrieval_mode", "top_k", "candidates", "rrf_k", "min_relevance",
                         "chunk_max_chars", "max_answer_sentences", "embedding_model",
                         "embedding_backend")
            }
            runs[name] = summary

    first = next(iter(runs.values()))
    fingerprint = {
        "dataset_sha256": _sha256(dataset),
        "triage_sha256": _sha256(triage_path) if triage else None,
        "limit": args.limit,
    }
    compare_to, notes = _regression_reference(baseline, fingerprint, args.update_baseline)
    if baseline is None and not args.update_baseline:
        notes.append(f"no baseline at {baseline_path}; regression check skipped")
    failures = check(first["headline"], thresholds, compare_to)

    print(report.console_table(runs, thresholds))
    if args.json:
        print(json.dumps({name: r["headline"] for name, r in runs.items()}, indent=2))
    meta = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "dataset": _display(dataset),
        **fingerprint,
        "triage": _display(triage_path) if triage else None,
        "n_cases": len(qa),
        "n_triage": len(triage),
        "gate": {"passed": not failures, "failures": failures, "notes": notes},
    }
    if not args.no_report:
        parent = args.report_dir or _project_path("eval/reports")
        out = report.write(_fresh_dir(parent), runs, thresholds, meta)
        print(f"\nreport: {out / 'report.md'}")
    if args.update_baseline:
        baseline_path.write_text(json.dumps({
            "created": meta["created"],
            "dataset": meta["dataset"],
            **fingerprint,
            "variant": next(iter(runs)),
            "settings": first["settings"],
            "metrics": first["headline"],
        }, indent=2) + "\n", encoding="utf-8")
        print(f"baseline written: {baseline_path}")
    for note in notes:
        print(f"note: {note}")
    if failures:
        print("\nQUALITY GATE FAILED:\n  " + "\n  ".join(failures))
        return 0 if args.no_gate else 1
    print("\nquality gate passed")
    return 0
