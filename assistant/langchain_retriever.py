"""The hybrid retriever as a LangChain `BaseRetriever`, for chains and agents that expect one."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever


class GuidanceRetriever(BaseRetriever):
    """Wraps `Assistant.retrieve`: dense + BM25 fused, duplicates collapsed."""

    assistant: Any
    k: int = 4

    def _get_relevant_documents(self, query: str, *,
                                run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = self.assistant.retrieve(query)[: self.k]
        return [
            Document(
                page_content=h.chunk.text,
                metadata={"chunk_id": h.chunk.id, "doc_id": h.chunk.doc_id,
                          "title": h.chunk.title, "section": h.chunk.section,
                          "score": h.score, "similarity": h.similarity},
            )
            for h in hits
        ]
