"""`python -m bench.run` (from the repository root): every section in one run, one table.

Sections: floor, naive, ask (warm latency, interleaved pass by pass so that machine noise
hits all three alike), cold, ingest, load, scale. `--only` picks some, `--quick` shrinks
the counts for a smoke test, `--results FILE` also writes the report as Markdown.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .common import (
    PROJECT_ROOT,
    WORK_DIR,
    FigureRow,
    LatencyRow,
    Report,
    Summary,
    Target,
    assistant_command,
    child_env,
    load_questions,
    machine,
    median,
    run_child,
)

SECTIONS = ("floor", "naive", "ask", "cold", "ingest", "load", "scale")
NAIVE_DIR = WORK_DIR / "naive-chroma"
COLD_QUESTION = "How do I stop my lower back rounding at the bottom of the leg press?"


@dataclass(frozen=True)
class Plan:
    passes: int  # warm passes over the whole question set
    cold_runs: int
    load_levels: tuple[int, ...]
    load_requests: int  # per level, at most
    load_seconds: float  # per level, at most
    scale_chunks: int

    @classmethod
    def full(cls) -> Plan:
        return cls(passes=3, cold_runs=3, load_levels=(10, 50, 100), load_requests=1500,
                   load_seconds=20.0, scale_chunks=100_000)

    @classmethod
    def quick(cls) -> Plan:
        return cls(passes=1, cold_runs=1, load_levels=(10, 50, 100), load_requests=100,
                   load_seconds=5.0, scale_chunks=5_000)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "n/a"


class Bench:
    """Runs the selected sections into one Report."""

    def __init__(self, sections: set[str], plan: Plan, questions):
        self.sections = sections
        self.plan = plan
        self.questions = questions
        self.report = Report()
        self.bot = None
        self.naive = None
        nan = float("nan")
        self.cold_naive_s = self.cold_project_s = nan
        self.cold_naive_rss = self.cold_project_rss = self.server_rss = nan
        self.scale_reopen_s = nan
        self.naive_chunks = 0
        self.load_rps: dict[int, float] = {}
        self.load_results: dict = {}  # clients -> LevelResult
        self.first_start_rss = nan  # the largest server process after a start that indexed

    # -- shared setup ---------------------------------------------------------------
    def assistant(self):
        if self.bot is None:
            from .project import BENCH_DATA_DIR, open_assistant

            log(f"opening the benchmark index in {BENCH_DATA_DIR} (built on first use)")
            self.bot = open_assistant(BENCH_DATA_DIR)
        return self.bot

    def naive_pipeline(self):
        if self.naive is None:
            from .naive import NaivePipeline

            log("building the naive LangChain pipeline over corpus/*.md")
            self.naive = NaivePipeline(NAIVE_DIR)
            self.naive.load_model()
            self.naive_chunks = self.naive.build(PROJECT_ROOT / "corpus")
        return self.naive

    # -- warm latency ---------------------------------------------------------------
    def warm(self) -> None:
        from .common import time_ms
        from .project import AskRecorder, Floor, probe, uncached_assistant

        wanted = [s for s in ("floor", "naive", "ask") if s in self.sections]
        if not wanted:
            return
        bot = self.assistant()
        texts = [q.text for q in self.questions]
        floor = Floor(bot) if "floor" in wanted else None
        naive_ms: list[float] = []
        naive_embed_ms: list[float] = []
        naive_1t_ms: list[float] = []
        naive = self.naive_pipeline() if "naive" in wanted else None
        if naive:
            import torch
        fresh = uncached_assistant(bot) if "ask" in wanted else None
        asks = AskRecorder(fresh.ask) if fresh else None

        log(f"warm-up, then {self.plan.passes} interleaved passes over {len(texts)} questions")
        for q in texts[:20]:
            if floor:
                floor(q)
            if naive:
                naive.retrieve(q)
            if fresh:
                fresh.ask(q)
        if floor:
            floor.embed_ms.clear()
            floor.query_ms.clear()
        for _ in range(self.plan.passes):
            if floor:
                for q in texts:
                    floor(q)  # keeps its own samples
            if naive:
                naive_ms += [time_ms(naive.retrieve, q)[0] for q in texts]
                naive_embed_ms += [time_ms(naive.embed_query, q)[0] for q in texts]
                threads = torch.get_num_threads()
                torch.set_num_threads(1)  # the ONNX embedder's thread count
                naive_1t_ms += [time_ms(naive.retrieve, q)[0] for q in texts]
                torch.set_num_threads(threads)
            if asks:
                for q in self.questions:
                    asks(q.text, q.category)

        rows = self.report.latency
        if floor:
            totals = [e + c for e, c in zip(floor.embed_ms, floor.query_ms, strict=True)]
            rows.append(LatencyRow("floor", "floor: ONNX query embedding + Chroma k=4",
                                   Summary.of(totals), "the hardware floor"))
            rows.append(LatencyRow("floor.embed", "  floor: ONNX embedding only",
                                   Summary.of(floor.embed_ms), "1 thread, uncached"))
            rows.append(LatencyRow("floor.query", "  floor: Chroma query only",
                                   Summary.of(floor.query_ms), "k=4"))
        if naive:
            def stalls(samples: list[float]) -> str:
                slow = sum(ms > 100 for ms in samples)
                return f"; {slow} calls over 100 ms" if slow else ""

            rows.append(LatencyRow("naive", "naive: LangChain as_retriever(k=4).invoke",
                                   Summary.of(naive_ms),
                                   f"torch {torch.get_num_threads()} threads (default)"
                                   + stalls(naive_ms)))
            rows.append(LatencyRow("naive.embed", "  naive: HuggingFaceEmbeddings.embed_query",
                                   Summary.of(naive_embed_ms),
                                   "query embedding alone" + stalls(naive_embed_ms)))
            rows.append(LatencyRow("naive.1t", "  naive with torch at 1 thread",
                                   Summary.of(naive_1t_ms),
                                   "same thread count as the ONNX embedder" + stalls(naive_1t_ms)))
        if asks:
            rows.append(LatencyRow("ask", "this project: full ask (uncached)",
                                   Summary.of(asks.wall_ms),
                                   "triage + hybrid retrieval + composition"))
            for stage in ("embed_ms", "triage_ms", "answer_ms"):
                values = asks.stages.get(stage, [])
                share = sum(values) / max(sum(asks.stages.get("total_ms", [1])), 1e-9)
                rows.append(LatencyRow(f"ask.{stage}", f"  ask stage: {stage[:-3]}",
                                       Summary.of(values), f"{share:.0%} of total time"))
            for category, values in asks.by_category.items():
                rows.append(LatencyRow(f"ask.cat.{category}", f"  ask, {category}",
                                       Summary.of(values), ""))
            totals: dict[str, list[float]] = {}
            n_before = len(texts)
            with probe(fresh, totals):
                for q in texts:
                    fresh.ask(q)
            for label, values in sorted(totals.items()):
                rows.append(LatencyRow(f"probe.{label}", f"  inside ask: {label}",
                                       Summary.of(values),
                                       f"per call, {len(values) / n_before:.2f} calls/ask"))
            # The deployed engine keeps an LRU of question vectors: a repeat is cheaper.
            for q in texts:
                bot.ask(q)
            cached = [time_ms(bot.ask, q)[0] for q in texts]
            rows.append(LatencyRow("ask.cached", "this project: ask, repeated question",
                                   Summary.of(cached), "query-vector LRU hit"))
            routes = ", ".join(f"{k} {v}" for k, v in sorted(asks.routes.items()))
            self.report.notes.append(f"Routes over the timed asks: {routes}.")
            # The HTTP load sends every question in 24 polite wordings ("Hello! … Thanks."):
            # more sentences, so more texts embedded per question. Its throughput target
            # is set from `ask` over those very messages, timed here in process.
            from .load import distinct_messages

            wordings = distinct_messages(texts)
            sample = [next(wordings) for _ in range(24 * len(texts))][::24 // 3]
            worded = [time_ms(fresh.ask, m)[0] for m in sample]
            rows.append(LatencyRow("ask.load_messages", "this project: ask, the HTTP load's messages",
                                   Summary.of(worded),
                                   f"{len(sample)} of its wordings, uncached, in process"))

    # -- cold start -----------------------------------------------------------------
    def cold(self) -> None:
        from .project import BENCH_DATA_DIR

        self.assistant()  # the index and the ONNX export exist before timing
        if not (NAIVE_DIR / "chroma.sqlite3").exists():
            self.naive_pipeline()
        env = child_env(ASSISTANT_DATA_DIR=str(BENCH_DATA_DIR))
        runs = self.plan.cold_runs
        log(f"cold start: 1 warm-up + {runs} runs each of `assistant ask` and the naive process")
        project_cmd = [*assistant_command(), "ask", COLD_QUESTION]
        naive_cmd = [sys.executable, "-m", "bench.naive", "--cold", str(NAIVE_DIR), COLD_QUESTION]
        phases_cmd = [sys.executable, "-m", "bench.project", "--cold-phases",
                      str(BENCH_DATA_DIR), COLD_QUESTION]
        project, naive, naive_phases, phases = [], [], [], []
        for i in range(runs + 1):  # interleaved; the first round warms the page cache
            p = run_child(project_cmd, env=env, cwd=PROJECT_ROOT)
            n = run_child(naive_cmd, env=env, cwd=PROJECT_ROOT)
            for run, what in ((p, "assistant ask"), (n, "naive cold")):
                if run.returncode != 0:
                    raise RuntimeError(f"{what} failed ({run.returncode}): {run.stderr[-800:]}")
            if i:
                project.append(p)
                naive.append(n)
                naive_phases.append(json.loads(n.stdout.strip().splitlines()[-1]))
        for _ in range(runs):
            ph = run_child(phases_cmd, env=env, cwd=PROJECT_ROOT)
            phases.append(json.loads(ph.stdout.strip().splitlines()[-1]))
        helps = [run_child([*assistant_command(), "--help"], env=env).wall_s
                 for _ in range(runs)]

        self.cold_project_s = median([r.wall_s for r in project])
        self.cold_naive_s = median([r.wall_s for r in naive])
        self.cold_project_rss = max(r.max_rss_mb for r in project)
        self.cold_naive_rss = max(r.max_rss_mb for r in naive)
        f = self.report.figures
        f.append(FigureRow(f"cold start to first answer, `assistant ask` (median of {runs})",
                           f"{self.cold_project_s:.2f} s",
                           f"naive cold process {self.cold_naive_s:.2f} s "
                           f"({ratio(self.cold_project_s, self.cold_naive_s)})"))
        f.append(FigureRow("peak RSS of that process", f"{self.cold_project_rss:.0f} MB",
                           f"naive {self.cold_naive_rss:.0f} MB "
                           f"({ratio(self.cold_project_rss, self.cold_naive_rss)})"))

        def med(rows, key):
            return statistics.median(r[key] for r in rows)

        f.append(FigureRow(
            "  where it goes: import / Assistant.load / first ask",
            f"{med(phases, 'import_s'):.2f} / {med(phases, 'load_s'):.2f} / "
            f"{med(phases, 'first_ask_s'):.2f} s",
            f"naive: import HF {med(naive_phases, 'import_hf_s'):.2f}, import chroma "
            f"{med(naive_phases, 'import_chroma_s'):.2f}, model "
            f"{med(naive_phases, 'model_load_s'):.2f}, open "
            f"{med(naive_phases, 'open_store_s'):.2f}, query "
            f"{med(naive_phases, 'first_query_s'):.2f} s"))
        f.append(FigureRow(
            "  first ask split: embed / triage / answer",
            f"{med(phases, 'first_embed_ms') * 1e3:.0f} / "
            f"{med(phases, 'first_triage_ms') * 1e3:.0f} / "
            f"{med(phases, 'first_answer_ms') * 1e3:.0f} ms",
            f"heavy modules loaded: {phases[-1]['heavy_modules']}"))
        f.append(FigureRow("`assistant --help`", f"{median(helps):.2f} s", ""))

    # -- ingest ---------------------------------------------------------------------
    def ingest(self) -> None:
        from .project import BENCH_DATA_DIR, measure_ingest

        log("ingest: fresh index in a temporary data_dir, then a no-op re-ingest")
        result = measure_ingest()
        naive = self.naive_pipeline()
        naive_rate = self.naive_chunks / naive.timings["build_s"]
        f = self.report.figures
        build_s = naive.timings["build_s"]
        f.append(FigureRow(
            "ingest throughput, fresh index (model already loaded)",
            f"{result.chunks_per_s:.1f} chunks/s ({result.chunks} chunks + "
            f"{result.sentences} sentence vectors = {result.texts_per_s:.0f} texts/s, "
            f"{result.characters / result.fresh_s / 1e3:.1f}k chars/s; {result.fresh_s:.1f} s)",
            f"naive build {naive_rate:.1f} chunks/s ({self.naive_chunks} chunks of ≤500 chars, "
            f"{naive.characters / build_s / 1e3:.1f}k chars/s; {build_s:.1f} s)"))
        f.append(FigureRow("no-op re-ingest (in process)", f"{result.noop_s * 1e3:.0f} ms",
                           "nothing embedded: content-hash ids"))
        self.assistant()
        cli = run_child([*assistant_command(), "ingest"],
                        env=child_env(ASSISTANT_DATA_DIR=str(BENCH_DATA_DIR)))
        if cli.returncode != 0:
            raise RuntimeError(f"`assistant ingest` failed: {cli.stderr[-800:]}")
        f.append(FigureRow("no-op `assistant ingest` (new process)",
                           f"{cli.wall_s:.2f} s, {cli.max_rss_mb:.0f} MB peak RSS",
                           cli.stdout.strip().splitlines()[-1] if cli.stdout.strip() else ""))

    # -- HTTP load ------------------------------------------------------------------
    def load(self) -> None:
        from .load import Server, distinct_messages, run_level
        from .project import BENCH_DATA_DIR

        self.assistant()
        self.first_start()
        server = Server(BENCH_DATA_DIR, WORK_DIR / "server.log")
        log(f"starting `assistant serve` on {server.url}")
        server.start()
        try:
            idle_rss, _ = server.rss_mb()
            messages = distinct_messages([q.text for q in self.questions])
            run_level(server.url, 2, 20, 10.0, messages)  # warm-up
            f = self.report.figures
            f.append(FigureRow("server start to ready (`assistant serve`)",
                               f"{server.startup_s:.1f} s", f"RSS when ready {idle_rss:.0f} MB"))
            for clients in self.plan.load_levels:
                log(f"load: {clients} concurrent clients")
                r = run_level(server.url, clients, self.plan.load_requests,
                              self.plan.load_seconds, messages)
                self.load_rps[clients] = r.rps
                self.load_results[clients] = r
                kinds = ", ".join(f"{k} ×{v}" for k, v in r.error_kinds.items())
                f.append(FigureRow(
                    f"HTTP POST /api/ask, {clients} concurrent clients",
                    f"{r.rps:.1f} req/s, p50 {r.latency.p50:.0f} ms, p95 "
                    f"{r.latency.p95:.0f} ms, p99 {r.latency.p99:.0f} ms",
                    f"{r.requests} requests in {r.seconds:.1f} s, {r.errors} errors"
                    + (f" ({kinds})" if kinds else "")))
            rss, peak = server.rss_mb()
            workers = [w for w in server.worker_rss_mb() if w > 50]  # not the spawn helper
            self.server_rss = max([peak, *workers])
            naive = (f"naive cold process peak {self.cold_naive_rss:.0f} MB"
                     if self.cold_naive_rss == self.cold_naive_rss else "")
            f.append(FigureRow("server process RSS after the load",
                               f"{rss:.0f} MB (peak {peak:.0f} MB)", naive))
            if workers:
                f.append(FigureRow(f"answer workers' RSS after the load ({len(workers)} processes)",
                                   " / ".join(f"{w:.0f}" for w in workers) + " MB",
                                   f"web process + workers {rss + sum(workers):.0f} MB"))
        finally:
            server.stop()

    def first_start(self) -> None:
        """`assistant serve` on an empty data folder: it builds the index (in a child
        process, so torch never stays loaded), then serves; RSS of each process when ready."""
        import shutil

        from .load import Server

        folder = WORK_DIR / "first-start"
        shutil.rmtree(folder, ignore_errors=True)
        server = Server(folder, WORK_DIR / "first-start.log")
        log("first start: `assistant serve` on an empty data folder (builds the index)")
        server.start(timeout=600.0)
        try:
            web, _ = server.rss_mb()
            workers = [w for w in server.worker_rss_mb() if w > 50]
            self.first_start_rss = max([web, *workers])
            self.report.figures.append(FigureRow(
                "first start on an empty data folder, to ready (index built in a child)",
                f"{server.startup_s:.1f} s; RSS web {web:.0f} MB"
                + (", workers " + " / ".join(f"{w:.0f}" for w in workers) + " MB"
                   if workers else ""),
                "target ≤ 350 MB per process"))
        finally:
            server.stop()
            shutil.rmtree(folder, ignore_errors=True)

    # -- scale ----------------------------------------------------------------------
    def scale(self) -> None:
        from assistant.engine import Assistant

        from . import scale
        from .common import time_ms
        from .project import AskRecorder, probe, uncached, uncached_assistant

        bot = self.assistant()
        embedder = uncached(bot.query_embedder)
        texts = [q.text for q in self.questions]
        n = self.plan.scale_chunks
        label = f"{n // 1000}k"
        material = scale.real_material(bot.store)
        with tempfile.TemporaryDirectory(prefix="scale-", dir=WORK_DIR) as tmp:
            log(f"scale: storing {n} chunks through ChunkStore into {tmp}")
            built = scale.build(material, Path(tmp), n, bot.settings.model_id)
            log(f"scale: stored in {built.build_s:.0f} s; opening an Assistant over it")
            open_ms, first = time_ms(Assistant, built.settings, built.store, embedder)
            del first
            # A restart or a new answer worker opens from the snapshot the first one saved.
            reopen_ms, big = time_ms(Assistant, built.settings, built.store, embedder)
            self.scale_reopen_s = reopen_ms / 1e3
            k = big.settings.candidates
            vectors = embedder.embed(texts)
            first_ms, _ = time_ms(built.store.query, vectors[0], k)
            for v in vectors[:20]:
                built.store.query(v, k)
            dense_ms, dense_hits = [], []
            for v in vectors:
                ms, hits = time_ms(built.store.query, v, k)
                dense_ms.append(ms)
                dense_hits.append(hits)
            exact_ms, exact_ids, exact_sims = [], [], []
            for v in vectors:
                ms, top = time_ms(scale.exact_top, built.vectors, v, k)
                exact_ms.append(ms)
                exact_ids.append([built.ids[i] for i in top])
                exact_sims.append(built.vectors[top] @ v)
            agree = scale.agreement(dense_hits, exact_ids, exact_sims, built.sources)
            lexical_ms = [time_ms(big.retriever.lexical.search, q, k)[0] for q in texts]
            log(f"scale: asking {len(texts)} questions over {label} chunks, passes "
                "alternating with the small index")
            # The small index is asked again here, pass for pass with the large one, so the
            # tail ratio compares the two under the same machine load (the warm section ran
            # minutes earlier, before a 100k-chunk build filled the page cache).
            small = uncached_assistant(self.assistant())
            for q in texts[:20]:
                big.ask(q)
                small.ask(q)
            asks, small_asks = AskRecorder(big.ask), AskRecorder(small.ask)
            for _ in range(self.plan.passes):
                for recorder in (small_asks, asks):
                    for q in self.questions:
                        recorder(q.text, q.category)
            inside: dict[str, list[float]] = {}
            with probe(big, inside):
                for q in texts:
                    big.ask(q)

        rows = self.report.latency
        rows += [
            LatencyRow("scale.dense", f"{label}: dense, ChunkStore.query n={k}",
                       Summary.of(dense_ms), f"first query after open {first_ms:.0f} ms"),
            LatencyRow("scale.exact", f"{label}: exact numpy search (reference)",
                       Summary.of(exact_ms), "brute force over every vector"),
            LatencyRow("scale.lexical", f"{label}: lexical, LexicalIndex.search n={k}",
                       Summary.of(lexical_ms), "bm25s"),
            LatencyRow("scale.ask", f"{label}: full ask (uncached)", Summary.of(asks.wall_ms),
                       "real ONNX query embedder"),
            LatencyRow("scale.small_ask", "  small index, full ask (uncached), passes "
                       f"alternating with {label}'s", Summary.of(small_asks.wall_ms),
                       "the reference for the 100k tail ratio"),
        ]
        for stage in ("embed_ms", "triage_ms", "answer_ms"):
            rows.append(LatencyRow(f"scale.ask.{stage}", f"  {label} ask stage: {stage[:-3]}",
                                   Summary.of(asks.stages.get(stage, [])), ""))
        for category, values in asks.by_category.items():
            rows.append(LatencyRow(f"scale.cat.{category}", f"  {label} ask, {category}",
                                   Summary.of(values), ""))
        for name, values in sorted(inside.items()):
            rows.append(LatencyRow(f"scale.probe.{name}", f"  {label} inside ask: {name}",
                                   Summary.of(values),
                                   f"per call, {len(values) / len(texts):.2f} calls/ask"))
        f = self.report.figures
        stored = len(built.ids)
        f.append(FigureRow(f"scale build: {stored} chunks + {built.sentences} sentence vectors "
                           "via ChunkStore.upsert",
                           f"{built.build_s:.0f} s ({stored / built.build_s:.0f} chunks/s)",
                           f"real vectors + noise σ={scale.NOISE_SIGMA}, re-normalised"))
        f.append(FigureRow(f"open an Assistant over {label}, first time (all_chunks + BM25 "
                           "index + heading vectors + every chunk and sentence vector, snapshot "
                           "saved)", f"{open_ms / 1e3:.1f} s", ""))
        f.append(FigureRow("open it again (restart, another worker: from the snapshot, vectors "
                           "memory-mapped)", f"{reopen_ms / 1e3:.1f} s", "target ≤ 5 s"))
        f.append(FigureRow(f"{label}: Chroma HNSW against exact search",
                           f"recall@{k} {agree.recall:.2f}; source recall@4 "
                           f"{agree.source_recall:.2f}; top-4 cosine {agree.similarity_ratio:.3f}"
                           "× exact",
                           f"{len(material.chunks)} real sources × ~"
                           f"{stored // len(material.chunks)} near-duplicate variants each: "
                           "a hard case for HNSW"))

    # -- targets --------------------------------------------------------------------
    def targets(self) -> None:
        """Issue 11's targets, each a ratio within this one run."""
        r, t, h = self.report, self.report.targets, self.report.headline
        ask, naive, floor = r.summary("ask"), r.summary("naive"), r.summary("floor")
        embed_floor = r.summary("floor.embed")
        scale_ask, naive_1t = r.summary("scale.ask"), r.summary("naive.1t")
        if ask and naive:
            h.append(f"Full `ask` (triage, hybrid retrieval, cited answer), warm: p50 "
                     f"{ask.p50:.1f} ms, p95 {ask.p95:.1f} ms, p99 {ask.p99:.1f} ms; the naive "
                     f"pipeline's retrieval alone: p50 {naive.p50:.1f} ms, p95 {naive.p95:.1f} ms "
                     f"(ask p50 is {ratio(ask.p50, naive.p50)} of it)"
                     + (f"; with torch at 1 thread, naive p50 {naive_1t.p50:.1f} ms, p95 "
                        f"{naive_1t.p95:.1f} ms." if naive_1t else "."))
        if ask and embed_floor:
            # One encoder: the query path embeds its texts (the message's triage views, the
            # condensed query) in one batch with the one ONNX model.
            t.append(Target("warm ask p50 ≤ 1.3 × ONNX embedding floor p50", ask.p50,
                            1.3 * embed_floor.p50, "ms"))
            h.append(f"Floor (one ONNX query embedding): p50 {embed_floor.p50:.1f} ms; ask p50 "
                     f"is {ratio(ask.p50, embed_floor.p50)} of it"
                     + (f" (with a Chroma k=4 query: p50 {floor.p50:.1f} ms)." if floor else "."))
        cores = os.cpu_count() or 1
        fifty, hundred = self.load_results.get(50), self.load_results.get(100)
        worded = r.summary("ask.load_messages") or ask
        if fifty is not None and worded:
            t.append(Target(f"HTTP 50 clients ≥ 0.6 × {cores} cores × 1000 / ask p50 "
                            "(on the load's messages)",
                            fifty.rps, 0.6 * cores * 1000 / worded.p50, "req/s", at_least=True))
            t.append(Target("HTTP 50 clients p99 ≤ 0.5 s", fifty.latency.p99, 500.0, "ms"))
            t.append(Target("HTTP 50 clients: errors", fifty.errors, 0, ""))
        if hundred is not None:
            t.append(Target("HTTP 100 clients: errors", hundred.errors, 0, ""))
        if self.load_rps:
            rates = ", ".join(f"{c} clients {rps:.0f} req/s" for c, rps in self.load_rps.items())
            h.append(f"HTTP server: {rates}; largest process {self.server_rss:.0f} MB after "
                     f"the load, {self.first_start_rss:.0f} MB after a start that indexed.")
        if self.first_start_rss == self.first_start_rss:
            t.append(Target("server RSS after a first start that built the index",
                            self.first_start_rss, 350.0, "MB"))
        if self.server_rss == self.server_rss:
            t.append(Target("server RSS after the load", self.server_rss, 350.0, "MB"))
        if scale_ask and self.plan.scale_chunks >= 100_000:
            t.append(Target("100k chunks: open an Assistant ≤ 5 s", self.scale_reopen_s, 5.0, "s"))
            small_ask = r.summary("scale.small_ask") or ask
            if small_ask:
                t.append(Target("100k chunks: warm ask p95 ≤ 1.5 × small p95 (passes "
                                "alternating)", scale_ask.p95, 1.5 * small_ask.p95, "ms"))
            if ask and small_ask is not ask:
                h.append(f"100k ask p95 against the warm section's small p95 (minutes apart): "
                         f"{ratio(scale_ask.p95, ask.p95)}; against the small index asked in "
                         f"alternating passes: {ratio(scale_ask.p95, small_ask.p95)}.")
        elif scale_ask:
            r.notes.append(f"The 100k targets need a full run; this one stored "
                           f"{self.plan.scale_chunks} chunks.")
        if scale_ask:
            h.append(f"At {self.plan.scale_chunks:,} chunks: ask p50 {scale_ask.p50:.1f} ms, "
                     f"p95 {scale_ask.p95:.1f} ms.")
        if self.cold_project_s == self.cold_project_s:  # measured (not NaN)
            t.append(Target("cold start ≤ 0.1 × naive cold start", self.cold_project_s,
                            self.cold_naive_s / 10, "s"))
            h.append(f"Cold start to first answer: {self.cold_project_s:.2f} s and "
                     f"{self.cold_project_rss:.0f} MB peak RSS, against {self.cold_naive_s:.2f} "
                     f"s and {self.cold_naive_rss:.0f} MB for the naive pipeline.")
        if t:
            passed = sum(x.passed for x in t)
            h.append(f"Targets: {passed} of {len(t)} pass.")

    def run(self) -> Report:
        started = time.perf_counter()
        load: list[str] = []  # other work on a shared machine shows up here
        steps = [("warm", self.warm)] + [(name, getattr(self, name)) for name in
                                        ("cold", "ingest", "load", "scale")
                                        if name in self.sections]
        for name, step in steps:
            load.append(f"{name} {os.getloadavg()[0]:.1f}")
            t0 = time.perf_counter()
            step()
            log(f"{name} done in {time.perf_counter() - t0:.0f} s")
        self.targets()
        self.report.notes.append("1-minute load average when each section started "
                                 f"({os.cpu_count()} cores): {', '.join(load)}.")
        self.report.notes.append(f"Benchmark wall time {time.perf_counter() - started:.0f} s.")
        if "scale" in self.sections:
            self.report.notes.append("At 1 million chunks: not run here (about half an hour to "
                                     "build and ~6 GB of disk); estimated from the 100k figures "
                                     "in bench/README.md, 'At 1 million chunks'.")
        return self.report


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description="Benchmark `ask` against the naive LangChain pipeline and the hardware "
        "floor, plus cold start, ingest, HTTP load and a 100k-chunk scale run.")
    parser.add_argument("--quick", action="store_true",
                        help="small counts: a smoke test, not figures to quote")
    parser.add_argument("--only", metavar="SECTION,...",
                        help=f"comma-separated subset of: {', '.join(SECTIONS)}")
    parser.add_argument("--results", metavar="FILE", type=Path,
                        help="also write the report (machine, table, date) as Markdown")
    args = parser.parse_args(argv)
    sections = set(SECTIONS)
    if args.only:
        sections = {s.strip() for s in args.only.split(",") if s.strip()}
        unknown = sections - set(SECTIONS)
        if unknown:
            parser.error(f"unknown section(s) {', '.join(sorted(unknown))}; "
                         f"choose from {', '.join(SECTIONS)}")
    return args, sections


def render_results(report: Report, command: str, info: dict[str, str]) -> str:
    machine_lines = [f"- {k}: {v}" for k, v in info.items()]
    return "\n".join([
        "# Benchmark results", "",
        f"Measured {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')} with "
        f"`{command}` (one run; the machine is shared and noisy, so compare within a run).",
        "", "## Machine", "", *machine_lines, "", "## Results", "", report.render()])


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    args, sections = parse_args(sys.argv[1:] if argv is None else argv)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    plan = Plan.quick() if args.quick else Plan.full()
    questions = load_questions()
    if args.quick:
        questions = questions[::6]
    log(f"sections: {', '.join(s for s in SECTIONS if s in sections)}; "
        f"{len(questions)} questions; {'quick' if args.quick else 'full'} plan")
    report = Bench(sections, plan, questions).run()
    print(report.render())
    if args.results:
        command = "python -m bench.run " + " ".join(sys.argv[1:] if argv is None else argv)
        args.results.write_text(render_results(report, command.strip(), machine()) + "\n",
                                encoding="utf-8")
        log(f"wrote {args.results}")
    missed = [t.name for t in report.targets if not t.passed]
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
