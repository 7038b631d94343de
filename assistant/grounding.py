"""Checking a generated answer against the passages it cites (pure, given an embedder).

A language model's sentence is shown only if code can tie it to a retrieved passage:
- it cites at least one passage, and every passage it cites was retrieved;
- every number, medicine or dose and body part it states appears in a passage it cites;
- it says nothing the cited passage does not: few content words that are not in the
  passage (`novelty`), and close in meaning to some stretch of it (`similarity`, the best
  cosine over the passage's sentences and pairs of neighbouring sentences);
- it keeps that stretch's polarity: negated where it is negated, and the same side of
  pairs like more/less and before/after (`polarity_flip`). Embeddings barely tell "stop the
  set" from "finish the set"; this catches the crude reversals, not every one.
The two thresholds are calibrated on labelled (passage, sentence) pairs written by
independent authors (`eval/grounding/`, `python -m assistant.evaluation.grounding`).
Sentences that fail are dropped; `enough` says whether what survives may be shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .chunking import split_sentences

# Calibrated on eval/grounding/pairs_dev.jsonl (see eval/grounding/README.md).
MAX_NOVELTY = 0.45
MIN_SIMILARITY = 0.85

Embed = Callable[[list[str]], np.ndarray]

MARKERS = re.compile(r"\s*\[(\d+)\]")
# "Do this. [1]" puts the marker after the full stop: move it before, where it belongs.
_MARKER_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\d+\])+)")

_NUMBER_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve "
                 "fifteen twenty thirty forty fifty sixty hundred half quarter twice "
                 "double triple dozen").split()
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b", re.I)
_DRUGS = re.compile(
    r"\b(?:ibuprofen|paracetamol|acetaminophen|aspirin|naproxen|diclofenac|codeine|tramadol|"
    r"opioids?|nsaids?|painkillers?|pain ?killers?|anti-?inflammator(?:y|ies)|muscle relaxants?|"
    r"steroids?|cortisone|creatine|magnesium|supplements?|tablets?|pills?|doses?|dosage|mg|"
    r"milligrams?|gabapentin|pregabalin|advil|tylenol|aleve|voltaren|deep heat|cbd)\b", re.I)
_BODY_PARTS = re.compile(
    r"\b(?:neck|shoulders?|arms?|elbows?|wrists?|hands?|fingers?|chest|ribs?|abdomen|belly|"
    r"stomach|abs|abdominals?|core|spine|spinal|lumbar|thoracic|cervical|pelvis|pelvic|hips?|"
    r"glutes?|buttocks?|bottom|groin|genitals?|thighs?|quads?|quadriceps|hamstrings?|knees?|"
    r"kneecaps?|shins?|calf|calves|ankles?|feet|foot|heels?|toes?|discs?|vertebrae?|nerves?|"
    r"sciatic|bladder|bowels?|legs?|back|head|jaw|tendons?|ligaments?|joints?)\b", re.I)

# Words an answer adds around any claim ("you should", "try to") that state nothing.
_STOP = set("""a an the and or but if then so as of to in on at by for with from into onto
over under up down out off about than that this these those there here it its it's they
them their you your you're yourself we our i me my is are was were be been being am do
does did doing done have has had having can could may might must shall should will would
not no nor just also too very really quite only even still more most less much many some
any each every all both either neither other another such own same what which who whom
whose when where why how while because since until though although whether again ever
first next try trying make making sure keep keeping get getting go going let lets use
using help helps way ways thing things something anything one's sort kind bit lot lots
like good well better best fine okay ok yes generally usually often always sometimes
around rather enough instead""".split())
_WORD = re.compile(r"[a-z][a-z'-]*")


def _stem(word: str) -> str:
    word = word.lower().strip("'-")
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_stems(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1]


def novelty(sentence: str, passage: str) -> float:
    """Share of the sentence's content words that the passage never uses."""
    words = content_stems(sentence)
    if not words:
        return 0.0
    known = set(content_stems(passage))
    return sum(w not in known for w in words) / len(words)


def _facts(pattern: re.Pattern, text: str) -> dict[str, str]:
    """{stem: the words as written} for each match ("knees" and "knee" are one fact)."""
    return {_stem(m.group(0).lower().replace(" ", "")): m.group(0).lower()
            for m in pattern.finditer(text)}


def unsupported_facts(sentence: str, passage: str) -> list[str]:
    """Numbers, medicines and body parts the sentence states and the passage does not."""
    missing: list[str] = []
    for pattern in (_NUMBER, _DRUGS, _BODY_PARTS):
        said, source = _facts(pattern, sentence), _facts(pattern, passage)
        missing += sorted(said[stem] for stem in said.keys() - source.keys())
    return missing


_NEGATION = re.compile(r"\b(?:not|no|never|none|nothing|neither|nor|cannot|without|instead)\b"
                       r"|n't\b", re.I)
_OPPOSITES = (("more", "less"), ("increase", "decrease"), ("increases", "reduces"),
              ("faster", "slower"), ("heavier", "lighter"), ("before", "after"),
              ("worse", "better"), ("above", "below"), ("bent", "straight"),
              ("first", "then"), ("finish", "stop"))


