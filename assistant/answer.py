"""Compose a short extractive answer from retrieved passages, with [n] citations (pure).

No LLM: each sentence of the answer is a sentence of a cited passage, chosen by its
similarity to the question (precomputed sentence vectors) plus word overlap, so every
claim is grounded by construction and the check below can prove it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .chunking import split_sentences
from .lexical import tokenize
from .types import Citation, Hit

MARKER = re.compile(r"\[(\d+)\]")
_LIST_PREFIX = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")

# How far below the best sentence another may score and still be included.
RELATIVE_FLOOR = 0.12
# Two sentences this similar say the same thing; keep one.
DUPLICATE_SIMILARITY = 0.90
MIN_WORDS = 4
# A sentence that leans on the one before it ("This can...") reads badly quoted alone.
_LEANS_BACK = re.compile(
    r"^(this|that|these|those|it|they|such|however|similarly|to avoid this|as previously)\b",
    re.IGNORECASE)
LEANS_BACK_PENALTY = 0.08
SENTENCE_WEIGHT = 0.6
OVERLAP_WEIGHT = 0.15
NEW_PASSAGE_BONUS = 0.05


@dataclass(frozen=True)
class _Candidate:
    hit: int
    index: int
    text: str
    score: float
    vector: np.ndarray | None


def _word_overlap(question_terms: Mapping[str, float], sentence: str) -> float:
    """Share of the question's idf weight that the sentence's words cover."""
    total = sum(question_terms.values())
    if not total:
        return 0.0
    words = set(tokenize(sentence))
    return sum(w for t, w in question_terms.items() if t in words) / total


# A checklist item quoted alone reads as a statement about the member ("Your back pain has
# lasted more than about two weeks."): under a referral such sentences are left out.
ABOUT_THE_READER = re.compile(
    r"^(?:your\b|you (?:have|had|are|were|feel|felt|notice|get|got|can't|cannot|develop|'ve|'re)\b|"
    r"you've\b|you're\b)", re.IGNORECASE)


def candidates(question: str, vector: np.ndarray, hits: Sequence[Hit],
               sentence_vectors: Mapping[str, np.ndarray],
               idf: Mapping[str, float] | None = None,
               skip_about_reader: bool = False) -> list[_Candidate]:
    """Every quotable sentence of the retrieved passages with its relevance score.

    Score = how close the sentence is to the question, blended with how close its whole
    passage is (so a generic sentence in an off-topic passage loses), plus the share of
    the question's rare words it contains.
    """
    idf = idf or {}
    terms = {t: idf.get(t, 1.0) for t in tokenize(question)}
    found: list[_Candidate] = []
    for h, hit in enumerate(hits):
        sentences = split_sentences(hit.chunk.text)
        vectors = sentence_vectors.get(hit.chunk.id)
        if vectors is not None and len(vectors) != len(sentences):
            vectors = None
        for i, sentence in enumerate(sentences):
            if sentence.rstrip().endswith(":") or len(sentence.split()) < MIN_WORDS:
                continue  # list lead-ins and fragments read badly on their own
            if skip_about_reader and ABOUT_THE_READER.match(_LIST_PREFIX.sub("", sentence).strip()):
                continue
            dense = float(vectors[i] @ vector) if vectors is not None else hit.similarity
            score = (SENTENCE_WEIGHT * dense + (1 - SENTENCE_WEIGHT) * hit.similarity
                     + OVERLAP_WEIGHT * _word_overlap(terms, sentence))
            if _LEANS_BACK.match(_LIST_PREFIX.sub("", sentence)):
                score -= LEANS_BACK_PENALTY
            found.append(_Candidate(h, i, sentence, score,
                                    vectors[i] if vectors is not None else None))
    return found


def select(cands: Sequence[_Candidate], max_sentences: int) -> list[_Candidate]:
    """Pick the answer's sentences, then put them back in reading order.

    The best passage always contributes its best sentence; after that, sentences are taken
    by score, with a small bonus for a passage not yet cited (so the answer's citations
    cover more of what was retrieved), skipping near-duplicates and anything far below
    the best.
    """
    if not cands:
        return []
    best = max(c.score for c in cands)
    top_passage = min(c.hit for c in cands)
    first = max((c for c in cands if c.hit == top_passage), key=lambda c: c.score)
    picked: list[_Candidate] = [first]
    pool = [c for c in cands if c is not first and c.score >= best - RELATIVE_FLOOR]
    while pool and len(picked) < max_sentences:
        cited = {p.hit for p in picked}
        cand = max(pool, key=lambda c: c.score + (NEW_PASSAGE_BONUS if c.hit not in cited else 0))
        pool.remove(cand)
        if not _repeats(cand, picked):
            picked.append(cand)
    return sorted(picked, key=lambda c: (c.hit, c.index))


def _repeats(cand: _Candidate, picked: Sequence[_Candidate]) -> bool:
    key = re.sub(r"\W+", " ", cand.text.lower()).strip()
    for p in picked:
        if re.sub(r"\W+", " ", p.text.lower()).strip() == key:
            return True
        if (cand.vector is not None and p.vector is not None
                and float(p.vector @ cand.vector) > DUPLICATE_SIMILARITY):
            return True
    return False


def compose(question: str, vector: np.ndarray, hits: Sequence[Hit],
            sentence_vectors: Mapping[str, np.ndarray], max_sentences: int = 3,
            idf: Mapping[str, float] | None = None,
            skip_about_reader: bool = False) -> tuple[str, tuple[Citation, ...]]:
    """Answer text with a [n] after each sentence, and the citations those markers refer to.

    `skip_about_reader`: under a referral, leave out checklist items that would read as
    statements about the member.
    """
    chosen = select(candidates(question, vector, hits, sentence_vectors, idf, skip_about_reader),
                    max_sentences)
    numbers: dict[int, int] = {}
    citations: list[Citation] = []
    parts: list[str] = []
    for cand in chosen:
        if cand.hit not in numbers:
            numbers[cand.hit] = 1 + len(numbers)
            hit = hits[cand.hit]
            citations.append(Citation(
                n=numbers[cand.hit], doc_id=hit.chunk.doc_id, title=hit.chunk.title,
                section=hit.chunk.section, text=hit.chunk.text, score=round(hit.similarity, 4),
            ))
        sentence = _LIST_PREFIX.sub("", cand.text).strip()
        parts.append(f"{sentence} [{numbers[cand.hit]}]")
    return " ".join(parts), tuple(citations)


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def unresolved_markers(text: str, citations: Sequence[Citation]) -> list[int]:
    """Marker numbers in `text` with no matching citation (should always be empty)."""
    known = {c.n for c in citations}
    return sorted({int(n) for n in MARKER.findall(text)} - known)


def ungrounded_sentences(text: str, citations: Sequence[Citation]) -> list[str]:
    """Answer sentences (markers stripped) that are not verbatim in the passage they cite."""
    passages = {c.n: normalise_space(c.text) for c in citations}
    bad: list[str] = []
    for match in re.finditer(r"(.+?)((?:\s*\[\d+\])+)(?=\s|$)", text):
        sentence = normalise_space(match.group(1))
        cited = [int(n) for n in MARKER.findall(match.group(2))]
        if not any(sentence in passages.get(n, "") for n in cited):
            bad.append(sentence)
    return bad
