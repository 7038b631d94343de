"""The learned triage model: a softmax head over the packaged MiniLM's sentence vectors.

Why sentences: members tell stories. A long post mentions the numb foot in its fourth
sentence and asks about deloading in its last; one vector for the whole post dilutes
the symptom. So the conversation's user turns are cut into sentences (a bounded number,
newest first), embedded in the same encoder pass as the question, and the head reads
three pooled views: the latest message as a whole, the element-wise maximum over its
sentences, and the maximum over the earlier user turns' sentences (zeros when there are
none). The strongest sentence is kept too, so a reason can say what was read.

The head is fitted by `assistant triage train` (`train.py`) on labelled messages written
by independent authors and shipped in the package as `triage_model.npz` with the
fingerprint of the embedding model it was fitted for; answering needs only numpy.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..types import ROUTES

FEATURE_VERSION = 1
MAX_LATEST_SENTENCES = 12  # of the latest message (bounded cost: one short encoder batch)
MAX_EARLIER_SENTENCES = 8  # of earlier user turns, newest first
MAX_SENTENCE_CHARS = 300
PROBE = "My left foot went numb on the leg press and my lower back hurts."


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+|\s+(?=(?:but|and then|also|oh and|edit|update)\b[: ,])",
                           re.IGNORECASE)


def split_sentences(text: str) -> list[str]:
    """Sentences (and clause-sized pieces of run-on text) of one message, in order."""
    pieces = [p.strip(" -*•,") for p in _SENTENCE_END.split(text)]
    out = []
    for piece in pieces:
        while len(piece) > MAX_SENTENCE_CHARS:  # run-on text with no full stop
            cut = piece.rfind(" ", 0, MAX_SENTENCE_CHARS)
            cut = cut if cut > 0 else MAX_SENTENCE_CHARS
            out.append(piece[:cut])
            piece = piece[cut:].strip()
        if len(piece) >= 3:
            out.append(piece)
    return out


@dataclass(frozen=True)
class Views:
    """What the encoder is asked to embed for one conversation, and where each part lies."""

    texts: tuple[str, ...]  # [latest message, its sentences..., earlier sentences...]
    n_latest: int
    n_earlier: int

    @property
    def sentences(self) -> tuple[str, ...]:
        return self.texts[1:]


def views(message: str, history: Sequence[Mapping[str, str]] = ()) -> Views:
    """The texts to embed: the message, its last sentences, earlier user turns' last sentences."""
    latest = split_sentences(message)
    if len(latest) > MAX_LATEST_SENTENCES:  # the question is usually at the end
        latest = latest[:2] + latest[-(MAX_LATEST_SENTENCES - 2):]
    earlier: list[str] = []
    for turn in reversed(list(history)):
        if turn.get("role") != "user" or not turn.get("content"):
            continue
        for sentence in reversed(split_sentences(str(turn["content"]))):
            if len(earlier) >= MAX_EARLIER_SENTENCES:
                break
            earlier.append(sentence)
    if len(latest) == 1 and latest[0] == message.strip():
        latest = []  # one sentence: the whole message already is it
    return Views((message, *latest, *earlier), len(latest), len(earlier))


def pool(vectors: np.ndarray, v: Views) -> np.ndarray:
    """[whole message | max over its sentences | max over earlier sentences] as one row."""
    vectors = np.asarray(vectors, dtype=np.float32)
    whole = vectors[0]
    latest = vectors[1:1 + v.n_latest]
    earlier = vectors[1 + v.n_latest:1 + v.n_latest + v.n_earlier]
    latest_max = latest.max(axis=0) if len(latest) else whole
    earlier_max = earlier.max(axis=0) if len(earlier) else np.zeros_like(whole)
    return np.concatenate([whole, latest_max, earlier_max])


