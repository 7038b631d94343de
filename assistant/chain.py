"""`Assistant.ask` as a LangChain Runnable, shaped like a `create_retrieval_chain` chain.

In: {"input": str, "chat_history": [...]}, history turns as {"role", "content"} dicts or
LangChain messages. Out: {"input", "context", "answer"} as LangChain users expect, plus the
safety layer's "route" and "reasons" and the "citations", so a chain built on this still
sees an urgent-care reply for what it is. The answer is `ask`'s: no stage is re-implemented.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any, NotRequired, TypedDict

from langchain_core.documents import Document
from langchain_core.messages import BaseMessage
from langchain_core.runnables import Runnable, RunnableLambda

from .errors import InvalidQuestionError
from .langchain_retriever import passage_document, source_paths
from .types import Chunk, Citation

_ROLES = {"human": "user", "ai": "assistant"}  # other message types fail validation


class ChainInput(TypedDict):
    input: str
    chat_history: NotRequired[list[Any]]


class ChainOutput(TypedDict):
    input: str
    context: list[Document]  # the cited passages, in citation order
    answer: str
    route: str
    citations: list[dict[str, Any]]
    reasons: list[str]


def guidance_chain(assistant: Any) -> Runnable[ChainInput, ChainOutput]:
    """A Runnable over `assistant.ask`; invoke, batch, ainvoke and stream all work."""

    passages = _Passages(assistant)

    def answer(request: ChainInput) -> ChainOutput:
        message, history = _unpack(request)
        reply = assistant.ask(message, history)
        return {"input": message, "context": _cited(assistant, passages(), reply.citations),
                "answer": reply.text, "route": reply.route,
                "citations": [asdict(c) for c in reply.citations],
                "reasons": list(reply.reasons)}

    return RunnableLambda(answer, name="guidance_chain").with_types(
        input_type=ChainInput, output_type=ChainOutput)


def _unpack(request: object) -> tuple[object, list]:
    """(message, history) for `ask`, which validates both and names what is wrong."""
    if not isinstance(request, Mapping) or "input" not in request:
        raise InvalidQuestionError(
            'The chain takes {"input": "your question", "chat_history": [...]}; '
            f"got {type(request).__name__}.")
    history = request.get("chat_history") or []
    if isinstance(history, (list, tuple)):
        history = [_turn(t) for t in history]
    return request["input"], history


def _turn(turn: object) -> object:
    if isinstance(turn, BaseMessage):
        return {"role": _ROLES.get(turn.type, turn.type), "content": turn.text}
    return turn


class _Passages:
    """(doc id, passage text) -> stored chunk, rebuilt only when the index version changes
    (a citation names its passage by text; the chain must not scan every chunk per call)."""

    def __init__(self, assistant: Any):
        self.assistant, self.version, self.by_text = assistant, object(), {}

    def __call__(self) -> Mapping[tuple[str, str], Chunk]:
        version = self.assistant.index_version
        if version != self.version:
            self.by_text = {(c.doc_id, c.text): c for c in self.assistant.chunks()}
            self.version = version
        return self.by_text


def _cited(assistant: Any, stored: Mapping[tuple[str, str], Chunk],
           citations: tuple[Citation, ...]) -> list[Document]:
    """The cited passages as Documents with the retriever's metadata (plus `citation`: n)."""
    paths = source_paths(assistant)
    docs = []
    for cit in citations:
        chunk = stored.get((cit.doc_id, cit.text)) or Chunk(
            id="", doc_id=cit.doc_id, title=cit.title, section=cit.section, text=cit.text,
            sources=cit.sources, reviewed=cit.reviewed)
        # A reply keeps only the passage's cosine similarity, not its fused rank score.
        docs.append(passage_document(chunk, paths, score=cit.score, similarity=cit.score,
                                     citation=cit.n))
    return docs
