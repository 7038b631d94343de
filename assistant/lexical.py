"""BM25 over the same chunks as the dense index, with bm25s (sparse; fast at 100k chunks)."""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    """a an and are as at be been but by can could do does doing did for from had has have
    how i if in into is it its it's me my of on or our should so than that the their them then
    there these they this to too was we were what when where which while who why will with
    would you your yours just about after before up down out off over under again very s t""".split()
)


@functools.lru_cache(maxsize=1 << 16)  # a corpus's and its questions' vocabulary: bounded
def stem(word: str) -> str:
    """A light suffix stripper: enough to match 'numbness'/'numb', 'pressing'/'press'."""
    for suffix in ("ness", "ings", "ing", "edly", "ed", "ies", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    return word


def tokenize(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


# Terms this common are held as dense score rows (`dense_rows`).
DENSE_SHARE = 1 / 16
DENSE_MIN = 2048
DENSE_MAX_BYTES = 32 << 20  # 32 MB: about 80 terms at 100k chunks, 8 at 1 million


class LexicalIndex:
    """BM25 scores for a fixed list of chunk ids; rebuilt whenever the store changes.

    bm25s builds the index (a sparse term-by-chunk matrix of precomputed BM25 scores);
    scoring a query is then a sum of a few matrix columns, done here in numpy over the
    same arrays. So opening a saved index needs neither bm25s nor scipy, whose import was
    a fifth of a cold start, and a built index and a loaded one score identically."""

    def __init__(self, ids: Sequence[str], texts: Sequence[str]):
        self.ids = list(ids)
        tokens = [tokenize(t) or ["\x00"] for t in texts]
        self._vocab: dict[str, int] = {}
        self._data = np.zeros(0, dtype=np.float32)
        self._indices = np.zeros(0, dtype=np.int32)
        self._indptr = np.zeros(1, dtype=np.int64)
        if self.ids:
            import bm25s

            bm25 = bm25s.BM25()  # lucene BM25: no score for chunks that lack a term
            bm25.index(tokens, show_progress=False)
            self._data = np.asarray(bm25.scores["data"], dtype=np.float32)
            self._indices = np.asarray(bm25.scores["indices"], dtype=np.int32)
            self._indptr = np.asarray(bm25.scores["indptr"], dtype=np.int64)
            columns = len(self._indptr) - 1  # bm25s's vocabulary also holds "", with none
            self._vocab = {str(t): int(i) for t, i in bm25.vocab_dict.items() if i < columns}
        df = Counter(term for doc in tokens for term in set(doc))
        n = max(len(tokens), 1)
        # BM25's idf: rare terms ("hamstring") weigh more than common ones ("leg", "press").
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self.default_idf = math.log(1 + (n + 0.5) / 0.5)
        self._dense = dense_rows(self._indptr, self._indices, self._data, len(self.ids))

    def save(self, folder: Path) -> None:
        """Write the index (the score matrix, our ids, vocabulary and idf) into a folder."""
        np.savez(folder / "bm25.npz", data=self._data, indices=self._indices, indptr=self._indptr)
        (folder / "lexical.json").write_text(json.dumps(
            {"ids": self.ids, "idf": self.idf, "default_idf": self.default_idf,
             "vocab": self._vocab}), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        """The index `save` wrote, without tokenizing a single chunk again."""
        meta = json.loads((folder / "lexical.json").read_text(encoding="utf-8"))
        self = cls.__new__(cls)
        self.ids, self.idf, self.default_idf = meta["ids"], meta["idf"], meta["default_idf"]
        self._vocab = meta["vocab"]
        with np.load(folder / "bm25.npz") as saved:
            self._data, self._indices = saved["data"], saved["indices"]
            self._indptr = saved["indptr"]
        if (len(self._data) != len(self._indices)
                or max(self._vocab.values(), default=-1) >= len(self._indptr) - 1):
            raise ValueError("the saved BM25 arrays do not match their vocabulary")
        self._dense = dense_rows(self._indptr, self._indices, self._data, len(self.ids))
        return self

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """Every chunk's BM25 score for the query terms (a repeated term counts again)."""
        scores = np.zeros(len(self.ids), dtype=np.float32)
        dense = self._dense
        for column in (self._vocab[t] for t in tokens if t in self._vocab):
            row = dense.get(column)
            if row is not None:
                scores += row  # a common term: one vector add, not a scatter of most chunks
            else:
                a, b = self._indptr[column], self._indptr[column + 1]
                np.add.at(scores, self._indices[a:b], self._data[a:b])
        return scores

    def search(self, query: str, n: int) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) of the best `n` chunks with a positive score."""
        tokens = tokenize(query)
        if not tokens or not self.ids:
            return []
        scores = self.scores(tokens)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]


def dense_rows(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n: int
               ) -> dict[int, np.ndarray]:
    """The commonest terms' columns (in at least `DENSE_SHARE` of the `n` chunks and
    `DENSE_MIN` of them, most common first, within `DENSE_MAX_BYTES`) as dense score rows.
    At 100k chunks "leg" or "press" is in most of them, and scattering ~100k postings per
    term was most of a question's BM25 time; a dense row is one vector add."""
    lengths = np.diff(indptr)
    common = np.flatnonzero(lengths >= max(DENSE_MIN, n * DENSE_SHARE))
    common = common[np.argsort(-lengths[common], kind="stable")]
    rows: dict[int, np.ndarray] = {}
    for column in common[:DENSE_MAX_BYTES // max(4 * n, 1)].tolist():
        row = np.zeros(n, dtype=np.float32)
        row[indices[indptr[column]:indptr[column + 1]]] = data[indptr[column]:indptr[column + 1]]
        rows[column] = row
    return rows
