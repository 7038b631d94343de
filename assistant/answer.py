"""Compose a short extractive answer from retrieved passages, with [n] citations (pure).

No LLM: each sentence of the answer is a sentence of a cited passage, chosen by its
similarity to the question (precomputed sentence vectors) plus word overlap, so every
claim is grounded by construction and the check below can prove it.
"""

from __future__ import annotations

import functools
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
# Choosing the passage: its heading is phrased the way members ask, so how close the
# heading is to the question counts as much as its best sentence.
HEADING_WEIGHT = 0.7


@dataclass(frozen=True)
class _Candidate:
    hit: int
    index: int
    text: str
    score: float
    vector: np.ndarray | None


@functools.lru_cache(maxsize=1 << 14)
def _terms(sentence: str) -> frozenset[str]:
    """A corpus sentence's terms: the same few thousand sentences come up question after
    question, so they are tokenized once."""
    return frozenset(tokenize(sentence))


@functools.lru_cache(maxsize=1 << 12)
def _sentences(passage: str) -> tuple[str, ...]:
    return tuple(split_sentences(passage))


# A checklist item quoted alone reads as a statement about the member ("Your back pain has
# lasted more than about two weeks."): under a referral such sentences are left out.
ABOUT_THE_READER = re.compile(
    r"^(?:your\b|you (?:have|had|are|were|feel|felt|notice|get|got|can't|cannot|develop|'ve|'re)\b|"
    r"you've\b|you're\b)", re.IGNORECASE)


@dataclass(frozen=True)
class _Quotable:
    index: int  # the sentence's position in its passage
    text: str
    about_reader: bool
    leans_back: bool
    terms: frozenset[str]


@functools.lru_cache(maxsize=1 << 12)
def _quotable(passage: str) -> tuple[_Quotable, ...]:
    """A passage's sentences that can be quoted alone, with what scoring needs to know of
    each: the same few hundred passages come up question after question."""
    out = []
    for i, sentence in enumerate(_sentences(passage)):
        if sentence.rstrip().endswith(":") or len(sentence.split()) < MIN_WORDS:
            continue  # list lead-ins and fragments read badly on their own
        bare = _LIST_PREFIX.sub("", sentence)
        out.append(_Quotable(i, sentence, bool(ABOUT_THE_READER.match(bare.strip())),
                             bool(_LEANS_BACK.match(bare)), _terms(sentence)))
    return tuple(out)


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
    total = sum(terms.values())
    found: list[_Candidate] = []
    for h, hit in enumerate(hits):
        vectors = sentence_vectors.get(hit.chunk.id)
        if vectors is not None and len(vectors) != len(_sentences(hit.chunk.text)):
            vectors = None
        dense = (vectors @ vector).tolist() if vectors is not None else None
        for q in _quotable(hit.chunk.text):
            if skip_about_reader and q.about_reader:
                continue
            overlap = sum(w for t, w in terms.items() if t in q.terms) / total if total else 0.0
            score = (SENTENCE_WEIGHT * (dense[q.index] if dense is not None else hit.similarity)
                     + (1 - SENTENCE_WEIGHT) * hit.similarity + OVERLAP_WEIGHT * overlap)
            if q.leans_back:
                score -= LEANS_BACK_PENALTY
            found.append(_Candidate(h, q.index, q.text, score,
                                    vectors[q.index] if vectors is not None else None))
    return found


@functools.lru_cache(maxsize=1 << 14)
def _repeat_key(sentence: str) -> str:
    return re.sub(r"\W+", " ", sentence.lower()).strip()


def _repeats(cand: _Candidate, picked: Sequence[_Candidate]) -> bool:
    key = _repeat_key(cand.text)
    for p in picked:
        if _repeat_key(p.text) == key:
            return True
        if (cand.vector is not None and p.vector is not None
                and float(p.vector @ cand.vector) > DUPLICATE_SIMILARITY):
            return True
    return False


# "Which exercises...", "what are the signs...": answered with the corpus's own list.
LIST_QUESTION = re.compile(
    r"\b(?:which|what(?: are)?|any|some|list|name|give me)\b[^?.!]{0,60}?\b(?:exercises?|stretch(?:es)?|"
    r"signs?|symptoms|steps|ways|things|moves|tips|benefits|causes|options|mistakes|red flags|drills)\b",
    re.IGNORECASE)
# "Reduced Spinal Load: Compared to squats..." - a heading label stuck to a list item.
_LABEL = re.compile(r"^(?P<label>[A-Z][\w'-]*(?:,? (?:[\w'-]+|&)){0,5}): (?=[A-Z])")
# A "Where advice differs" section answers a question about disagreement, nothing else.
HEDGE_SECTION = "Where advice differs"
_ASKS_ABOUT_DISAGREEMENT = re.compile(
    r"\b(?:disagree\w*|differ\w*|conflict\w*|contradict\w*|research|evidence|stud(?:y|ies)|"
    r"sources?|debate\w*|myths?)\b", re.IGNORECASE)
