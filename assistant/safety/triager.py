"""The triager: an ordered list of stages over the conversation's user turns.

1. `rules`     the reviewed lexicon (`rules.py`): never-miss phrases, negation, context.
2. `model`     the learned head (`model.py`) over sentence vectors; it may raise a route
               to professional or emergency, never lower one. Like any embedding it
               cannot read negation, so an explicit denial holds back a raise from an
               answer.
3. `topic`     answer or out_of_scope for what is left: any exercise, body or care word is
               on-topic; otherwise the embedding decides between the assistant's subjects
               and unrelated ones; requests to do something else are refused.
4. `language`  a message the assistant cannot read is flagged, and never answered or
               refused silently: the engine shows a fixed notice naming the urgent symptoms.

Every decision carries true reasons: the lexicon's plain-words symptom, or for the model
the member's own words that it read as the symptom.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..embeddings import Embedder
from ..types import SEVERITY, Route, Triage
from . import language
from . import vocabulary as lex
from .checks import is_fiction
from .lexicon import DOMAIN, Finding, decide, scan
from .model import RouteModel, pool, views
from .normalise import normalise

OUT_OF_SCOPE_REASON = "not about exercise or back/leg symptoms"
REPURPOSE_REASON = "a request for something other than exercise guidance"
ANSWER_REASON = "an exercise question with no warning symptoms"
UNREADABLE_REASON = "a message in {language} that I can't read reliably"
QUOTE_WORDS = 14  # a model reason quotes at most this many of the member's words

TOPIC_MARGIN = 0.05  # no domain word: on-topic when the subjects beat the unrelated ones by this
FOLLOW_UP_MARGIN = -0.15  # a follow-up pointing back into an on-topic chat: unless clearly elsewhere
FOLLOW_UP_WORDS = 12  # without an embedder, short follow-ups inherit the chat's topic
SHORT_FOLLOW_UP = 4  # "and after that?", "really?": a follow-up even without a pronoun

_WORD = re.compile(r"[a-z]+")
_INJECTION = re.compile(lex.INJECTION)
_OFF_TOPIC = re.compile(lex.OFF_TOPIC_REQUEST + "|" + lex.FICTION_REQUEST)
_FICTION = re.compile(lex.FICTION_REQUEST)
_TOPIC_SWITCH = re.compile(lex.TOPIC_SWITCH)
_REFERENTIAL = re.compile(lex.REFERENTIAL)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Bank:
    vectors: np.ndarray  # (n, d) topic exemplar embeddings
    routes: tuple[str, ...]


def quote(sentence: str, words: int = QUOTE_WORDS) -> str:
    """The member's own words, trimmed, in quotes: what a model-raised reason names."""
    parts = sentence.strip().rstrip(".!?,;").split()
    text = " ".join(parts[:words]) + ("…" if len(parts) > words else "")
    return f"\u201c{text}\u201d"


