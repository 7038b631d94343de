"""BM25 over the same chunks as the dense index, with bm25s (sparse; fast at 100k chunks)."""

from __future__ import annotations

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


def stem(word: str) -> str:
    """A light suffix stripper: enough to match 'numbness'/'numb', 'pressing'/'press'."""
    for suffix in ("ness", "ings", "ing", "edly", "ed", "ies", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    return word


def tokenize(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


class LexicalIndex:
    """BM25 scores for a fixed list of chunk ids; rebuilt whenever the store changes."""

    def __init__(self, ids: Sequence[str], texts: Sequence[str]):
        import bm25s

        self.ids = list(ids)
        self._bm25 = bm25s.BM25()
        tokens = [tokenize(t) or ["\x00"] for t in texts]
        if self.ids:
            self._bm25.index(tokens, show_progress=False)
        df = Counter(term for doc in tokens for term in set(doc))
        n = max(len(tokens), 1)
        # BM25's idf: rare terms ("hamstring") weigh more than common ones ("leg", "press").
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self.default_idf = math.log(1 + (n + 0.5) / 0.5)

    def save(self, folder: Path) -> None:
        """Write the index (bm25s arrays + our ids and idf) into an existing folder."""
        if self.ids:
            self._bm25.save(str(folder / "bm25"), show_progress=False)
        (folder / "lexical.json").write_text(json.dumps(
            {"ids": self.ids, "idf": self.idf, "default_idf": self.default_idf}), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        """The index `save` wrote, without tokenizing a single chunk again."""
        import bm25s

        meta = json.loads((folder / "lexical.json").read_text(encoding="utf-8"))
        self = cls.__new__(cls)
        self.ids, self.idf, self.default_idf = meta["ids"], meta["idf"], meta["default_idf"]
        self._bm25 = (bm25s.BM25.load(str(folder / "bm25"), show_progress=False)
                      if self.ids else bm25s.BM25())
        return self

    def search(self, query: str, n: int) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) of the best `n` chunks with a positive score."""
        tokens = tokenize(query)
        if not tokens or not self.ids:
            return []
        scores = self._bm25.get_scores(tokens)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]
