"""State every replica must agree on: rate limits and feedback counts.

With `ASSISTANT_REDIS_URL` set they live in Redis (a moving-window limiter from the
`limits` library, and one hash of vote counts), so N replicas allow one client one budget
and report one set of counts. Without it they live in this process (token buckets) and
feedback counts in `data_dir/feedback.json`, as a single server needs.

Redis failing while serving never stops an answer: the limiter lets the question through
(and logs it), since urgent-care replies matter more than the budget.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .errors import ConfigError
from .settings import Settings
from .types import ROUTES

if TYPE_CHECKING:
    from .web.transcripts import Transcripts

log = logging.getLogger(__name__)

REDIS_PREFIX = "legpress-assistant"


class Limiter(Protocol):
    def acquire(self, key: str) -> float:
        """Take one request from `key`'s budget: 0.0 if allowed, else seconds to wait."""


class FeedbackCounts(Protocol):
    def record(self, route: str, helpful: bool, message: str | None = None,
               answer: str | None = None) -> None: ...

    def counts(self) -> dict[str, dict[str, int]]: ...


class RateLimiter:
    """Token bucket per client: `per_minute` questions in a burst, refilled evenly; 0 = off."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic,
                 max_clients: int = 10_000):
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self.max_clients = max_clients
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float:
        """Take one token; return 0.0 if allowed, else the seconds until the next token."""
        if self.capacity <= 0:
            return 0.0
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                self._prune(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def _prune(self, now: float) -> None:
        # Full buckets carry no state, so dropping them keeps memory bounded.
        if len(self._buckets) > self.max_clients:
            full = now - self.capacity / self.rate
            self._buckets = {k: v for k, v in self._buckets.items() if v[1] > full}


class FileFeedback:
    """Thumbs up/down counts per route, kept in `data_dir/feedback.json`.

    What was asked and answered goes to the transcript only when transcript
    logging is switched on.
    """

    def __init__(self, settings: Settings, transcripts: Transcripts | None = None):
        self.path = Path(settings.data_dir) / "feedback.json"
        self.transcripts = transcripts
        self._lock = threading.Lock()
        self._counts = {route: {"up": 0, "down": 0} for route in ROUTES}
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            for route, votes in stored.items():
                if route in self._counts:
                    for vote in ("up", "down"):
                        self._counts[route][vote] = int(votes.get(vote, 0))
        except (OSError, ValueError, AttributeError, TypeError):
            pass

    def record(self, route: str, helpful: bool, message: str | None = None,
               answer: str | None = None) -> None:
        if route not in self._counts:
            route = "answer"
        vote = "up" if helpful else "down"
        with self._lock:
            self._counts[route][vote] += 1
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                tmp = self.path.with_suffix(".tmp")
                tmp.write_text(json.dumps(self._counts), encoding="utf-8")
                tmp.replace(self.path)
            except OSError:
                log.warning("could not save feedback counts to %s", self.path)
        if self.transcripts is not None and (message or answer):
            self.transcripts.write("feedback", route=route, helpful=helpful,
                                   message=message, answer=answer)
        log.info("feedback route=%s vote=%s", route, vote)

    def counts(self) -> dict[str, dict[str, int]]:
        with self._lock:
            return {route: dict(votes) for route, votes in self._counts.items()}


class RedisLimiter:
    """`per_minute` requests per client in any 60 seconds, counted in Redis for every replica."""

    def __init__(self, storage, name: str, per_minute: int):
        from limits import RateLimitItemPerMinute
        from limits.strategies import MovingWindowRateLimiter

        self.name = name
        self.item = RateLimitItemPerMinute(per_minute) if per_minute > 0 else None
        self.limiter = MovingWindowRateLimiter(storage)

    def acquire(self, key: str) -> float:
        if self.item is None:
            return 0.0
        try:
            if self.limiter.hit(self.item, REDIS_PREFIX, self.name, key):
                return 0.0
            reset = self.limiter.get_window_stats(self.item, REDIS_PREFIX, self.name, key).reset_time
        except Exception as exc:  # noqa: BLE001 - redis raises many connection errors
            log.error("rate limit store unavailable (%s); letting the request through",
                      type(exc).__name__)
            return 0.0
        return max(0.1, reset - time.time())


class RedisFeedback:
    """Vote counts in one Redis hash, shared by every replica."""

    def __init__(self, client, transcripts: Transcripts | None = None):
        self.client = client
        self.key = f"{REDIS_PREFIX}:feedback"
        self.transcripts = transcripts

    def record(self, route: str, helpful: bool, message: str | None = None,
               answer: str | None = None) -> None:
        if route not in ROUTES:
            route = "answer"
        vote = "up" if helpful else "down"
        self.client.hincrby(self.key, f"{route}:{vote}", 1)
        if self.transcripts is not None and (message or answer):
            self.transcripts.write("feedback", route=route, helpful=helpful,
                                   message=message, answer=answer)
        log.info("feedback route=%s vote=%s", route, vote)

    def counts(self) -> dict[str, dict[str, int]]:
        stored = self.client.hgetall(self.key)
        out = {route: {"up": 0, "down": 0} for route in ROUTES}
        for field, value in stored.items():
            route, _, vote = field.decode().partition(":")
            if route in out and vote in ("up", "down"):
                out[route][vote] = int(value)
        return out


class SharedState:
    """The limiters and feedback counts for one server, from the settings."""

    def __init__(self, settings: Settings, transcripts: Transcripts | None = None):
        per_minute = settings.rate_limit_per_minute
        if settings.redis_url:
            storage, client = _connect(settings.redis_url)
            self.asks: Limiter = RedisLimiter(storage, "ask", per_minute)
            # Votes get their own budget of the same size: one per answer is all a member needs.
            self.votes: Limiter = RedisLimiter(storage, "vote", per_minute)
            self.feedback: FeedbackCounts = RedisFeedback(client, transcripts)
        else:
            self.asks = RateLimiter(per_minute)
            self.votes = RateLimiter(per_minute)
            self.feedback = FileFeedback(settings, transcripts)


def _connect(url: str):
    """(limits storage, redis client) for `url`, or a ConfigError saying what to fix."""
    try:
        import redis
        from limits.storage import storage_from_string

        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        client.ping()
        storage = storage_from_string(url, socket_timeout=2, socket_connect_timeout=2)
    except Exception as exc:  # noqa: BLE001 - bad URL, refused connection, auth, ...
        raise ConfigError(
            f"Cannot reach Redis at ASSISTANT_REDIS_URL={_redacted(url)!r} ({type(exc).__name__}). "
            "Start Redis, fix the URL, or unset ASSISTANT_REDIS_URL to keep limits and "
            "feedback in this process.") from None
    return storage, client


def _redacted(url: str) -> str:
    """The URL without its password, for error messages and logs."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
