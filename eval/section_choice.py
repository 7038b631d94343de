"""Section choice on fresh dev against two blind labellers' section labels (issue 10).

A reply's first citation should come from a section the labellers marked as answering the
question (`eval/grades/section_labels_dev_{a,b}.jsonl`; their task is
`eval/grades/section_labels_task.md`; they saw only headings, opening sentences and the
questions). Run from the repository root:

    python eval/section_choice.py [VARIANTS_JSON] [--misses]

VARIANTS_JSON patches module constants of `assistant.engine` (E) or `assistant.answer`
(A), e.g. '{"shipped": {}, "w9": {"A.HEADING_WEIGHT": 0.9}}'.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRADES = ROOT / "eval" / "grades"


def wilson(k: int, n: int, z: float = 1.96) -> str:
    p = k / n
    d = 1 + z * z / n
    c = p + z * z / (2 * n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return f"{k}/{n} {p:.3f} [{(c - h) / d:.3f}, {(c + h) / d:.3f}]"


def load_labels() -> dict[str, set[str]]:
    ids = json.loads((GRADES / "section_labels_ids.json").read_text())
    labels: dict[str, set[str]] = {}
    for name in ("a", "b"):
        for line in (GRADES / f"section_labels_dev_{name}.jsonl").read_text().splitlines():
            row = json.loads(line)
            chosen = row.get("acceptable", []) + row["best"][:1]
            labels.setdefault(row["id"], set()).update(ids[s] for s in chosen if s in ids)
    return labels


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    import assistant.answer as answer_module
    import assistant.engine as engine_module
    from assistant.engine import Assistant
    from assistant.evaluation.reader import load_fresh

    modules = {"E": engine_module, "A": answer_module}
    args = [a for a in argv if not a.startswith("--")]
    variants = json.loads(args[0]) if args else {"shipped": {}}
    labels = load_labels()
    bot = Assistant.load(progress=False)
    cases = [c for c in load_fresh(ROOT / "eval" / "qa_fresh_dev.jsonl") if labels.get(c.id)]
    for name, patch in variants.items():
        saved = []
        for dotted, value in patch.items():
            module, attr = modules[dotted.split(".")[0]], dotted.split(".")[1]
            saved.append((module, attr, getattr(module, attr)))
            setattr(module, attr, value)
        counts = {"all": [0, 0], "answer route": [0, 0]}
        misses = []
        for case in cases:
            reply = bot.ask(case.question, list(case.history))
            section = reply.citations[0].section if reply.citations else None
            ok = section in labels[case.id]
            for group in ("all", "answer route") if reply.route == "answer" else ("all",):
                counts[group][0] += ok
                counts[group][1] += 1
            if not ok:
                misses.append((case.id, reply.route, section, labels[case.id]))
        print(name, {g: wilson(k, n) for g, (k, n) in counts.items()})
        if "--misses" in argv:
            for cid, route, section, want in misses:
                print(f"  {cid} {route} | got: {(section or '-').split(' › ')[-1]} | labelled: "
                      + "; ".join(s.split(" › ")[-1] for s in want))
        for module, attr, value in saved:
            setattr(module, attr, value)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
