"""Labelled triage conversations on disk (JSONL), shared by training and evaluation.

One object per line: `id`, `message`, `history` (earlier turns), `route`, `clause`, and
optionally `split`, `style`, `lang`, `note`. See eval/TRIAGE.md for the sets and who
wrote them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..types import ROUTES


class LabelledDataError(ValueError):
    """A labelled file that cannot be read: the message names the file and line."""


@dataclass(frozen=True)
class Case:
    id: str
    message: str
    history: tuple[Mapping[str, str], ...]
    route: str
    clause: str = ""
    split: str = ""
    style: str = ""
    lang: str = "en"
    note: str = ""
    author: str = ""


def load_cases(path: str | Path) -> list[Case]:
    """Read one JSONL file; a bad line raises LabelledDataError naming it."""
    cases = []
    path = Path(path)
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if row["route"] not in ROUTES or not isinstance(row["message"], str):
                raise ValueError(f"bad route {row.get('route')!r}")
            history = tuple({"role": str(t["role"]), "content": str(t["content"])}
                            for t in row.get("history") or ())
        except (ValueError, KeyError, TypeError) as exc:
            raise LabelledDataError(f"{path}:{lineno}: {exc}") from exc
        cases.append(Case(str(row["id"]), row["message"], history, row["route"],
                          row.get("clause", ""), row.get("split", ""),
                          row.get("style", row.get("note", "")) or "", row.get("lang", "en") or "en",
                          row.get("note", "") or "", row.get("author", "") or ""))
    return cases


def load_many(paths: Sequence[str | Path], splits: frozenset[str] | None = None) -> list[Case]:
    """Cases of several files, optionally only those whose `split` is in `splits`."""
    out = []
    for path in paths:
        out.extend(c for c in load_cases(path) if splits is None or c.split in splits)
    return out
