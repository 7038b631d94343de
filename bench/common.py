"""Shared helpers (pure where possible): percentiles, the report tables, child processes,
the question set and a description of the machine."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
WORK_DIR = BENCH_DIR / ".work"  # git-ignored: the benchmark's own index, logs, temp stores
QUESTIONS_FILE = BENCH_DIR / "questions.txt"


# --- statistics ------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """Latency percentiles in milliseconds over `n` samples."""

    n: int
    p50: float
    p95: float
    p99: float
    mean: float
    max: float

    @classmethod
    def of(cls, samples_ms: Iterable[float]) -> Summary:
        a = np.asarray(list(samples_ms), dtype=np.float64)
        if a.size == 0:
            return cls(0, *(float("nan"),) * 5)
        p50, p95, p99 = np.percentile(a, [50, 95, 99])
        return cls(int(a.size), float(p50), float(p95), float(p99), float(a.mean()),
                   float(a.max()))


def time_ms(fn: Callable, *args, **kwargs) -> tuple[float, object]:
    """(elapsed milliseconds, result) of one call."""
    t0 = time.perf_counter()
    result = fn(*args, **kwargs)
    return (time.perf_counter() - t0) * 1e3, result


def median(values: Sequence[float]) -> float:
    return float(np.median(values)) if len(values) else float("nan")


# --- the report ------------------------------------------------------------------------


@dataclass(frozen=True)
class LatencyRow:
    key: str  # stable name other rows and targets refer to
    label: str
    summary: Summary
    note: str = ""


@dataclass(frozen=True)
class FigureRow:
    label: str
    value: str
    compare: str = ""  # the side-by-side figure and ratio, e.g. "naive 6.2 s (0.21×)"


@dataclass(frozen=True)
class Target:
    name: str
    measured: float
    limit: float
    unit: str
    strict: bool = False  # True: measured must be < limit; False: <= limit
    at_least: bool = False  # a floor (throughput): measured must be >= limit

    @property
    def passed(self) -> bool:
        if self.at_least:
            ok = self.measured >= self.limit
        else:
            ok = self.measured < self.limit if self.strict else self.measured <= self.limit
        return bool(ok) and np.isfinite(self.measured)

    @property
    def op(self) -> str:
        return "≥" if self.at_least else "<" if self.strict else "≤"

    @property
    def margin(self) -> str:
        if not (np.isfinite(self.measured) and np.isfinite(self.limit)) or self.limit == 0:
            return "n/a"
        ratio = self.measured / self.limit
        side = "under" if self.at_least else "over"
        return f"{ratio:.2f}× the limit" + ("" if self.passed else f" ({ratio - 1:+.0%} {side})")


@dataclass
class Report:
    latency: list[LatencyRow] = field(default_factory=list)
    figures: list[FigureRow] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    headline: list[str] = field(default_factory=list)

    def summary(self, key: str) -> Summary | None:
        return next((r.summary for r in self.latency if r.key == key), None)

    def render(self) -> str:
        """Markdown tables (they read fine in a terminal and paste into results.md)."""
        out: list[str] = []
        if self.headline:
            out += ["### Headline", ""] + [f"- {line}" for line in self.headline] + [""]
        if self.latency:
            floor, naive = self.summary("floor"), self.summary("naive")
            out += ["### Warm latency (ms)", "",
                    "| measure | n | p50 | p95 | p99 | max | p50 vs naive | p95 vs floor | note |",
                    "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
            for row in self.latency:
                s = row.summary
                vs_naive = f"{s.p50 / naive.p50:.2f}×" if naive and row.key != "naive" else ""
                vs_floor = f"{s.p95 / floor.p95:.2f}×" if floor and row.key != "floor" else ""
                out.append(f"| {row.label} | {s.n} | {s.p50:.2f} | {s.p95:.2f} | {s.p99:.2f} "
                           f"| {s.max:.1f} | {vs_naive} | {vs_floor} | {row.note} |")
            out.append("")
        if self.figures:
            out += ["### Cold start, memory, ingest, scale", "",
                    "| measure | this project | compared with |", "|---|---:|---|"]
            out += [f"| {f.label} | {f.value} | {f.compare} |" for f in self.figures]
            out.append("")
        if self.targets:
            out += ["### Targets", "", "| target | measured | limit | result | margin |",
                    "|---|---:|---:|---|---|"]
            for t in self.targets:
                out.append(f"| {t.name} | {t.measured:.2f} {t.unit} | {t.op} {t.limit:.2f} {t.unit} "
                           f"| {'PASS' if t.passed else 'MISS'} | {t.margin} |")
            out.append("")
        if self.notes:
            out += ["### Notes", ""] + [f"- {n}" for n in self.notes] + [""]
        return "\n".join(out)


# --- child processes -------------------------------------------------------------------


@dataclass(frozen=True)
class ChildRun:
    wall_s: float
    max_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


TIME_BIN = Path("/usr/bin/time")


def run_child(cmd: Sequence[str], env: dict[str, str] | None = None,
              cwd: Path | None = None, timeout: float = 300.0) -> ChildRun:
    """Run a command to completion; its wall time and the peak RSS of that process alone.

    The peak comes from GNU time, whose own child is forked from a small process: Linux
    counts the pages a child shares with its parent at fork into the child's ru_maxrss,
    so wait4 from this (large, torch-loaded) process would over-report by its own size.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        wrapped = list(cmd)
        if TIME_BIN.exists():
            wrapped = [str(TIME_BIN), "-f", "%M", "-o", rss_file.name, *wrapped]
        t0 = time.perf_counter()
        proc = subprocess.run(wrapped, env=env, cwd=cwd, capture_output=True, text=True,
                              timeout=timeout)
        wall = time.perf_counter() - t0
        text = rss_file.read().strip().splitlines()
    max_rss_kb = float(text[-1]) if text and text[-1].isdigit() else float("nan")
    return ChildRun(wall, max_rss_kb / 1024.0, proc.returncode, proc.stdout, proc.stderr)


