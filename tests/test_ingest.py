"""Incremental ingest against a real Chroma folder and the real model."""

from pathlib import Path

import pytest

from assistant.ingest import ingest, plan_ingest
from assistant.settings import Settings
from assistant.store import ChunkStore
from assistant.types import Chunk

DOC_A = """---
title: Knee Care
id: knee-care
sources: [test]
reviewed: 2026-11-25
---
## Lockout
Never lock your knees at the top of the leg press. Keep a soft bend in them.

## Tempo
Lower the sled slowly for about three seconds. Push up with control.
"""
DOC_B = """---
title: Breathing
id: breathing
---
## Breathe out
Breathe out as you push the platform away. Breathe in as you lower it.
"""


class CountingEmbedder:
    """Wraps the real embedder to count what gets embedded (and optionally fail midway)."""

    def __init__(self, inner, fail_after_batches: int | None = None):
        self.inner, self.name = inner, inner.name
        self.texts: list[str] = []
        self.fail_after = fail_after_batches
        self.batches = 0

    def embed(self, texts):
        if self.fail_after is not None and self.batches >= self.fail_after:
            raise KeyboardInterrupt("simulated interruption")
        self.batches += 1
        self.texts.extend(texts)
        return self.inner.embed(texts)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "knee-care.md").write_text(DOC_A)
    (folder / "breathing.md").write_text(DOC_B)
    return folder


@pytest.fixture
def store(tmp_path: Path) -> ChunkStore:
    return ChunkStore(Settings(data_dir=tmp_path / "index"))


def run(store, embedder, corpus, **kw):
    return ingest(store, embedder, [corpus], model_id="test-model", max_chars=80,
                  progress=False, **kw)


def test_plan_is_pure_diff():
    a = Chunk("1", "d", "T", "T", "x")
    b = Chunk("2", "d", "T", "T", "y")
    plan = plan_ingest([a, b], {"1": "d", "3": "gone"})
    assert [c.id for c in plan.add] == ["2"]
    assert plan.remove == ["3"]
    assert plan.unchanged == 1
    assert plan.changed_documents == {"d"}
    assert plan.removed_documents == {"gone"}


def test_second_run_embeds_nothing(store, corpus, st_embedder):
    first = CountingEmbedder(st_embedder)
    summary = run(store, first, corpus)
    assert summary.added == summary.chunks == store.count() > 2
    assert first.texts
    again = CountingEmbedder(st_embedder)
    summary = run(store, again, corpus)
    assert (summary.added, summary.removed, summary.changed) == (0, 0, False)
    assert again.texts == []
    assert "nothing to embed" in summary.line()


def test_changed_document_replaces_exactly_its_chunks(store, corpus, st_embedder):
    run(store, CountingEmbedder(st_embedder), corpus)
    before = store.stored_doc_ids()
    (corpus / "knee-care.md").write_text(DOC_A.replace("three seconds", "two seconds"))
    embedder = CountingEmbedder(st_embedder)
    summary = run(store, embedder, corpus)
    after = store.stored_doc_ids()
    assert summary.added == summary.removed == 1
    assert summary.updated_documents == 1
    new = next(c for c in store.all_chunks() if "two seconds" in c.text)
    assert embedder.texts and all(t in f"{new.section}\n{new.text}" for t in embedder.texts)
    assert {i for i, d in before.items() if d == "breathing"} == \
           {i for i, d in after.items() if d == "breathing"}
    texts = [c.text for c in store.all_chunks()]
    assert not any("three seconds" in t for t in texts)
    assert any("two seconds" in t for t in texts)


def test_removed_document_chunks_go(store, corpus, st_embedder):
    run(store, CountingEmbedder(st_embedder), corpus)
    (corpus / "breathing.md").unlink()
    summary = run(store, CountingEmbedder(st_embedder), corpus)
    assert summary.removed_documents == 1 and summary.removed >= 1
    assert set(store.stored_doc_ids().values()) == {"knee-care"}
    # their sentence vectors go too
    assert store.sentences_collection.count() == sum(
        len(v) for v in store.sentence_vectors(
            store.sentence_counts(list(store.stored_doc_ids())).items()).values())


def test_interrupted_ingest_leaves_previous_index_usable(store, corpus, st_embedder, tmp_path):
    run(store, CountingEmbedder(st_embedder), corpus)
    before = store.stored_doc_ids()
    (corpus / "breathing.md").write_text(DOC_B.replace("Breathe in", "Inhale"))
    (corpus / "new.md").write_text("## New\n" + " ".join(f"Fact {i} is here." for i in range(40)))
    with pytest.raises(KeyboardInterrupt):
        run(store, CountingEmbedder(st_embedder, fail_after_batches=1), corpus)
    assert store.stored_doc_ids() == before
    from assistant.engine import Assistant

    settings = Settings(data_dir=tmp_path / "index", corpus_dirs=[corpus],
                        embedding_backend="torch", min_relevance=0.0)
    assert store.model_name() == "test-model"
    bot = Assistant(settings, store, st_embedder)
    reply = bot.ask("Should I lock my knees at the top?")
    assert reply.citations and "lock your knees" in reply.citations[0].text
    # and a clean re-run completes the change
    summary = run(store, CountingEmbedder(st_embedder), corpus)
    assert summary.updated_documents == 2


def test_empty_corpus_is_a_clear_error(store, tmp_path, st_embedder):
    from assistant.errors import CorpusError

    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CorpusError, match="No .md or .txt files"):
        run(store, st_embedder, empty)
