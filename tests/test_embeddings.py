"""The query-side LRU cache (pure; a counting fake stands in for the model)."""

import numpy as np

from assistant.embeddings import CachedEmbedder


class _Counting:
    name = "fake"

    def __init__(self):
        self.calls: list[list[str]] = []

    def embed(self, texts):
        self.calls.append(list(texts))
        return np.array([[float(len(t)), float(ord(t[0]))] for t in texts], dtype=np.float32)


def test_a_batch_that_evicts_its_own_cached_text_still_returns_every_row():
    inner = _Counting()
    cache = CachedEmbedder(inner, size=2)
    cache.embed(["a", "bb"])
    # "a" is the oldest entry; inserting "ccc" and "dddd" would evict it mid-batch.
    rows = cache.embed(["a", "ccc", "dddd", "a"])
    assert rows.tolist() == [[1, 97], [3, 99], [4, 100], [1, 97]]
    assert inner.calls[-1] == ["ccc", "dddd"]
    assert len(cache._cache) == 2


def test_repeated_texts_are_embedded_once():
    inner = _Counting()
    cache = CachedEmbedder(inner, size=8)
    cache.embed(["x", "x", "y"])
    cache.embed(["y", "x"])
    assert inner.calls == [["x", "y"]]
