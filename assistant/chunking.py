"""Split sections into chunks of whole sentences, with stable content-hash ids (pure)."""

from __future__ import annotations

import hashlib
import re

from .types import Chunk, Section

# A sentence ends at . ! or ? (optionally followed by a closing quote or bracket) before
# whitespace and a capital, digit or opening quote; list items and paragraphs always end one.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_BLOCK_SPLIT = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+[.)])\s)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence in `text`, stripped of surrounding space."""
    spans: list[tuple[int, int]] = []
    block_start = 0
    for block_end in [m.start() for m in _BLOCK_SPLIT.finditer(text)] + [len(text)]:
        block = text[block_start:block_end]
        start = 0
        cuts = [m.end() for m in _SENTENCE_END.finditer(block)] + [len(block)]
        for cut in cuts:
            piece = block[start:cut]
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                spans.append((block_start + start + lead, block_start + start + lead + len(stripped)))
            start = cut
        block_start = block_end
    return spans


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def chunk_id(doc_id: str, section: str, text: str, provenance: str = "") -> str:
    """Content hash; `provenance` (sources, review date) is part of it so a re-review re-stores."""
    key = f"{doc_id}\x1f{section}\x1f{text}" + (f"\x1f{provenance}" if provenance else "")
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def chunk_section(section: Section, max_chars: int, start_position: int = 0,
                  sources: tuple[str, ...] = (), reviewed: str | None = None) -> list[Chunk]:
    """Greedily pack whole sentences into chunks of at most `max_chars` (a longer sentence stands alone).

    Each chunk's text is a verbatim slice of the section, so citations quote the corpus exactly.
    """
    spans = sentence_spans(section.text)
    groups: list[tuple[int, int]] = []
    for start, end in spans:
        if groups and end - groups[-1][0] <= max_chars:
            groups[-1] = (groups[-1][0], end)
        else:
            groups.append((start, end))
    path = section.path
    provenance = "\n".join(sources) + (f"\nreviewed {reviewed}" if reviewed else "")
    asked = "\n".join(section.also_asked)
    return [
        Chunk(
            id=chunk_id(section.doc_id, path, section.text[a:b],
                        provenance + (f"\nasked {asked}" if asked and i == 0 else "")),
            doc_id=section.doc_id,
            title=section.title,
            section=path,
            text=section.text[a:b],
            position=start_position + i,
            sources=tuple(sources),
            reviewed=reviewed,
            also_asked=section.also_asked if i == 0 else (),
        )
        for i, (a, b) in enumerate(groups)
    ]


def chunk_sections(sections: list[Section], max_chars: int, sources: tuple[str, ...] = (),
                   reviewed: str | None = None) -> list[Chunk]:
    """Chunks for a whole document (positions run across its sections); duplicates dropped."""
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for section in sections:
        for chunk in chunk_section(section, max_chars, len(chunks), sources, reviewed):
            if chunk.id not in seen:
                seen.add(chunk.id)
                chunks.append(chunk)
    return chunks


def embedding_text(chunk: Chunk) -> str:
    """What gets embedded and BM25-indexed: the heading path gives short passages their topic."""
    return f"{chunk.section}\n{chunk.text}"
