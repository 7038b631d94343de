"""Small frozen types that cross stage boundaries (no LangChain or Chroma objects leak out)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Route = Literal["answer", "professional", "emergency", "out_of_scope"]
ROUTES: tuple[Route, ...] = ("emergency", "professional", "answer", "out_of_scope")
# Severity order used to compare routes ("routed lower" = smaller number).
SEVERITY: dict[str, int] = {"out_of_scope": 0, "answer": 1, "professional": 2, "emergency": 3}


@dataclass(frozen=True)
class Document:
    """One corpus file after loading and cleaning."""

    doc_id: str
    title: str
    path: str
    body: str  # cleaned Markdown without front matter
    sources: tuple[str, ...] = ()
    reviewed: str | None = None
    # Front matter `also_asked`: heading -> other ways members ask what that section answers.
    also_asked: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Section:
    """A run of text under one heading path, e.g. ("Common Causes", "2. Overloading Weight")."""

    doc_id: str
    title: str
    headings: tuple[str, ...]
    text: str
    also_asked: tuple[str, ...] = ()  # questions this section answers besides its heading

    @property
    def path(self) -> str:
        return " › ".join((self.title, *self.headings))


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage; `id` is a content hash so upserts are idempotent."""

    id: str
    doc_id: str
    title: str
    section: str  # "Title › Heading › Subheading"
    text: str
    position: int = 0  # order within its document
    sources: tuple[str, ...] = ()  # the document's front-matter sources
    reviewed: str | None = None  # when the document was last reviewed (front matter)
    also_asked: tuple[str, ...] = ()  # on a section's first chunk: its other questions


@dataclass(frozen=True)
class Hit:
    """A chunk returned by retrieval with its fused score and dense cosine similarity."""

    chunk: Chunk
    score: float
    similarity: float  # cosine(query, chunk) from the dense index; 0.0 if not seen there
    rank: int = 0


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    title: str
    section: str
    text: str
    score: float
    sources: tuple[str, ...] = ()  # where the cited document's guidance comes from
    reviewed: str | None = None  # the date the cited document was last reviewed


@dataclass(frozen=True)
class Triage:
    """The safety layer's decision for one message, with human-readable reasons."""

    route: Route
    reasons: tuple[str, ...] = ()
    language: str | None = None  # ISO code of a message the assistant cannot read


@dataclass(frozen=True)
class Reply:
    route: Route
    text: str
    citations: tuple[Citation, ...] = ()
    reasons: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    def to_dict(self) -> dict:
        return {
            "route": self.route,
            "answer": self.text,
            "citations": [asdict(c) for c in self.citations],
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class Draft:
    """A language model's answer while it is still being written: only the sentences that
    have passed the grounding checks so far (`Assistant.ask_stream`). The final `Reply`
    that follows replaces it, and may be the extractive answer instead."""

    text: str
    citations: tuple[Citation, ...] = ()
    route: Route = "answer"  # drafts exist only on the answer route
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"draft": True, "answer": self.text,
                "citations": [asdict(c) for c in self.citations]}