class Triager:
    """Decides the route for the latest user message given earlier user turns."""

    def __init__(self, embedder: Embedder | None = None, model: RouteModel | None = None,
                 *, detect_language: bool = True, cache_dir: Path | None = None):
        """`cache_dir`: where the topic bank's vectors are kept between starts (embedding
        its few hundred texts was a sixth of a cold `assistant ask`); None = not kept."""
        self.embedder = embedder
        self.model = model
        self.detect_language = detect_language
        self.cache_dir = cache_dir
        self._bank: _Bank | None = None

    def warm(self, language_models: bool = True) -> None:
        """Load what the first questions would otherwise wait for: the topic bank, and the
        language models (only messages that fail the plain English checks need them)."""
        self._topic_bank()
        if self.detect_language and language_models:
            language.warm()

    # -- embeddings -------------------------------------------------------------
    def _topic_bank(self) -> _Bank | None:
        if self.embedder is None:
            return None
        if self._bank is None:
            rows = [*((route, text) for route, _, text in lex.EXEMPLARS),
                    *(("topic", t) for t in lex.ON_TOPIC_TOPICS),
                    *(("unrelated", t) for t in lex.UNRELATED_TOPICS)]
            routes, texts = zip(*rows, strict=True)
            self._bank = _Bank(self._bank_vectors(list(texts)), routes)
        return self._bank

    def _bank_vectors(self, texts: list[str]) -> np.ndarray:
        """The bank's vectors: read back when this model embedded these very texts before."""
        name = str(getattr(self.embedder, "name", ""))
        key = hashlib.sha256("\x1f".join([name, *texts]).encode("utf-8")).hexdigest()[:16]
        path = self.cache_dir / f"topic-bank-{key}.npy" if self.cache_dir and name else None
        if path is not None and path.is_file():
            try:
                vectors = np.load(path)
                if vectors.shape[0] == len(texts):
                    return vectors
            except (OSError, ValueError):
                pass  # a damaged cache is recomputed
        vectors = np.asarray(self.embedder.embed(texts), dtype=np.float32)
        if path is not None:
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                with tmp.open("wb") as fh:
                    np.save(fh, vectors)
                tmp.replace(path)
            except OSError as exc:
                log.warning("could not cache the topic bank (%s)", type(exc).__name__)
                tmp.unlink(missing_ok=True)
        return vectors

    def topic_margin(self, vector: np.ndarray) -> float:
        """How much closer a message lies to the assistant's subjects than to unrelated ones."""
        bank = self._topic_bank()
        assert bank is not None
        scores = bank.vectors @ np.asarray(vector, dtype=np.float32).reshape(-1)
        best: dict[str, float] = {}
        for score, route in zip(scores.tolist(), bank.routes, strict=True):
            best[route] = max(score, best.get(route, -1.0))
        on = max(best[r] for r in ("answer", "professional", "emergency", "topic"))
        return on - max(best["out_of_scope"], best["unrelated"])

    # -- the stages -------------------------------------------------------------
    def triage(self, message: str, history: Sequence[Mapping[str, str]] = (),
               vector: np.ndarray | None = None, *, view_vectors: np.ndarray | None = None) -> Triage:
        """The route and reasons for `message`.

        `view_vectors`: embeddings of `model.views(message, history).texts`, when the
        caller embedded them in its own batch (the engine does, with the query).
        """
        v = views(message, history)
        if view_vectors is None and self.embedder is not None and (self.model is not None or vector is None):
            view_vectors = np.asarray(self.embedder.embed(list(v.texts)), dtype=np.float32)
        if vector is None and view_vectors is not None:
            vector = view_vectors[0]
        state, current, history_on_topic = scan(message, history)
        decided = decide([f for f in state.values() if not f.negated])
        if decided is None:
            decided = self._by_topic(message, vector, current, history_on_topic)
        decided = self._by_model(v, view_vectors, decided, _denies(current))
        return self._by_language(message, decided)

    def rules_route(self, message: str, history: Sequence[Mapping[str, str]] = ()) -> tuple[str, bool]:
        """(route of the rules and topicality alone, whether the message denies a symptom)."""
        state, current, history_on_topic = scan(message, history)
        decided = decide([f for f in state.values() if not f.negated])
        vector = None
        if decided is None and self.embedder is not None:
            vector = self.embedder.embed([message])[0]
        if decided is None:
            decided = self._by_topic(message, vector, current, history_on_topic)
        return decided.route, _denies(current)

    def _by_model(self, v, view_vectors: np.ndarray | None, decided: Triage, denied: bool) -> Triage:
        """Raise `decided` when the learned head reads a red flag the rules did not."""
        if self.model is None or view_vectors is None:
            return decided
        p = self.model.probabilities(pool(view_vectors, v))
        raised = self.model.raise_route(p, decided.route, denied)
        if raised is None:
            return decided
        said = quote(self._strongest(v, view_vectors, raised))
        kept = decided.reasons if SEVERITY[decided.route] >= SEVERITY["professional"] else ()
        return Triage(raised, (*kept, said))  # type: ignore[arg-type]

    def _strongest(self, v, view_vectors: np.ndarray, route: str) -> str:
        """The sentence the model reads as most like `route`: what a reason quotes.

        Statements first: the member's question ("should I change the seat?") is what they
        asked, not what they reported.
        """
        assert self.model is not None
        if len(v.texts) == 1:
            return v.texts[0]
        sentences = view_vectors[1:]
        zeros = np.zeros_like(sentences)
        p = self.model.probabilities_batch(np.concatenate([sentences, sentences, zeros], axis=1))
        score = p[:, 0] if route == "emergency" else p[:, 0] + p[:, 1]
        statements = [i for i, t in enumerate(v.sentences) if not t.rstrip().endswith("?")]
        best = max(statements or range(len(v.sentences)), key=lambda i: score[i])
        return v.sentences[best]

    def _by_topic(self, message: str, vector: np.ndarray | None, current: tuple[Finding, ...],
                  history_on_topic: bool) -> Triage:
        text = normalise(message)
        if _OFF_TOPIC.search(text):
            repurpose = _INJECTION.search(text) or _FICTION.search(text)
            return Triage("out_of_scope", (REPURPOSE_REASON if repurpose else OUT_OF_SCOPE_REASON,))
        # A denied symptom ("no numbness, just tight") is still a message about symptoms.
        on_topic = any(not f.thing for f in current) or bool(DOMAIN.search(text))
        if current and not on_topic:  # only "numb" keyboards and songs
            return Triage("out_of_scope", (OUT_OF_SCOPE_REASON,))
        if _INJECTION.search(text) and not on_topic:
            return Triage("out_of_scope", (REPURPOSE_REASON,))
        if on_topic:
            return Triage("answer", (ANSWER_REASON,))
        if _TOPIC_SWITCH.search(text):  # "totally random, but..." with no exercise word
            return Triage("out_of_scope", (OUT_OF_SCOPE_REASON,))
        # No exercise or body word: refuse only what is clearly about something else. What
        # is merely unclear is answered, and the engine's relevance threshold declines what
        # the corpus does not cover.
        refers_back = history_on_topic and (bool(_REFERENTIAL.search(text))
                                            or len(_WORD.findall(text)) <= SHORT_FOLLOW_UP)
        if vector is not None and self.embedder is not None:
            margin = self.topic_margin(vector)
            if margin >= TOPIC_MARGIN or (refers_back and margin >= FOLLOW_UP_MARGIN):
                return Triage("answer", (ANSWER_REASON,))
        elif history_on_topic and len(_WORD.findall(text)) <= FOLLOW_UP_WORDS:
            return Triage("answer", (ANSWER_REASON,))
        return Triage("out_of_scope", (OUT_OF_SCOPE_REASON,))

    def _by_language(self, message: str, decided: Triage) -> Triage:
        if not self.detect_language:
            return decided
        code = language.detect(message)
        if code is None:
            return decided
        # Unread is not harmless: at least a referral, with the notice naming urgent symptoms.
        route: Route = "emergency" if decided.route == "emergency" else "professional"
        reason = UNREADABLE_REASON.format(language=language.language_name(code))
        reasons = decided.reasons if SEVERITY[decided.route] >= 2 else ()
        return Triage(route, (*reasons, reason), language=code)


def _denies(current: tuple[Finding, ...]) -> bool:
    return any(f.negated and not f.general for f in current)


__all__ = ["Triager", "is_fiction"]
