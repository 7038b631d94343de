"""Hybrid retrieval: dense (`vectors`: in memory or Chroma) + BM25, fused by reciprocal rank."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence

import numpy as np

from .glossary import expand
from .lexical import LexicalIndex
from .types import Chunk, Hit
from .vectors import Vectors


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = 60) -> dict[str, float]:
    """Sum of 1/(k + rank) over the rankings each id appears in (Cormack et al., 2009)."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


@functools.lru_cache(maxsize=1 << 14)
def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def collapse_duplicates(hits: Sequence[Hit]) -> list[Hit]:
    """Drop a hit whose passage repeats, or is contained in, a higher-ranked one."""
    kept: list[Hit] = []
    seen: list[str] = []
    for hit in hits:
        text = _normalise(hit.chunk.text)
        if any(text in other or other in text for other in seen):
            continue
        seen.append(text)
        kept.append(hit)
    return kept


class HybridRetriever:
    """Ranks chunks for a question; `mode` picks hybrid, dense or bm25 (for ablations)."""

    def __init__(self, vectors: Vectors, lexical: LexicalIndex, chunks: Mapping[str, Chunk],
                 *, top_k: int = 4, candidates: int = 20, rrf_k: int = 60, mode: str = "hybrid",
                 expand_query: bool = True):
        self.vectors = vectors
        self.lexical = lexical
        self.chunks = chunks
        self.top_k = top_k
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.mode = mode
        self.expand = expand_query

    def retrieve(self, query: str, vector: np.ndarray, k: int | None = None) -> list[Hit]:
        k = k or self.top_k
        dense: list[tuple[str, float]] = []
        lexical: list[tuple[str, float]] = []
        n = min(self.candidates, max(len(self.chunks), 1))
        if self.mode in ("hybrid", "dense"):
            dense = [(i, s) for i, s in self.vectors.query(vector, n) if i in self.chunks]
        if self.mode in ("hybrid", "bm25"):
            lexical = self.lexical.search(expand(query) if self.expand else query, n)
        fused = reciprocal_rank_fusion(
            [[i for i, _ in dense], [i for i, _ in lexical]], self.rrf_k
        )
        ordered = sorted(fused, key=lambda i: -fused[i])
        similarity = dict(dense)
        # Score every candidate we may keep, so collapsing duplicates can still fill k.
        shortlist = ordered[: k * 2]
        unknown = [i for i in shortlist if i not in similarity]
        for cid, vec in self.vectors.chunk_vectors(unknown).items():
            similarity[cid] = float(vec @ vector)
        hits = [
            Hit(self.chunks[cid], fused[cid], similarity.get(cid, 0.0), rank=r)
            for r, cid in enumerate(shortlist, start=1) if cid in self.chunks
        ]
        return collapse_duplicates(hits)[:k]