def assistant_command() -> list[str]:
    """The installed `assistant` console script, or `python -m assistant` without it."""
    script = Path(sys.executable).with_name("assistant")
    return [str(script)] if script.exists() else [sys.executable, "-m", "assistant"]


def child_env(**overrides: str) -> dict[str, str]:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               ANONYMIZED_TELEMETRY="False", GRADIO_ANALYTICS_ENABLED="False",
               TOKENIZERS_PARALLELISM="false")
    env.update(overrides)
    return env


# --- questions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    category: str
    text: str


def load_questions(path: Path = QUESTIONS_FILE) -> list[Question]:
    """`## category` headers group the lines that follow; `#` lines and blanks are skipped."""
    category = "uncategorised"
    questions: list[Question] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("## "):
            category = line[3:].strip()
        elif line and not line.startswith("#"):
            questions.append(Question(category, line))
    return questions


# --- the machine -----------------------------------------------------------------------


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    info = {"cores (nproc)": str(os.cpu_count()), "python": platform.python_version(),
            "platform": platform.platform()}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
        info["cpu"] = model.group(1).strip() if model else platform.processor()
        meminfo = Path("/proc/meminfo").read_text()
        kb = int(re.search(r"^MemTotal:\s*(\d+)", meminfo, re.MULTILINE).group(1))
        info["ram"] = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    try:
        commit = subprocess.run(["git", "-C", str(PROJECT_ROOT), "log", "-1", "--format=%h %cs"],
                                capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(PROJECT_ROOT), "status", "--porcelain",
                                "--untracked-files=no", "assistant"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        if commit:
            info["code"] = f"git {commit}" + (" + uncommitted changes in assistant/"
                                              if dirty else "")
    except (OSError, subprocess.SubprocessError):
        pass
    from importlib import metadata

    for dist in ("torch", "onnxruntime", "chromadb", "sentence-transformers", "bm25s",
                 "langchain-core", "langchain-chroma", "langchain-huggingface", "fastapi",
                 "uvicorn", "gradio", "numpy"):
        try:
            info[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            info[dist] = "not installed"
    return info


def rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a live process in MB, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()

    def field_kb(name: str) -> float:
        m = re.search(rf"^{name}:\s*(\d+) kB", status, re.MULTILINE)
        return int(m.group(1)) / 1024.0 if m else float("nan")

    return field_kb("VmRSS"), field_kb("VmHWM")
