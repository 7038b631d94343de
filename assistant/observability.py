"""`/metrics` in the Prometheus text format, with no user text in it.

Counts of replies by route and surface, "not covered" replies, failed requests by kind,
feedback votes, a latency histogram of answered questions, and the index version this
server answers from. Pure bookkeeping under one lock; the server calls `observe` and
`failed`, and `render` at scrape time.
"""

from __future__ import annotations

import bisect
import threading
from collections import Counter
from collections.abc import Mapping

from .messages import NOT_COVERED_REASON

# Seconds; a warm question takes milliseconds, a cold or queued one up to seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class ServiceMetrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._replies: Counter[tuple[str, str]] = Counter()  # (surface, route)
        self._failures: Counter[tuple[str, str]] = Counter()  # (surface, kind)
        self._not_covered = 0
        self._buckets = [0] * (len(LATENCY_BUCKETS) + 1)
        self._latency_sum = 0.0
        self._latency_count = 0

    def observe(self, surface: str, route: str, reasons: tuple[str, ...], seconds: float) -> None:
        with self._lock:
            self._replies[(surface, route)] += 1
            if NOT_COVERED_REASON in reasons:
                self._not_covered += 1
            self._buckets[bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1
            self._latency_sum += seconds
            self._latency_count += 1

    def failed(self, surface: str, kind: str) -> None:
        with self._lock:
            self._failures[(surface, kind)] += 1

    def render(self, feedback: Mapping[str, Mapping[str, int]] | None,
               index: Mapping[str, object]) -> str:
        with self._lock:
            replies, failures = dict(self._replies), dict(self._failures)
            not_covered, buckets = self._not_covered, list(self._buckets)
            total, count = self._latency_sum, self._latency_count
        out = ["# HELP assistant_replies_total Questions answered, by surface and route.",
               "# TYPE assistant_replies_total counter"]
        out += [f'assistant_replies_total{{surface="{s}",route="{r}"}} {n}'
                for (s, r), n in sorted(replies.items())]
        out += ["# HELP assistant_not_covered_total Replies saying the guidance does not cover "
                "the question.", "# TYPE assistant_not_covered_total counter",
                f"assistant_not_covered_total {not_covered}",
                "# HELP assistant_failed_requests_total Questions refused or failed, by kind.",
                "# TYPE assistant_failed_requests_total counter"]
        out += [f'assistant_failed_requests_total{{surface="{s}",kind="{k}"}} {n}'
                for (s, k), n in sorted(failures.items())]
        out += ["# HELP assistant_ask_seconds Time to answer a question.",
                "# TYPE assistant_ask_seconds histogram"]
        running = 0
        for bound, n in zip((*LATENCY_BUCKETS, float("inf")), buckets):
            running += n
            le = "+Inf" if bound == float("inf") else repr(bound)
            out.append(f'assistant_ask_seconds_bucket{{le="{le}"}} {running}')
        out += [f"assistant_ask_seconds_sum {total:.6f}", f"assistant_ask_seconds_count {count}"]
        if feedback is not None:
            out += ["# HELP assistant_feedback_votes_total Thumbs up/down, by route.",
                    "# TYPE assistant_feedback_votes_total counter"]
            out += [f'assistant_feedback_votes_total{{route="{r}",vote="{v}"}} {n}'
                    for r, votes in sorted(feedback.items()) for v, n in sorted(votes.items())]
        out += ["# HELP assistant_index_info The index this server answers from.",
                "# TYPE assistant_index_info gauge",
                f'assistant_index_info{{version="{_label(str(index.get("index_version") or ""))}",'
                f'model="{_label(str(index.get("model") or ""))}"}} 1',
                "# HELP assistant_index_chunks Passages in the index.",
                "# TYPE assistant_index_chunks gauge",
                f"assistant_index_chunks {int(index.get('chunks') or 0)}",
                "# HELP assistant_ready 1 when the index can be read.",
                "# TYPE assistant_ready gauge",
                f"assistant_ready {1 if index.get('ready') else 0}"]
        return "\n".join(out) + "\n"