def fingerprint(probe_vector: np.ndarray) -> str:
    """A short hash of the embedding model's vector for `PROBE`, rounded to survive ONNX vs torch."""
    rounded = np.round(np.asarray(probe_vector, dtype=np.float32).reshape(-1), 2)
    return hashlib.sha256(rounded.astype(np.float16).tobytes()).hexdigest()[:16]


@dataclass(frozen=True)
class RouteModel:
    """Two views of the labelled messages, averaged: a softmax head over the pooled
    features, and the labels of the nearest labelled messages to the whole message.

    The head generalises across wording; the neighbours keep near-miss pairs apart ("a
    stretch in my groin" sits next to its harmless twin, not next to "my groin is
    numb"), which a linear head over topic-heavy embeddings blurs (eval/TRIAGE.md).
    """

    weights: np.ndarray  # (features, 4) in ROUTES order
    bias: np.ndarray  # (4,)
    bank: np.ndarray  # (n, dim) int8: the labelled messages' whole-message vectors x 127 (as saved)
    bank_routes: np.ndarray  # (n,) int8 route index of each
    emergency_threshold: float  # P(emergency) that raises a message the rules would answer
    escalation_threshold: float  # P(emergency) that raises a rules referral to urgent care
    referral_threshold: float  # P(emergency) + P(professional) that raises an answer to a referral
    probe: np.ndarray  # the embedding of PROBE by the model this head was fitted for
    meta: Mapping[str, str]

    def probabilities(self, features: np.ndarray) -> dict[str, float]:
        row = self.probabilities_batch(np.asarray(features, dtype=np.float32).reshape(1, -1))[0]
        return dict(zip(ROUTES, row.tolist(), strict=True))

    def __post_init__(self) -> None:
        # Unit float32 rows once, not per question (3 MB for ~2,000 labelled messages).
        unit = self.bank.astype(np.float32)
        unit /= np.maximum(np.linalg.norm(unit, axis=1, keepdims=True), 1e-9)
        object.__setattr__(self, "_unit_bank", unit)
        object.__setattr__(self, "_unit_bank_norms", np.linalg.norm(unit, axis=1))

    def probabilities_batch(self, features: np.ndarray) -> np.ndarray:
        features = np.asarray(features, dtype=np.float32)
        z = features @ self.weights + self.bias
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        votes = neighbour_votes(features[:, :self.bank.shape[1]], self._unit_bank, self.bank_routes,
                                bank_norms=self._unit_bank_norms)
        return (p + votes) / 2

    def route(self, p: Mapping[str, float]) -> str:
        """The route the model alone would pick, with the safety-first thresholds."""
        if p["emergency"] >= self.emergency_threshold:
            return "emergency"
        if p["emergency"] + p["professional"] >= self.referral_threshold:
            return "emergency" if p["emergency"] >= self.escalation_threshold else "professional"
        return "answer" if p["answer"] >= p["out_of_scope"] else "out_of_scope"

    def raise_route(self, p: Mapping[str, float], rules_route: str, denied: bool) -> str | None:
        """The higher route the model asks for over the rules' route, or None.

        Raise only: an emergency from the rules stays, a referral may become urgent care,
        an answer may become either. An explicit denial in the message ("no numbness,
        just tight") holds back a raise from an answer, because embeddings cannot read
        negation; it never holds back the rules' own findings.
        """
        return raise_route(p["emergency"], p["emergency"] + p["professional"], rules_route, denied,
                           self.emergency_threshold, self.escalation_threshold, self.referral_threshold)

    def matches(self, probe_vector: np.ndarray) -> bool:
        """True when `probe_vector` comes from the embedding model this head was fitted for."""
        a = np.asarray(probe_vector, dtype=np.float32).reshape(-1)
        b = self.probe.reshape(-1)
        return a.shape == b.shape and float(a @ b) / (np.linalg.norm(a) * np.linalg.norm(b)) > 0.99

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(tmp, weights=self.weights.astype(np.float32),
                            bias=self.bias.astype(np.float32), bank=self.bank.astype(np.int8),
                            bank_routes=self.bank_routes.astype(np.int8),
                            thresholds=np.array([self.emergency_threshold, self.escalation_threshold,
                                                 self.referral_threshold]),
                            probe=self.probe.astype(np.float32),
                            meta_keys=np.array(list(self.meta)),
                            meta_values=np.array(list(self.meta.values())))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> RouteModel:
        with np.load(path) as data:
            meta = dict(zip(data["meta_keys"].tolist(), data["meta_values"].tolist(), strict=True))
            if int(meta.get("feature_version", -1)) != FEATURE_VERSION:
                raise ValueError(f"feature version {meta.get('feature_version')} != {FEATURE_VERSION}")
            t = data["thresholds"].tolist()
            return cls(data["weights"].astype(np.float32), data["bias"].astype(np.float32),
                       data["bank"].astype(np.int8), data["bank_routes"].astype(np.int8),
                       float(t[0]), float(t[1]), float(t[2]), data["probe"].astype(np.float32), meta)


