"""The questions each section answers, as vectors: its heading and its `also_asked` list.

Guidance headings are phrased the way members ask, and each section may list other ways
members ask the same thing (front matter `also_asked`, the "hypothetical questions" of
LangChain's multi-vector retriever). A member's question close to any of them points at
that section's answer. Pure numpy over vectors embedded once when the index opens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .types import Chunk


def heading_of(chunk: Chunk) -> str:
    return chunk.section.rsplit(" › ", 1)[-1]


@dataclass(frozen=True)
class QuestionIndex:
    sections: list[Chunk]  # each section's first chunk
    vectors: np.ndarray  # one row per heading or also-asked question
    owner: np.ndarray  # row -> index into `sections`
    is_question: np.ndarray  # row is a question (an also-asked one, or a heading ending "?")

    @classmethod
    def build(cls, chunks: Sequence[Chunk], embed: Callable[[list[str]], Sequence]
              ) -> QuestionIndex | None:
        first: dict[str, Chunk] = {}
        for c in chunks:
            if c.section not in first or c.position < first[c.section].position:
                first[c.section] = c
        if not first:
            return None
        sections = list(first.values())
        texts, owner, is_question = [], [], []
        for i, c in enumerate(sections):
            heading = heading_of(c)
            texts.append(heading)
            owner.append(i)
            is_question.append(heading.endswith("?"))
            for q in c.also_asked:
                texts.append(q)
                owner.append(i)
                is_question.append(True)
        vectors = np.asarray(embed(texts), dtype=np.float32)
        return cls(sections, vectors, np.asarray(owner, dtype=np.int32),
                   np.asarray(is_question, dtype=bool))

    def __post_init__(self) -> None:
        # Each section's rows as one padded row of indices into [sims..., -inf], so a
        # question's per-section maximum is one gather and one max (not ufunc.at per row).
        object.__setattr__(self, "_all_rows", _padded_rows(self.owner, len(self.sections)))
        asked = np.where(self.is_question, self.owner, -1)
        object.__setattr__(self, "_question_rows", _padded_rows(asked, len(self.sections)))
        object.__setattr__(self, "_last", None)

    def rows_for(self) -> dict[str, int]:
        return {c.section: i for i, c in enumerate(self.sections)}

    def scores(self, vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per section: the best cosine over all its rows (labels included), and over its
        question rows only (-inf when it has none)."""
        last = self._last  # one read: another thread may replace it meanwhile
        if last is not None and last[0] is vector:
            return last[1]  # the same question's vector again (a question asks this 2-3 times)
        sims = np.append(self.vectors @ vector, np.float32(-np.inf))
        result = sims[self._all_rows].max(axis=1), sims[self._question_rows].max(axis=1)
        object.__setattr__(self, "_last", (vector, result))
        return result


def _padded_rows(owner: np.ndarray, sections: int) -> np.ndarray:
    """(sections, widest) row indices per section; -1 (the -inf sentinel) pads, and marks
    rows `owner` leaves out (owner -1)."""
    members: list[list[int]] = [[] for _ in range(sections)]
    for row, section in enumerate(owner.tolist()):
        if section >= 0:
            members[section].append(row)
    out = np.full((sections, max(1, max(map(len, members), default=1))), -1, dtype=np.int64)
    for section, rows in enumerate(members):
        out[section, :len(rows)] = rows
    return out
