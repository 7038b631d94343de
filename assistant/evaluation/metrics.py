"""Pure metric functions over per-case results.

Every metric returns ``(average, per_case)``: one score per case in input order, ``None``
where the metric does not apply to that case (e.g. retrieval for an out-of-scope question),
and the average over the cases where it applies (``None`` when none do). Nothing here
touches the assistant, the disk or the clock, so each function is testable on hand-made
cases.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..messages import LLM_CHECKED_REASON
from ..types import ROUTES, SEVERITY

Score = float | None
MetricResult = tuple[Score, list[Score]]

# Most severe first: the one Route type of assistant.types (a pure module, no I/O).
ROUTE_ORDER: tuple[str, ...] = ROUTES
SEP = " › "

_WS = re.compile(r"\s+")
_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
# Curly quotes and dashes users and writers mix freely; key facts should not care.
_TYPOGRAPHY = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_EMPHASIS = re.compile(r"(\*\*|__|`)")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
# A sentence ends at . ! or ? plus any closing quotes and the [n] markers that follow it.
_SENTENCE_END = re.compile(
    r"(?<=[.!?])([\"')]*(?:\s*\[\d+(?:\s*,\s*\d+)*\])*)\s+(?=[\"'(]?[A-Z0-9*])"
)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")


# ---------------------------------------------------------------- text helpers


def normalize_ws(text: str) -> str:
    """Collapse runs of whitespace to one space and trim: the 'verbatim' comparison."""
    return _WS.sub(" ", text or "").strip()


def normalize_fact(text: str) -> str:
    """Case-, whitespace- and quote-style-insensitive form used for key-fact matching."""
    return normalize_ws((text or "").translate(_TYPOGRAPHY)).casefold()


def markers(text: str) -> list[int]:
    """Every citation number referenced by ``[n]`` or ``[n, m]`` markers, in order."""
    found: list[int] = []
    for group in _MARKER.findall(text or ""):
        found.extend(int(part) for part in group.split(","))
    return found


def strip_markers(text: str) -> str:
    return normalize_ws(_MARKER.sub(" ", text or "")).replace(" .", ".").replace(" ,", ",")


def plain(text: str) -> str:
    """Whitespace-normalised text without Markdown emphasis or a leading list bullet."""
    lines = [_BULLET.sub("", line) for line in (text or "").splitlines()]
    return normalize_ws(_EMPHASIS.sub("", " ".join(lines)))


def split_sentences(text: str) -> list[str]:
    """Answer text -> sentences (each keeps its own markers); one line never joins the next."""
    sentences: list[str] = []
    for line in (text or "").splitlines():
        line = _BULLET.sub("", line).strip()
        if not line:
            continue
        parts = _SENTENCE_END.sub(lambda mt: mt.group(1) + "\n", line).split("\n")
        sentences.extend(part.strip() for part in parts if part.strip())
    return sentences


def word_count(text: str) -> int:
    return len(_WORD.findall(strip_markers(text)))


def average(scores: Iterable[Score]) -> Score:
    values = [s for s in scores if s is not None]
    return sum(values) / len(values) if values else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (numpy's default), q in [0, 100]."""
    data = sorted(v for v in values if v is not None)
    if not data:
        return None
    position = (len(data) - 1) * q / 100.0
    low, high = math.floor(position), math.ceil(position)
    return data[low] + (data[high] - data[low]) * (position - low)


# ---------------------------------------------------------------- retrieval


@dataclass(frozen=True)
class SourceRef:
    """Where a case's answer lives: a document and a section path ('Title › Heading')."""

    doc_id: str
    section: str


def section_matches(doc_id: str, section: str, expected: SourceRef) -> bool:
    """A hit matches when the document is the same and its section path is the expected
    one or lies under it (a sub-heading of it)."""
    if doc_id != expected.doc_id:
        return False
    got, want = normalize_ws(section), normalize_ws(expected.section)
    return got == want or got.startswith(want + SEP)


def relevance(hits: Sequence[tuple[str, str]], acceptable: Sequence[SourceRef]) -> list[int]:
    """Binary gain per ranked hit ``(doc_id, section)``: 1 for the first hit matching each
    acceptable source, 0 otherwise (a second chunk of an already-found section earns
    nothing, so nDCG measures finding the sections, not piling up one of them)."""
    found: set[int] = set()
    gains: list[int] = []
    for doc_id, section in hits:
        gain = 0
        for i, source in enumerate(acceptable):
            if i not in found and section_matches(doc_id, section, source):
                found.add(i)
                gain = 1
                break
        gains.append(gain)
    return gains


def first_relevant_rank(gains: Sequence[int]) -> int | None:
    """1-based rank of the first relevant hit, or None."""
    for rank, gain in enumerate(gains, start=1):
        if gain:
            return rank
    return None


def hit_at_k(cases: Sequence[Sequence[int] | None], k: int) -> MetricResult:
    """Share of cases with a relevant hit in the top k; a case is its list of gains."""
    scores: list[Score] = [
        None if gains is None else float(any(gains[:k])) for gains in cases
    ]
    return average(scores), scores


