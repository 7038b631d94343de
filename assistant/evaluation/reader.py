"""What a reader sees: answer-quality figures measured on the reply text alone.

The suite's key-fact recall counts facts in the cited passages too; a member reads only
the answer. These figures judge the answer text (citation markers and the fixed
referral wording removed):

- `facts_in_text`: share of a case's key facts stated in the answer text.
- `filler`: share of answer sentences whose cosine similarity to the question is below
  `FILLER_SIMILARITY` (calibrated against hand labels: eval/GRADING.md).
- `meta`: the reply talks about "the article", "the guide", "a study" or "research"
  instead of advising.
- `words`: words in the answer text.
- `refused`: an on-topic question answered with a refusal or "not covered".

    python -m assistant.evaluation.reader --dataset eval/qa_fresh_dev.jsonl [--replies OUT.jsonl]
                                          [--counts-only]

`--replies` writes `{"id", "question", "history", "reply"}` per case: all a blind grader
sees (eval/GRADING.md).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .metrics import fact_found, plain, split_sentences, strip_markers, word_count

EVAL = Path(__file__).resolve().parents[2] / "eval"
FILLER_SIMILARITY = 0.30  # below this cosine to the question an answer sentence is filler
META = re.compile(
    r"\b(?:the|this|our)\b[\w' ]{0,30}?\b(?:article|guide|post|blog|author|document)\b|"
    r"\b(?:a|one|another|the|this|that)(?: [\w-]+){0,2} (?:study|trial|review|survey)\b|\bstudies\b|"
    r"\bresearch(?:ers)?\b|"
    r"\bevidence (?:shows|suggests|says)\b|\bthe (?:nhs|cochrane)\b",
    re.IGNORECASE)
REFUSALS = ("my guidance doesn't cover", "I can only help with")


@dataclass(frozen=True)
class FreshCase:
    id: str
    question: str
    history: tuple[Mapping[str, str], ...]
    key_facts: tuple[tuple[str, ...], ...]
    style: str = ""
    topic: str = ""
    expects_list: bool = False


def load_fresh(path: str | Path) -> list[FreshCase]:
    cases = []
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        try:
            facts = tuple(tuple(str(p) for p in fact) for fact in row["key_facts"])
            cases.append(FreshCase(row["id"], row["question"], tuple(row.get("history") or ()), facts,
                                   row.get("style", ""), row.get("topic", ""),
                                   bool(row.get("expects_list"))))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{lineno}: {exc}") from exc
    return cases


def answer_text(reply_text: str) -> str:
    """The part of a reply a member reads as the answer: markers gone, referral lines gone."""
    from .. import messages

    text = reply_text.split(messages.GUIDANCE_LEAD_IN)[-1] if messages.GUIDANCE_LEAD_IN in reply_text \
        else reply_text
    return plain(strip_markers(text))


_STOP = frozenset("""a an the and or of to in on at for with your you my is are be it its this that
than then as by from if do does don't not no can should will about into up down out one
""".split())
_TOKEN = re.compile(r"[a-z0-9]+")


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def _stems(text: str) -> set[str]:
    return {_stem(w) for w in _TOKEN.findall(text.lower()) if w not in _STOP}


def fact_stated(alternatives: Sequence[str], text: str) -> bool:
    """True when one phrasing is in the text verbatim, or all its content words (stemmed)
    stand in one sentence: independent authors' phrasings rarely match the corpus word
    for word ("stop the exercise" is stated by "Stop exercising and ...")."""
    if fact_found(alternatives, text):
        return True
    sentences = [_stems(s) for s in split_sentences(text) or [text]]
    for alt in alternatives:
        need = _stems(alt)
        if need and any(need <= sentence for sentence in sentences):
            return True
    return False


def facts_in_text(facts: Sequence[Sequence[str]], text: str) -> float | None:
    if not facts:
        return None
    return sum(fact_stated(f, text) for f in facts) / len(facts)


def is_meta(text: str) -> bool:
    return bool(META.search(text))


def is_refusal(text: str) -> bool:
    return any(r in text for r in REFUSALS)


def filler_share(similarities: Sequence[float], threshold: float = FILLER_SIMILARITY) -> float | None:
    """Share of answer sentences below `threshold` cosine to the question (None: no sentences)."""
    if not similarities:
        return None
    return sum(s < threshold for s in similarities) / len(similarities)


def sentence_similarities(embedder, question: str, text: str) -> list[float]:
    sentences = [s for s in split_sentences(text) if s.strip()]
    if not sentences:
        return []
    vectors = np.asarray(embedder.embed([question, *sentences]), dtype=np.float32)
    return (vectors[1:] @ vectors[0]).tolist()


def summarise(rows: Sequence[Mapping]) -> dict[str, float]:
    """Averages over the cases: facts in text, replies with any filler, filler share, meta, words, refused."""
    answered = [r for r in rows if not r["refused"]]

    def mean(values):
        values = [v for v in values if v is not None]
        return sum(values) / len(values) if values else float("nan")

    return {
        "n": len(rows),
        "facts_in_text": mean(r["facts"] for r in rows),
        "replies_with_filler": mean(float(bool(r["filler"])) if r["filler"] is not None else None
                                    for r in answered),
        "filler_sentence_share": mean(r["filler"] for r in answered),
        "meta": mean(float(r["meta"]) for r in answered),
        "words_median": statistics.median([r["words"] for r in answered]) if answered else float("nan"),
        "refused": mean(float(r["refused"]) for r in rows),
        "lists_as_bullets": mean(float(r["bullets"]) for r in rows if r["expects_list"]),
    }


def measure(bot, cases: Sequence[FreshCase]) -> list[dict]:
    """Ask every case and score the reply as a reader sees it."""
    embedder = bot.query_embedder
    rows = []
    for case in cases:
        reply = bot.ask(case.question, list(case.history))
        text = answer_text(reply.text)
        sims = sentence_similarities(embedder, case.question, text)
        refused = reply.route == "out_of_scope" or is_refusal(reply.text)
        rows.append({
            "id": case.id, "style": case.style, "route": reply.route, "reply": reply.text,
            "facts": facts_in_text(case.key_facts, text), "filler": filler_share(sims),
            "meta": is_meta(text), "words": word_count(text), "refused": refused,
            "expects_list": case.expects_list,
            "bullets": bool(re.search(r"^\s*[-*] ", reply.text, re.MULTILINE)),
        })
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.evaluation.reader",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", required=True, action="append")
    parser.add_argument("--replies", type=Path, help="write question + reply per case (for blind graders)")
    parser.add_argument("--counts-only", action="store_true", help="print figures only (sealed sets)")
    args = parser.parse_args(argv)
    from ..engine import Assistant

    bot = Assistant.load(progress=False)
    for path in args.dataset:
        cases = load_fresh(path)
        rows = measure(bot, cases)
        s = summarise(rows)
        print(f"{Path(path).name}: " + ", ".join(
            f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in s.items()))
        if not args.counts_only:
            worst = sorted(rows, key=lambda r: (r["facts"] or 0))[:10]
            for r in worst:
                print(f"  {r['id']:<8} facts {r['facts']}  filler {r['filler']}  {r['reply'][:100]!r}")
        if args.replies:
            args.replies.parent.mkdir(parents=True, exist_ok=True)
            with args.replies.open("a", encoding="utf-8") as fh:
                for case, row in zip(cases, rows, strict=True):
                    fh.write(json.dumps({"id": case.id, "question": case.question,
                                         "history": list(case.history), "reply": row["reply"]},
                                        ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
