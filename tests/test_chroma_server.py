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
