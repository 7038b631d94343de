"""What a reader sees: answer-quality figures measured on the reply text alone.

The suite's key-fact recall counts facts in the cited passages too; a member reads only
the answer. These figures judge the answer text (citation markers and the fixed
referral wording removed):

- `facts_in_text`: share of a case's key facts stated in the answer text: a phrasing
  matches by its words (`fact_stated`) or, failing that, an answer sentence is within
  `FACT_SIMILARITY` cosine of it (checked against 300 blind labels: eval/ANSWERS.md).
- `filler`: share of answer sentences much less relevant to the question than the best
  sentence the corpus has for it (below `FILLER_RATIO` of that cosine). A weak proxy:
  it agrees with 160 blind labels 64% of the time (eval/ANSWERS.md); the blind graders'
  filler flag is the figure of record.
- `meta`: the reply talks about "the article", "the guide", "a study" or "research"
  instead of advising.
- `words`: words in the answer text.
- `refused`: an on-topic question answered with a refusal or "not covered".

    python -m assistant.evaluation.reader --dataset eval/qa_fresh_dev.jsonl [--replies OUT.jsonl]
                                          [--counts-only] [--score-replies SAVED.jsonl]
    python -m assistant.evaluation.reader --calibrate   # the fact matcher vs blind labels

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
# Calibrated on blind labels (eval/grades/fact_labels.jsonl, eval/grades/filler_labels.jsonl).
FACT_SIMILARITY = 0.55  # an answer sentence this close to a fact's phrasing states it
FILLER_RATIO = 0.95  # a sentence below this share of the corpus's best cosine is filler
META = re.compile(
    r"\b(?:the|this|our)\b[\w' ]{0,30}?\b(?:article|guide|post|blog|author|document)\b|"
    r"\b(?:a|one|another|the|this|that)(?: [\w-]+){0,2} (?:study|trial|review|survey)\b|\bstudies\b|"
    r"\bresearch(?:ers)?\b|"
    r"\bevidence (?:shows|suggests|says)\b|\bthe (?:nhs|cochrane)\b",
    re.IGNORECASE)
REFUSALS = ("my guidance doesn't cover", "I can only help with")
_OUT_OF_SCOPE_START = "I can only help"


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


def fact_stated(alternatives: Sequence[str], text: str, similarity: float | None = None) -> bool:
    """True when one phrasing is in the text verbatim, or all its content words (stemmed)
    stand in one sentence: independent authors' phrasings rarely match the corpus word
    for word ("stop the exercise" is stated by "Stop exercising and ..."). `similarity`:
    the best cosine between a phrasing and an answer sentence, when an embedder is at hand."""
    if similarity is not None and similarity >= FACT_SIMILARITY:
        return True
    if fact_found(alternatives, text):
        return True
    sentences = [_stems(s) for s in split_sentences(text) or [text]]
    for alt in alternatives:
        need = _stems(alt)
        if need and any(need <= sentence for sentence in sentences):
            return True
    return False


def facts_in_text(facts: Sequence[Sequence[str]], text: str,
                  similarities: Sequence[float] | None = None) -> float | None:
    if not facts:
        return None
    sims = similarities if similarities is not None else [None] * len(facts)
    return sum(fact_stated(f, text, s) for f, s in zip(facts, sims, strict=True)) / len(facts)


def fact_similarities(embedder, facts: Sequence[Sequence[str]], text: str) -> list[float]:
    """Per fact, the best cosine between any of its phrasings and any answer sentence."""
    sentences = [s for s in split_sentences(text) if s.strip()]
    if not facts or not sentences:
        return [0.0] * len(facts)
    phrasings = [p for f in facts for p in f]
    vectors = np.asarray(embedder.embed([*phrasings, *sentences]), dtype=np.float32)
    best = (vectors[:len(phrasings)] @ vectors[len(phrasings):].T).max(axis=1)
    out, i = [], 0
    for f in facts:
        out.append(float(best[i:i + len(f)].max()) if f else 0.0)
        i += len(f)
    return out


def is_meta(text: str) -> bool:
    return bool(META.search(text))


def is_refusal(text: str) -> bool:
    return any(r in text for r in REFUSALS)


def filler_share(similarities: Sequence[float], best: float, ratio: float = FILLER_RATIO) -> float | None:
    """Share of answer sentences below `ratio` x `best` (the corpus's best sentence cosine
    to the question); None when there are no sentences."""
    if not similarities:
        return None
    return sum(s < ratio * best for s in similarities) / len(similarities)


def sentence_similarities(embedder, question: str, text: str) -> list[float]:
    sentences = [s for s in split_sentences(text) if s.strip()]
    if not sentences:
        return []
    vectors = np.asarray(embedder.embed([question, *sentences]), dtype=np.float32)
    return (vectors[1:] @ vectors[0]).tolist()


def summarise(rows: Sequence[Mapping]) -> dict[str, float]:
    """Averages over the cases: facts in text, hit@3 (a top-3 passage states a key fact), the
    filler proxy (share of sentences; not trusted, see the module docstring), meta, words,
    refused, lists as bullets."""
    answered = [r for r in rows if not r["refused"]]

    def mean(values):
        values = [v for v in values if v is not None]
        return sum(values) / len(values) if values else float("nan")

    return {
        "n": len(rows),
        "facts_in_text": mean(r["facts"] for r in rows),
        "hit@3": mean(r.get("hit3") for r in rows),
        "filler_proxy": mean(r["filler"] for r in answered),
        "meta": mean(float(r["meta"]) for r in answered),
        "words_median": statistics.median([r["words"] for r in answered]) if answered else float("nan"),
        "refused": mean(float(r["refused"]) for r in rows),
        "lists_as_bullets": mean(float(r["bullets"]) for r in rows if r["expects_list"]),
    }


def corpus_sentence_matrix(bot) -> np.ndarray:
    """Every corpus sentence's vector, one row each (for the filler proxy's best match)."""
    chunks = bot.chunks()
    counts = bot.store.sentence_counts([c.id for c in chunks])
    vectors = bot.store.sentence_vectors(counts.items())
    return np.concatenate([v for v in vectors.values() if len(v)], axis=0).astype(np.float32)


def measure(bot, cases: Sequence[FreshCase]) -> list[dict]:
    """Ask every case and score the reply as a reader sees it."""
    from ..answer import focus

    embedder = bot.query_embedder
    corpus = corpus_sentence_matrix(bot)
    rows = []
    for case in cases:
        reply = bot.ask(case.question, list(case.history))
        text = answer_text(reply.text)
        asked = focus(case.question)
        sims = sentence_similarities(embedder, asked, text)
        best = float((corpus @ np.asarray(embedder.embed([asked])[0], dtype=np.float32)).max())
        refused = reply.route == "out_of_scope" or is_refusal(reply.text)
        hits = bot.retrieve(case.question, list(case.history))[:3]
        passages = " \n".join(h.chunk.text for h in hits)
        rows.append({
            "id": case.id, "style": case.style, "route": reply.route, "reply": reply.text,
            "facts": facts_in_text(case.key_facts, text,
                                   fact_similarities(embedder, case.key_facts, text)),
            "hit3": float(any(fact_stated(f, passages, sim) for f, sim in zip(
                case.key_facts, fact_similarities(embedder, case.key_facts, passages), strict=True)))
            if case.key_facts else None,
            "filler": filler_share(sims, best),
            "meta": is_meta(text), "words": word_count(text), "refused": refused,
            "expects_list": case.expects_list,
            "bullets": bool(re.search(r"^\s*[-*] ", reply.text, re.MULTILINE)),
        })
    return rows


def score_saved(embedder, cases: Sequence[FreshCase], replies: Mapping[str, str]) -> list[dict]:
    """Score replies saved by `--replies` (e.g. from older code) without asking again:
    everything but hit@3 and the filler proxy, which need the live index."""
    rows = []
    for case in cases:
        reply = replies[case.id]
        text = answer_text(reply)
        rows.append({
            "id": case.id, "style": case.style, "reply": reply, "hit3": None, "filler": None,
            "facts": facts_in_text(case.key_facts, text,
                                   fact_similarities(embedder, case.key_facts, text)),
            "meta": is_meta(text), "words": word_count(text),
            "refused": is_refusal(reply) or reply.startswith(_OUT_OF_SCOPE_START),
            "expects_list": case.expects_list,
            "bullets": bool(re.search(r"^\s*[-*] ", reply, re.MULTILINE)),
        })
    return rows


def agreement(predicted: Sequence[bool], labels: Sequence[bool]) -> dict[str, float]:
    """How a yes/no metric agrees with hand labels: agreement, precision, recall, and the
    share it says yes against the labelled share (pure)."""
    tp = sum(p and y for p, y in zip(predicted, labels, strict=True))
    fp = sum(p and not y for p, y in zip(predicted, labels, strict=True))
    fn = sum(y and not p for p, y in zip(predicted, labels, strict=True))
    n = len(labels)
    return {"n": n, "agreement": sum(p == y for p, y in zip(predicted, labels, strict=True)) / n,
            "precision": tp / (tp + fp) if tp + fp else float("nan"),
            "recall": tp / (tp + fn) if tp + fn else float("nan"),
            "predicted_share": sum(predicted) / n, "labelled_share": sum(labels) / n}


def calibrate(embedder) -> dict[str, dict[str, float]]:
    """Check the fact matcher against eval/grades/fact_labels.jsonl (blind labels of
    whether an answer states a fact), with and without the similarity fallback."""
    rows = [json.loads(line) for line in
            (EVAL / "grades" / "fact_labels.jsonl").read_text(encoding="utf-8").splitlines() if line]
    labels = [bool(r["stated"]) for r in rows]
    words, both = [], []
    for r in rows:
        alts = r["fact"].split(" / ")
        words.append(fact_stated(alts, r["answer"]))
        both.append(fact_stated(alts, r["answer"], fact_similarities(embedder, [alts], r["answer"])[0]))
    return {"words only": agreement(words, labels), "words + similarity": agreement(both, labels)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.evaluation.reader",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", action="append", default=[])
    parser.add_argument("--calibrate", action="store_true",
                        help="check the fact matcher against the blind labels and exit")
    parser.add_argument("--replies", type=Path, help="write question + reply per case (for blind graders)")
    parser.add_argument("--counts-only", action="store_true", help="print figures only (sealed sets)")
    parser.add_argument("--score-replies", type=Path,
                        help="score replies saved with --replies instead of asking (older code)")
    args = parser.parse_args(argv)
    from ..engine import Assistant, make_query_embedder
    from ..settings import Settings

    if args.calibrate:
        for name, figures in calibrate(make_query_embedder(Settings())).items():
            print(f"fact matcher, {name}: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float)
                                                         else f"{k} {v}" for k, v in figures.items()))
        return 0
    if not args.dataset:
        parser.error("give --dataset (or --calibrate)")
    bot = None if args.score_replies else Assistant.load(progress=False)
    for path in args.dataset:
        cases = load_fresh(path)
        if args.score_replies:
            saved = {}
            for line in args.score_replies.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    saved[row["id"]] = row["reply"]
            rows = score_saved(make_query_embedder(Settings()), cases, saved)
        else:
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
