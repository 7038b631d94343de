"""The Chroma vector store: the only module that imports chromadb.

Embedded mode uses a `PersistentClient` under `data_dir`; server mode (`CHROMA_HOST` set)
uses an `HttpClient`, so many stateless app replicas can share one index. Chroma is always
given our vectors; the collections record our embedding function (`chroma_embedding`) so
that text queries from outside use our model, not Chroma's default (which downloads one).
Two collections: chunks (one vector per passage) and their sentences (vectors used to
pick the sentences of an answer without embedding them per question).
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ConfigError, IndexUnavailableError
from .settings import Settings
from .types import Chunk

_BATCH = 1000


def _chunk_metadata(chunk: Chunk, n_sentences: int) -> dict[str, Any]:
    return {
        "doc_id": chunk.doc_id,
        "title": chunk.title,
        "section": chunk.section,
        "position": chunk.position,
        "n_sentences": n_sentences,
        # Chroma metadata values are scalars: sources one per line.
        "sources": "\n".join(chunk.sources),
        "reviewed": chunk.reviewed or "",
        "also_asked": "\n".join(chunk.also_asked),
    }


def _chunk_from(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    return Chunk(
        id=chunk_id,
        doc_id=str(meta.get("doc_id", "")),
        title=str(meta.get("title", "")),
        section=str(meta.get("section", "")),
        text=text,
        position=int(meta.get("position", 0)),
        sources=tuple(s for s in str(meta.get("sources") or "").splitlines() if s),
        reviewed=str(meta.get("reviewed")) if meta.get("reviewed") else None,
        also_asked=tuple(q for q in str(meta.get("also_asked") or "").splitlines() if q),
    )



def _unavailable(where: str, exc: Exception, server: bool) -> IndexUnavailableError:
    fix = ("Check that the Chroma server is up (`chroma run`) and reachable; this replica "
           "is ready again once it answers." if server else
           "Rebuild it with `assistant ingest --rebuild` (the damaged folder is kept beside it).")
    return IndexUnavailableError(
        f"The guidance index ({where}) failed while reading it ({type(exc).__name__}: {exc}). "
        + fix)


def _guarded(method):
    """Chroma's own errors (a damaged file, a stopped server) as IndexUnavailableError, so
    every surface turns them into a clear 503 and the engine can still give urgent care."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            try:
                return method(self, *args, **kwargs)
            except IndexUnavailableError:
                raise
            except Exception:  # noqa: BLE001
                if not self._collections:
                    raise
                # The cached collection handles may be stale (another process rebuilt the
                # index): reads are safe to try once more with fresh ones.
                self._collections.clear()
                return method(self, *args, **kwargs)
        except IndexUnavailableError:
            raise
        except Exception as exc:  # noqa: BLE001 - chromadb raises many unrelated types
            s = self.settings
            where = (f"Chroma server {s.chroma_host}:{s.chroma_port}" if s.chroma_host
                     else str(s.data_dir / "chroma"))
            raise _unavailable(where, exc, bool(s.chroma_host)) from exc
    return wrapper

