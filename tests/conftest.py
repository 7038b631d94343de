"""Shared fixtures: a real index of the real corpus, built once per test session.

Tests use the real offline model and a real Chroma folder under a temp dir; nothing is
downloaded (HF_HUB_OFFLINE=1) and no ASSISTANT_* variable from the shell leaks in.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
# Anything that falls back to the per-user data folder writes under a temp dir instead.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="assistant-test-data-")
for _name in list(os.environ):
    if _name.startswith("ASSISTANT_TEST_"):
        continue  # test switches, not settings
    if _name.startswith("ASSISTANT_") or (_name in ("CHROMA_HOST", "CHROMA_PORT")
                                          and not os.environ.get("ASSISTANT_TEST_KEEP_CHROMA")):
        os.environ.pop(_name)


@pytest.fixture(scope="session")
def settings(tmp_path_factory):
    """Settings for the shared session index (embedded Chroma in a temp folder)."""
    from assistant.settings import Settings

    return Settings(data_dir=tmp_path_factory.mktemp("index"))


@pytest.fixture(scope="session")
def bot(settings):
    """A real Assistant over the real corpus, built once per session."""
    from assistant.engine import Assistant

    return Assistant.load(settings, progress=False)


@pytest.fixture(scope="session")
def st_embedder(settings):
    """The sentence-transformers embedder (torch), loaded once."""
    from assistant.embeddings import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(settings.model_name_or_path)


def essentials(reply) -> tuple:
    """What two ways of answering must agree on: route, text, reasons and what is cited
    (scores may differ in float rounding)."""
    return (reply.route, reply.text, reply.reasons,
            tuple((c.doc_id, c.section, c.text) for c in reply.citations))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_chroma(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"chroma server on port {port} did not start")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def chroma_port(tmp_path_factory):
    """A real `chroma run` server on 127.0.0.1 in a temp folder, stopped afterwards (or the
    one CI passes in ASSISTANT_TEST_CHROMA_PORT)."""
    given = os.environ.get("ASSISTANT_TEST_CHROMA_PORT")
    if given:
        yield int(given)
        return
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen([chroma, "run", "--host", "127.0.0.1", "--port", str(port),
                             "--path", str(path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_chroma(port)
        yield port
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A real `redis-server` (Debian's package) on 127.0.0.1, no persistence, in a temp
    folder, stopped afterwards. Skips where it is not installed, unless CI requires it."""
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("ASSISTANT_TEST_REQUIRE_REDIS"):
            pytest.fail("redis-server is not installed (apt-get install redis-server)")
        pytest.skip("redis-server is not installed")
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(port=port)
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def stub():
    """A scripted OpenAI-compatible server on 127.0.0.1 (tests/openai_stub.py)."""
    from openai_stub import StubServer

    with StubServer() as server:
        yield server


def is_text(value: str) -> bool:
    """Whether a string is encodable text (no lone surrogate)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

