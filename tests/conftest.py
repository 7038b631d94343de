"""Shared fixtures: a real index of the real corpus, built once per test session.

Tests use the real offline model and a real Chroma folder under a temp dir; nothing is
downloaded (HF_HUB_OFFLINE=1) and no ASSISTANT_* variable from the shell leaks in.
"""

from __future__ import annotations

import os
import tempfile

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
# Anything that falls back to the per-user data folder writes under a temp dir instead.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="assistant-test-data-")
for _name in list(os.environ):
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
