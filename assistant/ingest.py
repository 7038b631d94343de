"""Incremental, idempotent indexing of the corpus into the store.

Chunk ids are content hashes, so a second run embeds nothing, a changed document
re-embeds only its changed chunks, and a removed document's chunks are deleted.
Everything slow (embedding) happens before the first write: an interrupted ingest
leaves the previous index as it was.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .chunking import chunk_sections, embedding_text, split_sentences
from .corpus import load_documents, split_sections
from .embeddings import Embedder
from .errors import CorpusError, IndexUnavailableError
from .store import ChunkStore
from .types import Chunk, Document

log = logging.getLogger("assistant")


@dataclass(frozen=True)
class IngestPlan:
    add: list[Chunk]
    remove: list[str]
    unchanged: int
    changed_documents: set[str]
    removed_documents: set[str]


@dataclass(frozen=True)
class IngestSummary:
    documents: int
    chunks: int
    added: int
    removed: int
    unchanged: int
    updated_documents: int
    removed_documents: int
    seconds: float

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)

    def line(self) -> str:
        if not self.changed:
            return (f"Index up to date: {self.documents} documents, {self.chunks} chunks; "
                    f"nothing to embed ({self.seconds:.1f} s).")
        return (f"Indexed {self.documents} documents, {self.chunks} chunks: {self.added} added, "
                f"{self.removed} removed, {self.unchanged} unchanged; "
                f"{self.updated_documents} documents new or updated, "
                f"{self.removed_documents} removed ({self.seconds:.1f} s).")


def build_chunks(documents: Sequence[Document], max_chars: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    for doc in documents:
        chunks.extend(chunk_sections(split_sections(doc), max_chars, doc.sources, doc.reviewed))
    return chunks


def plan_ingest(chunks: Sequence[Chunk], stored: dict[str, str]) -> IngestPlan:
    """What to embed and what to delete, given stored chunk id -> document id."""
    current = {c.id for c in chunks}
    add = [c for c in chunks if c.id not in stored]
    remove = sorted(set(stored) - current)
    current_docs = {c.doc_id for c in chunks}
    changed = {c.doc_id for c in add} | {stored[i] for i in remove if stored[i] in current_docs}
    removed_docs = {stored[i] for i in remove} - current_docs
    return IngestPlan(add, remove, len(chunks) - len(add), changed, removed_docs)


def _batches(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def embed_chunks(chunks: Sequence[Chunk], embedder: Embedder, progress: bool,
                 batch_size: int = 32) -> tuple[np.ndarray, list[np.ndarray]]:
    """Vectors for each chunk and for each of its sentences, with one progress bar."""
    from tqdm.auto import tqdm

    sentences = [split_sentences(c.text) for c in chunks]
    texts = [embedding_text(c) for c in chunks] + [s for group in sentences for s in group]
    vectors: list[np.ndarray] = []
    with tqdm(total=len(texts), desc="Embedding", unit="text", disable=not progress) as bar:
        for batch in _batches(texts, batch_size):
            vectors.append(embedder.embed(list(batch)))
            bar.update(len(batch))
    matrix = np.concatenate(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)
    chunk_vectors = matrix[: len(chunks)]
    sentence_vectors, offset = [], len(chunks)
    for group in sentences:
        sentence_vectors.append(matrix[offset:offset + len(group)])
        offset += len(group)
    return chunk_vectors, sentence_vectors


def index_version(chunk_ids: Iterable[str]) -> str:
    """A fingerprint of the whole index: chunk ids are content hashes, so any change to any
    passage (or its provenance) changes it."""
    digest = hashlib.sha256()
    for chunk_id in sorted(chunk_ids):
        digest.update(chunk_id.encode("utf-8") + b"\n")
    return digest.hexdigest()[:16]


def ingest(store: ChunkStore, embedder: Embedder, paths: Sequence[Path], *, model_id: str,
           max_chars: int, progress: bool = True, rebuild: bool = False) -> IngestSummary:
    """Bring the store in line with the documents under `paths`."""
    started = time.perf_counter()
    documents = load_documents(paths)
    if not documents:
        raise CorpusError(
            f"No .md or .txt files found in {', '.join(map(str, paths))}. Add guidance files "
            "there or point ASSISTANT_CORPUS_DIRS at the folder that holds them."
        )
    chunks = build_chunks(documents, max_chars)
    damaged = False
    try:
        stored_model = store.model_name()
    except IndexUnavailableError:
        if not rebuild or store.settings.chroma_host:
            raise
        damaged, stored_model = True, None  # a damaged local index: set aside below
    full = rebuild or (stored_model is not None and stored_model != model_id)
    stored = {} if full else store.stored_doc_ids()
    plan = plan_ingest(chunks, stored)
    if plan.add:
        vectors, sentence_vectors = embed_chunks(plan.add, embedder, progress)
    if damaged:
        kept = store.set_aside()  # only after the slow part succeeded; nothing is deleted
        log.warning("the damaged index was moved to %s; rebuilding from the corpus", kept)
    elif full:
        store.drop()  # only after the slow part succeeded
    if plan.add:
        store.upsert(plan.add, vectors, sentence_vectors)
    if plan.remove:
        store.delete(plan.remove)
    if full or plan.add or plan.remove or stored_model != model_id:
        store.set_index_info(model_id, index_version(c.id for c in chunks), len(chunks))
    return IngestSummary(
        documents=len(documents),
        chunks=len(chunks),
        added=len(plan.add),
        removed=len(plan.remove),
        unchanged=plan.unchanged,
        updated_documents=len(plan.changed_documents),
        removed_documents=len(plan.removed_documents),
        seconds=time.perf_counter() - started,
    )
