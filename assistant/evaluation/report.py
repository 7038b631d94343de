"""Write an evaluation run as report.json, a readable report.md and PNG plots."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .gate import HIGHER_IS_BETTER, Thresholds

HEADLINE_ORDER = tuple(HIGHER_IS_BETTER)
LABELS = {
    "hit@1": "retrieval hit@1",
    "hit@3": "retrieval hit@3",
    "hit@5": "retrieval hit@5",
    "mrr": "retrieval MRR",
    "ndcg@5": "retrieval nDCG@5",
    "key_fact_recall": "key-fact recall (answer + cited passages)",
    "answer_fact_recall": "key facts in the answer text",
    "context_fact_recall": "key facts in retrieved passages",
    "faithfulness": "faithfulness (sentences in cited text)",
    "answer_words": "answer length (words)",
    "cited_share": "answers with >=1 citation",
    "citations_verbatim": "citations verbatim in corpus",
    "markers_resolved": "[n] markers resolved",
    "route_accuracy": "route accuracy",
    "under_triage": "under-triage (count)",
    "false_alarm_rate": "false-alarm rate",
    "abstention_accuracy": "abstention accuracy (out of scope)",
    "latency_p50_ms": "latency p50 (ms)",
    "latency_p95_ms": "latency p95 (ms)",
    "fresh_facts_in_text": "fresh set: key facts in answer text",
    "fresh_hit@3": "fresh set: a top-3 passage states a fact",
    "fresh_meta": "fresh set: replies talking about sources",
    "fresh_refused": "fresh set: on-topic questions refused",
    "fresh_lists_as_bullets": "fresh set: list questions as bullets",
    "llm_answer_share": "answers written by the LLM (checked)",
}
GROUP_COLUMNS = ("n", "hit@1", "hit@3", "mrr", "ndcg@5", "key_fact_recall",
                 "context_fact_recall", "faithfulness",
                 "cited_share", "citations_verbatim", "markers_resolved", "route_accuracy",
                 "under_triage", "answer_words", "latency_p50_ms")
PLOT_METRICS = ("hit@3", "mrr", "key_fact_recall", "faithfulness", "route_accuracy")
WORST_SHOWN = 15


def fmt(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    if metric in ("n", "under_triage"):
        return f"{value:.0f}"
    if metric.endswith("_ms") or metric == "answer_words":
        return f"{value:.1f}"
    return f"{value:.3f}"


def threshold_text(metric: str, thresholds: Thresholds | None) -> str:
    if thresholds is None:
        return ""
    if metric in thresholds.minimum:
        return f">= {thresholds.minimum[metric]:g}"
    if metric in thresholds.maximum:
        return f"<= {thresholds.maximum[metric]:g}"
    return ""


def passes(metric: str, value: float | None, thresholds: Thresholds | None) -> str:
    if thresholds is None or value is None:
        return ""
    if metric in thresholds.minimum:
        return "ok" if value >= thresholds.minimum[metric] else "FAIL"
    if metric in thresholds.maximum:
        return "ok" if value <= thresholds.maximum[metric] else "FAIL"
    return ""


def headline_rows(runs: Mapping[str, Mapping[str, Any]], thresholds: Thresholds | None
                  ) -> tuple[list[str], list[list[str]]]:
    """(header, rows): one row per metric, one column per variant, then the gate."""
    names = list(runs)
    header = ["metric", *names, "threshold", "gate"]
    rows = []
    for metric in HEADLINE_ORDER:
        values = [runs[n]["headline"].get(metric) for n in names]
        rows.append([LABELS[metric], *(fmt(metric, v) for v in values),
                     threshold_text(metric, thresholds), passes(metric, values[0], thresholds)])
    return header, rows


def console_table(runs: Mapping[str, Mapping[str, Any]], thresholds: Thresholds | None) -> str:
    header, rows = headline_rows(runs, thresholds)
    first = next(iter(runs.values()))
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "  ".join(  # noqa: E731
        str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(
            zip(cells, widths, strict=True)))
    out = [f"{first['n_cases']} Q&A cases, {first['n_triage']} triage messages",
           line(header), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    return "\n".join(out)


def md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in header) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def group_table(groups: Mapping[str, Mapping[str, Any]]) -> str:
    header = ["group", *GROUP_COLUMNS]
    rows = [[label, *(fmt(c, row.get(c)) for c in GROUP_COLUMNS)]
            for label, row in groups.items()]
    return md_table(header, rows)


def confusion_table(routing: Mapping[str, Any]) -> str:
    labels = routing["labels"]
    header = ["expected \\ got", *labels]
    rows = [[label, *row] for label, row in zip(labels, routing["confusion"], strict=True)]
    return md_table(header, rows)


def _short(text: str, limit: int = 400) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def worst_cases_md(summary: Mapping[str, Any], limit: int = WORST_SHOWN) -> str:
    by_id = {c["id"]: c for c in summary["cases"]}
    worst = summary["worst_cases"]
    if not worst:
        return "No failing cases."
    parts = [f"{len(worst)} case(s) fall short somewhere; the {min(limit, len(worst))} "
             "worst (under-triage, then routing, citations, retrieval, key facts):"]
    for case_id in worst[:limit]:
        c = by_id[case_id]
        sources = "; ".join(f"{s['doc_id']}: {s['section']}" for s in c["expected_sources"])
        hits = "; ".join(f"{h['section']} ({h['similarity']:.2f})" for h in c["hits"][:3])
        history = " / ".join(t["content"] for t in c["history"] if t["role"] == "user")
        lines = [
            f"### {c['id']} ({c['category']}, {c['style']})",
            f"- **question**: {_short(c['question'])}",
            *([f"- **history (user turns)**: {_short(history)}"] if history else []),
            f"- **expected**: route `{c['expected_route']}`; {_short(c['expected_answer'])}",
            f"- **expected source**: {sources or '(none: out of scope)'}",
            f"- **got**: route `{c['route']}`; {_short(c['answer'])}",
            f"- **top hits**: {hits or '(none)'}",
            f"- **why**: {'; '.join(c['failures'])}",
        ]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def markdown(runs: Mapping[str, Mapping[str, Any]], thresholds: Thresholds | None,
             meta: Mapping[str, Any], figures: Sequence[str]) -> str:
    name, first = next(iter(runs.items()))
    gate = meta.get("gate", {})
    status = "PASSED" if gate.get("passed") else "FAILED"
    out = [
        "# Evaluation report",
        "",
        f"- created: {meta.get('created')}",
        f"- data set: `{meta.get('dataset')}` ({first['n_cases']} Q&A cases); triage: "
        f"`{meta.get('triage')}` ({first['n_triage']} messages)",
        f"- settings ({name}): "
        + ", ".join(f"{k}={v}" for k, v in first.get("settings", {}).items()),
        f"- quality gate: **{status}**"
        + "".join(f"\n  - {f}" for f in gate.get("failures", []))
        + "".join(f"\n  - note: {n}" for n in gate.get("notes", [])),
        "",
        "## Headline" + (" (variants side by side; the gate checks the first)"
                         if len(runs) > 1 else ""),
        "",
        md_table(*headline_rows(runs, thresholds)),
        "",
        "Routing figures count the Q&A cases and the triage messages together; "
        "retrieval, answer and citation figures are over the Q&A cases."
        + (f" retrieve() returned at most {first['retrieval_depth']} passages, so hit@5 and "
           f"nDCG@5 only see the top {first['retrieval_depth']}."
           if 0 < first.get("retrieval_depth", 5) < 5 else ""),
        "",
        f"## By category ({name})",
        "",
        group_table(first["by_category"]),
        "",
        f"## By style ({name})",
        "",
        group_table(first["by_style"]),
        "",
        f"## By expected route ({name})",
        "",
        "Emergency replies quote the fixed red-flag passage, so retrieval figures matter "
        "most on the answer and professional rows.",
        "",
        group_table(first["by_expected_route"]),
        "",
        "## Routing",
        "",
        f"Q&A cases (accuracy {fmt('', first['routing']['qa']['accuracy'])}, "
        f"under-triage {first['routing']['qa']['under_triage']}):",
        "",
        confusion_table(first["routing"]["qa"]),
    ]
    triage = first["routing"].get("triage")
    if triage:
        out += [
            "",
            f"Triage messages (accuracy {fmt('', triage['accuracy'])}, under-triage "
            f"{triage['under_triage']}, false alarms {fmt('', triage['false_alarm_rate'])}, "
            f"abstention {fmt('', triage['abstention_accuracy'])}):",
            "",
            confusion_table(triage),
            "",
            md_table(["clause", "n", "accuracy", "under-triage", "false alarms"], [
                [clause, s["n"], fmt("", s["accuracy"]), s["under_triage"],
                 fmt("", s["false_alarm_rate"])]
                for clause, s in triage["by_clause"].items()
            ]),
        ]
        if first["triage_failures"]:
            out += ["", "Misrouted triage messages:", ""]
            out += [
                f"- `{t['id']}` ({t['clause']}): expected `{t['expected_route']}`, got "
                f"`{t['route']}` — {_short(t['message'], 200)}"
                for t in first["triage_failures"][:40]
            ]
    out += ["", "## Worst cases", "", worst_cases_md(first), "", "## Figures", ""]
    out += [f"![{f}]({f})" for f in figures]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- plots


def _plot_groups(groups: Mapping[str, Mapping[str, Any]], title: str, path: Path) -> None:
    import matplotlib.pyplot as plt
    import numpy as np

    labels = list(groups)
    y = np.arange(len(labels))
    height = 0.8 / len(PLOT_METRICS)
    fig, ax = plt.subplots(figsize=(11, 0.55 * len(labels) * len(PLOT_METRICS) / 3 + 1.5))
    for i, metric in enumerate(PLOT_METRICS):
        values = [groups[g].get(metric) for g in labels]
        ax.barh(y + i * height, [v if v is not None else 0 for v in values], height,
                label=metric)
    ax.set_yticks(y + height * (len(PLOT_METRICS) - 1) / 2,
                  [f"{g} (n={groups[g]['n']})" for g in labels])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.05)
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _plot_confusion(routings: Mapping[str, Mapping[str, Any]], path: Path) -> None:
    import matplotlib.pyplot as plt
    import numpy as np

    fig, axes = plt.subplots(1, len(routings), figsize=(5.2 * len(routings), 4.6),
                             squeeze=False)
    for ax, (title, routing) in zip(axes[0], routings.items(), strict=True):
        matrix = np.array(routing["confusion"])
        labels = routing["labels"]
        ax.imshow(matrix, cmap="Blues")
        for (i, j), count in np.ndenumerate(matrix):
            ax.text(j, i, str(count), ha="center", va="center",
                    color="white" if count > matrix.max() / 2 else "black")
        ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xlabel("got")
        ax.set_ylabel("expected")
        ax.set_title(f"{title} (n={routing['n']})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _plot_latency(runs: Mapping[str, Mapping[str, Any]], path: Path) -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for name, summary in runs.items():
        values = [c["latency_ms"] for c in summary["cases"] if not c["error"]]
        if values:
            ax.hist(values, bins=30, alpha=0.5 if len(runs) > 1 else 0.9, label=name)
    first = next(iter(runs.values()))["headline"]
    for q in ("latency_p50_ms", "latency_p95_ms"):
        if first.get(q) is not None:
            ax.axvline(first[q], linestyle="--", color="black", linewidth=0.8)
            ax.text(first[q], ax.get_ylim()[1] * 0.95, q.split("_")[1], rotation=90,
                    va="top", ha="right", fontsize="small")
    ax.set_xlabel("latency per question (ms)")
    ax.set_ylabel("questions")
    ax.set_title("Latency of ask()")
    if len(runs) > 1:
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _plot_compare(runs: Mapping[str, Mapping[str, Any]], path: Path) -> None:
    import matplotlib.pyplot as plt
    import numpy as np

    metrics = ("hit@1", "hit@3", "hit@5", "mrr", "ndcg@5", "key_fact_recall", "faithfulness")
    x = np.arange(len(metrics))
    width = 0.8 / len(runs)
    fig, ax = plt.subplots(figsize=(10, 5))
    for i, (name, summary) in enumerate(runs.items()):
        ax.bar(x + i * width, [summary["headline"].get(m) or 0 for m in metrics], width,
               label=name)
    ax.set_xticks(x + width * (len(runs) - 1) / 2, metrics)
    ax.set_ylim(0, 1.05)
    ax.set_title("Variants compared")
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.1),
              ncol=min(len(runs), 3))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plots(runs: Mapping[str, Mapping[str, Any]], out: Path) -> list[str]:
    """Write the PNG figures; returns their file names."""
    import matplotlib

    matplotlib.use("Agg")
    first = next(iter(runs.values()))
    written = []
    _plot_groups(first["by_category"], "Metrics by category", out / "metrics_by_category.png")
    _plot_groups(first["by_style"], "Metrics by style", out / "metrics_by_style.png")
    written += ["metrics_by_category.png", "metrics_by_style.png"]
    routings = {"Q&A cases": first["routing"]["qa"]}
    if first["routing"].get("triage"):
        routings["triage messages"] = first["routing"]["triage"]
    _plot_confusion(routings, out / "confusion_matrix.png")
    _plot_latency(runs, out / "latency_hist.png")
    written += ["confusion_matrix.png", "latency_hist.png"]
    if len(runs) > 1:
        _plot_compare(runs, out / "compare.png")
        written.append("compare.png")
    return written


def write(out: Path, runs: Mapping[str, Mapping[str, Any]], thresholds: Thresholds | None,
          meta: Mapping[str, Any]) -> Path:
    """Write report.json, report.md and the plots into ``out``; returns ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    figures = plots(runs, out)
    (out / "report.json").write_text(
        json.dumps({"meta": dict(meta), "variants": runs}, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    (out / "report.md").write_text(markdown(runs, thresholds, meta, figures), encoding="utf-8")
    return out