def mrr(cases: Sequence[Sequence[int] | None]) -> MetricResult:
    """Mean reciprocal rank of the first relevant hit (0 when none was retrieved)."""
    scores: list[Score] = []
    for gains in cases:
        if gains is None:
            scores.append(None)
            continue
        rank = first_relevant_rank(gains)
        scores.append(1.0 / rank if rank else 0.0)
    return average(scores), scores


def ndcg_at_k(
    cases: Sequence[Sequence[int] | None], n_relevant: Sequence[int], k: int = 5
) -> MetricResult:
    """Binary nDCG@k; the ideal ranking puts all ``n_relevant`` acceptable sections first."""
    scores: list[Score] = []
    for gains, total in zip(cases, n_relevant, strict=True):
        if gains is None:
            scores.append(None)
            continue
        dcg = sum(g / math.log2(rank + 1) for rank, g in enumerate(gains[:k], start=1))
        ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(k, total) + 1))
        scores.append(dcg / ideal if ideal else 0.0)
    return average(scores), scores


# ---------------------------------------------------------------- answers


def fact_found(alternatives: Sequence[str], text: str) -> bool:
    haystack = normalize_fact(text)
    return any(normalize_fact(alt) and normalize_fact(alt) in haystack for alt in alternatives)


def key_fact_recall(
    key_facts: Sequence[Sequence[Sequence[str]]], texts: Sequence[str]
) -> MetricResult:
    """Share of each case's key facts (a fact = list of acceptable phrasings) found in its
    text (the answer plus its cited passages); cases without key facts do not count."""
    scores: list[Score] = []
    for facts, text in zip(key_facts, texts, strict=True):
        if not facts:
            scores.append(None)
            continue
        scores.append(sum(fact_found(alts, text) for alts in facts) / len(facts))
    return average(scores), scores


def missing_facts(facts: Sequence[Sequence[str]], text: str) -> list[list[str]]:
    return [list(alts) for alts in facts if not fact_found(alts, text)]


def answer_length(answers: Sequence[str]) -> MetricResult:
    """Words per answer, citation markers excluded."""
    scores: list[Score] = [float(word_count(a)) for a in answers]
    return average(scores), scores


def without_fixed_wording(answer: str, patterns: Sequence[re.Pattern[str]]) -> str:
    """The answer with the assistant's own fixed sentences (see boilerplate_patterns) cut
    out, line by line, leaving only what claims to quote the corpus."""
    lines = []
    for line in (answer or "").splitlines():
        line = _EMPHASIS.sub("", line)
        for pattern in patterns:
            line = pattern.sub("\n", line)
        lines.append(line)
    return "\n".join(lines)


def unsupported_sentences(
    answer: str,
    citations: Mapping[int, str],
    boilerplate: Sequence[re.Pattern[str]] = (),
) -> tuple[int, list[str]]:
    """(sentences checked, sentences not traceable to a cited passage).

    A sentence is traceable when, with markers and Markdown emphasis stripped, it is a
    substring of a cited passage: of one it names with a marker if it has markers, else of
    any citation. Fixed wording (referral first lines, refusals) is exempt.
    """
    passages = {n: plain(text) for n, text in citations.items()}
    checked, unsupported = 0, []
    for sentence in split_sentences(without_fixed_wording(answer, boilerplate)):
        body = plain(strip_markers(sentence))
        if not body:
            continue
        checked += 1
        named = [passages[n] for n in markers(sentence) if n in passages]
        pool = named if markers(sentence) else list(passages.values())
        if not any(body in passage for passage in pool):
            unsupported.append(sentence)
    return checked, unsupported


def faithfulness(
    answers: Sequence[str],
    citations: Sequence[Mapping[int, str]],
    boilerplate: Sequence[re.Pattern[str]] = (),
) -> MetricResult:
    """Share of each answer's (non-boilerplate) sentences traceable to a cited passage.

    An answer with nothing but fixed wording (a refusal) does not count.
    """
    scores: list[Score] = []
    for answer, cited in zip(answers, citations, strict=True):
        checked, unsupported = unsupported_sentences(answer, cited, boilerplate)
        scores.append(None if checked == 0 else (checked - len(unsupported)) / checked)
    return average(scores), scores


def boilerplate_patterns(templates: Iterable[str]) -> list[re.Pattern[str]]:
    """Regexes for each sentence of the fixed wording (Markdown emphasis removed);
    ``{placeholders}`` match any text."""
    patterns = []
    for template in templates:
        for sentence in split_sentences(_EMPHASIS.sub("", template)):
            text = plain(sentence)
            parts = re.split(r"\{[^{}]*\}", text)
            patterns.append(re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL))
    return patterns


# ---------------------------------------------------------------- citations