NEIGHBOURS = 10
NEIGHBOUR_TEMPERATURE = 0.05  # softmax over cosines: the closest few labelled messages dominate


def quantise(vectors: np.ndarray) -> np.ndarray:
    """Unit vectors as int8 (x 127): a quarter of float32, the same nearest neighbours."""
    return np.clip(np.round(np.asarray(vectors, dtype=np.float32) * 127), -127, 127).astype(np.int8)


def neighbour_votes(vectors: np.ndarray, bank: np.ndarray, bank_routes: np.ndarray,
                    k: int = NEIGHBOURS, temperature: float = NEIGHBOUR_TEMPERATURE,
                    bank_norms: np.ndarray | None = None) -> np.ndarray:
    """(n, 4) route shares among each vector's k nearest labelled messages, cosine-weighted.

    `bank`: the labelled messages' vectors (int8 as saved, or float; rows need not be unit).
    `bank_norms`: their norms, when the caller has them already (once per model, not per
    question).
    """
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    rows = bank.astype(np.float32, copy=False)
    cos = unit @ rows.T
    cos /= np.maximum(np.linalg.norm(rows, axis=1) if bank_norms is None else bank_norms, 1e-9)
    k = min(k, cos.shape[1])
    nearest = np.argpartition(-cos, k - 1, axis=1)[:, :k]
    row = np.arange(len(vectors))[:, None]
    weights = np.exp(cos[row, nearest] / temperature)
    cells = (row * len(ROUTES) + bank_routes[nearest]).reshape(-1)
    votes = np.bincount(cells, weights.reshape(-1), minlength=len(vectors) * len(ROUTES))
    votes = votes.reshape(len(vectors), len(ROUTES)).astype(np.float32)
    return votes / votes.sum(axis=1, keepdims=True)


def raise_route(p_emergency: float, p_referral: float, rules_route: str, denied: bool,
                t_emergency: float, t_escalation: float, t_referral: float) -> str | None:
    """`RouteModel.raise_route` on plain numbers (training sweeps thresholds with it)."""
    if rules_route == "emergency":
        return None
    if rules_route == "professional":
        return "emergency" if p_emergency >= t_escalation else None
    if denied:
        return None
    if p_emergency >= t_emergency:
        return "emergency"
    if p_referral >= t_referral:
        return "professional"
    return None


def fit(features: np.ndarray, routes: Sequence[str], c: float,
        weights: Sequence[float] | None = None
        ) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression (scikit-learn, imported only when training)."""
    from sklearn.linear_model import LogisticRegression

    labels = np.array([ROUTES.index(r) for r in routes])
    if len(set(labels.tolist())) < len(ROUTES):
        raise ValueError("training data must contain every route")
    clf = LogisticRegression(C=c, max_iter=5000)
    clf.fit(np.asarray(features, dtype=np.float32), labels, sample_weight=weights)
    order = np.argsort(clf.classes_)
    return clf.coef_[order].T.astype(np.float32), clf.intercept_[order].astype(np.float32)
