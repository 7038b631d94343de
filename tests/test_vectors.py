"""A small index held in memory: exact search, the same replies as Chroma, and a cold
`assistant ask` that opens it without importing chromadb, bm25s or lingua (issue 11)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import essentials

from assistant.engine import Assistant
from assistant.lexical import LexicalIndex, tokenize
from assistant.vectors import MappedVectors, MemoryVectors, StoreVectors

QUESTIONS = [
    "Should I lock my knees at the top of the leg press?",
    "which exercises are easier on my back than leg press",
    "I get pins and needles in my right foot during leg press, why?",
    "I can't feel my groin and I've wet myself after leg day",
    "my lower back rounds at the bottom, is that bad?",
]


def test_memory_search_is_exact_and_ordered():
    rng = np.random.default_rng(0)
    chunks = rng.normal(size=(50, 8)).astype(np.float32)
    chunks /= np.linalg.norm(chunks, axis=1, keepdims=True)
    ids = [f"c{i}" for i in range(50)]
    offsets = np.arange(51) * 2
    sentences = rng.normal(size=(100, 8)).astype(np.float32)
    complete = np.ones(50, dtype=bool)
    complete[3] = False  # a chunk whose sentences are not all stored has none here
    vectors = MemoryVectors(ids, chunks, sentences, offsets, complete)
    query = chunks[7] + 0.1 * chunks[3]
    got = vectors.query(query, 5)
    expected = np.argsort(-(chunks @ query))[:5]
    assert [cid for cid, _ in got] == [ids[i] for i in expected]
    assert got[0][0] == "c7" and got[0][1] == pytest.approx(float(chunks[7] @ query), abs=1e-6)
    assert len(vectors.query(query, 500)) == 50 and vectors.query(query, 0) == []
    assert np.array_equal(vectors.sentence_vectors(["c2"])["c2"], sentences[4:6])
    assert vectors.chunk_vectors(["c9", "unknown"]).keys() == {"c9"}
    assert vectors.sentence_vectors(["c3", "c4"]).keys() == {"c4"}
    with pytest.raises(ValueError, match="align"):
        MemoryVectors(ids, chunks, sentences, offsets[:-1])


def test_memory_vectors_hold_what_chroma_holds(bot):
    assert isinstance(bot.retriever.vectors, MemoryVectors)
    from_store = StoreVectors(bot.store)
    memory = bot.retriever.vectors
    ids = [c.id for c in bot.chunks()][:40]
    for cid, vec in from_store.chunk_vectors(ids).items():
        assert np.allclose(memory.chunk_vectors([cid])[cid], vec, atol=1e-6)
    stored = from_store.sentence_vectors(ids)
    assert stored.keys() == memory.sentence_vectors(ids).keys()
    for cid, rows in stored.items():
        assert np.allclose(memory.sentence_vectors([cid])[cid], rows, atol=1e-6)


def test_replies_from_memory_equal_replies_from_chroma_with_mapped_vectors(bot, settings,
                                                                           tmp_path):
    """Past `dense_in_memory_max_chunks` (0 here) the index is searched in Chroma's HNSW
    and every vector comes from the snapshot's memory map: the same replies."""
    shutil.copytree(settings.data_dir, tmp_path / "index")
    shutil.rmtree(tmp_path / "index" / "snapshots")  # built afresh, then served from the map
    local = settings.model_copy(update={"data_dir": tmp_path / "index",
                                        "dense_in_memory_max_chunks": 0})
    for _ in range(2):  # the first open saves the snapshot, the second maps it
        large = Assistant.load(local, progress=False)
        vectors = large.retriever.vectors
        assert isinstance(vectors, MappedVectors)
        assert isinstance(vectors.mapped.sentences, np.memmap)
        for question in QUESTIONS:
            assert essentials(large.ask(question)) == essentials(bot.ask(question)), question


def test_a_saved_lexical_index_scores_exactly_as_bm25s(bot, tmp_path):
    import bm25s

    from assistant.chunking import embedding_text

    chunks = bot.chunks()
    texts = [embedding_text(c) for c in chunks]
    built = LexicalIndex([c.id for c in chunks], texts)
    built.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    reference = bm25s.BM25()
    reference.index([tokenize(t) or ["\x00"] for t in texts], show_progress=False)
    for question in [*QUESTIONS, "hamstring hamstring stretch", "qwertyuiop"]:
        tokens = tokenize(question)
        known = [t for t in tokens if t in reference.vocab_dict]
        expected = reference.get_scores(known) if known else np.zeros(len(chunks))
        assert np.allclose(loaded.scores(tokens), expected, atol=1e-6), question
        assert loaded.search(question, 5) == built.search(question, 5)


