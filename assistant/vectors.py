"""Where `ask` reads chunk and sentence vectors: in memory for a small corpus, else Chroma.

For a few thousand chunks an exact dot product over one matrix takes microseconds, while a
Chroma query costs a client round trip (and an approximate answer): on the default corpus
it was a fifth of every `ask`. So an index of up to `dense_in_memory_max_chunks` chunks is
held as numpy matrices, loaded once with the index snapshot; past that, dense search stays
in Chroma's HNSW and sentence vectors are fetched per passage and cached. Both expose the
same three reads, so the retriever and the composer do not know which one they use.

Held in memory, the vectors also keep answers working if the store fails after they were
loaded (a damaged file, a stopped server); /healthz still reports the failure.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from .store import ChunkStore


class Vectors(Protocol):
    def query(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the `n` nearest chunks, best first."""

    def chunk_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Each known chunk id's vector."""

    def sentence_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Each known chunk id's sentence vectors, one row per sentence in order."""


class MemoryVectors:
    """Every chunk and sentence vector of a small index, searched exactly with numpy."""

    def __init__(self, ids: Sequence[str], chunks: np.ndarray, sentences: np.ndarray,
                 offsets: np.ndarray):
        """`sentences[offsets[i]:offsets[i + 1]]` are the sentences of chunk `ids[i]`."""
        if len(ids) != len(chunks) or len(offsets) != len(ids) + 1:
            raise ValueError("ids, chunk vectors and sentence offsets must align")
        self.ids = list(ids)
        self.row = {cid: i for i, cid in enumerate(self.ids)}
        self.chunks = np.ascontiguousarray(chunks, dtype=np.float32)
        self.sentences = np.ascontiguousarray(sentences, dtype=np.float32)
        self.offsets = np.asarray(offsets, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_store(cls, store: ChunkStore) -> MemoryVectors:
        ids, chunks, by_chunk = store.all_vectors()
        offsets = np.zeros(len(ids) + 1, dtype=np.int64)
        rows = []
        for i, cid in enumerate(ids):
            group = by_chunk.get(cid)
            if group is not None and len(group):
                rows.append(group)
            offsets[i + 1] = offsets[i] + (len(group) if group is not None else 0)
        dim = chunks.shape[1] if chunks.ndim == 2 and chunks.size else 0
        sentences = np.concatenate(rows) if rows else np.zeros((0, dim), dtype=np.float32)
        return cls(ids, chunks, sentences, offsets)

    def query(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        if not self.ids or n <= 0:
            return []
        sims = self.chunks @ vector
        n = min(n, len(sims))
        top = np.argpartition(-sims, n - 1)[:n] if n < len(sims) else np.arange(len(sims))
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(self.ids[i], float(sims[i])) for i in top]

    def chunk_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        return {cid: self.chunks[self.row[cid]] for cid in ids if cid in self.row}

    def sentence_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        out = {}
        for cid in ids:
            i = self.row.get(cid)
            if i is not None and self.offsets[i + 1] > self.offsets[i]:
                out[cid] = self.sentences[self.offsets[i]:self.offsets[i + 1]]
        return out

    # -- the snapshot's copy ------------------------------------------------------
    def save(self, folder: Path) -> None:
        (folder / "vectors.json").write_text(json.dumps(self.ids), encoding="utf-8")
        np.savez(folder / "vectors.npz", chunks=self.chunks, sentences=self.sentences,
                 offsets=self.offsets)

    @classmethod
    def load(cls, folder: Path) -> MemoryVectors | None:
        if not (folder / "vectors.npz").is_file():
            return None
        ids = json.loads((folder / "vectors.json").read_text(encoding="utf-8"))
        with np.load(folder / "vectors.npz") as saved:
            return cls(ids, saved["chunks"], saved["sentences"], saved["offsets"])


class StoreVectors:
    """A large index's vectors, read from Chroma: HNSW search, sentence vectors cached per
    passage once fetched (bounded by the passages questions actually reach)."""

    def __init__(self, store: ChunkStore):
        self.store = store
        self._sentences: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def query(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        return self.store.query(vector, n)

    def chunk_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        return self.store.chunk_vectors(ids)

    def sentence_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        missing = [cid for cid in ids if cid not in self._sentences]
        if missing:
            counts = self.store.sentence_counts(missing)
            fetched = self.store.sentence_vectors(counts.items())
            with self._lock:
                self._sentences.update(fetched)
        return {cid: self._sentences[cid] for cid in ids if cid in self._sentences}
