"""Load and validate the evaluation data sets (JSON Lines), naming the line of every problem.

Two formats:

- Q&A cases (``eval/qa.jsonl``): one question with what a right reply retrieves, says and
  how it is routed. Documented in ``eval/README.md``.
- Triage cases (``eval/triage.jsonl``, written with the safety layer): a message labelled
  with the route it must get; only the route is scored here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError

from .metrics import SEVERITY, SourceRef, section_matches

ROUTES = tuple(SEVERITY)  # out_of_scope, answer, professional, emergency
STYLES = ("plain", "slang", "typo", "indirect", "multi-part", "follow-up")
QA_FIELDS = {
    "id": "unique string",
    "question": "the user's message",
    "history": "earlier turns, a list of {role: user|assistant, content}",
    "expected_answer": "the right answer in one sentence",
    "key_facts": "list of facts, each a list of acceptable phrasings",
    "expected_source": "{doc_id, section} or null when nothing in the corpus answers",
    "also_acceptable_sources": "list of {doc_id, section} that answer equally well",
    "expected_route": "one of " + ", ".join(ROUTES),
    "category": "topic label used to break figures down",
    "style": "how it is asked: " + ", ".join(STYLES) + " (others allowed)",
    "notes": "free text, ignored",
}
REQUIRED_QA = ("id", "question", "expected_route")
MAX_ERRORS_SHOWN = 20


class DatasetError(AssistantError):
    """An evaluation data set is missing or malformed; the message lists file:line problems."""


@dataclass(frozen=True)
class QACase:
    id: str
    question: str
    expected_route: str
    history: tuple[dict[str, str], ...] = ()
    expected_answer: str = ""
    key_facts: tuple[tuple[str, ...], ...] = ()
    expected_source: SourceRef | None = None
    also_acceptable_sources: tuple[SourceRef, ...] = ()
    category: str = "uncategorised"
    style: str = "plain"
    line: int = 0

    @property
    def acceptable_sources(self) -> tuple[SourceRef, ...]:
        if self.expected_source is None:
            return ()
        return (self.expected_source, *self.also_acceptable_sources)


@dataclass(frozen=True)
class TriageCase:
    id: str
    message: str
    route: str
    history: tuple[dict[str, str], ...] = ()
    clause: str = ""
    split: str = ""
    line: int = 0
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


def _read_jsonl(path: Path) -> list[tuple[int, Any]]:
    """(line number, parsed value) for each non-blank line; JSON errors raised together."""
    if not path.is_file():
        raise DatasetError(f"{path}: no such data set file; pass an existing file with --dataset.")
    rows, errors = [], []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            rows.append((number, json.loads(raw)))
        except json.JSONDecodeError as exc:
            errors.append(f"{path}:{number}: not valid JSON ({exc.msg} at column {exc.colno})")
    _raise_if(errors, path)
    return rows


def _raise_if(errors: Sequence[str], path: Path) -> None:
    if not errors:
        return
    shown = list(errors[:MAX_ERRORS_SHOWN])
    if len(errors) > MAX_ERRORS_SHOWN:
        shown.append(f"... and {len(errors) - MAX_ERRORS_SHOWN} more")
    raise DatasetError(
        f"{path}: {len(errors)} problem(s) in the data set (format: eval/README.md):\n  "
        + "\n  ".join(shown)
    )


def _history(value: Any, where: str, errors: list[str]) -> tuple[dict[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        errors.append(f"{where}: 'history' must be a list of turns, got {type(value).__name__}")
        return ()
    turns = []
    for i, turn in enumerate(value):
        if isinstance(turn, str):  # a bare string is an earlier user message
            turns.append({"role": "user", "content": turn})
        elif (
            isinstance(turn, Mapping)
            and turn.get("role") in ("user", "assistant")
            and isinstance(turn.get("content"), str)
        ):
            turns.append({"role": turn["role"], "content": turn["content"]})
        else:
            errors.append(
                f"{where}: history[{i}] must be {{\"role\": \"user\"|\"assistant\", "
                f"\"content\": str}}, got {json.dumps(turn)[:80]}"
            )
    return tuple(turns)


def _source(value: Any, where: str, name: str, errors: list[str]) -> SourceRef | None:
    if (
        isinstance(value, Mapping)
        and isinstance(value.get("doc_id"), str)
        and value["doc_id"].strip()
        and isinstance(value.get("section"), str)
        and value["section"].strip()
    ):
        return SourceRef(value["doc_id"].strip(), " ".join(value["section"].split()))
    errors.append(
        f"{where}: '{name}' must be {{\"doc_id\": str, \"section\": \"Title › Heading\"}}, "
        f"got {json.dumps(value)[:80]}"
    )
    return None


def _key_facts(value: Any, where: str, errors: list[str]) -> tuple[tuple[str, ...], ...]:
    if value is None:
        return ()
    ok = isinstance(value, list) and all(
        isinstance(fact, list) and fact and all(isinstance(a, str) and a.strip() for a in fact)
        for fact in value
    )
    if not ok:
        errors.append(
            f"{where}: 'key_facts' must be a list of facts, each a non-empty list of "
            f"phrasings, e.g. [[\"neutral spine\", \"natural curve\"]]; "
            f"got {json.dumps(value)[:80]}"
        )
        return ()
    return tuple(tuple(a.strip() for a in fact) for fact in value)


def parse_qa(row: Any, path: str | Path, line: int, errors: list[str]) -> QACase | None:
    """One JSON value -> QACase, appending any problems (as ``path:line: ...``) to ``errors``."""
    where = f"{path}:{line}"
    if not isinstance(row, Mapping):
        errors.append(f"{where}: each line must be a JSON object, got {type(row).__name__}")
        return None
    start = len(errors)
    unknown = sorted(set(row) - set(QA_FIELDS))
    if unknown:
        errors.append(
            f"{where}: unknown field(s) {', '.join(unknown)}; allowed: {', '.join(QA_FIELDS)}"
        )
    for name in REQUIRED_QA:
        if not isinstance(row.get(name), str) or not row[name].strip():
            errors.append(f"{where}: '{name}' is required and must be a non-empty string")
    route = row.get("expected_route")
    if isinstance(route, str) and route.strip() and route not in ROUTES:
        errors.append(
            f"{where}: 'expected_route' must be one of {', '.join(ROUTES)}, got {route!r}"
        )
    for name in ("expected_answer", "category", "style"):
        if name in row and not isinstance(row[name], str):
            errors.append(f"{where}: '{name}' must be a string")
    history = _history(row.get("history"), where, errors)
    facts = _key_facts(row.get("key_facts"), where, errors)
    source = None
    if row.get("expected_source") is not None:
        source = _source(row["expected_source"], where, "expected_source", errors)
    elif route in ROUTES and route != "out_of_scope":
        errors.append(
            f"{where}: 'expected_source' is required for a {route!r} case "
            "(null only for out_of_scope)"
        )
    also = row.get("also_acceptable_sources") or []
    if not isinstance(also, list):
        errors.append(f"{where}: 'also_acceptable_sources' must be a list")
        also = []
    others = tuple(
        s for s in (_source(v, where, "also_acceptable_sources", errors) for v in also) if s
    )
    if others and source is None:
        errors.append(f"{where}: 'also_acceptable_sources' needs an 'expected_source' too")
    if len(errors) > start:
        return None
    return QACase(
        id=row["id"].strip(),
        question=row["question"],
        expected_route=route,
        history=history,
        expected_answer=row.get("expected_answer", ""),
        key_facts=facts,
        expected_source=source,
        also_acceptable_sources=others,
        category=(row.get("category") or "uncategorised").strip(),
        style=(row.get("style") or "plain").strip(),
        line=line,
    )


def load_qa(path: str | Path) -> list[QACase]:
    """Read and validate a Q&A data set; raises DatasetError listing every bad line."""
    path = Path(path)
    cases, errors, seen = [], [], {}
    for number, row in _read_jsonl(path):
        case = parse_qa(row, path, number, errors)
        if case is None:
            continue
        if case.id in seen:
            errors.append(
                f"{path}:{number}: duplicate id {case.id!r} (first on line {seen[case.id]})"
            )
            continue
        seen[case.id] = number
        cases.append(case)
    _raise_if(errors, path)
    if not cases:
        raise DatasetError(f"{path}: the data set is empty; add one JSON object per line.")
    return cases


def load_triage(path: str | Path, split: str | None = None) -> list[TriageCase]:
    """Read the safety layer's labelled messages (route only), optionally one split."""
    path = Path(path)
    cases, errors = [], []
    for number, row in _read_jsonl(path):
        where = f"{path}:{number}"
        if not isinstance(row, Mapping):
            errors.append(f"{where}: each line must be a JSON object")
            continue
        start = len(errors)
        message, route = row.get("message"), row.get("route")
        if not isinstance(message, str) or not message.strip():
            errors.append(f"{where}: 'message' is required and must be a non-empty string")
        if route not in ROUTES:
            errors.append(f"{where}: 'route' must be one of {', '.join(ROUTES)}, got {route!r}")
        history = _history(row.get("history"), where, errors)
        if len(errors) > start:
            continue
        if split and row.get("split", "") != split:
            continue
        known = {"id", "message", "history", "route", "clause", "split"}
        cases.append(
            TriageCase(
                id=str(row.get("id") or f"line-{number}"),
                message=message,
                route=route,
                history=history,
                clause=str(row.get("clause") or ""),
                split=str(row.get("split") or ""),
                line=number,
                extra={k: v for k, v in row.items() if k not in known},
            )
        )
    _raise_if(errors, path)
    return cases


def check_sources(
    cases: Sequence[QACase], sections: Mapping[str, set[str]], path: str | Path
) -> None:
    """Fail when an expected source names a document or section the index does not have
    (a typo there would silently score as a retrieval miss)."""
    errors = []
    for case in cases:
        for source in case.acceptable_sources:
            known = sections.get(source.doc_id)
            if known is None:
                errors.append(
                    f"{path}:{case.line}: doc_id {source.doc_id!r} is not in the index; "
                    f"indexed: {', '.join(sorted(sections))}"
                )
            elif not any(section_matches(source.doc_id, s, source) for s in known):
                near = sorted(known)[:8]
                errors.append(
                    f"{path}:{case.line}: section {source.section!r} is not in {source.doc_id!r}; "
                    f"its sections include: {'; '.join(near)}"
                )
    _raise_if(errors, Path(path))