class ChunkStore:
    """Holds the Chroma client; connects lazily so constructing it is free."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._client = None
        # Collection handles, opened once: get_or_create per question cost a fifth of `ask`.
        self._collections: dict[str, Any] = {}

    # -- connection ---------------------------------------------------------------
    @property
    def client(self):
        if self._client is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
            s = self.settings
            try:
                if s.chroma_host:
                    self._client = chromadb.HttpClient(
                        host=s.chroma_host, port=s.chroma_port, settings=chroma_settings
                    )
                    self._client.heartbeat()
                else:
                    path = s.data_dir / "chroma"
                    path.mkdir(parents=True, exist_ok=True)
                    self._client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
            except Exception as exc:  # noqa: BLE001 - chromadb raises many types
                if s.chroma_host:
                    raise IndexUnavailableError(
                        f"Cannot open the Chroma server at {s.chroma_host}:{s.chroma_port} ({exc}). "
                        "Start the server (`chroma run`), check CHROMA_HOST/CHROMA_PORT, or unset "
                        "CHROMA_HOST to use the embedded store."
                    ) from exc
                raise IndexUnavailableError(
                    f"Cannot open the local index in {s.data_dir / 'chroma'} ({exc}). Rebuild it "
                    "from the corpus with `assistant ingest --rebuild`; the damaged folder is "
                    "kept beside it."
                ) from exc
        return self._client

    def _collection(self, suffix: str = ""):
        collection = self._collections.get(suffix)
        if collection is None:
            from .chroma_embedding import embedding_function

            collection = self.client.get_or_create_collection(
                name=self.settings.collection + suffix,
                # Never called here (we pass vectors); a new collection records it, so
                # opening the index elsewhere and querying by text uses our offline model.
                embedding_function=embedding_function(self.settings),
                configuration={"hnsw": {"space": "cosine"}},
            )
            self._collections[suffix] = collection
        return collection

    @property
    def chunks_collection(self):
        return self._collection()

    @property
    def sentences_collection(self):
        return self._collection("-sentences")

    # -- index metadata -----------------------------------------------------------
    @_guarded
    def model_name(self) -> str | None:
        meta = self.chunks_collection.metadata or {}
        return meta.get("embedding_model")

    def set_index_info(self, model: str, version: str, chunks: int | None = None) -> None:
        """Record the model and the index version (a fingerprint of every chunk id) that
        replicas compare to notice a re-index made elsewhere."""
        self.chunks_collection.modify(metadata={"embedding_model": model, "index_version": version})
        if chunks is not None and not self.settings.chroma_host:
            self._write_record({"model": model, "version": version, "chunks": chunks})

    # -- the local record: open an embedded index without importing chromadb ----------
    @property
    def _record_path(self) -> Path:
        return self.settings.data_dir / "chroma" / f"index-{self.settings.collection}.json"

    def recorded(self) -> dict | None:
        """The model, version and chunk count the last ingest wrote beside an embedded
        index, read without opening Chroma (importing chromadb is most of a cold start);
        None in server mode, where another replica may re-index, or when there is none."""
        if self.settings.chroma_host:
            return None
        try:
            record = json.loads(self._record_path.read_text(encoding="utf-8"))
            if not isinstance(record.get("version"), str) or not isinstance(record.get("chunks"), int):
                return None
            return record
        except (OSError, ValueError, AttributeError):
            return None

    def current(self) -> tuple[str | None, str | None, int]:
        """(model, version, chunk count) of the stored index: from the local record when
        there is one, else from Chroma (and recorded for the next start)."""
        record = self.recorded()
        if record is not None:
            return record.get("model"), record["version"], record["chunks"]
        version = self.index_version()
        count = self.count()
        model = self.model_name() if count else None
        if version is not None and model and not self.settings.chroma_host:
            self._write_record({"model": model, "version": version, "chunks": count})
        return model, version, count

    def current_version(self) -> str | None:
        """The stored index version, cheaply: the local record's, or Chroma's."""
        record = self.recorded()
        return record["version"] if record is not None else self.index_version()

    def _write_record(self, record: dict) -> None:
        path = self._record_path
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(record), encoding="utf-8")
            tmp.replace(path)  # atomic: a reader sees the old record or the new one
        except OSError:
            tmp.unlink(missing_ok=True)  # only a cold start's speed is lost

    @_guarded
    def index_version(self) -> str | None:
        """The stored index version, read afresh (a cached handle's metadata is stale)."""
        from chromadb.errors import NotFoundError

        try:
            collection = self.client.get_collection(self.settings.collection)
        except NotFoundError:
            return None  # nothing indexed yet
        return (collection.metadata or {}).get("index_version")

    @_guarded
    def count(self) -> int:
        return self.chunks_collection.count()

    # -- reads --------------------------------------------------------------------
    @_guarded
    def all_chunks(self) -> list[Chunk]:
        """Every stored chunk (for BM25 and the eval's verbatim check), in document order."""
        col = self.chunks_collection
        chunks: list[Chunk] = []
        total = col.count()
        for offset in range(0, total, _BATCH):
            got = col.get(include=["documents", "metadatas"], limit=_BATCH, offset=offset)
            chunks.extend(_chunk_from(i, d, m) for i, d, m in
                          zip(got["ids"], got["documents"], got["metadatas"]))
        chunks.sort(key=lambda c: (c.doc_id, c.position))
        return chunks

    def stored_doc_ids(self) -> dict[str, str]:
        """Chunk id -> document id for everything stored."""
        col = self.chunks_collection
        out: dict[str, str] = {}
        for offset in range(0, col.count(), _BATCH):
            got = col.get(include=["metadatas"], limit=_BATCH, offset=offset)
            out.update((i, str(m.get("doc_id", ""))) for i, m in zip(got["ids"], got["metadatas"]))
        return out

    @_guarded
    def all_vectors(self) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every chunk's id and vector and every sentence vector, in preallocated arrays
        (100,000 chunks hold ~400,000 vectors): (ids, chunk matrix, sentence matrix,
        offsets, complete). Chunk i's sentences are rows offsets[i]:offsets[i + 1];
        `complete[i]` is False when some of them are missing from the store."""
        col, ids, counts, rows = self.chunks_collection, [], [], []
        for offset in range(0, col.count(), _BATCH):
            got = col.get(include=["embeddings", "metadatas"], limit=_BATCH, offset=offset)
            ids.extend(got["ids"])
            counts.extend(int((m or {}).get("n_sentences", 0)) for m in got["metadatas"])
            rows.append(np.asarray(got["embeddings"], dtype=np.float32))
        dim = rows[0].shape[1] if rows and rows[0].ndim == 2 else 0
        chunks = np.concatenate(rows) if rows else np.zeros((0, dim), dtype=np.float32)
        offsets = np.zeros(len(ids) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum(counts)
        sentences = np.zeros((int(offsets[-1]), dim), dtype=np.float32)
        filled = np.zeros(len(ids), dtype=np.int64)
        row_of = {cid: i for i, cid in enumerate(ids)}
        col = self.sentences_collection
        for offset in range(0, col.count(), _BATCH):
            got = col.get(include=["embeddings"], limit=_BATCH, offset=offset)
            for sid, vec in zip(got["ids"], got["embeddings"]):
                cid, _, k = sid.rpartition(":")
                i = row_of.get(cid)
                if i is not None and k.isdigit() and int(k) < counts[i]:
                    sentences[offsets[i] + int(k)] = vec
                    filled[i] += 1
        return ids, chunks, sentences, offsets, filled == np.asarray(counts, dtype=np.int64)

    @_guarded
    def query(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the `n` nearest chunks."""
        col = self.chunks_collection
        got = col.query(query_embeddings=[vector.tolist()], n_results=n, include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(got["ids"][0], got["distances"][0])]

    @_guarded
    def chunk_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        got = self.chunks_collection.get(ids=list(ids), include=["embeddings"])
        return {i: np.asarray(e, dtype=np.float32) for i, e in zip(got["ids"], got["embeddings"])}

    @_guarded
    def sentence_vectors(self, chunks: Iterable[tuple[str, int]]) -> dict[str, np.ndarray]:
        """Per chunk id, its sentence vectors as one matrix (rows in sentence order)."""
        wanted = [(cid, n) for cid, n in chunks]
        ids = [f"{cid}:{i}" for cid, n in wanted for i in range(n)]
        if not ids:
            return {}
        got = self.sentences_collection.get(ids=ids, include=["embeddings"])
        by_id = dict(zip(got["ids"], got["embeddings"]))
        out: dict[str, np.ndarray] = {}
        for cid, n in wanted:
            rows = [by_id.get(f"{cid}:{i}") for i in range(n)]
            if all(r is not None for r in rows) and rows:
                out[cid] = np.asarray(rows, dtype=np.float32)
        return out

    @_guarded
    def sentence_counts(self, ids: Sequence[str]) -> dict[str, int]:
        if not ids:
            return {}
        got = self.chunks_collection.get(ids=list(ids), include=["metadatas"])
        return {i: int(m.get("n_sentences", 0)) for i, m in zip(got["ids"], got["metadatas"])}

    # -- writes -------------------------------------------------------------------
    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray,
               sentence_vectors: Sequence[np.ndarray]) -> None:
        """Write chunks with their vectors; sentences first, so a stored chunk always has them."""
        if len(chunks) != len(vectors) or len(chunks) != len(sentence_vectors):
            raise ValueError("chunks, vectors and sentence vectors must align")
        s_ids, s_vecs, s_meta = [], [], []
        for chunk, sv in zip(chunks, sentence_vectors):
            for i, vec in enumerate(sv):
                s_ids.append(f"{chunk.id}:{i}")
                s_vecs.append(vec.tolist())
                s_meta.append({"chunk_id": chunk.id})
        try:
            for a in range(0, len(s_ids), _BATCH):
                self.sentences_collection.upsert(ids=s_ids[a:a + _BATCH],
                                                 embeddings=s_vecs[a:a + _BATCH],
                                                 metadatas=s_meta[a:a + _BATCH])
            for a in range(0, len(chunks), _BATCH):
                part = chunks[a:a + _BATCH]
                self.chunks_collection.upsert(
                    ids=[c.id for c in part],
                    embeddings=[v.tolist() for v in vectors[a:a + _BATCH]],
                    documents=[c.text for c in part],
                    metadatas=[_chunk_metadata(c, len(sv)) for c, sv in
                               zip(part, sentence_vectors[a:a + _BATCH])],
                )
        except Exception as exc:  # noqa: BLE001
            if "dimension" in str(exc).lower():
                raise ConfigError(
                    f"The index was built with a model of another vector size ({exc}). Run "
                    "`assistant ingest --rebuild` after changing ASSISTANT_EMBEDDING_MODEL."
                ) from exc
            raise

    def delete(self, ids: Sequence[str]) -> None:
        """Remove chunks, then their sentences."""
        ids = list(ids)
        for a in range(0, len(ids), _BATCH):
            part = ids[a:a + _BATCH]
            self.chunks_collection.delete(ids=part)
            self.sentences_collection.delete(where={"chunk_id": {"$in": part}})

    def set_aside(self) -> Path | None:
        """Move a damaged embedded index out of the way (kept, never deleted) so a rebuild
        can start fresh; None in server mode, where the server owns its files."""
        if self.settings.chroma_host:
            return None
        path = self.settings.data_dir / "chroma"
        if not path.exists():
            return None
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        target = path.with_name(f"chroma.damaged-{stamp}")
        path.rename(target)
        self._client = None
        self._collections.clear()
        # chromadb keeps one system per path in the process; the one for this path points
        # at the moved files (or failed to start), so forget it before opening the fresh
        # folder. Other paths' systems are left alone.
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient._identifier_to_system.pop(str(path), None)
        SharedSystemClient._identifier_to_refcount.pop(str(path), None)
        return target

    def drop(self) -> None:
        """Delete both collections (a full rebuild)."""
        self._collections.clear()
        for suffix in ("", "-sentences"):
            try:
                self.client.delete_collection(self.settings.collection + suffix)
            except Exception:  # noqa: BLE001 - missing collection is fine
                pass
