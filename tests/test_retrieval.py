"""Hybrid retrieval on the real index: the right section in the top 3 for paraphrased questions."""

import json
from pathlib import Path

import pytest

from assistant.retrieval import collapse_duplicates, reciprocal_rank_fusion
from assistant.types import Chunk, Hit

PARAPHRASES = [json.loads(line) for line in
               (Path(__file__).parent / "data" / "retrieval_paraphrases.jsonl").read_text().splitlines()
               if line.strip()]


def _matches(hit: Hit, expect) -> bool:
    return any(hit.chunk.doc_id == doc and hit.chunk.section.endswith(heading)
               for doc, heading in expect)


def test_rrf_rewards_agreement():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "a", "d"]], k=60)
    assert fused["a"] == fused["b"] > fused["c"] > 0
    assert fused["c"] == fused["d"]


def test_duplicates_and_contained_passages_collapse():
    def hit(i, text):
        return Hit(Chunk(i, "d", "T", "T", text), 1.0, 0.5, 1)

    hits = [hit("1", "Keep a soft bend in your knees."), hit("2", "keep a soft  bend in your knees."),
            hit("3", "Keep a soft bend"), hit("4", "Something else.")]
    assert [h.chunk.id for h in collapse_duplicates(hits)] == ["1", "4"]


def test_paraphrase_set_covers_every_document(bot):
    docs = {c.doc_id for c in bot.chunks()}
    covered = {doc for item in PARAPHRASES for doc, _ in item["expect"]}
    assert len(PARAPHRASES) >= 30
    assert docs <= covered


def test_hit_at_3_on_paraphrases(bot):
    misses = []
    for item in PARAPHRASES:
        hits = bot.retrieve(item["q"])[:3]
        if not any(_matches(h, item["expect"]) for h in hits):
            misses.append((item["q"], [h.chunk.section for h in hits]))
    hit_at_3 = 1 - len(misses) / len(PARAPHRASES)
    # >= 0.95 on the old corpus; 0.90 since the guidance became ~200 answer units (issue 10):
    # article-only sections now compete with finer guidance ones. A floor, not a target.
    assert hit_at_3 >= 0.90, f"hit@3={hit_at_3:.2f}; misses: {misses}"


@pytest.mark.parametrize("mode", ["dense", "bm25"])
def test_single_retrievers_still_work(bot, mode):
    from assistant.retrieval import HybridRetriever

    r = bot.retriever
    single = HybridRetriever(r.vectors, r.lexical, r.chunks, top_k=3, mode=mode)
    query = "Don't lock your knees at the top of the leg press"
    hits = single.retrieve(query, bot.query_embedder.embed([query])[0])
    assert hits and "lock" in hits[0].chunk.text.lower()


def test_langchain_retriever_returns_documents_with_metadata(bot):
    retriever = bot.as_langchain_retriever()
    docs = retriever.invoke("how should I breathe on the leg press")
    assert docs and "breath" in docs[0].page_content.lower()
    assert {"doc_id", "section", "score", "similarity", "chunk_id"} <= set(docs[0].metadata)
