"""Calibrating the generated-sentence check on labelled (passage, sentence) pairs.

    python -m assistant.evaluation.grounding                       # dev pairs, misses listed
    python -m assistant.evaluation.grounding --grid                # search the two thresholds
    python -m assistant.evaluation.grounding --pairs eval/grounding/pairs_sealed.jsonl --counts-only

Independent authors wrote the pairs from corpus passages alone (`eval/grounding/README.md`).
"Precision" is the share of sentences the check lets through that really are supported:
the figure that matters, because a sentence let through is shown to a member.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from assistant.grounding import MAX_NOVELTY, MIN_SIMILARITY, polarity_flip, support_scores, unsupported_facts
from assistant.settings import PROJECT_ROOT

from .grades import wilson

FOLDER = PROJECT_ROOT / "eval" / "grounding"


def load(pairs_path: Path, passages_path: Path = FOLDER / "passages.jsonl") -> list[dict]:
    passages = {}
    for line in passages_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            passages[row["pid"]] = row["passage"]
    rows = []
    for i, line in enumerate(pairs_path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("pid") not in passages or row.get("label") not in ("supported", "unsupported"):
            raise SystemExit(f"{pairs_path}:{i}: unknown pid or label")
        rows.append({**row, "passage": passages[row["pid"]]})
    return rows


def score(rows: list[dict], embed) -> list[dict]:
    """Each pair with its facts check, novelty and similarity (one embedding call)."""
    scores = support_scores([r["sentence"] for r in rows], [r["passage"] for r in rows], embed)
    return [{**r, "facts": unsupported_facts(r["sentence"], r["passage"]), "novelty": new,
             "similarity": similar, "flip": polarity_flip(r["sentence"], stretch)}
            for r, (new, similar, stretch) in zip(rows, scores)]


def accepted(row: dict, max_novelty: float, min_similarity: float) -> bool:
    return (not row["facts"] and row["novelty"] <= max_novelty
            and row["similarity"] >= min_similarity and not row["flip"])


def figures(rows: Sequence[dict], max_novelty: float, min_similarity: float) -> dict:
    let_through = [r for r in rows if accepted(r, max_novelty, min_similarity)]
    true_pos = sum(r["label"] == "supported" for r in let_through)
    supported = sum(r["label"] == "supported" for r in rows)
    return {"pairs": len(rows), "let_through": len(let_through), "true_pos": true_pos,
            "supported": supported,
            "precision": true_pos / len(let_through) if let_through else 1.0,
            "recall": true_pos / supported if supported else 0.0}


def grid(rows: Sequence[dict], min_precision: float = 0.85) -> tuple[float, float, dict]:
    """The thresholds with the best recall whose precision is at least `min_precision`
    (precision first: a sentence let through is shown to a member, while one held back
    only costs fluency). Ties go to the stricter thresholds."""
    best = None
    for n in range(0, 61, 5):
        for s in range(30, 96):
            f = figures(rows, n / 100, s / 100)
            if f["precision"] >= min_precision and (best is None
                                                    or f["recall"] > best[2]["recall"]):
                best = (n / 100, s / 100, f)
    return best or (0.0, 1.0, figures(rows, 0.0, 1.0))


def report(rows: Sequence[dict], max_novelty: float, min_similarity: float, counts_only: bool
           ) -> str:
    f = figures(rows, max_novelty, min_similarity)
    p_lo, p_hi = wilson(f["true_pos"], f["let_through"])
    r_lo, r_hi = wilson(f["true_pos"], f["supported"])
    lines = [f"thresholds: novelty <= {max_novelty:.2f}, similarity >= {min_similarity:.2f}",
             f"pairs {f['pairs']} (supported {f['supported']}); let through {f['let_through']}",
             f"precision of 'supported' {f['precision']:.3f} [{p_lo:.3f}, {p_hi:.3f}]",
             f"recall of 'supported'    {f['recall']:.3f} [{r_lo:.3f}, {r_hi:.3f}]",
             "by kind (share let through):"]
    kinds = Counter(r["kind"] for r in rows)
    through = Counter(r["kind"] for r in rows if accepted(r, max_novelty, min_similarity))
    for kind in sorted(kinds, key=lambda k: (rows_label(rows, k), k)):
        lines.append(f"  {rows_label(rows, kind):<11} {kind:<19} {through[kind]:>3}/{kinds[kind]:<3}")
    if not counts_only:
        lines.append("misjudged:")
        for r in rows:
            if accepted(r, max_novelty, min_similarity) != (r["label"] == "supported"):
                lines.append(f"  [{r['pid']} {r['kind']}] nov={r['novelty']:.2f} "
                             f"sim={r['similarity']:.2f} facts={r['facts']} flip={r['flip']} {r['sentence']}")
    return "\n".join(lines)


def rows_label(rows: Sequence[dict], kind: str) -> str:
    return next(r["label"] for r in rows if r["kind"] == kind)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.evaluation.grounding",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, default=FOLDER / "pairs_dev.jsonl")
    parser.add_argument("--grid", action="store_true", help="search the thresholds (dev only)")
    parser.add_argument("--counts-only", action="store_true", help="figures only (sealed pairs)")
    args = parser.parse_args(argv)
    from assistant.engine import make_query_embedder
    from assistant.settings import load_settings

    embedder = make_query_embedder(load_settings())
    rows = score(load(args.pairs), embedder.embed)
    max_novelty, min_similarity = MAX_NOVELTY, MIN_SIMILARITY
    if args.grid:
        max_novelty, min_similarity, _ = grid(rows)
        print(f"grid: best recall at precision >= 0.85: novelty <= {max_novelty:.2f}, "
              f"similarity >= {min_similarity:.2f}")
    print(report(rows, max_novelty, min_similarity, args.counts_only))
    return 0


if __name__ == "__main__":
    sys.exit(main())
