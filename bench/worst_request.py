"""CPU cost of the most expensive question the API accepts, against the ~50 ms target.

    python -m bench.worst_request [--repeat 20]

The worst request: a message at the length limit and a full history (the most turns, each
at a turn's own limit of 10x a message), all packed with symptom, negation and red-flag
words, the text the safety layer's scans work hardest on. Reported as the median process
CPU time per `ask` (so other load on a shared machine matters less than wall time would).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time

from assistant.engine import Assistant
from assistant.question import HISTORY_CHARS_FACTOR

WORDS = ("no numbness but not tingling never numb without pins and needles, my leg is not "
         "weak, no bladder or bowel trouble, saddle not numb, can't feel my foot? not sure, "
         "pain down the leg below the knee, ")
TARGET_MS = 50.0


def packed(chars: int) -> str:
    return "".join(itertools.islice(itertools.cycle(WORDS), chars))


def worst_request(max_chars: int, max_turns: int) -> tuple[str, list[dict[str, str]]]:
    turn = max_chars * HISTORY_CHARS_FACTOR
    history = [{"role": ("user", "assistant")[i % 2], "content": packed(turn)}
               for i in range(max_turns)]
    return packed(max_chars), history


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.worst_request")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    bot = Assistant.load(progress=False)
    message, history = worst_request(bot.settings.max_message_chars,
                                     bot.settings.max_history_turns)
    bot.ask("how do I warm up?")  # warm
    cpu, wall = [], []
    for _ in range(args.repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        reply = bot.ask(message, history)
        cpu.append((time.process_time() - c0) * 1e3)
        wall.append((time.perf_counter() - w0) * 1e3)
    size = len(message) + sum(len(t["content"]) for t in history)
    median = statistics.median(cpu)
    print(f"worst request ({size:,} characters, {len(history)} turns, route {reply.route}): "
          f"CPU median {median:.1f} ms, max {max(cpu):.1f} ms; wall median "
          f"{statistics.median(wall):.1f} ms over {args.repeat} asks; target ≤ {TARGET_MS:.0f} "
          f"ms CPU: {'pass' if median <= TARGET_MS else 'MISSED'}")
    return 0 if median <= TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