def test_a_cold_ask_opens_the_index_without_chroma_bm25s_or_lingua(bot, settings, tmp_path):
    """The record the ingest wrote beside the index, and the snapshot, are all it reads."""
    shutil.copytree(settings.data_dir, tmp_path / "index")
    record = json.loads(next((tmp_path / "index" / "chroma").glob("index-*.json")).read_text())
    assert record["chunks"] == len(bot.chunks()) and record["version"] == bot.index_version
    probe = (
        "import sys, json\n"
        "from pathlib import Path\n"
        "from assistant.engine import Assistant\n"
        "from assistant.settings import Settings\n"
        f"bot = Assistant.load(Settings(data_dir=Path({str(tmp_path / 'index')!r})), "
        "progress=False, warm=False)\n"
        f"reply = bot.ask({QUESTIONS[0]!r})\n"
        "print(json.dumps({'route': reply.route, 'text': reply.text, 'loaded': "
        "[m for m in ('chromadb', 'bm25s', 'scipy', 'lingua', 'torch') if m in sys.modules]}))\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         env={**env, "HF_HUB_OFFLINE": "1"}, cwd=Path(__file__).parent, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["loaded"] == []
    expected = bot.ask(QUESTIONS[0])
    assert (out["route"], out["text"]) == (expected.route, expected.text)


def test_the_topic_bank_is_embedded_once_and_read_back(settings, tmp_path):
    from assistant.safety import Triager

    class Counting:
        name = "counting"
        calls = 0

        def embed(self, texts):
            Counting.calls += 1
            return np.eye(len(texts), 4, dtype=np.float32)

    first = Triager(Counting(), cache_dir=tmp_path)
    first.warm(language_models=False)
    second = Triager(Counting(), cache_dir=tmp_path)
    second.warm(language_models=False)
    assert Counting.calls == 1
    assert np.array_equal(first._topic_bank().vectors, second._topic_bank().vectors)
    (cached,) = tmp_path.glob("topic-bank-*.npy")
    cached.write_bytes(b"damaged")
    Triager(Counting(), cache_dir=tmp_path).warm(language_models=False)
    assert Counting.calls == 2  # a damaged cache is recomputed, never fatal


def test_a_referrals_named_symptoms_are_embedded_once(bot):
    """The guidance under a referral is found for the symptoms it names: our own words,
    embedded once, not a second ONNX pass per referral."""
    from assistant import messages

    inner = bot.query_embedder.inner
    seen: list[str] = []
    original = inner.embed

    def counting(texts):
        seen.extend(texts)
        return original(texts)

    bot._reason_vectors.clear()
    inner.embed = counting
    try:
        first = bot.ask("my right foot tingles during the leg press, should I stop?")
        second = bot.ask("my left foot has been tingling after leg day, what now?")
    finally:
        del inner.embed
    assert first.route == second.route == "professional"
    named = messages.join_reasons([r for r in first.reasons if not r.startswith("\u201c")])
    assert seen.count(named) == 1


def test_common_terms_held_as_dense_rows_score_exactly_as_scattered_postings(bot, monkeypatch):
    """At scale the commonest terms are dense rows (`dense_rows`); forcing most terms dense
    on the real corpus must give bit-identical scores and rankings."""
    import assistant.lexical as lexical
    from assistant.chunking import embedding_text

    chunks = bot.chunks()
    args = ([c.id for c in chunks], [embedding_text(c) for c in chunks])
    sparse = LexicalIndex(*args)
    assert not sparse._dense  # 218 chunks: no term is common enough
    monkeypatch.setattr(lexical, "DENSE_MIN", 1)
    monkeypatch.setattr(lexical, "DENSE_SHARE", 0.02)
    dense = LexicalIndex(*args)
    assert len(dense._dense) > 20
    for question in [*QUESTIONS, "leg press leg press back", "hamstring stretch", "qwertyuiop"]:
        tokens = tokenize(question)
        assert np.array_equal(dense.scores(tokens), sparse.scores(tokens)), question
        assert dense.search(question, 8) == sparse.search(question, 8)
