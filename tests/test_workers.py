"""Answer workers: separate processes answer exactly as the in-process Assistant does."""

from __future__ import annotations

import os
import signal
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import essentials
from fastapi.testclient import TestClient

from assistant.server import create_app
from assistant.workers import AnswerPool

QUESTIONS = [
    "Should I lock my knees at the top of the leg press?",
    "I get pins and needles in my right foot during leg press, why?",
    "I can't feel my groin and I've wet myself after leg day",
    "What is the capital of France?",
]
EMERGENCY = QUESTIONS[2]



@pytest.fixture(scope="module")
def pool(bot, settings):
    pool = AnswerPool(settings, workers=2)  # the session index is already built by `bot`
    yield pool
    pool.close()


def test_workers_answer_like_the_assistant_and_use_separate_processes(pool, bot):
    pids = pool.warm()
    assert len(pids) == 2 and os.getpid() not in pids
    with ThreadPoolExecutor(4) as threads:
        replies = list(threads.map(pool.ask, QUESTIONS * 3))
    for question, reply in zip(QUESTIONS * 3, replies):
        assert essentials(reply) == essentials(bot.ask(question)), question
    assert pool.stats()["ready"] is True


def test_a_killed_worker_does_not_stop_urgent_care(pool):
    for pid in pool.warm():
        os.kill(pid, signal.SIGKILL)
    reply = pool.ask(EMERGENCY)  # the pool notices, starts afresh and answers
    assert reply.route == "emergency"
    assert pool.ask(QUESTIONS[0]).route == "answer"


def test_the_web_app_serves_from_the_pool(pool, settings, tmp_path):
    app = create_app(pool, settings.model_copy(update={"data_dir": tmp_path}))
    with TestClient(app) as client:
        assert client.get("/healthz").json()["ready"] is True
        got = client.post("/api/ask", json={"message": EMERGENCY})
        assert got.status_code == 200 and got.json()["route"] == "emergency"
        bad = client.post("/api/ask", json={"message": "   "})
        assert bad.status_code == 400 and "empty" in bad.json()["error"]


def test_answer_workers_leave_with_a_killed_server(bot, settings):
    """SIGTERM to `assistant serve` must not leave workers behind holding their memory."""
    import json
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    from conftest import free_port

    port = free_port()
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(settings.data_dir), "HF_HUB_OFFLINE": "1"}
    server = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port),
                               "--workers", "2"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    assert json.load(r)["ready"]
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.5)
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        assert len(children) >= 2  # the answer workers (and multiprocessing's tracker)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        deadline = time.monotonic() + 15
        alive = children
        while alive and time.monotonic() < deadline:
            time.sleep(0.5)
            alive = [pid for pid in children if Path(f"/proc/{pid}").exists()
                     and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]]
        assert not alive, f"left behind: {alive}"
    finally:
        if server.poll() is None:
            server.kill()


def test_the_api_awaits_the_pool_and_survives_a_killed_worker(pool, settings, tmp_path):
    """/api/ask awaits the worker's future on the event loop (no thread per request); a
    worker killed under it gets the pool restarted and the question answered."""
    app = create_app(pool, settings.model_copy(update={"data_dir": tmp_path,
                                                        "rate_limit_per_minute": 0}))
    with TestClient(app) as client:
        for pid in pool.warm():
            os.kill(pid, signal.SIGKILL)
        got = client.post("/api/ask", json={"message": EMERGENCY})
        assert got.status_code == 200 and got.json()["route"] == "emergency"
        again = client.post("/api/ask", json={"message": QUESTIONS[0]})
        assert again.status_code == 200 and again.json()["route"] == "answer"