def polarity_flip(sentence: str, stretch: str) -> str | None:
    """How the sentence reverses the passage stretch it is closest to, or None."""
    if bool(_NEGATION.search(sentence)) != bool(_NEGATION.search(stretch)):
        return "negation"
    said, source = sentence.lower(), stretch.lower()
    for a, b in _OPPOSITES:
        has = [bool(re.search(rf"\b{w}\b", text)) for text in (said, source) for w in (a, b)]
        if (has[0] and not has[1] and has[3] and not has[2]) or \
                (has[1] and not has[0] and has[2] and not has[3]):
            return f"{a}/{b}"
    return None


@dataclass(frozen=True)
class Checked:
    """One generated sentence and the verdict on it."""

    text: str  # the sentence, markers removed
    cited: tuple[int, ...]  # the passage numbers it cites, as the model wrote them
    problem: str | None  # None = supported; else why it was dropped
    novelty: float = 0.0
    similarity: float = 0.0

    @property
    def supported(self) -> bool:
        return self.problem is None


def generated_sentences(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """(sentence without markers, cited numbers) for each sentence of a model's answer."""
    text = _MARKER_AFTER_STOP.sub(lambda m: m.group(2) + m.group(1), text.strip())
    out = []
    for sentence in split_sentences(text):
        cited = tuple(dict.fromkeys(int(n) for n in MARKERS.findall(sentence)))
        plain = re.sub(r"\s+([.!?,;:])", r"\1", MARKERS.sub("", sentence)).strip()
        if plain:
            out.append((plain, cited))
    return out


def _windows(passage: str) -> list[str]:
    sentences = [s.strip() for s in split_sentences(passage) if s.strip()]
    pairs = [f"{a} {b}" for a, b in zip(sentences, sentences[1:])]
    return [*sentences, *pairs, passage]


def finished(sentences: Sequence[tuple[str, tuple[int, ...]]]) -> int:
    """How many of a still-growing answer's sentences are finished: all but the last, once
    the last has begun with a word. ("Lower slowly. [" is not yet a new sentence: the
    marker of the one before may still be arriving.)"""
    if not sentences or not re.search(r"[^\W\d_]", sentences[-1][0]):
        return max(len(sentences) - 2, 0) if sentences else 0
    return len(sentences) - 1


def check_answer(text: str, passages: Mapping[int, str], embed: Embed,
                 max_novelty: float = MAX_NOVELTY, min_similarity: float = MIN_SIMILARITY
                 ) -> list[Checked]:
    """Every sentence of `text`, judged against the numbered `passages` it cites."""
    return check_sentences(generated_sentences(text), passages, embed, max_novelty,
                           min_similarity)


def check_sentences(sentences: Sequence[tuple[str, tuple[int, ...]]],
                    passages: Mapping[int, str], embed: Embed,
                    max_novelty: float = MAX_NOVELTY, min_similarity: float = MIN_SIMILARITY
                    ) -> list[Checked]:
    """Each (sentence, cited numbers) from `generated_sentences`, judged against the
    numbered `passages` it cites (a streamed answer is checked a sentence at a time)."""
    verdicts: list[Checked | None] = []
    to_embed: list[tuple[int, str]] = []
    for i, (plain, cited) in enumerate(sentences):
        if not cited:
            verdicts.append(Checked(plain, cited, "cites no passage"))
            continue
        unknown = [n for n in cited if n not in passages]
        if unknown:
            verdicts.append(Checked(plain, cited, f"cites [{unknown[0]}], which was not retrieved"))
            continue
        cited_text = " ".join(passages[n] for n in cited)
        facts = unsupported_facts(plain, cited_text)
        if facts:
            verdicts.append(Checked(plain, cited, f"states {', '.join(facts)}, which the cited "
                                    "passage does not"))
            continue
        verdicts.append(None)
        to_embed.append((i, plain))
    scores = support_scores([plain for _, plain in to_embed],
                            [" ".join(passages[n] for n in sentences[i][1]) for i, _ in to_embed],
                            embed)
    for (i, plain), (new, similar, stretch) in zip(to_embed, scores):
        cited = sentences[i][1]
        problem = None
        if new > max_novelty:
            problem = f"{new:.0%} of its words are not in the cited passage"
        elif similar < min_similarity:
            problem = f"too far from the cited passage (similarity {similar:.2f})"
        elif flip := polarity_flip(plain, stretch):
            problem = f"reverses the cited passage ({flip})"
        verdicts[i] = Checked(plain, cited, problem, new, similar)
    return [v for v in verdicts if v is not None]


def support_scores(sentences: Sequence[str], passages: Sequence[str], embed: Embed
                   ) -> list[tuple[float, float, str]]:
    """(novelty, similarity, closest stretch) of each sentence to its passage, embedding
    all in one call."""
    if not sentences:
        return []
    windows = [_windows(p) for p in passages]
    flat = [w for ws in windows for w in ws]
    vectors = embed([*sentences, *flat])
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    out, start = [], len(sentences)
    for i, ws in enumerate(windows):
        block = vectors[start:start + len(ws)]
        start += len(ws)
        cosines = block @ vectors[i]
        best = int(cosines.argmax())
        out.append((novelty(sentences[i], passages[i]), float(cosines[best]), ws[best]))
    return out


def enough(checked: Sequence[Checked], min_share: float = 0.5) -> bool:
    """Whether the supported sentences may stand as the answer: at least one, and at least
    `min_share` of what the model wrote (less would read as a fragment of its answer)."""
    kept = sum(c.supported for c in checked)
    return kept >= 1 and kept >= min_share * len(checked)
