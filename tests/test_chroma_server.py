"""Server mode for real: a `chroma run` server on 127.0.0.1, ingest and ask through
CHROMA_HOST/CHROMA_PORT, and two app instances (replicas) sharing it.

CI (`.ci/run`) may pass a server it started via ASSISTANT_TEST_CHROMA_PORT; otherwise the
fixture starts one itself and stops it afterwards.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import free_port

from assistant.engine import Assistant
from assistant.settings import Settings

pytestmark = pytest.mark.server


def _replica_settings(port: int, tmp: Path, name: str) -> Settings:
    # Each replica has its own local folder (for the ONNX export); the index is on the server.
    return Settings(chroma_host="127.0.0.1", chroma_port=port, data_dir=tmp / name,
                    collection="ci-" + str(port))


def test_two_replicas_share_one_server_index(chroma_port, tmp_path):
    first = Assistant.load(_replica_settings(chroma_port, tmp_path, "a"), progress=False)
    assert not (tmp_path / "a" / "chroma").exists()  # nothing stored locally
    reply = first.ask("Should I lock my knees at the top of the leg press?")
    assert reply.route == "answer" and reply.citations

    second = Assistant.load(_replica_settings(chroma_port, tmp_path, "b"), progress=False)
    assert second.ingest_embedder is None  # found the index on the server: no re-embedding
    assert second.stats()["chunks"] == first.stats()["chunks"]
    again = second.ask("Should I lock my knees at the top of the leg press?")
    assert again.to_dict() == reply.to_dict()

    summary = second.ingest(progress=False)
    assert not summary.changed  # re-indexing once serves every replica


def test_unreachable_server_is_a_clear_error(tmp_path):
    from assistant.errors import IndexUnavailableError

    settings = Settings(chroma_host="127.0.0.1", chroma_port=free_port(), data_dir=tmp_path)
    with pytest.raises(IndexUnavailableError, match="chroma run"):
        Assistant.load(settings, progress=False)


def test_a_stopped_server_keeps_urgent_care_and_recovers_without_a_restart(
        settings, bot, tmp_path):
    """Issue 12, item 1: the Chroma server stops while a replica serves, then comes back."""
    import shutil
    import subprocess
    import sys

    from conftest import _stop, _wait_for_chroma

    from assistant.errors import IndexUnavailableError

    path = tmp_path / "served"
    shutil.copytree(settings.data_dir / "chroma", path)  # the session's index, now on a server
    port = free_port()
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    command = [chroma, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path)]

    def start() -> subprocess.Popen:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for_chroma(port)
        return proc

    proc = start()
    try:
        replica = Assistant.load(Settings(chroma_host="127.0.0.1", chroma_port=port,
                                          data_dir=tmp_path / "local",
                                          collection=settings.collection), progress=False)
        assert replica.ingest_embedder is None  # served the existing index, built nothing
        question = "Should I lock my knees at the top of the leg press?"
        assert replica.ask(question).route == "answer"
        # The same index opened as a large one (searched in Chroma, vectors mapped).
        large = Assistant(replica.settings.model_copy(update={"dense_in_memory_max_chunks": 0}),
                          replica.store, replica.query_embedder, replica.triager)

        _stop(proc)
        assert replica.ask("I wet myself and can't feel my groin since leg day").route == \
            "emergency"
        referral = replica.ask("my right leg goes numb every time I do the leg press")
        assert referral.route == "professional" and referral.text.startswith("**Please stop")
        # A small index's vectors are held in memory: it keeps answering from that copy,
        # while /healthz says the server is gone.
        assert replica.ask(question).route == "answer"
        assert replica.stats()["ready"] is False
        with pytest.raises(IndexUnavailableError, match="Chroma server is up"):
            large.ask(question)  # a large index searches in Chroma: a clear error

        proc = start()
        assert replica.stats()["ready"] is True  # no restart of the replica
        assert replica.ask(question).route == "answer"
    finally:
        _stop(proc)