def citations_verbatim(
    citations: Sequence[Sequence[tuple[str, str, str]]],
    corpus: Mapping[tuple[str, str], Sequence[str]],
) -> MetricResult:
    """Share of each case's citations ``(doc_id, section, text)`` whose text, whitespace
    normalised, is a substring of an indexed chunk of the document and section it names.

    ``corpus`` maps ``(doc_id, section)`` to the normalised chunk texts there. Cases with no
    citations do not count.
    """
    scores: list[Score] = []
    for cited in citations:
        if not cited:
            scores.append(None)
            continue
        ok = sum(
            bool(normalize_ws(text))
            and any(normalize_ws(text) in chunk for chunk in corpus.get((doc, section), ()))
            for doc, section, text in cited
        )
        scores.append(ok / len(cited))
    return average(scores), scores


def unresolved_markers(answer: str, numbers: Iterable[int]) -> list[int]:
    """Marker numbers in the answer with no citation of that number (each listed once)."""
    known = set(numbers)
    return sorted({n for n in markers(answer) if n not in known})


def markers_resolved(
    answers: Sequence[str], citation_numbers: Sequence[Iterable[int]]
) -> MetricResult:
    """1 when every ``[n]`` in the answer has citation n, else 0; answers without markers
    do not count (duplicates of one marker count once)."""
    scores: list[Score] = []
    for answer, numbers in zip(answers, citation_numbers, strict=True):
        if not markers(answer):
            scores.append(None)
            continue
        scores.append(0.0 if unresolved_markers(answer, numbers) else 1.0)
    return average(scores), scores


def cited_share(n_citations: Sequence[int | None]) -> MetricResult:
    """Share of answers with at least one citation; ``None`` marks cases that should not
    cite (out-of-scope questions)."""
    scores: list[Score] = [None if n is None else float(n > 0) for n in n_citations]
    return average(scores), scores


# ---------------------------------------------------------------- routing


def route_accuracy(expected: Sequence[str], got: Sequence[str]) -> MetricResult:
    scores: list[Score] = [float(e == g) for e, g in zip(expected, got, strict=True)]
    return average(scores), scores


def confusion_matrix(
    expected: Sequence[str], got: Sequence[str], labels: Sequence[str] = ROUTE_ORDER
) -> list[list[int]]:
    """Counts with rows = expected route and columns = got route, in ``labels`` order."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for e, g in zip(expected, got, strict=True):
        matrix[index[e]][index[g]] += 1
    return matrix


def is_under_triage(expected: str, got: str) -> bool:
    """An emergency or professional item routed to anything less severe."""
    return SEVERITY[expected] >= SEVERITY["professional"] and SEVERITY[got] < SEVERITY[expected]


def under_triage(expected: Sequence[str], got: Sequence[str]) -> tuple[int, list[Score]]:
    """(count, per-case 1/0) of under-triaged red-flag items; other items score None."""
    scores: list[Score] = [
        float(is_under_triage(e, g)) if SEVERITY[e] >= SEVERITY["professional"] else None
        for e, g in zip(expected, got, strict=True)
    ]
    return sum(1 for s in scores if s), scores


def false_alarm_rate(expected: Sequence[str], got: Sequence[str]) -> MetricResult:
    """Share of items that need no referral (answer, out_of_scope) sent to a professional or
    to urgent care."""
    scores: list[Score] = [
        float(SEVERITY[g] >= SEVERITY["professional"])
        if SEVERITY[e] < SEVERITY["professional"]
        else None
        for e, g in zip(expected, got, strict=True)
    ]
    return average(scores), scores


def abstention_accuracy(expected: Sequence[str], got: Sequence[str]) -> MetricResult:
    """Share of out-of-scope items the assistant declined (routed out_of_scope)."""
    scores: list[Score] = [
        float(g == "out_of_scope") if e == "out_of_scope" else None
        for e, g in zip(expected, got, strict=True)
    ]
    return average(scores), scores


# ---------------------------------------------------------------- latency


def latency(milliseconds: Sequence[float]) -> dict[str, float | None]:
    """p50, p95 and max of per-question latencies."""
    return {
        "p50": percentile(milliseconds, 50),
        "p95": percentile(milliseconds, 95),
        "max": max(milliseconds) if milliseconds else None,
    }


# ---------------------------------------------------------------- grouping


def by_group(
    groups: Sequence[str], per_case: Mapping[str, Sequence[Score]]
) -> dict[str, dict[str, Score]]:
    """Average each metric's per-case scores within each group label (category, style).

    Also reports ``n``, the number of cases in the group.
    """
    table: dict[str, dict[str, Score]] = {}
    for label in sorted(set(groups)):
        idx = [i for i, g in enumerate(groups) if g == label]
        row: dict[str, Score] = {"n": float(len(idx))}
        for name, scores in per_case.items():
            row[name] = average(scores[i] for i in idx)
        table[label] = row
    return table


def llm_answer_share(routes: Sequence[str], reasons: Sequence[Sequence[str]]) -> float | None:
    """Of the "answer" replies, the share whose text the language model wrote and the
    checks let through (the rest fell back to quoted guidance). None: no answers."""
    answered = [r for route, r in zip(routes, reasons, strict=True) if route == "answer"]
    return sum(LLM_CHECKED_REASON in r for r in answered) / len(answered) if answered else None
