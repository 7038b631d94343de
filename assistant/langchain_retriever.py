"""The hybrid retriever as a LangChain `BaseRetriever`, for chains and agents that expect one.

Passages become LangChain `Document`s here (`passage_document`), for the retriever and for
the chain's cited context alike, so both describe a passage with the same metadata.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from langchain_core.callbacks import (
    AsyncCallbackManagerForRetrieverRun,
    CallbackManagerForRetrieverRun,
)
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables.config import run_in_executor
from pydantic import Field

from .corpus import load_documents
from .errors import CorpusError
from .types import Chunk


class GuidanceRetriever(BaseRetriever):
    """Wraps `Assistant.retrieve`.

    `k` (here or `invoke(query, k=...)`) may go up to what the ranking holds after fusion
    (up to twice `candidates`, fewer once repeated passages are collapsed); `k=0` and an
    empty query give []. Like `Assistant.retrieve`, an emergency puts the urgent-help
    passage first.
    """

    assistant: Any
    k: int = Field(default=4, ge=0)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                k: int | None = None) -> list[Document]:
        k = self.k if k is None else k
        if k <= 0 or (isinstance(query, str) and not query.strip()):
            return []
        bot = self.assistant
        hits = bot.retrieve(query, k=k)  # validates, and orders an emergency's passages
        paths = source_paths(bot)
        return [passage_document(h.chunk, paths, score=h.score, similarity=h.similarity)
                for h in hits[:k]]

    async def _aget_relevant_documents(self, query: str, *,
                                       run_manager: AsyncCallbackManagerForRetrieverRun,
                                       k: int | None = None) -> list[Document]:
        # The default async path drops invoke-time kwargs such as `k`.
        return await run_in_executor(None, self._get_relevant_documents, query,
                                     run_manager=run_manager.get_sync(), k=k)


def passage_document(chunk: Chunk, paths: Mapping[str, str], **scores: Any) -> Document:
    """One passage as a LangChain Document; `source` is its corpus file (else its doc id),
    `sources` the URLs its guidance comes from, `reviewed` when it was last reviewed."""
    return Document(
        id=chunk.id or None,
        page_content=chunk.text,
        metadata={"source": paths.get(chunk.doc_id, chunk.doc_id), "chunk_id": chunk.id,
                  "doc_id": chunk.doc_id, "title": chunk.title, "section": chunk.section,
                  "sources": list(chunk.sources), "reviewed": chunk.reviewed, **scores},
    )


def source_paths(assistant: Any) -> Mapping[str, str]:
    """Doc id -> corpus file for the assistant's configured corpus (the index stores no paths)."""
    folders = tuple(str(p) for p in assistant.settings.guidance_paths)
    return _paths(folders, assistant.index_version)


@functools.lru_cache(maxsize=8)
def _paths(folders: tuple[str, ...], index_version: str | None) -> Mapping[str, str]:
    # Read once per index version: a re-index may add or move files.
    try:
        return {d.doc_id: d.path for d in load_documents(folders)}
    except CorpusError:
        return {}  # a folder gone since indexing: fall back to doc ids, never fail a query
