"""What an Assistant builds when it opens an index, cached on disk per index version.

Opening used to fetch every chunk from Chroma, tokenize them all for BM25 and embed every
section heading: 47 s at 100,000 chunks. All of that depends only on the stored chunks
(whose ids are content hashes, summed up in the index version) and on the query model, so
it is saved once under `data_dir/snapshots/<collection>-<key>/` and read back on the next
start or by the next worker process, with the index's vectors (`vectors`). A snapshot
is only a cache: any doubt (another version, another model, a damaged file, a different
chunk count) and the engine rebuilds it from the store. Written to a temporary folder and
renamed, so a crash leaves none half written; older snapshots of the same collection are
removed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .asked import QuestionIndex
from .lexical import LexicalIndex
from .types import Chunk
from .vectors import MemoryVectors

log = logging.getLogger(__name__)

FORMAT = 5  # bump when what is saved, or how BM25 tokenizes, changes


@dataclass(frozen=True)
class Snapshot:
    chunks: list[Chunk]
    lexical: LexicalIndex
    headings: QuestionIndex | None  # the questions each section answers, as vectors
    vectors: MemoryVectors | None = None  # every chunk and sentence vector


def folder_for(data_dir: Path, collection: str, version: str, model: str) -> Path:
    key = hashlib.sha256(f"{FORMAT}|{version}|{model}".encode()).hexdigest()[:16]
    return Path(data_dir) / "snapshots" / f"{collection}-{key}"


def load(folder: Path, expected_chunks: int, *, mapped: bool = False) -> Snapshot | None:
    """The snapshot in `folder`, or None; `mapped`: memory-map the vectors (a large index)."""
    if not (folder / "chunks.json").is_file():
        return None
    try:
        rows = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
        chunks = [Chunk(id=r[0], doc_id=r[1], title=r[2], section=r[3], text=r[4],
                        position=r[5], sources=tuple(r[6]), reviewed=r[7],
                        also_asked=tuple(r[8])) for r in rows]
        if len(chunks) != expected_chunks:
            return None
        lexical = LexicalIndex.load(folder)
        headings = None
        if (folder / "headings.npz").is_file():
            by_id = {c.id: c for c in chunks}
            ids = json.loads((folder / "headings.json").read_text(encoding="utf-8"))
            with np.load(folder / "headings.npz") as saved:
                headings = QuestionIndex([by_id[i] for i in ids], saved["vectors"],
                                         saved["owner"], saved["is_question"])
        vectors = MemoryVectors.load(folder, mapped=mapped)
        if vectors is not None and len(vectors) != len(chunks):
            return None
        return Snapshot(chunks, lexical, headings, vectors)
    except Exception as exc:  # noqa: BLE001 - a damaged cache is rebuilt, never fatal
        log.warning("ignoring the index snapshot in %s (%s)", folder, type(exc).__name__)
        return None


def save(folder: Path, snapshot: Snapshot) -> None:
    """Best effort: a read-only or full disk only costs the next start its speed."""
    tmp = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        rows = [[c.id, c.doc_id, c.title, c.section, c.text, c.position, list(c.sources),
                 c.reviewed, list(c.also_asked)] for c in snapshot.chunks]
        (tmp / "chunks.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        snapshot.lexical.save(tmp)
        if snapshot.headings is not None:
            index = snapshot.headings
            (tmp / "headings.json").write_text(json.dumps([c.id for c in index.sections]),
                                               encoding="utf-8")
            np.savez(tmp / "headings.npz", vectors=np.asarray(index.vectors, dtype=np.float32),
                     owner=index.owner, is_question=index.is_question)
        if snapshot.vectors is not None:
            snapshot.vectors.save(tmp)
        if folder.exists():  # another process saved the same snapshot first
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.rename(folder)
        prefix = folder.name.rsplit("-", 1)[0] + "-"
        for other in folder.parent.iterdir():
            if other.name.startswith(prefix) and other != folder and not other.name.startswith("."):
                shutil.rmtree(other, ignore_errors=True)
    except OSError as exc:
        log.warning("could not save the index snapshot in %s (%s)", folder, type(exc).__name__)
        shutil.rmtree(tmp, ignore_errors=True)
