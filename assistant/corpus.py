"""Load guidance files (.md with YAML front matter, or plain .txt) and split them by headings.

Parsing is pure (`parse_document`, `split_sections`); only `load_documents` touches disk.
Text is repaired with ftfy at load time, so a gym's file with broken apostrophes
("itâs") is cleaned the same way the commissioning article was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import ftfy
import yaml

from .errors import CorpusError
from .types import Document, Section

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "document"


def clean_text(text: str) -> str:
    """Repair mojibake and normalise line endings and odd spaces."""
    text = ftfy.fix_text(text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.replace("\u00a0", " ").replace("\t", "    ")


def parse_document(raw: str, path: str) -> Document:
    """Parse one file's text into a Document (front matter, title, id)."""
    text = clean_text(raw)
    meta: dict = {}
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            meta = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as exc:
            raise CorpusError(f"{path}: front matter is not valid YAML ({exc}). "
                              "Fix the block between the two '---' lines.") from exc
        if not isinstance(meta, dict):
            raise CorpusError(f"{path}: front matter must be 'key: value' lines.")
        text = text[match.end():]
    body = text.strip("\n")
    title = str(meta.get("title") or "").strip()
    if not title:
        title, body = _title_from_body(body, Path(path))
    sources = meta.get("sources") or []
    if isinstance(sources, str):
        sources = [sources]
    reviewed = meta.get("reviewed")
    also_asked = _also_asked(meta.get("also_asked"), path)
    return Document(
        doc_id=slugify(str(meta.get("id") or Path(path).stem)),
        title=title,
        path=path,
        body=body,
        sources=tuple(str(s) for s in sources),
        reviewed=str(reviewed) if reviewed is not None else None,
        also_asked=also_asked,
    )


def _also_asked(value, path: str) -> dict[str, tuple[str, ...]]:
    """Front matter `also_asked`: a mapping of heading text to the other questions members
    type that the section answers (found by the retriever like the heading itself)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CorpusError(f"{path}: `also_asked` must map each heading to a list of questions.")
    out: dict[str, tuple[str, ...]] = {}
    for heading, questions in value.items():
        if questions is None:
            questions = []
        if isinstance(questions, str):
            questions = [questions]
        if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
            raise CorpusError(f"{path}: `also_asked` for {heading!r} must be a list of questions.")
        out[clean_text(str(heading)).strip()] = tuple(
            q for q in (" ".join(clean_text(q).split()) for q in questions) if q)
    return out


def _title_from_body(body: str, path: Path) -> tuple[str, str]:
    """No title in front matter: use a leading '# Heading', else a short first line, else the file name."""
    lines = body.split("\n")
    first = lines[0].strip() if lines else ""
    h1 = re.match(r"^#[ \t]+(.+)$", first)
    if h1:
        return h1.group(1).strip(), "\n".join(lines[1:]).strip("\n")
    if path.suffix == ".txt" and first and len(first) <= 100 and not first.endswith((".", ":")):
        return first, "\n".join(lines[1:]).strip("\n")
    return path.stem.replace("-", " ").replace("_", " ").strip().capitalize(), body


def split_sections(doc: Document) -> list[Section]:
    """Split a document's body at Markdown headings; each section keeps its heading path."""
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    buffer: list[str] = []

    used: set[str] = set()

    def flush():
        text = "\n".join(buffer).strip()
        if text:
            heading = stack[-1][1] if stack else ""
            asked = doc.also_asked.get(heading, ())
            if asked:
                used.add(heading)
            sections.append(Section(doc.doc_id, doc.title, tuple(h for _, h in stack), text,
                                    asked))
        buffer.clear()

    in_fence = False
    for line in doc.body.split("\n"):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            flush()
            level = len(match.group(1))
            heading = match.group(2).strip()
            if level == 1 and not stack and heading == doc.title:
                continue
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, heading))
        else:
            buffer.append(line)
    flush()
    unknown = [h for h, asked in doc.also_asked.items() if asked and h not in used]
    if unknown:
        raise CorpusError(f"{doc.path}: `also_asked` names headings with no text under them in "
                          f"the document: {', '.join(repr(h) for h in unknown)}. Use the "
                          "heading's exact text.")
    return sections


def discover_files(paths: Iterable[Path]) -> list[Path]:
    """Every supported file under the given folders (or the files themselves), sorted."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise CorpusError(f"{path}: unsupported file type; use Markdown (.md) or "
                                  "plain text (.txt).")
            found.append(path)
        else:
            raise CorpusError(f"{path}: no such file or folder. Check ASSISTANT_CORPUS_DIRS "
                              "or the paths given to `assistant ingest`.")
    return found


def load_documents(paths: Iterable[Path]) -> list[Document]:
    """Read and parse every corpus file; ids must be unique across files."""
    documents: list[Document] = []
    seen: dict[str, str] = {}
    for file in discover_files(paths):
        try:
            raw = file.read_bytes().decode("utf-8", errors="replace")
        except OSError as exc:
            raise CorpusError(f"{file}: cannot be read ({exc}).") from exc
        doc = parse_document(raw, str(file))
        if doc.doc_id in seen:
            raise CorpusError(f"{file}: id {doc.doc_id!r} is already used by {seen[doc.doc_id]}; "
                              "give one of them a different `id:` in its front matter.")
        seen[doc.doc_id] = str(file)
        documents.append(doc)
    return documents
