"""LangChain and Chroma interoperability, against the real session index: the standard
retriever suite, the chain, and the index opened by plain chromadb and langchain_chroma."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
from langchain_core.documents import Document
from langchain_core.messages import AIMessage, HumanMessage
from langchain_tests.integration_tests import RetrieversIntegrationTests

from assistant import messages
from assistant.errors import InvalidQuestionError
from assistant.langchain_retriever import GuidanceRetriever

BREATHING = "how should I breathe on the leg press"
LOCKOUT = "should I lock my knees at the top of the leg press"
EMERGENCY = "I suddenly can't control my bladder and my legs are numb after leg press"
CHAIN_KEYS = {"input", "context", "answer", "route", "citations", "reasons"}


@pytest.mark.anyio  # the suite's async test; no asyncio_mode is configured here
class TestGuidanceRetrieverStandard(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _assistant(self, bot):
        self.bot = bot

    @property
    def retriever_constructor(self) -> type[GuidanceRetriever]:
        return GuidanceRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"assistant": self.bot}

    @property
    def retriever_query_example(self) -> str:
        return BREATHING


# -- the retriever ------------------------------------------------------------------
def test_retriever_k_reaches_past_top_k_up_to_the_candidates(bot, settings):
    retriever = bot.as_langchain_retriever()
    assert len(retriever.invoke(BREATHING)) == settings.top_k
    for k in (0, 1, settings.top_k + 6, settings.candidates):
        docs = retriever.invoke(BREATHING, k=k)
        assert len(docs) == k
        assert len({d.metadata["chunk_id"] for d in docs}) == k  # no passage twice
    assert bot.as_langchain_retriever(k=0).invoke(BREATHING) == []


def test_retriever_extra_passages_follow_the_first_ones(bot):
    retriever = bot.as_langchain_retriever()
    first = [d.id for d in retriever.invoke(LOCKOUT)]
    assert [d.id for d in retriever.invoke(LOCKOUT, k=12)][:len(first)] == first


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_retriever_empty_query_is_no_result(bot, query):
    assert bot.as_langchain_retriever().invoke(query) == []


def test_retriever_metadata_names_file_sources_and_review_date(bot, settings):
    doc = bot.as_langchain_retriever().invoke(BREATHING, k=1)[0]
    meta = doc.metadata
    assert "breath" in doc.page_content.lower()
    assert meta["source"].endswith(".md") and meta["doc_id"] in meta["source"]
    assert any(meta["source"].startswith(str(p)) for p in settings.guidance_paths)
    assert meta["sources"] and all(s.startswith("http") for s in meta["sources"])
    assert meta["reviewed"]
    assert {"chunk_id", "title", "section", "score", "similarity"} <= set(meta)
    assert doc.id == meta["chunk_id"]


def test_retriever_puts_urgent_help_first_for_an_emergency(bot):
    docs = bot.as_langchain_retriever().invoke(EMERGENCY, k=6)
    assert len(docs) == 6 and docs[0].metadata["doc_id"] == "red-flags"


def test_retriever_ainvoke_honours_k(bot):
    assert len(asyncio.run(bot.as_langchain_retriever().ainvoke(BREATHING, k=2))) == 2


# -- the chain ----------------------------------------------------------------------
def test_chain_invoke_returns_answer_route_and_cited_context(bot):
    out = bot.as_chain().invoke({"input": BREATHING, "chat_history": []})
    assert set(out) == CHAIN_KEYS
    reply = bot.ask(BREATHING)
    assert (out["answer"], out["route"], tuple(out["reasons"])) == (
        reply.text, reply.route, reply.reasons)
    assert out["input"] == BREATHING and out["route"] == "answer"
    assert len(out["context"]) == len(out["citations"]) > 0
    for doc, cit in zip(out["context"], out["citations"]):
        assert isinstance(doc, Document) and doc.page_content == cit["text"]
        assert doc.metadata["citation"] == cit["n"] and doc.metadata["source"].endswith(".md")
        assert doc.metadata["chunk_id"] and doc.metadata["sources"] == list(cit["sources"])


def test_chain_carries_the_emergency_route(bot):
    out = bot.as_chain().invoke({"input": EMERGENCY})
    assert out["route"] == "emergency" and out["reasons"]
    assert out["answer"].startswith(messages.EMERGENCY_FIRST_LINE.split("{")[0])
    assert out["context"][0].metadata["doc_id"] == "red-flags"


def test_chain_history_as_dicts_or_messages_is_the_same(bot):
    first = "How should I stretch before leg day?"
    as_dicts = [{"role": "user", "content": first}, {"role": "assistant", "content": "..."}]
    as_messages = [HumanMessage(first), AIMessage("...")]
    chain = bot.as_chain()
    a = chain.invoke({"input": "and the hamstrings?", "chat_history": as_dicts})
    b = chain.invoke({"input": "and the hamstrings?", "chat_history": as_messages})
    assert a["answer"] == b["answer"] == bot.ask("and the hamstrings?", as_dicts).text


def test_chain_batch_stream_and_ainvoke_agree_with_invoke(bot):
    chain = bot.as_chain()
    questions = [{"input": BREATHING}, {"input": LOCKOUT}]
    expected = [chain.invoke(q)["answer"] for q in questions]
    assert [o["answer"] for o in chain.batch(questions)] == expected
    streamed = list(chain.stream(questions[0]))
    assert streamed and streamed[-1]["answer"] == expected[0]
    assert asyncio.run(chain.ainvoke(questions[1]))["answer"] == expected[1]


@pytest.mark.parametrize("request_", [{"input": ""}, {"input": "   "}, {"chat_history": []},
                                      "not a mapping", {"input": BREATHING, "chat_history": "x"}])
def test_chain_bad_input_is_the_projects_clear_error(bot, request_):
    with pytest.raises(InvalidQuestionError) as raised:
        bot.as_chain().invoke(request_)
    assert str(raised.value)


# -- Chroma interoperability ---------------------------------------------------------
def test_plain_chromadb_queries_the_index_by_text_with_our_model(bot, settings):
    import chromadb

    from assistant.chroma_embedding import NAME

    collection = chromadb.PersistentClient(str(settings.data_dir / "chroma")).get_collection(
        settings.collection)
    assert collection.configuration_json["embedding_function"]["name"] == NAME
    got = collection.query(query_texts=[LOCKOUT], n_results=3)
    assert "lock your knees" in got["documents"][0][0].lower()
    # The same nearest passage as the app's own dense search: the same model embedded it.
    ours = bot.store.query(bot.query_embedder.embed([LOCKOUT])[0], 1)
    assert got["ids"][0][0] == ours[0][0]


def test_langchain_chroma_opens_the_index_and_searches_by_text(settings):
    from langchain_chroma import Chroma

    store = Chroma(collection_name=settings.collection,
                   persist_directory=str(settings.data_dir / "chroma"))
    docs = store.similarity_search(LOCKOUT, k=2)
    assert docs and "lock your knees" in docs[0].page_content.lower()
    assert docs[0].metadata["doc_id"] == "leg-press-technique"


def test_another_process_queries_the_index_by_text_after_importing_the_function(bot, settings):
    script = (
        "import sys, chromadb, assistant.chroma_embedding\n"
        "col = chromadb.PersistentClient(sys.argv[1]).get_collection(sys.argv[2])\n"
        "print(col.query(query_texts=[sys.argv[3]], n_results=1)['documents'][0][0])\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(settings.data_dir / "chroma"),
                             settings.collection, LOCKOUT], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "lock your knees" in result.stdout.lower()
