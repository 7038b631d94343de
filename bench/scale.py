"""A 100,000-chunk corpus made from the real one, stored through the engine's ChunkStore.

Texts recombine the sentences of real chunks (a window of a real chunk, sometimes with a
sentence from a neighbour in the same document). Vectors are the real chunk and sentence
embeddings plus small Gaussian noise, re-normalised: random vectors would make HNSW look
far worse than it is on real data (recall@4 about 0.11 at 100k, see perf-notes). The
real chunks are stored too, so answers still quote the guidance and emergencies still
find the red-flags passage.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

NOISE_SIGMA = 0.025  # per dimension; cosine to the source vector is about 0.9 at d=384
CHUNKS_PER_DOC = 40
WRITE_BATCH = 2000
# The sentences collection is only ever read by id, never searched, so its HNSW graph is
# dead weight at ingest; building it cheaply keeps the 100k build inside the time budget
# without touching anything the query path reads (see the README and the report).
CHEAP_HNSW = {"hnsw": {"space": "cosine", "ef_construction": 8, "max_neighbors": 4}}


@dataclass(frozen=True)
class Material:
    """The real corpus as the store holds it: chunks, their vectors, their sentences."""

    chunks: list
    vectors: np.ndarray  # (n, d)
    sentences: list[list[str]]
    sentence_vectors: list[np.ndarray]  # (n_i, d) per chunk


def real_material(store) -> Material:
    from assistant.chunking import split_sentences

    chunks = store.all_chunks()
    ids = [c.id for c in chunks]
    by_id = store.chunk_vectors(ids)
    sentence_vectors = store.sentence_vectors(store.sentence_counts(ids).items())
    keep = [c for c in chunks if c.id in by_id and c.id in sentence_vectors]
    return Material(keep, np.stack([by_id[c.id] for c in keep]),
                    [split_sentences(c.text) for c in keep],
                    [sentence_vectors[c.id] for c in keep])


def _noisy(vectors: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    out = vectors + rng.normal(0.0, sigma, size=vectors.shape).astype(np.float32)
    return (out / np.linalg.norm(out, axis=-1, keepdims=True)).astype(np.float32)


def synthesize(material: Material, count: int, seed: int = 7, sigma: float = NOISE_SIGMA,
               batch: int = WRITE_BATCH
               ) -> Iterator[tuple[list, np.ndarray, list[np.ndarray], list[int]]]:
    """`count` synthetic chunks in batches of (chunks, vectors, sentence vectors, sources),
    where sources are the indices of the real chunks they were made from."""
    from assistant.chunking import split_sentences
    from assistant.types import Chunk

    rng = np.random.default_rng(seed)
    by_doc: dict[str, list[int]] = {}
    for i, c in enumerate(material.chunks):
        by_doc.setdefault(c.doc_id, []).append(i)
    for start in range(0, count, batch):
        chunks, bases, sentence_vectors = [], [], []
        for i in range(start, min(start + batch, count)):
            b = int(rng.integers(len(material.chunks)))
            base, sents, svecs = (material.chunks[b], material.sentences[b],
                                  material.sentence_vectors[b])
            width = int(rng.integers(min(2, len(sents)), min(4, len(sents)) + 1))
            first = int(rng.integers(0, len(sents) - width + 1))
            picked = list(range(first, first + width))
            texts, rows = [sents[j] for j in picked], [svecs[j] for j in picked]
            siblings = by_doc[base.doc_id]
            if rng.random() < 0.5 and len(siblings) > 1:
                o = siblings[int(rng.integers(len(siblings)))]
                j = int(rng.integers(len(material.sentences[o])))
                texts.append(material.sentences[o][j])
                rows.append(material.sentence_vectors[o][j])
            text = "\n\n".join(texts)
            sv = _noisy(np.stack(rows), rng, sigma)
            if len(split_sentences(text)) != len(texts):
                sv = sv[:0]  # compose then scores by the passage's similarity instead
            digest = hashlib.sha256(f"synthetic\x1f{i}\x1f{text}".encode()).hexdigest()[:24]
            chunks.append(Chunk(id=digest, doc_id=f"synthetic-{i // CHUNKS_PER_DOC:05d}",
                                title=base.title, section=base.section, text=text,
                                position=i % CHUNKS_PER_DOC))
            bases.append(b)
            sentence_vectors.append(sv)
        yield chunks, _noisy(material.vectors[bases], rng, sigma), sentence_vectors, bases


@dataclass(frozen=True)
class ScaleStore:
    store: object
    settings: object
    vectors: np.ndarray  # every stored chunk vector, row i = ids[i] (for exact search)
    ids: list[str]
    sources: dict[str, int]  # stored id -> index of the real chunk it was made from
    sentences: int
    build_s: float


def build(material: Material, data_dir: Path, total: int, model_id: str,
          cheap_sentence_index: bool = True) -> ScaleStore:
    """Store the real chunks plus synthetic ones up to `total` chunks in a new data_dir."""
    from assistant.ingest import index_version
    from assistant.settings import Settings
    from assistant.store import ChunkStore

    settings = Settings(data_dir=Path(data_dir))
    store = ChunkStore(settings)
    if cheap_sentence_index:
        store.client.get_or_create_collection(name=settings.collection + "-sentences",
                                              embedding_function=None,
                                              configuration=CHEAP_HNSW)
    t0 = time.perf_counter()
    store.upsert(material.chunks, material.vectors, material.sentence_vectors)
    ids, parts = [c.id for c in material.chunks], [material.vectors]
    sources = {c.id: i for i, c in enumerate(material.chunks)}
    sentences = sum(len(s) for s in material.sentence_vectors)
    for chunks, vectors, sentence_vectors, bases in synthesize(material,
                                                               total - len(material.chunks)):
        store.upsert(chunks, vectors, sentence_vectors)
        ids += [c.id for c in chunks]
        sources.update((c.id, b) for c, b in zip(chunks, bases, strict=True))
        parts.append(vectors)
        sentences += sum(len(s) for s in sentence_vectors)
    store.set_index_info(model_id, index_version(ids))
    return ScaleStore(store, settings, np.concatenate(parts), ids, sources, sentences,
                      time.perf_counter() - t0)


def exact_top(matrix: np.ndarray, vector: np.ndarray, n: int) -> np.ndarray:
    """Row indices of the `n` largest cosine similarities (rows are unit vectors)."""
    scores = matrix @ vector
    top = np.argpartition(-scores, n - 1)[:n]
    return top[np.argsort(-scores[top])]


@dataclass(frozen=True)
class Agreement:
    """How the approximate (HNSW) results compare with exact search over the same vectors."""

    recall: float  # share of the exact top-n ids also returned
    source_recall: float  # share of the exact top-4's source chunks found in the HNSW top-4
    similarity_ratio: float  # mean cosine of the HNSW top-4 / that of the exact top-4


def agreement(approx: Sequence[Sequence[tuple[str, float]]], exact: Sequence[Sequence[str]],
              exact_similarity: Sequence[Sequence[float]], sources: dict[str, int]) -> Agreement:
    recall, source, ratio = [], [], []
    for a, e, es in zip(approx, exact, exact_similarity, strict=True):
        ids = [i for i, _ in a]
        recall.append(len(set(ids) & set(e)) / len(e))
        wanted = {sources[i] for i in e[:4]}
        source.append(len(wanted & {sources[i] for i in ids[:4]}) / len(wanted))
        ratio.append(np.mean([s for _, s in a[:4]]) / np.mean(es[:4]))
    return Agreement(float(np.mean(recall)), float(np.mean(source)), float(np.mean(ratio)))
