"""Answering on every core: a pool of worker processes, each holding its own `Assistant`.

The web process keeps everything that must be one per server: the HTTP routes, the Gradio
chat (its sessions live in one process, so it cannot be split across uvicorn workers),
the rate limits and the feedback counts. Questions go to the pool, where each worker
answers with its own index, model and caches, so N workers use N cores and one slow
request never holds up the others.

`AnswerPool` has the methods the web code uses on an `Assistant` (`ask`, `ask_stream`,
`stats`), so `create_app` takes either. A streamed answer's drafts come back over one
queue that all workers share, tagged with the request they belong to.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .settings import Settings
from .types import Draft, Reply

log = logging.getLogger(__name__)

_bot = None  # this worker process's Assistant
_drafts = None  # the pool's queue for drafts: (request id, Draft)


def _start_worker(settings: Settings, drafts) -> None:
    global _bot, _drafts
    _drafts = drafts
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    _exit_with_parent()
    from threadpoolctl import threadpool_limits

    from .engine import Assistant

    # One core per worker: BLAS threads would only spin against the other workers.
    threadpool_limits(1)

    _bot = Assistant.load(settings, progress=False)
    _bot.watch_index(settings.index_check_seconds)


def _ask(message: str, history: list[dict[str, str]] | None) -> Reply:
    return _bot.ask(message, history)


def _ask_stream(request: int, message: str, history: list[dict[str, str]] | None) -> Reply:
    """`ask_stream` in a worker: drafts go out on the shared queue, the reply is returned."""
    for item in _bot.ask_stream(message, history):
        if isinstance(item, Draft):
            _drafts.put((request, item))
        else:
            return item
    raise RuntimeError("ask_stream ended without a reply")


def _exit_with_parent(every_s: float = 1.0) -> None:
    """Leave when the web process is gone: a server killed by a signal never shuts the pool
    down, and an orphaned worker would hold its ~350 MB for good."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(every_s)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _nap(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _stats() -> dict:
    return {**_bot.stats(), "pid": os.getpid()}


class AnswerPool:
    """`workers` processes answering questions; the index must already be built."""

    def __init__(self, settings: Settings, workers: int):
        self.settings = settings
        self.workers = workers
        self._lock = threading.Lock()
        self._context = multiprocessing.get_context("spawn")
        self._drafts = self._context.Queue()
        self._waiting: dict[int, queue.Queue] = {}  # request id -> its drafts
        self._ids = itertools.count()
        self._pool = self._new_pool()
        threading.Thread(target=self._deliver_drafts, name="drafts", daemon=True).start()

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the web process has threads (uvicorn, onnxruntime) by now.
        return ProcessPoolExecutor(self.workers, mp_context=self._context,
                                   initializer=_start_worker,
                                   initargs=(self.settings, self._drafts))

    def _deliver_drafts(self) -> None:
        while True:
            try:
                request, draft = self._drafts.get()
            except (EOFError, OSError, ValueError):  # the queue was closed
                return
            inbox = self._waiting.get(request)
            if inbox is not None:  # else its reply is already out: a late draft is moot
                inbox.put(draft)

    def warm(self, timeout: float = 300.0) -> list[int]:
        """Start every worker and wait until each has loaded its index; their pids.

        Workers start on demand and the first one ready would take every small task, so
        rounds of short naps go out until each worker has answered one."""
        deadline = time.monotonic() + timeout
        pids: set[int] = set()
        while len(pids) < self.workers and time.monotonic() < deadline:
            rounds = [self._pool.submit(_nap, 0.2) for _ in range(self.workers)]
            pids.update(f.result() for f in rounds)
        return sorted(pids)

    def _call(self, fn, *args):
        pool = self._pool
        try:
            return pool.submit(fn, *args).result()
        except BrokenProcessPool:
            # A worker died (killed, out of memory): start a fresh pool and try once more,
            # so urgent-care replies keep coming.
            log.error("an answer worker died; restarting the pool")
            with self._lock:
                if self._pool is pool:
                    self._pool = self._new_pool()
            return self._pool.submit(fn, *args).result()

    def ask(self, message: str, history: Sequence[Mapping[str, str]] | None = None) -> Reply:
        return self._call(_ask, message, None if history is None else [dict(t) for t in history])

    async def ask_async(self, message: str, history: Sequence[Mapping[str, str]] | None = None
                        ) -> Reply:
        """`ask` for the event loop: it awaits the worker's future, so a waiting request
        holds no thread (under load, handing each one to a thread cost the web process
        more than the answer cost the worker)."""
        history = None if history is None else [dict(t) for t in history]
        try:
            return await asyncio.wrap_future(self._pool.submit(_ask, message, history))
        except BrokenProcessPool:  # a worker died: `ask` restarts the pool and retries
            return await asyncio.to_thread(self.ask, message, history)

    def ask_stream(self, message: str, history: Sequence[Mapping[str, str]] | None = None
                   ) -> Iterator[Draft | Reply]:
        """Drafts as the worker sends them, then its reply (see `Assistant.ask_stream`)."""
        request, inbox = next(self._ids), queue.Queue()
        self._waiting[request] = inbox
        history = None if history is None else [dict(t) for t in history]
        try:
            self._pool.submit(_ask_stream, request, message, history).add_done_callback(inbox.put)
            while isinstance(item := inbox.get(), Draft):
                yield item
            reply = item.result()  # the worker's future, done
        except BrokenProcessPool:  # a worker died: `ask` restarts the pool and retries
            reply = self.ask(message, history)
        finally:
            self._waiting.pop(request, None)
        yield reply

    def stats(self) -> dict:
        stats = dict(self._call(_stats))
        stats.pop("pid", None)
        return stats

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._drafts.close()