MAX_WORDS = 90  # an answer reads as one short answer: about this many words, plus list items
MAX_ITEMS = 8
META_PENALTY = 0.06  # prefer advice to sentences about "the article" or "a study" ...
HEDGE_PENALTY = 0.06  # ... and to sentences about how sources disagree
_HEDGE = re.compile(r"\b(?:vary|varies|differ|disagree\w*|unproven|no official|mixed|uncertain|"
                    r"plausible but|weak evidence|little evidence|evidence is)\b", re.IGNORECASE)
_META = re.compile(r"\b(?:the|this) (?:gym's )?(?:main )?(?:leg press )?(?:article|guide)\b|"
                   r"\b(?:a|one|another) (?:small |large )?(?:study|trial|review)\b|\bresearch\b",
                   re.IGNORECASE)
_QUESTION = re.compile(r"[^.!?\n]*\?")


def focus(question: str) -> str:
    """The question inside a long message: its question sentences, else the whole text.

    Members tell a story and ask at the end; the story's words should not pick the answer.
    """
    if len(question.split()) < 35:
        return question
    last = [m for m in _QUESTION.finditer(question) if len(m.group().split()) >= 3][-2:]
    if not last:
        return question
    asked = " ".join(m.group().strip() for m in last)
    if _REFERS_BACK.search(asked):
        # "How should I set it up?": the sentence before says what "it" is.
        before = split_sentences(question[:last[0].start()])
        if before:
            asked = f"{before[-1]} {asked}"
    return asked


# A question that points back into the story ("set it up", "is this normal").
_REFERS_BACK = re.compile(r"\b(?:it|this|that|these|those|they|them|him|her)\b", re.IGNORECASE)


def is_list_question(question: str) -> bool:
    return bool(LIST_QUESTION.search(question))


def _words(text: str) -> int:
    return len(text.split())


def _plain_item(sentence: str) -> str:
    """A list item without its bullet, verbatim (a label before a colon reads fine as a bullet)."""
    return _LIST_PREFIX.sub("", sentence).strip()


def _unlabelled(sentence: str) -> str:
    """A quoted sentence never starts with a heading label fused into it."""
    text = _LIST_PREFIX.sub("", sentence).strip()
    m = _LABEL.match(text)
    return text[m.end():] if m else text


class Cite:
    """Numbers passages in the order the answer first cites them."""

    def __init__(self, hits: Sequence[Hit]):
        self.hits = hits
        self.numbers: dict[int, int] = {}
        self.citations: list[Citation] = []

    def __call__(self, h: int) -> int:
        if h not in self.numbers:
            self.numbers[h] = 1 + len(self.numbers)
            hit = self.hits[h]
            self.citations.append(Citation(
                n=self.numbers[h], doc_id=hit.chunk.doc_id, title=hit.chunk.title,
                section=hit.chunk.section, text=hit.chunk.text, score=round(hit.similarity, 4),
                sources=hit.chunk.sources, reviewed=hit.chunk.reviewed))
        return self.numbers[h]


def _list_answer(cands: Sequence[_Candidate], hits: Sequence[Hit], cite: Cite,
                 forced: bool = False, lead: int | None = None) -> str | None:
    """Lead-in plus bullet items from the best passage that has a list, when it is on topic
    (`forced`: whenever a passage has one, e.g. the urgent-help list under an emergency)."""
    best_score = max(c.score for c in cands)
    by_hit: dict[int, list[_Candidate]] = {}
    for c in cands:
        by_hit.setdefault(c.hit, []).append(c)
    ranked = []
    for h, group in by_hit.items():
        sentences = _sentences(hits[h].chunk.text)
        items = [i for i, t in enumerate(sentences) if _LIST_PREFIX.match(t)]
        if len(items) < 2:
            continue
        block = max(c.score for c in group if c.index in items or c.index + 1 in items) \
            if any(c.index in items or c.index + 1 in items for c in group) else -1.0
        ranked.append((block, h, sentences, items))
    if not ranked:
        return None
    chosen = [r for r in ranked if r[1] == lead]  # the passage chosen to answer from, if it has a list
    block, h, sentences, items = chosen[0] if chosen else max(ranked, key=lambda r: r[0])
    if not chosen and block < best_score - RELATIVE_FLOOR and not forced:
        return None
    n = cite(h)
    first = items[0]
    lines = []
    lead = sentences[first - 1] if first > 0 and not _LIST_PREFIX.match(sentences[first - 1]) else ""
    if lead:
        lines.append(f"{_unlabelled(lead)} [{n}]")
    run = [i for i in items if i - first < MAX_ITEMS and all(j in items for j in range(first, i + 1))]
    lines += [f"- {_plain_item(sentences[i])} [{n}]" for i in run]
    return "\n".join(lines)


