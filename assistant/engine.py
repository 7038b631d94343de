"""The composition root: every surface (CLI, HTTP, Gradio, widget, eval) calls `Assistant`.

question(+history) → safety triage → route
    answer/professional → hybrid retrieval → extractive answer with [n] citations
    emergency → fixed urgent-care first line + the red-flag passage, cited
    out_of_scope → polite refusal
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from . import messages
from .answer import Cite, compose, focus
from .asked import QuestionIndex
from .chunking import split_sentences
from .concurrency import ReadWriteLock
from .conversation import bounded, condense_query
from .embeddings import CachedEmbedder, Embedder, SentenceTransformerEmbedder
from .errors import ConfigError, GenerationError, IndexUnavailableError
from .generation import Generator, make_generator
from .grounding import Checked, check_sentences, enough, finished, generated_sentences
from .ingest import IngestSummary, ingest
from .lexical import LexicalIndex
from .question import as_payload, parse_question
from .retrieval import HybridRetriever
from .safety.model import views
from .settings import Settings, load_settings
from .store import ChunkStore
from .types import Chunk, Draft, Hit, Reply, Triage
from .vectors import MappedVectors, MemoryVectors, StoreVectors, Vectors

log = logging.getLogger("assistant")

RED_FLAGS_DOC = "red-flags"  # its first passage is the urgent-help list under an emergency
# Under an emergency, a section that answers the member's own question (its heading or an
# also-asked question at least this close) and itself says to get urgent care is quoted
# instead of the general urgent-help list: "what are the warning signs of rhabdo?" gets the
# rhabdomyolysis signs, not the back red flags.
URGENT_SECTION_MATCH = 0.75
_URGENT_WORDING = re.compile(r"\b(?:A&E|emergency|emergencies|999|urgent\w*|medical (?:care|help|"
                             r"attention) (?:straight away|immediately|right away))\b", re.IGNORECASE)
# Sections whose heading is this close to the question join the retrieved passages.
HEADING_MATCH = 0.6
HEADING_EXTRA = 2
# A message that asks something; under a referral its guidance answers that question.
_QUESTION = re.compile(r"\?|^(?:what|when|how|why|which|should|can|is|are|do|does)\b",
                       re.IGNORECASE)
MEDICATION_REASON = "asking about medication or a dose"
# Referrals for a request, not a symptom: the corpus has no guidance that fits the person.
NO_GUIDANCE_REASONS = frozenset({MEDICATION_REASON, "asking for a personal diagnosis"})


def make_query_embedder(settings: Settings) -> Embedder:
    """ONNX when available (no torch in the query path), else sentence-transformers."""
    if settings.embedding_backend in ("auto", "onnx"):
        try:
            from .onnx_embedding import OnnxEmbedder
            from .onnx_export import ensure_onnx_export

            folder = ensure_onnx_export(settings.model_name_or_path, settings.data_dir / "onnx")
            return CachedEmbedder(OnnxEmbedder(folder, name=settings.model_id))
        except Exception as exc:  # noqa: BLE001
            if settings.embedding_backend == "onnx":
                raise ConfigError(f"ONNX query embedding is unavailable ({exc}). Set "
                                  "ASSISTANT_EMBEDDING_BACKEND=torch.") from exc
            log.warning("ONNX query embedding unavailable (%s); using sentence-transformers", exc)
    return CachedEmbedder(SentenceTransformerEmbedder(settings.model_name_or_path))


def make_triager(embedder: Embedder | None, settings: Settings | None = None, *,
                 warm: bool = True):
    """The safety triager with the shipped learned model (refuses to start without it).

    `warm`: load the language models now, so a server's first foreign message does not
    wait; a one-question process (`assistant ask`) loads them only if its message needs them."""
    from .safety import Triager, load_shipped_model

    model = None
    if embedder is not None:
        # The probe sentence goes past any question cache: it is not a question.
        model = load_shipped_model(getattr(embedder, "inner", embedder))
    cache = settings.data_dir / "cache" if settings is not None else None
    triager = Triager(embedder, model, cache_dir=cache)
    if embedder is not None:
        triager.warm(language_models=warm)  # before the first question
    return triager


def index_is_missing(settings: Settings, store: ChunkStore | None = None) -> bool:
    """True when the store holds no index built with the configured model."""
    store = store or ChunkStore(settings)
    stored_model, _, count = store.current()
    stored_model = stored_model if count else None
    if stored_model is not None and stored_model != settings.model_id and settings.chroma_host:
        raise ConfigError(
            f"The shared index was built with {stored_model!r} but this replica is "
            f"configured for {settings.model_id!r}. Use the same ASSISTANT_EMBEDDING_MODEL "
            "everywhere, or re-index once with `assistant ingest --rebuild`.")
    return stored_model != settings.model_id


def build_index_if_missing(settings: Settings, store: ChunkStore | None = None, *,
                           progress: bool = True) -> Embedder | None:
    """Index the corpus when no index exists; returns the (torch) embedder it loaded, if any.

    The server runs this in a child process, so that torch never stays loaded in it."""
    store = store or ChunkStore(settings)
    if not index_is_missing(settings, store):
        return None
    if progress:
        print("Building the guidance index (first run)...", file=sys.stderr)
    embedder = SentenceTransformerEmbedder(settings.model_name_or_path)
    summary = ingest(store, embedder, settings.guidance_paths, model_id=settings.model_id,
                     max_chars=settings.chunk_max_chars, progress=progress)
    if progress:
        print(summary.line(), file=sys.stderr)
    return embedder


@dataclass(frozen=True)
class _Prepared:
    message: str
    query: str
    vector: np.ndarray  # embedding of `query` (the condensed follow-up, or the message)
    triage: Triage
    timings: dict[str, float]
    asked: str = ""  # the question inside a long message (`answer.focus`), else the query
    asked_vector: np.ndarray | None = None


class Assistant:
    """Holds the expensive resources (model, store, BM25); `ask` is cheap after `load`."""

    def __init__(self, settings: Settings, store: ChunkStore, query_embedder: Embedder,
                 triager=None, *, ingest_embedder: Embedder | None = None,
                 generator: Generator | None = None):
        self.settings = settings
        # Optional LLM answers (ASSISTANT_LLM_BASE_URL); None = extractive only, the default.
        self.generator = generator if generator is not None else make_generator(settings)
        self.store = store
        self.query_embedder = query_embedder
        self.ingest_embedder = ingest_embedder
        self.triager = triager if triager is not None else make_triager(query_embedder, settings)
        self._chunks: dict[str, Chunk] = {}
        self._vectors: Vectors = StoreVectors(store)
        self._reason_vectors: dict[str, np.ndarray] = {}
        self._red_flag_first: Chunk | None = None
        self._heading_vectors: dict[str, np.ndarray] = {}
        self.retriever: HybridRetriever | None = None
        # Questions run concurrently (no global lock); only `refresh` takes the write side.
        self._swap = ReadWriteLock()
        self.index_error: str | None = None  # set when the index fails while serving
        self.index_version: str | None = None  # the stored version this index was loaded at
        self.refresh()

    # -- construction -------------------------------------------------------------
    @classmethod
    def load(cls, settings: Settings | None = None, *, progress: bool = True,
             warm: bool = True) -> Assistant:
        """Open the index (building it from the corpus if it is missing) and get ready to answer.

        `warm` (a server): also load what only some questions need, before the first user.
        A process that answers one question and exits passes False."""
        settings = settings or load_settings()
        store = ChunkStore(settings)
        ingest_embedder = build_index_if_missing(settings, store, progress=progress)
        embedder = make_query_embedder(settings)
        bot = cls(settings, store, embedder, make_triager(embedder, settings, warm=warm),
                  ingest_embedder=ingest_embedder)
        if warm:
            bot.triager.triage("how do I warm up?", [])  # every stage, once
        return bot

    def refresh(self) -> None:
        """Reload chunks and rebuild BM25 from the store (after an ingest).

        Everything is built first and swapped in under the write side of `_swap`, so a
        question answered on another thread sees the old index or the new one, never a mix."""
        # Read first: a later ingest shows up at the next check.
        _, version, count = self.store.current()
        chunks, lexical, headings, vectors = self._open_index(version, count)
        by_id = {c.id: c for c in chunks}
        red_flag_first = self._first_red_flag(chunks)
        heading_rows = headings.rows_for() if headings is not None else {}
        s = self.settings
        retriever = HybridRetriever(vectors, lexical, by_id, top_k=s.top_k,
                                    candidates=s.candidates, rrf_k=s.rrf_k, mode=s.retrieval_mode)
        with self._swap.writing():
            self.index_error = None
            self._chunks, self._idf, self.retriever = by_id, lexical.idf, retriever
            self._headings, self._heading_rows = headings, heading_rows
            self._vectors, self._heading_vectors = vectors, {}
            self._red_flag_first = red_flag_first
            self.index_version = version

    def _open_index(self, version: str | None, count: int):
        """(chunks, BM25, heading index, vectors) for the stored index: from the on-disk
        snapshot for this version when there is one, else built from the store and saved for
        next time. A small index's vectors are held in memory, a large one's mapped (`vectors`)."""
        from . import snapshot
        from .chunking import embedding_text

        folder = None
        in_memory = count <= self.settings.dense_in_memory_max_chunks
        if version is not None:
            folder = snapshot.folder_for(self.settings.data_dir, self.settings.collection,
                                         version, self.settings.model_id)
            cached = snapshot.load(folder, expected_chunks=count, mapped=not in_memory)
            if cached is not None:
                headings = cached.headings
                if headings is None and self.query_embedder is not None:
                    headings = self._heading_index(cached.chunks)
                vectors = cached.vectors
                if vectors is None and in_memory:
                    vectors = MemoryVectors.from_store(self.store)
                return cached.chunks, cached.lexical, headings, self._serving(vectors, in_memory)
        chunks = self.store.all_chunks()
        lexical = LexicalIndex([c.id for c in chunks], [embedding_text(c) for c in chunks])
        headings = self._heading_index(chunks)
        vectors = MemoryVectors.from_store(self.store)
        if folder is not None:
            snapshot.save(folder, snapshot.Snapshot(chunks, lexical, headings, vectors))
            if not in_memory:  # serve from the map: pages shared, not ~2 KB per vector held
                vectors = MemoryVectors.load(folder, mapped=True)
        return chunks, lexical, headings, self._serving(vectors, in_memory)

    def _serving(self, vectors: MemoryVectors | None, in_memory: bool) -> Vectors:
        """Searched in memory (a small index), in Chroma with mapped vectors (a large
        one), or in Chroma alone (no snapshot could be saved or read)."""
        if vectors is None:
            return StoreVectors(self.store)
        return vectors if in_memory else MappedVectors(self.store, vectors)

    def check_index(self) -> bool:
        """Refresh if the stored index changed since this one loaded (a re-index by another
        replica or by `assistant ingest`); True when it did."""
        if self.store.current_version() == self.index_version:
            return False
        log.info("the index changed (%s); reloading it", self.index_version)
        self.refresh()
        return True

    def watch_index(self, every_s: float) -> threading.Thread | None:
        """Check the index every `every_s` seconds on a background thread (0 = never), so
        replicas pick up a re-index without a restart and questions never wait for it."""
        if every_s <= 0:
            return None

        def loop() -> None:
            while True:
                time.sleep(every_s)
                try:
                    self.check_index()
                except Exception as exc:  # noqa: BLE001 - keep watching; /healthz reports it
                    log.warning("index check failed: %s", type(exc).__name__)

        thread = threading.Thread(target=loop, name="index-watch", daemon=True)
        thread.start()
        return thread

    def ingest(self, paths: Sequence = (), *, rebuild: bool = False,
               progress: bool = True) -> IngestSummary:
        """Re-index the configured corpus (plus `paths`) and refresh in place."""
        if self.ingest_embedder is None:
            self.ingest_embedder = SentenceTransformerEmbedder(self.settings.model_name_or_path)
        summary = ingest(self.store, self.ingest_embedder,
                         [*self.settings.guidance_paths, *paths], model_id=self.settings.model_id,
                         max_chars=self.settings.chunk_max_chars, progress=progress,
                         rebuild=rebuild)
        self.refresh()
        return summary

    # -- queries ------------------------------------------------------------------
    def chunks(self) -> list[Chunk]:
        return list(self._chunks.values())

    def stats(self) -> dict:
        """Readiness for /healthz: chunks loaded and the index answering now.

        Probed on every call (a count, cheap): a store that failed and came back (a Chroma
        server restarted) makes this replica ready again without a restart."""
        try:
            self.store.count()
        except IndexUnavailableError as exc:
            self.index_error = str(exc)
        else:
            if self.index_error is not None:
                log.info("the index answers again; ready")
            self.index_error = None
        return {
            # Not ready once the index has failed under a question: a load balancer should
            # stop sending traffic here (urgent-care replies still work meanwhile).
            "ready": bool(self._chunks) and self.index_error is None,
            **({"error": self.index_error} if self.index_error else {}),
            "documents": len({c.doc_id for c in self._chunks.values()}),
            "chunks": len(self._chunks),
            "model": self.settings.model_id,
            "index_version": self.index_version,
        }

    def retrieve(self, question: str, history: Sequence[Mapping[str, str]] = (),
                 k: int | None = None) -> list[Hit]:
        """The passages `ask` would draw on for this message, best first (eval, debugging,
        the LangChain retriever); `k` (default top_k) may go up to what fusion ranks.

        For an emergency that is the corpus's urgent-help passage first, because the
        emergency reply always cites it. (An out-of-scope reply cites nothing; this still
        returns what retrieval found, so retrieval can be judged apart from routing.)
        """
        with self._swap.reading():
            prepared = self._prepare(question, history)
            return self._hits_for(prepared.triage.route, prepared.query, prepared.vector, k=k)

    def as_langchain_retriever(self, k: int | None = None):
        """This assistant's hybrid retrieval as a LangChain retriever (`k` defaults to top_k)."""
        from .langchain_retriever import GuidanceRetriever

        return GuidanceRetriever(assistant=self, k=self.settings.top_k if k is None else k)

    def as_chain(self):
        """`ask` as a LangChain Runnable: {"input", "chat_history"} in; the answer, route,
        reasons, citations and cited passages ("context") out."""
        from .chain import guidance_chain

        return guidance_chain(self)

    def _prepare(self, message: object, history: object) -> _Prepared:
        """Validate, condense a follow-up, embed once (message, its sentences, query), and triage."""
        max_chars = self.settings.max_message_chars
        message, history = parse_question(as_payload(message, history), max_chars,
                                          self.settings.max_history_turns)
        history = bounded(history, max_chars)
        query = condense_query(message, history)
        asked = focus(query)
        triage_texts = list(views(message, history).texts)
        texts = triage_texts if query == message else [*triage_texts, query]
        if asked != query:
            texts.append(asked)
        t0 = time.perf_counter()
        vectors = self.query_embedder.embed(texts)
        t1 = time.perf_counter()
        triage: Triage = self.triager.triage(message, history, vectors[0],
                                             view_vectors=vectors[:len(triage_texts)])
        t2 = time.perf_counter()
        vector = vectors[0] if query == message else vectors[len(triage_texts)]
        return _Prepared(message, query, vector, triage,
                         {"embed_ms": (t1 - t0) * 1e3, "triage_ms": (t2 - t1) * 1e3},
                         asked, vectors[-1] if asked != query else vector)

    def _heading_index(self, chunks: Sequence[Chunk]) -> QuestionIndex | None:
        """The questions each section answers (its heading and its also-asked list), embedded
        once here: a question close to one of them points at that section's answer."""
        if self.query_embedder is None:
            return None
        # Past the question cache: these are embedded once here, never asked about.
        embedder = getattr(self.query_embedder, "inner", self.query_embedder)
        return QuestionIndex.build(chunks, embedder.embed)

    def _heading_matches(self, asked_vector: np.ndarray, exclude: set[str]) -> list[Hit]:
        """Up to `HEADING_EXTRA` sections whose heading (or an also-asked question) is closest
        to the question, as hits after the retrieved ones (the composer weighs headings when
        it picks a passage)."""
        if self._headings is None:
            return []
        sections = self._headings.sections
        best, _ = self._headings.scores(asked_vector)
        picked = [sections[i] for i in np.argsort(-best)[:HEADING_EXTRA + len(exclude)]
                  if best[i] >= HEADING_MATCH and sections[i].id not in exclude][:HEADING_EXTRA]
        missing = [c.id for c in picked if c.id not in self._heading_vectors]
        if missing:  # section-opening chunks only: a small, bounded cache
            self._heading_vectors.update(self._vectors.chunk_vectors(missing))
        vectors = self._heading_vectors
        return [Hit(c, 0.0, float(vectors[c.id] @ asked_vector) if c.id in vectors else 0.0, 0)
                for c in picked]

    def _hits_for(self, route: str, query: str, vector: np.ndarray,
                  asked_vector: np.ndarray | None = None, k: int | None = None) -> list[Hit]:
        k = k or self.settings.top_k
        hits = self.retriever.retrieve(query, vector, k=k)
        if asked_vector is not None and route != "emergency":
            hits = [*hits, *self._heading_matches(asked_vector, {h.chunk.id for h in hits})]
        if route == "emergency":
            urgent = self._red_flag_hit(vector)
            if urgent is not None:
                hits = [urgent, *(h for h in hits if h.chunk.id != urgent.chunk.id)]
                hits = hits[:k]
        return hits

    def ask(self, message: str, history: Sequence[Mapping[str, str]] | None = None) -> Reply:
        """Answer one message; the route comes from the safety layer, the text from the corpus."""
        *_, reply = self._answers(message, history, stream=False)
        return reply

    def ask_stream(self, message: str, history: Sequence[Mapping[str, str]] | None = None
                   ) -> Iterator[Draft | Reply]:
        """`ask`, for surfaces that show an LLM answer as it is written: `Draft`s holding
        the sentences that have passed the checks so far, then the `Reply` that `ask` would
        give (the extractive answer, if too little of the model's answer checked out).
        Without a model, and on every route but "answer", the one Reply is all."""
        return self._answers(message, history, stream=True)

    def _answers(self, message: str, history: Sequence[Mapping[str, str]] | None,
                 stream: bool) -> Iterator[Draft | Reply]:
        t0 = time.perf_counter()
        with self._swap.reading():
            p = self._prepare(message, history)
            t1 = time.perf_counter()
            try:
                reply, hits = self._respond(p)
            except IndexUnavailableError as exc:
                self.index_error = str(exc)
                raise
        if self.generator is not None and reply.route == "answer" and hits:
            # Outside the index lock: a slow model must not hold up a re-index.
            for item in self._generated(p.asked or p.query, hits, reply, stream):
                if isinstance(item, Draft):
                    yield item
                else:
                    reply = item
        t2 = time.perf_counter()
        timings = {**p.timings, "answer_ms": (t2 - t1) * 1e3, "total_ms": (t2 - t0) * 1e3}
        log.info("route=%s citations=%d ms=%.1f", reply.route, len(reply.citations),
                 timings["total_ms"])  # never the message text: it is health information
        yield Reply(reply.route, reply.text, reply.citations, reply.reasons, timings)

    def _compose(self, query: str, vector: np.ndarray, hits: Sequence[Hit],
                 max_sentences: int, referral: bool = False, as_list: bool | None = None
                 ) -> tuple[str, tuple]:
        return compose(query, vector, hits,
                       self._vectors.sentence_vectors([h.chunk.id for h in hits]), max_sentences,
                       idf=self._idf, skip_about_reader=referral, as_list=as_list,
                       heading_similarity=self._heading_similarity(hits, vector))

    def _heading_similarity(self, hits: Sequence[Hit], vector: np.ndarray) -> list[float | None]:
        """Per passage, the best cosine of the questions its section answers (a heading
        phrased as a question, or an also-asked one) to the question, from vectors embedded
        at load. A section with only a label ("How the Leg Press Works") is scored on its
        sentences alone (None)."""
        if self._headings is None:
            return [None] * len(hits)
        _, asked = self._headings.scores(vector)
        out: list[float | None] = []
        for h in hits:
            row = self._heading_rows.get(h.chunk.section)
            out.append(None if row is None or not np.isfinite(asked[row]) else float(asked[row]))
        return out

    def _symptom_query(self, reasons: Sequence[str], query: str, vector: np.ndarray
                       ) -> tuple[str, np.ndarray] | None:
        """The text and vector to find guidance for the symptoms behind a referral.

        None when the referral names no symptom the corpus could speak to (a request for
        medicine or a diagnosis): then no guidance is quoted under it.
        """
        symptoms = [r for r in reasons if not r.startswith("\u201c") and r not in NO_GUIDANCE_REASONS]
        if not symptoms:
            return None if any(r in NO_GUIDANCE_REASONS for r in reasons) else (query, vector)
        named = messages.join_reasons(symptoms)
        blended = vector + self._reasons_vector(named)
        return f"{named}: {query}", blended / max(float(np.linalg.norm(blended)), 1e-9)

    def _reasons_vector(self, named: str) -> np.ndarray:
        """The vector of a referral's named symptoms: our own words from the lexicon, a few
        dozen combinations, each embedded once (not a second ONNX pass per referral)."""
        vec = self._reason_vectors.get(named)
        if vec is None:
            embedder = getattr(self.query_embedder, "inner", self.query_embedder)
            vec = np.asarray(embedder.embed([named])[0], dtype=np.float32)
            if len(self._reason_vectors) < 512:  # bounded, whatever the lexicon holds
                self._reason_vectors[named] = vec
        return vec

    def _respond(self, p: _Prepared) -> tuple[Reply, Sequence[Hit]]:
        """The extractive reply, and the passages an "answer" was composed from (for the LLM)."""
        triage, query, vector = p.triage, p.query, p.vector
        reasons = tuple(triage.reasons)
        route = triage.route
        if triage.language is not None:
            # A message we cannot read: never a silent answer or refusal (design.md).
            notice = messages.unreadable_notice(triage.language, self.settings.emergency_number)
            return Reply(route, notice, (), reasons), ()
        if route == "out_of_scope":
            return Reply("out_of_scope", messages.OUT_OF_SCOPE, (), reasons), ()
        if route == "emergency":
            # Only the urgent-help passage: no exercise advice under an emergency.
            first = messages.EMERGENCY_FIRST_LINE.format(
                number=self.settings.emergency_number, reasons=messages.join_reasons(reasons))
            body, citations = self._urgent_answer(p) or self._urgent_guidance(query, vector)
            text = first + (f"\n\n{messages.GUIDANCE_LEAD_IN} {body}" if body else "")
            return Reply("emergency", text, citations, reasons), ()

        if route == "professional":
            named = [r for r in reasons if not r.startswith("\u201c")]
            first = (messages.PROFESSIONAL_FIRST_LINE.format(reasons=messages.join_reasons(named))
                     if named else messages.PROFESSIONAL_UNNAMED_LINE)
            if MEDICATION_REASON in reasons:
                first += " " + messages.NO_MEDICATION
            symptom = self._symptom_query(reasons, query, vector)
            if symptom is None:
                return Reply("professional", first, (), reasons), ()
            asks = p.asked_vector is not None and bool(_QUESTION.search(p.asked))
            # Found for the symptom alone: heading matches for the question made these worse
            # (blind dev round 5: 4 replies, -1.0 and -0.75).
            try:
                hits = self._hits_for(route, *symptom)
            except IndexUnavailableError as exc:
                # The referral stands without the index: its first line is all that must
                # reach the member; the guidance under it is a bonus.
                log.error("index unavailable under a referral: %s", type(exc).__name__)
                self.index_error = str(exc)
                return Reply("professional", first, (), reasons), ()
            if not self._relevant(hits):
                return Reply("professional", first, (), reasons), ()
            compose_for = symptom
            if asks:
                # The member asked something: answer it, from guidance found for the symptom too.
                blended = symptom[1] + p.asked_vector
                compose_for = (p.asked, blended / max(float(np.linalg.norm(blended)), 1e-9))
            body, citations = self._compose(*compose_for, hits, self.settings.max_answer_sentences,
                                            referral=True)
            text = first + (f"\n\n{messages.GUIDANCE_LEAD_IN} {body}" if body else "")
            return Reply("professional", text, citations, reasons), ()

        hits = self._hits_for(route, query, vector, p.asked_vector)
        relevant = self._relevant(hits)
        body, citations = ("", ())
        if relevant:
            # Sentences are chosen for the question asked, not for the story around it.
            body, citations = self._compose(p.asked or query, p.asked_vector
                                            if p.asked_vector is not None else vector, hits,
                                            self.settings.max_answer_sentences)
        if not body:
            reasons += (messages.NOT_COVERED_REASON,)
            return Reply("out_of_scope", messages.NOT_COVERED, (), reasons), ()
        return Reply("answer", body, citations, reasons), hits

    def _generated(self, question: str, hits: Sequence[Hit], extractive: Reply,
                   stream: bool) -> Iterator[Draft | Reply]:
        """The model's answer over the same passages, kept only if it checks out
        (`grounding`); otherwise the extractive answer, with a reason that says why.

        Streamed, each sentence is checked as soon as it is finished, and a `Draft` of the
        sentences kept so far follows each one that passes: nothing unchecked is shown."""
        def fallback(why: str) -> Reply:
            return replace(extractive, reasons=(*extractive.reasons, why))

        passages = [h.chunk.text for h in hits]
        numbered = dict(enumerate(passages, 1))
        checked: list[Checked] = []
        cite = Cite(hits)
        kept: list[str] = []

        def check(sentences: Sequence[tuple[str, tuple[int, ...]]]) -> bool:
            """Check more sentences; whether any was kept."""
            verdicts = check_sentences(sentences, numbered, self.query_embedder.embed)
            checked.extend(verdicts)
            new = [c.text + " " + "".join(f"[{cite(n - 1)}]" for n in c.cited)
                   for c in verdicts if c.supported]
            kept.extend(new)
            return bool(new)

        text = ""
        try:
            pieces: Iterable[str] = (self.generator.stream(question, passages) if stream
                                     else [self.generator.generate(question, passages)])
            for piece in pieces:
                text += piece
                sentences = generated_sentences(text)
                done = finished(sentences)
                if done > len(checked) and check(sentences[len(checked):done]):
                    yield Draft(" ".join(kept), tuple(cite.citations))
            check(generated_sentences(text)[len(checked):])
        except GenerationError as exc:
            log.warning("LLM answer not used: %s", exc)  # the reason only, never the text
            yield fallback(messages.LLM_FAILED_REASON.format(why=exc))
            return
        if not enough(checked):
            dropped = sum(not c.supported for c in checked)
            log.info("LLM answer not used: %d of %d sentences unsupported", dropped, len(checked))
            yield fallback(messages.LLM_UNCHECKED_REASON.format(dropped=dropped,
                                                                total=len(checked)))
            return
        yield Reply("answer", " ".join(kept), tuple(cite.citations),
                    (*extractive.reasons, messages.LLM_CHECKED_REASON))

    def _urgent_answer(self, p: _Prepared) -> tuple[str, tuple] | None:
        """The member's own question answered from a section that says to get urgent care,
        when one matches it closely; None otherwise (then the urgent-help list is shown)."""
        if self._headings is None or p.asked_vector is None:
            return None
        _, asked = self._headings.scores(p.asked_vector)
        best = int(np.argmax(asked))
        if not asked[best] >= URGENT_SECTION_MATCH:
            return None
        section = self._headings.sections[best]
        if section.doc_id == RED_FLAGS_DOC and section.id == getattr(self._red_flag_first, "id", None):
            return None  # that is the urgent-help list itself
        opening = split_sentences(section.text)[:1]
        if not opening or not _URGENT_WORDING.search(opening[0]):
            return None  # its answer must itself say "get urgent care", never "see a GP"
        try:
            vectors = self._vectors.chunk_vectors([section.id])
            hit = Hit(section, 1.0, float(vectors[section.id] @ p.asked_vector)
                      if section.id in vectors else 0.0, 1)
            # A section's own list of signs comes as its list, as the urgent-help one does.
            body, citations = self._compose(p.asked, p.asked_vector, [hit],
                                            self.settings.max_answer_sentences, as_list=True)
        except IndexUnavailableError as exc:
            log.error("index unavailable under an emergency reply: %s", type(exc).__name__)
            self.index_error = str(exc)
            return None
        return (body, citations) if body else None

    def _urgent_guidance(self, query: str, vector: np.ndarray) -> tuple[str, tuple]:
        """The urgent-help passage with its list, cited. It is held in memory, so an index
        that fails mid-service (a damaged file, a stopped server) still gets this reply out;
        then only the vectors used to order its sentences are missing."""
        try:
            urgent = self._red_flag_hit(vector)
            hits = [urgent] if urgent is not None else self._hits_for("emergency", query, vector)[:1]
            # Its lead-in says "the symptoms below": the list comes with it.
            return self._compose(query, vector, hits, max_sentences=2, as_list=True)
        except IndexUnavailableError as exc:
            log.error("index unavailable under an emergency reply: %s", exc)
            self.index_error = str(exc)
            first = self._red_flag_first
            if first is None:
                return "", ()
            return compose(query, vector, [Hit(first, 1.0, 0.0, 1)], {}, 2, as_list=True)

    @staticmethod
    def _first_red_flag(chunks: Iterable[Chunk]) -> Chunk | None:
        """Found once per index: scanning every chunk per emergency cost ~5 ms at 100k."""
        return min((c for c in chunks if c.doc_id == RED_FLAGS_DOC),
                   key=lambda c: c.position, default=None)

    def _relevant(self, hits: Sequence[Hit]) -> bool:
        return bool(hits) and max(h.similarity for h in hits) >= self.settings.min_relevance

    def _red_flag_hit(self, vector: np.ndarray) -> Hit | None:
        """The corpus's "get urgent help" passage: the first of the red-flags document."""
        first = self._red_flag_first
        if first is None:
            return None
        vec = self._vectors.chunk_vectors([first.id]).get(first.id)
        return Hit(first, 1.0, float(vec @ vector) if vec is not None else 0.0, 1)
