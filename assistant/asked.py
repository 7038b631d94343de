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

    def rows_for(self) -> dict[str, int]:
        return {c.section: i for i, c in enumerate(self.sections)}

    def scores(self, vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per section: the best cosine over all its rows (labels included), and over its
        question rows only (-inf when it has none)."""
        sims = self.vectors @ vector
        best = np.full(len(self.sections), -np.inf, dtype=np.float32)
        np.maximum.at(best, self.owner, sims)
        asked = np.full(len(self.sections), -np.inf, dtype=np.float32)
        np.maximum.at(asked, self.owner[self.is_question], sims[self.is_question])
        return best, asked