def best_passage(cands: Sequence[_Candidate],
                 heading_similarity: Sequence[float | None] | None) -> int:
    """The hit to answer from: its best sentence's score, blended with its heading's
    closeness to the question when headings were scored."""
    best: dict[int, float] = {}
    for c in cands:
        best[c.hit] = max(best.get(c.hit, -1.0), c.score)
    if heading_similarity is None:
        return max(best, key=best.__getitem__)

    def score(h: int) -> float:
        heading = heading_similarity[h]
        return best[h] if heading is None else (1 - HEADING_WEIGHT) * best[h] + HEADING_WEIGHT * heading
    return max(best, key=score)


def _span_answer(cands: Sequence[_Candidate], hits: Sequence[Hit], cite: Cite, max_sentences: int,
                 question: str, lead: int | None = None) -> str:
    """A contiguous span of the best passage, from its first sentence on the question to about
    `MAX_WORDS` words; a sentence that leans on the one before it comes with it. Other
    passages add their best sentence only for the other parts of a multi-part question, or
    when the span is short."""
    best = max((c for c in cands if lead is None or c.hit == lead), key=lambda c: c.score)
    in_passage = sorted((c for c in cands if c.hit == best.hit), key=lambda c: c.index)
    on_topic = [c for c in in_passage if c.score >= best.score - RELATIVE_FLOOR]
    start = on_topic[0] if on_topic else best
    by_index = {c.index: c for c in in_passage}
    if _LEANS_BACK.match(_LIST_PREFIX.sub("", start.text)) and start.index - 1 in by_index:
        start = by_index[start.index - 1]  # a leaning sentence comes with its antecedent
    chosen: list[_Candidate] = []
    words = 0
    for c in in_passage:
        if c.index < start.index or len(chosen) >= max_sentences:
            continue
        if chosen and (c.score < best.score - 2 * RELATIVE_FLOOR or words + _words(c.text) > MAX_WORDS):
            break
        if _repeats(c, chosen):
            continue
        chosen.append(c)
        words += _words(c.text)
    if best not in chosen and not _repeats(best, chosen) and words + _words(best.text) <= MAX_WORDS + 20:
        chosen.append(best)
        words += _words(best.text)
    parts = [p for p in re.split(r"\?\s+|\band (?:also )?(?:how|what|why|when|should|can|is|do)\b", question)
             if len(p.split()) >= 3]
    extra = len(parts) - 1 if len(parts) > 1 else (1 if words < MAX_WORDS // 2 else 0)
    others = [c for c in cands if c.hit != best.hit and c.score >= best.score - RELATIVE_FLOOR
              and not _LEANS_BACK.match(_LIST_PREFIX.sub("", c.text)) and not _repeats(c, chosen)]
    for c in sorted(others, key=lambda c: -c.score)[:extra]:
        if words + _words(c.text) <= MAX_WORDS + 30:
            chosen.append(c)
            words += _words(c.text)
    return " ".join(f"{_unlabelled(c.text)} [{cite(c.hit)}]" for c in chosen)


@functools.lru_cache(maxsize=1 << 14)
def _penalty(sentence: str) -> float:
    """Talk about "the article" or a study, or about sources disagreeing, scores lower."""
    return ((META_PENALTY if _META.search(sentence) else 0)
            + (HEDGE_PENALTY if _HEDGE.search(sentence) else 0))


def compose(question: str, vector: np.ndarray, hits: Sequence[Hit],
            sentence_vectors: Mapping[str, np.ndarray], max_sentences: int = 3,
            idf: Mapping[str, float] | None = None,
            skip_about_reader: bool = False,
            as_list: bool | None = None,
            heading_similarity: Sequence[float] | None = None) -> tuple[str, tuple[Citation, ...]]:
    """Answer text with a [n] after each sentence or list item, and the citations they refer to.

    The first sentence is the best-matching sentence of the retrieved passages; what
    follows is the rest of that passage's span while it stays on the question (about
    `MAX_WORDS` words), or for a list question the passage's own list as bullets.
    `skip_about_reader`: under a referral, leave out checklist items that would read as
    statements about the member. `as_list`: answer with the passage's list (True), never
    (False), or when the question asks for one (None).
    """
    cands = candidates(question, vector, hits, sentence_vectors, idf, skip_about_reader)
    if not _ASKS_ABOUT_DISAGREEMENT.search(question):
        cands = [c for c in cands if not hits[c.hit].chunk.section.endswith(HEDGE_SECTION)] or cands
    cands = [_Candidate(c.hit, c.index, c.text, c.score - _penalty(c.text), c.vector)
             for c in cands]
    if not cands:
        return "", ()
    cite = Cite(hits)
    lead = best_passage(cands, heading_similarity)
    wants_list = is_list_question(question) and not skip_about_reader if as_list is None else as_list
    text = _list_answer(cands, hits, cite, forced=bool(as_list), lead=lead) if wants_list else None
    if text is None:
        text = _span_answer(cands, hits, cite, max_sentences, question, lead)
    return text, tuple(cite.citations)


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
