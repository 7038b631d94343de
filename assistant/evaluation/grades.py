"""Blind grades (eval/GRADING.md) summarised per set and code version: counts only.

    python -m assistant.evaluation.grades [--grades eval/grades/final_grades.jsonl]
                                          [--key eval/grades/final_key.jsonl]

Prints, per (set, version): mean grade with a 95% interval, share graded 4 or 5 (Wilson
interval), share with filler, share with meta; then the paired change per question.
Nothing item by item, so it is safe to run on the sealed half.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

EVAL = Path(__file__).resolve().parents[2] / "eval"
ORDER = ("before", "after", "after1", "after2", "after3", "final")  # how versions are compared


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if not n:
        return (float("nan"), float("nan"))
    p = k / n
    d = 1 + z * z / n
    c = p + z * z / (2 * n)
    r = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return ((c - r) / d, (c + r) / d)


def summarise(grades: Sequence[dict], key: dict[str, dict]) -> list[dict]:
    """One row per (set, version): n, mean, its 95% half-width, >=4 share and interval, filler, meta."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for g in grades:
        k = key[g["gid"]]
        groups[(k["set"], k["version"])].append(g)
    rows = []
    for (name, version), gs in sorted(groups.items()):
        values = [int(g["grade"]) for g in gs]
        n = len(values)
        mean = sum(values) / n
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0
        good = sum(v >= 4 for v in values)
        rows.append({"set": name, "version": version, "n": n, "mean": mean,
                     "mean_ci": 1.96 * sd / math.sqrt(n), "good": good / n, "good_ci": wilson(good, n),
                     "filler": sum(bool(g.get("filler")) for g in gs) / n,
                     "meta": sum(bool(g.get("meta")) for g in gs) / n,
                     "grades": [values.count(i) for i in range(1, 6)]})
    return rows


def paired(grades: Sequence[dict], key: dict[str, dict], a: str = "before", b: str = "after"
           ) -> dict[str, dict[str, float]]:
    """Per set: mean change from version `a` to `b` on the same question, and how many moved."""
    by_q: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for g in grades:
        k = key[g["gid"]]
        by_q[(k["set"], k["id"])][k["version"]] = int(g["grade"])
    out: dict[str, dict[str, float]] = {}
    for name in sorted({s for s, _ in by_q}):
        diffs = [v[b] - v[a] for (s, _), v in by_q.items() if s == name and a in v and b in v]
        if diffs:
            out[name] = {"n": len(diffs), "mean_change": sum(diffs) / len(diffs),
                         "better": sum(d > 0 for d in diffs), "worse": sum(d < 0 for d in diffs)}
    return out


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.evaluation.grades",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--grades", type=Path, default=EVAL / "grades" / "final_grades.jsonl")
    parser.add_argument("--key", type=Path, default=EVAL / "grades" / "final_key.jsonl")
    args = parser.parse_args(argv)
    grades, key = _read(args.grades), {k["gid"]: k for k in _read(args.key)}
    print(f"{'set':<8}{'version':<8}{'n':>4}  {'mean':>12}  {'graded 4-5':>22}  {'filler':>7}  {'meta':>6}"
          "  grades 1..5")
    for r in summarise(grades, key):
        lo, hi = r["good_ci"]
        print(f"{r['set']:<8}{r['version']:<8}{r['n']:>4}  {r['mean']:>5.2f} ± {r['mean_ci']:.2f}"
              f"  {r['good']:>6.1%} [{lo:.1%}, {hi:.1%}]  {r['filler']:>6.1%}  {r['meta']:>5.1%}"
              f"  {r['grades']}")
    versions = sorted({k["version"] for k in key.values()},
                      key=lambda v: (ORDER.index(v) if v in ORDER else len(ORDER), v))
    for i, a in enumerate(versions):
        for b in versions[i + 1:]:
            for name, p in paired(grades, key, a, b).items():
                print(f"{name}: {a} -> {b}: paired change {p['mean_change']:+.2f} over {p['n']} "
                      f"questions ({p['better']} better, {p['worse']} worse)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
