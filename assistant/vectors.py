"""Where `ask` reads chunk and sentence vectors: in memory for a small corpus, else Chroma.

For a few thousand chunks an exact dot product over one matrix takes microseconds, while a
Chroma query costs a client round trip (and an approximate answer): on the default corpus
it was a fifth of every `ask`. So an index of up to `dense_in_memory_max_chunks` chunks is
held as numpy matrices, loaded once with the index snapshot. Past that, dense search stays
in Chroma's HNSW, and the vectors are memory-mapped from the snapshot (`MappedVectors`),
so a question costs one Chroma call, not four; without a snapshot they are fetched from
Chroma (`StoreVectors`). All expose the same three reads, so the retriever and the composer
do not know which one they use.

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
    """Every chunk and sentence vector of an index as matrices: a small index's are read
    into memory and searched exactly; a large one's are memory-mapped (`MappedVectors`)."""

    def __init__(self, ids: Sequence[str], chunks: np.ndarray, sentences: np.ndarray,
                 offsets: np.ndarray, complete: np.ndarray | None = None):
        """`sentences[offsets[i]:offsets[i + 1]]` are the sentences of chunk `ids[i]`;
        `complete[i]` False: some are missing in the store, so it has none here."""
        if len(ids) != len(chunks) or len(offsets) != len(ids) + 1:
            raise ValueError("ids, chunk vectors and sentence offsets must align")
        self.ids = list(ids)
        self.row = {cid: i for i, cid in enumerate(self.ids)}
        self.chunks = chunks if isinstance(chunks, np.memmap) else np.ascontiguousarray(
            chunks, dtype=np.float32)
        self.sentences = sentences if isinstance(sentences, np.memmap) else np.ascontiguousarray(
            sentences, dtype=np.float32)
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.complete = (np.ones(len(self.ids), dtype=bool) if complete is None
                         else np.asarray(complete, dtype=bool))

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_store(cls, store: ChunkStore) -> MemoryVectors:
        return cls(*store.all_vectors())

    def query(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        if not self.ids or n <= 0:
            return []
        sims = self.chunks @ vector
        n = min(n, len(sims))
        top = np.argpartition(-sims, n - 1)[:n] if n < len(sims) else np.arange(len(sims))
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(self.ids[i], float(sims[i])) for i in top]

    def chunk_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        return {cid: np.asarray(self.chunks[self.row[cid]]) for cid in ids if cid in self.row}

    def sentence_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        out = {}
        for cid in ids:
            i = self.row.get(cid)
            if i is not None and self.complete[i] and self.offsets[i + 1] > self.offsets[i]:
                out[cid] = np.asarray(self.sentences[self.offsets[i]:self.offsets[i + 1]])
        return out

    # -- the snapshot's copy: plain .npy files, so a large index can be memory-mapped --
    FILES = ("vector_ids.json", "chunk_vectors.npy", "sentence_vectors.npy",
             "sentence_offsets.npy", "sentence_complete.npy")

    def save(self, folder: Path) -> None:
        names = iter(self.FILES)
        (folder / next(names)).write_text(json.dumps(self.ids), encoding="utf-8")
        for name, array in zip(names, (self.chunks, self.sentences, self.offsets, self.complete)):
            np.save(folder / name, np.asarray(array))

    @classmethod
    def load(cls, folder: Path, *, mapped: bool = False) -> MemoryVectors | None:
        """The saved matrices, read (or with `mapped`, memory-mapped: pages are read as
        questions touch them and are shared by every process on the machine)."""
        if not all((folder / name).is_file() for name in cls.FILES):
            return None
        ids = json.loads((folder / cls.FILES[0]).read_text(encoding="utf-8"))
        mode = "r" if mapped else None
        chunks, sentences, offsets, complete = (np.load(folder / name, mmap_mode=mode)
                                                for name in cls.FILES[1:])
        return cls(ids, chunks, sentences, np.asarray(offsets), np.asarray(complete))


class MappedVectors:
    """A large index: dense search in Chroma's HNSW (exact search over 100,000 vectors
    costs more than the whole `ask`), every vector read from the snapshot's memory map
    instead of fetched from Chroma per question."""

    def __init__(self, store: ChunkStore, mapped: MemoryVectors):
        self.store = store
        self.mapped = mapped

    def __len__(self) -> int:
        return len(self.mapped)

    def query(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        return self.store.query(vector, n)

    def chunk_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        return self.mapped.chunk_vectors(ids)

    def sentence_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        return self.mapped.sentence_vectors(ids)


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
