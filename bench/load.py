"""The HTTP server under concurrent load over loopback.

`assistant serve` runs in its own process on 127.0.0.1 with rate limiting off; this
process drives POST /api/ask with N concurrent aiohttp clients, each level bounded both in
requests and in seconds. Every message is distinct (question × polite prefix/suffix), so
the server's query-vector cache never answers for it: these are cache-miss figures.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .common import Summary, assistant_command, child_env, rss_mb

PREFIXES = ("", "Hi, ", "Quick question: ", "Hello! ", "Sorry to bother you, ", "Coach, ")
SUFFIXES = ("", " Thanks.", " Cheers!", " Any tips?")


def distinct_messages(questions: Sequence[str]) -> Iterator[str]:
    """Every question in every wording variant, then round again (24 variants each)."""
    variants = [p + q + s for p, s in itertools.product(PREFIXES, SUFFIXES) for q in questions]
    return itertools.cycle(variants)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class LevelResult:
    clients: int
    requests: int
    errors: int
    seconds: float
    latency: Summary
    error_kinds: dict[str, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


class Server:
    """`assistant serve --port P` in a subprocess, logging to a file."""

    def __init__(self, data_dir: Path, log_file: Path, port: int | None = None):
        self.port = port or free_port()
        self.data_dir = data_dir
        self.log_file = log_file
        self.proc: subprocess.Popen | None = None
        self.startup_s = float("nan")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 180.0) -> None:
        import httpx

        env = child_env(ASSISTANT_DATA_DIR=str(self.data_dir), ASSISTANT_HOST="127.0.0.1",
                        ASSISTANT_RATE_LIMIT_PER_MINUTE="0")
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_file.open("w")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [*assistant_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}; "
                                   f"see {self.log_file}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1.0).status_code == 200:
                    self.startup_s = time.perf_counter() - t0
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server was not ready within {timeout:.0f} s; see {self.log_file}")

    def rss_mb(self) -> tuple[float, float]:
        return rss_mb(self.proc.pid)

    def worker_rss_mb(self) -> list[float]:
        """Current RSS of each answer worker (the server's child processes), in MB."""
        pid = self.proc.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        out = []
        for child in children:
            try:
                out.append(rss_mb(int(child))[0])
            except OSError:
                continue
        return out

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


async def _drive(url: str, clients: int, max_requests: int, max_seconds: float,
                 messages: Iterator[str]) -> LevelResult:
    """N clients over keep-alive connections, with aiohttp. The load generator shares the
    2 cores with the server: httpx's client took 2-4 ms of CPU per request at 50 clients
    (aiohttp's about 0.6), in bursts that took a core's worth from the server, so p99 went
    from ~0.35 s to ~1.7 s in about one level in three (measured 2026-12-02)."""
    import aiohttp

    latencies: list[float] = []
    errors: dict[str, int] = {}
    sent = 0
    connector = aiohttp.TCPConnector(limit=clients, force_close=False)
    timeout = aiohttp.ClientTimeout(total=30.0)
    async with aiohttp.ClientSession(base_url=url, connector=connector, timeout=timeout) as client:
        start = time.perf_counter()
        deadline = start + max_seconds

        async def worker() -> None:
            nonlocal sent
            while sent < max_requests and time.perf_counter() < deadline:
                sent += 1
                t0 = time.perf_counter()
                try:
                    async with client.post("/api/ask", json={"message": next(messages),
                                                             "history": []}) as response:
                        await response.read()
                        kind = None if response.status == 200 else f"HTTP {response.status}"
                except (TimeoutError, aiohttp.ClientError) as exc:
                    kind = type(exc).__name__
                latencies.append((time.perf_counter() - t0) * 1e3)
                if kind:
                    errors[kind] = errors.get(kind, 0) + 1

        await asyncio.gather(*(worker() for _ in range(clients)))
        seconds = time.perf_counter() - start
    return LevelResult(clients, len(latencies), sum(errors.values()), seconds,
                       Summary.of(latencies), errors)


def run_level(url: str, clients: int, max_requests: int, max_seconds: float,
              messages: Iterator[str]) -> LevelResult:
    return asyncio.run(_drive(url, clients, max_requests, max_seconds, messages))
