"""Replicas that stay in step: one rate limit and one set of feedback counts across app
processes (a real Redis), and a re-index made through one replica answered by the other
(a real `chroma run` server) without a restart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import free_port

from assistant.errors import ConfigError
from assistant.settings import Settings
from assistant.shared_state import RedisLimiter, SharedState

pytestmark = pytest.mark.server

NEW_GUIDANCE = """---
title: Leg press seat hygiene
sources: [Gym cleaning policy]
reviewed: 2026-12-01
---
# Leg press seat hygiene

## How do I clean the leg press seat and back pad?

Spray the back pad and the seat with the gym's disinfectant and wipe them with a paper
towel after your last set. Let the pad dry for a minute before the next member sits down.
"""
NEW_QUESTION = "How do I clean the leg press seat and back pad after my sets?"


def test_redis_limit_and_counts_are_shared_between_two_servers_state(redis_url, tmp_path):
    settings = Settings(data_dir=tmp_path, redis_url=redis_url, rate_limit_per_minute=3)
    first, second = SharedState(settings), SharedState(settings)
    allowed = [state.asks.acquire("203.0.113.9") == 0 for state in (first, second) * 3]
    assert allowed == [True, True, True, False, False, False]
    assert 0 < second.asks.acquire("203.0.113.9") <= 60  # seconds to wait, for Retry-After
    assert first.asks.acquire("198.51.100.7") == 0  # other clients keep their own budget
    first.feedback.record("emergency", True)
    second.feedback.record("emergency", False)
    second.feedback.record("answer", True)
    assert first.feedback.counts() == second.feedback.counts()
    assert first.feedback.counts()["emergency"] == {"up": 1, "down": 1}


def test_an_unreachable_redis_is_a_clear_start_error(tmp_path):
    settings = Settings(data_dir=tmp_path, redis_url=f"redis://:secret@127.0.0.1:{free_port()}/0")
    with pytest.raises(ConfigError, match="Cannot reach Redis") as info:
        SharedState(settings)
    assert "secret" not in str(info.value)


def test_a_redis_outage_while_serving_lets_questions_through(redis_url):
    from limits.storage import storage_from_string

    dead = storage_from_string(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=0.5)
    assert RedisLimiter(dead, "ask", 1).acquire("c") == 0  # answers matter more than budgets


# --- two real app processes ------------------------------------------------------------


def _call(url: str, body: dict | None = None) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


class Replica:
    def __init__(self, env: dict[str, str], log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "serve", "--port", str(self.port), "--workers", "1"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, Path(self.log.name).read_text()[-3000:]
            try:
                if _call(self.url + "/healthz")[1].get("ready"):
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"replica on {self.port} not ready in {timeout} s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def test_two_replicas_share_limits_counts_and_a_reindex(chroma_port, redis_url, tmp_path):
    import redis

    redis.Redis.from_url(redis_url).flushdb()  # nothing left from the tests above
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(chroma_port),
               ASSISTANT_COLLECTION=f"replicas-{chroma_port}", ASSISTANT_REDIS_URL=redis_url,
               ASSISTANT_RATE_LIMIT_PER_MINUTE="6", ASSISTANT_INDEX_CHECK_SECONDS="1",
               HF_HUB_OFFLINE="1")
    replicas = []
    try:
        for name in ("a", "b"):  # b starts once a has built the shared index
            replica = Replica({**env, "ASSISTANT_DATA_DIR": str(tmp_path / name)},
                              tmp_path / f"{name}.log")
            replicas.append(replica)
            replica.wait_ready()
        a, b = replicas

        # One budget for this client across both replicas: 6 answers, then 429s.
        statuses = [_call(r.url + "/api/ask", {"message": "How deep should I go?"})[0]
                    for r in (a, b) * 4]
        assert statuses.count(200) == 6 and statuses.count(429) == 2, statuses

        # One set of feedback counts.
        assert _call(a.url + "/api/feedback", {"helpful": True, "route": "answer"})[0] == 200
        assert _call(b.url + "/api/feedback", {"helpful": False, "route": "answer"})[0] == 200
        assert _call(a.url + "/api/feedback")[1] == _call(b.url + "/api/feedback")[1]
        assert _call(b.url + "/api/feedback")[1]["answer"] == {"up": 1, "down": 1}

        # A re-index through replica a's environment; b answers from it without a restart.
        extra = tmp_path / "gym-guidance"
        extra.mkdir()
        (extra / "seat-hygiene.md").write_text(NEW_GUIDANCE, encoding="utf-8")
        ingest = subprocess.run(
            [sys.executable, "-m", "assistant", "ingest"],
            env={**env, "ASSISTANT_DATA_DIR": str(tmp_path / "a"),
                 "ASSISTANT_EXTRA_CORPUS_DIRS": str(extra)},
            capture_output=True, text=True, timeout=600)
        assert ingest.returncode == 0, ingest.stderr[-2000:]
        deadline = time.monotonic() + 60
        while True:
            status, reply = _call(b.url + "/api/ask", {"message": NEW_QUESTION})
            if status == 429:
                time.sleep(2)
            elif any(c["doc_id"] == "seat-hygiene" for c in reply.get("citations", [])):
                break
            assert time.monotonic() < deadline, f"replica b still answers from the old index: {reply}"
            time.sleep(1)
        assert status == 200 and reply["route"] == "answer"
    finally:
        for replica in replicas:
            replica.stop()
