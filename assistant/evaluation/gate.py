"""The quality gate: thresholds from one config file and regressions against a baseline."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .dataset import DatasetError

# Which way is better for each headline metric; None = informational (never gated on
# regression, e.g. answer length).
HIGHER_IS_BETTER: dict[str, bool | None] = {
    "hit@1": True,
    "hit@3": True,
    "hit@5": True,
    "mrr": True,
    "ndcg@5": True,
    "key_fact_recall": True,
    "answer_fact_recall": True,
    "context_fact_recall": True,
    "faithfulness": True,
    "answer_words": None,
    "cited_share": True,
    "citations_verbatim": True,
    "markers_resolved": True,
    "route_accuracy": True,
    "under_triage": False,
    "false_alarm_rate": False,
    "abstention_accuracy": True,
    "latency_p50_ms": False,
    "latency_p95_ms": False,
    "fresh_facts_in_text": True,
    "fresh_hit@3": True,
    "fresh_meta": False,
    "fresh_refused": False,
    "fresh_lists_as_bullets": True,
    "llm_answer_share": None,
}


@dataclass(frozen=True)
class Thresholds:
    minimum: dict[str, float] = field(default_factory=dict)
    maximum: dict[str, float] = field(default_factory=dict)
    tolerance: float = 0.02
    per_metric_tolerance: dict[str, float] = field(default_factory=dict)
    regression_metrics: tuple[str, ...] = ()

    def tolerance_for(self, metric: str) -> float:
        return self.per_metric_tolerance.get(metric, self.tolerance)


def load_thresholds(path: str | Path) -> Thresholds:
    """Read ``[minimum]``, ``[maximum]`` and ``[regression]`` from a TOML (or JSON) file."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{path}: no thresholds file; pass one with --thresholds.")
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise DatasetError(f"{path}: cannot parse thresholds: {exc}") from exc
    regression = data.get("regression", {})
    known = set(HIGHER_IS_BETTER)
    named = [
        *data.get("minimum", {}),
        *data.get("maximum", {}),
        *regression.get("metrics", []),
        *regression.get("per_metric", {}),
    ]
    unknown = sorted(set(named) - known)
    if unknown:
        raise DatasetError(
            f"{path}: unknown metric(s) {', '.join(unknown)}; known: {', '.join(HIGHER_IS_BETTER)}"
        )
    return Thresholds(
        minimum={k: float(v) for k, v in data.get("minimum", {}).items()},
        maximum={k: float(v) for k, v in data.get("maximum", {}).items()},
        tolerance=float(regression.get("tolerance", 0.02)),
        per_metric_tolerance={k: float(v) for k, v in regression.get("per_metric", {}).items()},
        regression_metrics=tuple(regression.get("metrics", ())),
    )


def load_baseline(path: str | Path) -> dict | None:
    path = Path(path)
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DatasetError(
            f"{path}: baseline is not valid JSON ({exc}); rewrite it with --update-baseline."
        ) from exc


def check(
    headline: Mapping[str, float | None],
    thresholds: Thresholds,
    baseline: Mapping[str, float | None] | None = None,
) -> list[str]:
    """Every reason the gate fails (empty list = pass)."""
    failures = []
    for metric, floor in thresholds.minimum.items():
        value = headline.get(metric)
        if value is None:
            failures.append(f"{metric} was not measured (threshold >= {floor:g})")
        elif value < floor:
            failures.append(f"{metric} = {value:.3f} is below the threshold {floor:g}")
    for metric, ceiling in thresholds.maximum.items():
        value = headline.get(metric)
        if value is None:
            failures.append(f"{metric} was not measured (threshold <= {ceiling:g})")
        elif value > ceiling:
            failures.append(f"{metric} = {value:.3f} is above the threshold {ceiling:g}")
    for metric in thresholds.regression_metrics if baseline else ():
        value, before = headline.get(metric), baseline.get(metric)
        better = HIGHER_IS_BETTER.get(metric)
        if value is None or before is None or better is None:
            continue
        drop = (before - value) if better else (value - before)
        if drop > thresholds.tolerance_for(metric) + 1e-12:
            failures.append(
                f"{metric} regressed: {value:.3f} vs baseline {before:.3f} "
                f"(tolerance {thresholds.tolerance_for(metric):g})"
            )
    return failures
