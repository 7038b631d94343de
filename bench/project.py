"""This project's side of the benchmark: the floor, warm `ask`, cold start and ingest.

Everything goes through the engine's public pieces (Assistant, ChunkStore, the query
embedder, ingest); nothing here re-implements a stage.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .common import WORK_DIR, time_ms

BENCH_DATA_DIR = WORK_DIR / "data"  # the benchmark's own index (never the user's .assistant/)


def settings_for(data_dir: Path, **overrides):
    from assistant.settings import Settings

    return Settings(data_dir=Path(data_dir), **overrides)


def open_assistant(data_dir: Path = BENCH_DATA_DIR):
    """The engine as every surface loads it (builds the index and ONNX export if missing),
    over the corpus as it is now: a kept index is brought up to date first, in a child
    process (`assistant ingest`, incremental), so the figures never measure an old corpus
    and torch never loads in the process that is measured."""
    import os
    import subprocess

    from assistant.engine import Assistant

    if (Path(data_dir) / "chroma").exists():
        subprocess.run([sys.executable, "-m", "assistant", "ingest"], check=True,
                       stdout=subprocess.DEVNULL,
                       env={**os.environ, "ASSISTANT_DATA_DIR": str(data_dir)})
    return Assistant.load(settings_for(data_dir), progress=False)


def uncached(embedder):
    """The embedder behind the engine's LRU cache, so every question is really embedded."""
    return getattr(embedder, "inner", embedder)


# --- warm paths ------------------------------------------------------------------------


class Floor:
    """One query embedding (the engine's ONNX embedder) plus one Chroma k=4 query."""

    def __init__(self, bot, k: int = 4):
        self.embedder = uncached(bot.query_embedder)
        self.store = bot.store
        self.k = k
        self.embed_ms: list[float] = []
        self.query_ms: list[float] = []

    def __call__(self, question: str) -> None:
        embed_ms, vectors = time_ms(self.embedder.embed, [question])
        query_ms, _ = time_ms(self.store.query, vectors[0], self.k)
        self.embed_ms.append(embed_ms)
        self.query_ms.append(query_ms)


@dataclass
class AskRecorder:
    """Calls `ask` and keeps the wall time, the engine's per-stage timings and the route."""

    ask: Callable
    wall_ms: list[float] = field(default_factory=list)
    stages: dict[str, list[float]] = field(default_factory=dict)
    by_category: dict[str, list[float]] = field(default_factory=dict)
    routes: dict[str, int] = field(default_factory=dict)

    def __call__(self, question: str, category: str = "") -> None:
        ms, reply = time_ms(self.ask, question)
        self.wall_ms.append(ms)
        for stage, value in reply.timings.items():
            self.stages.setdefault(stage, []).append(value)
        self.by_category.setdefault(category, []).append(ms)
        self.routes[reply.route] = self.routes.get(reply.route, 0) + 1


def uncached_assistant(bot):
    """A second Assistant over the same store whose query embedder has no LRU cache."""
    from assistant.engine import Assistant

    return Assistant(bot.settings, bot.store, uncached(bot.query_embedder))


@contextmanager
def probe(bot, totals: dict[str, list[float]]):
    """Time the vector, store and BM25 calls inside `ask` by shadowing them on the
    instances (a small index's vectors are in memory: then the store is never called)."""
    targets = [(bot.store, name) for name in
               ("query", "chunk_vectors", "sentence_counts", "sentence_vectors")]
    targets += [(bot.retriever.vectors, name) for name in
                ("query", "chunk_vectors", "sentence_vectors")]
    targets.append((bot.retriever.lexical, "search"))
    for obj, name in targets:
        original = getattr(obj, name)
        label = f"{type(obj).__name__}.{name}"

        def timed(*args, _original=original, _label=label, **kwargs):
            ms, result = time_ms(_original, *args, **kwargs)
            totals.setdefault(_label, []).append(ms)
            return result

        setattr(obj, name, timed)
    try:
        yield totals
    finally:
        for obj, name in targets:
            delattr(obj, name)


# --- cold start ------------------------------------------------------------------------


def cold_phases(data_dir: Path, question: str) -> dict[str, float]:
    """Where a new process's time to first answer goes (run in a fresh process)."""
    t0 = time.perf_counter()
    from assistant.engine import Assistant
    from assistant.settings import Settings

    t1 = time.perf_counter()
    bot = Assistant.load(Settings(data_dir=Path(data_dir)), progress=False)
    t2 = time.perf_counter()
    reply = bot.ask(question)
    t3 = time.perf_counter()
    heavy = [m for m in ("torch", "sentence_transformers", "transformers", "gradio",
                         "langchain_core", "sklearn", "pandas") if m in sys.modules]
    return {"import_s": t1 - t0, "load_s": t2 - t1, "first_ask_s": t3 - t2,
            **{f"first_{k}": v / 1e3 for k, v in reply.timings.items()},
            "heavy_modules": ",".join(heavy) or "none"}


# --- ingest ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IngestResult:
    chunks: int
    sentences: int
    characters: int  # everything embedded: chunk texts with their headings, and sentences
    model_load_s: float
    fresh_s: float
    noop_s: float

    @property
    def chunks_per_s(self) -> float:
        return self.chunks / self.fresh_s

    @property
    def texts_per_s(self) -> float:
        return (self.chunks + self.sentences) / self.fresh_s


def measure_ingest(corpus_dirs: Sequence[Path] | None = None) -> IngestResult:
    """A fresh index in a temporary data_dir, then the same ingest again (nothing to do)."""
    from assistant.chunking import embedding_text, split_sentences
    from assistant.corpus import load_documents
    from assistant.embeddings import SentenceTransformerEmbedder
    from assistant.ingest import build_chunks, ingest
    from assistant.store import ChunkStore

    with tempfile.TemporaryDirectory(prefix="ingest-", dir=WORK_DIR) as tmp:
        settings = settings_for(Path(tmp))
        dirs = list(corpus_dirs or settings.guidance_paths)
        embedder = SentenceTransformerEmbedder(settings.model_name_or_path)
        model_ms, _ = time_ms(embedder.embed, ["warm up"])  # model load is not ingest
        store = ChunkStore(settings)
        kwargs = dict(model_id=settings.model_id, max_chars=settings.chunk_max_chars,
                      progress=False)
        fresh = ingest(store, embedder, dirs, **kwargs)
        noop = ingest(store, embedder, dirs, **kwargs)
        chunks = build_chunks(load_documents(dirs), settings.chunk_max_chars)
        sentences = [s for c in chunks for s in split_sentences(c.text)]
        characters = sum(len(embedding_text(c)) for c in chunks) + sum(map(len, sentences))
        if noop.added or noop.removed:
            raise RuntimeError(f"re-ingest was not a no-op: {noop.line()}")
        return IngestResult(fresh.added, len(sentences), characters, model_ms / 1e3,
                            fresh.seconds, noop.seconds)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 3 or args[0] != "--cold-phases":
        print("usage: python -m bench.project --cold-phases DATA_DIR QUESTION", file=sys.stderr)
        return 2
    print(json.dumps(cold_phases(Path(args[1]), args[2])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
