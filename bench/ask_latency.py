"""Warm `ask` latency over the fresh dev questions, to compare two checkouts on one machine.

    python bench/ask_latency.py [label]

Run it alternately in two checkouts (e.g. `git worktree add ../before <commit>`, then
`cd ../before && python /path/to/bench/ask_latency.py before`) so both see the same load;
compare medians from the same session. Each run: one warm-up pass, then two timed passes.
"""

import json
import statistics
import sys
import time
from pathlib import Path

from assistant.engine import Assistant

QUESTIONS = Path(__file__).resolve().parents[1] / "eval" / "qa_fresh_dev.jsonl"


def main() -> None:
    bot = Assistant.load(progress=False)
    cases = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]
    for c in cases:
        bot.ask(c["question"], c["history"])
    times = []
    for _ in range(2):
        for c in cases:
            t = time.perf_counter()
            bot.ask(c["question"], c["history"])
            times.append((time.perf_counter() - t) * 1e3)
    times.sort()
    label = sys.argv[1] if len(sys.argv) > 1 else "this checkout"
    print(f"{label}: warm ask p50 {statistics.median(times):.2f} ms, "
          f"p95 {times[int(0.95 * len(times))]:.2f} ms over {len(times)} asks")


if __name__ == "__main__":
    main()
