"""`Assistant.ask` from many threads at once (the server has no global lock any more)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from conftest import essentials

from assistant.concurrency import ReadWriteLock
from assistant.embeddings import CachedEmbedder

QUESTIONS = [
    "Should I lock my knees at the top of the leg press?",
    "how deep should i go on leg press without my back rounding",
    "I get pins and needles in my right foot during leg press, why?",
    "I can't feel my groin and I've wet myself after leg day",
    "What's a good warm-up before leg press?",
    "Which exercises are easier on the back than the leg press?",
    "Is it DOMS or an injury if my lower back aches two days later?",
    "What is the capital of France?",
]



def test_concurrent_questions_get_the_same_replies_as_serial_ones(bot):
    expected = {q: essentials(bot.ask(q)) for q in QUESTIONS}
    # Distinct wordings so the query cache misses too, then the same ones again (hits).
    asked = [q for _ in range(6) for q in QUESTIONS]
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(bot.ask, asked))
    for question, reply in zip(asked, replies):
        assert essentials(reply) == expected[question], question


def test_a_refresh_while_questions_run_never_mixes_two_indexes(bot):
    expected = {q: essentials(bot.ask(q)) for q in QUESTIONS}
    stop = threading.Event()
    refreshes = []

    def keep_refreshing():
        while not stop.is_set():
            bot.refresh()
            refreshes.append(1)

    refresher = threading.Thread(target=keep_refreshing)
    refresher.start()
    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            replies = list(pool.map(bot.ask, QUESTIONS * 4))
    finally:
        stop.set()
        refresher.join(timeout=60)
    assert refreshes, "the refresh never ran alongside the questions"
    for question, reply in zip(QUESTIONS * 4, replies):
        assert essentials(reply) == expected[question], question


def test_cached_embedder_is_consistent_under_threads():
    class Counting:
        name = "counting"

        def embed(self, texts):
            import numpy as np

            time.sleep(0.001)  # let other threads in between lookup and insert
            return np.array([[float(len(t)), 1.0] for t in texts], dtype=np.float32)

    cache = CachedEmbedder(Counting(), size=16)  # small: evictions race with lookups
    texts = [f"question {i}" * (i % 5 + 1) for i in range(64)]

    def work(i):
        batch = [texts[(i + k) % len(texts)] for k in range(3)]
        rows = cache.embed(batch)
        return all(rows[k][0] == len(batch[k]) for k in range(3))

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(work, range(400)))
    assert len(cache._cache) <= 16


def test_read_write_lock_lets_readers_share_and_a_writer_in():
    lock = ReadWriteLock()
    inside, most, seen_by_writer = [0], [0], []
    guard = threading.Lock()

    def reader():
        with lock.reading():
            with guard:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.02)
            with guard:
                inside[0] -= 1

    def writer():
        with lock.writing():
            with guard:
                seen_by_writer.append(inside[0])
            time.sleep(0.01)

    threads = [threading.Thread(target=reader) for _ in range(6)]
    threads += [threading.Thread(target=writer)]
    threads += [threading.Thread(target=reader) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
        assert not t.is_alive()
    assert seen_by_writer == [0]  # no reader inside while the writer held it
    assert most[0] > 1  # readers really ran side by side
