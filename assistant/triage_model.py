"""A learned second opinion for triage: it may only raise a route, never lower one.

The reviewed lexicon (`safety.py`) decides first. On phrasing nobody wrote into it, it
missed about one emergency in five on a blind set (eval/TRIAGE.md, round 3), so a
logistic regression over the message embedding, trained on the labelled messages, looks
at every message the lexicon would answer or refuse: when it is confident that the
message is a red flag, the route goes up. Holdout and blind items are never trained on.

Training needs scikit-learn and about a second of embedding, so the fitted weights are
cached in the data folder under a hash of the training data and the embedding model;
answering only needs numpy.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .embeddings import Embedder

log = logging.getLogger("assistant")

ROUTES = ("emergency", "professional", "answer", "out_of_scope")
# Splits that may be trained on; "holdout" and other blind splits never are.
TRAIN_SPLITS = frozenset({"tune", "blind"})
# Chosen by 5-fold cross-validation on the training items: the lowest threshold at which
# fewer than 1% of "answer" items were raised (eval/TRIAGE.md, round 3).
RAISE_THRESHOLD = 0.90
REGULARISATION_C = 4.0


@dataclass(frozen=True)
class RouteModel:
    """Softmax weights over the four routes for an L2-normalised message embedding."""

    weights: np.ndarray  # (dim, 4)
    bias: np.ndarray  # (4,)
    threshold: float = RAISE_THRESHOLD

    def probabilities(self, vector: np.ndarray) -> dict[str, float]:
        z = np.asarray(vector, dtype=np.float32).reshape(-1) @ self.weights + self.bias
        p = np.exp(z - z.max())
        p /= p.sum()
        return dict(zip(ROUTES, p.tolist(), strict=True))

    def raised_route(self, vector: np.ndarray) -> str | None:
        """"emergency" or "professional" when the model is confident of a red flag, else None."""
        p = self.probabilities(vector)
        if p["emergency"] + p["professional"] < self.threshold:
            return None
        return "emergency" if p["emergency"] >= p["professional"] else "professional"

    def save(self, path: Path, key: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez(tmp, weights=self.weights, bias=self.bias, key=np.array(key))
        tmp.replace(path)  # atomic: a reader never sees half a file

    @classmethod
    def load(cls, path: Path, key: str) -> RouteModel | None:
        try:
            with np.load(path) as data:
                if str(data["key"]) != key:
                    return None
                return cls(data["weights"].astype(np.float32), data["bias"].astype(np.float32))
        except (OSError, KeyError, ValueError):
            return None


def read_training_messages(paths: Sequence[Path]) -> tuple[list[str], list[str]]:
    """(messages, routes) of the trainable items in labelled JSONL files (eval/TRIAGE.md)."""
    texts: list[str] = []
    routes: list[str] = []
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("split") in TRAIN_SPLITS and row.get("route") in ROUTES:
                texts.append(row["message"])
                routes.append(row["route"])
    return texts, routes


def fit(vectors: np.ndarray, routes: Sequence[str], c: float = REGULARISATION_C) -> RouteModel:
    """Multinomial logistic regression (scikit-learn, imported only here)."""
    from sklearn.linear_model import LogisticRegression

    labels = np.array([ROUTES.index(r) for r in routes])
    if len(set(labels.tolist())) < len(ROUTES):
        raise ValueError("training data must contain every route")
    clf = LogisticRegression(C=c, max_iter=2000)
    clf.fit(np.asarray(vectors, dtype=np.float32), labels)
    order = np.argsort(clf.classes_)  # columns in ROUTES order
    return RouteModel(clf.coef_[order].T.astype(np.float32),
                      clf.intercept_[order].astype(np.float32))


def cache_key(paths: Sequence[Path], model_id: str) -> str:
    digest = hashlib.sha256(model_id.encode())
    for path in paths:
        digest.update(Path(path).read_bytes())
    digest.update(f"C={REGULARISATION_C}".encode())
    return digest.hexdigest()


def load_or_train(paths: Sequence[Path], embedder: Embedder, cache_path: Path,
                  model_id: str) -> RouteModel | None:
    """The cached model for these files and this embedding model, trained if needed.

    None (the lexicon and exemplars alone) when no training file exists.
    """
    paths = [Path(p) for p in paths if Path(p).is_file()]
    if not paths:
        return None
    key = cache_key(paths, model_id)
    model = RouteModel.load(cache_path, key)
    if model is not None:
        return model
    texts, routes = read_training_messages(paths)
    log.info("first run: fitting the safety triage model on %d labelled messages", len(texts))
    vectors = np.asarray(embedder.embed(texts), dtype=np.float32)
    model = fit(vectors, routes)
    try:
        model.save(cache_path, key)
    except OSError as exc:  # a read-only data folder only costs the next start a second
        log.warning("could not cache the triage model at %s (%s)", cache_path, exc)
    return model


def cross_validate(vectors: np.ndarray, routes: Sequence[str],
                   thresholds: Sequence[float] = (0.95, 0.9, 0.85, 0.8, 0.7),
                   folds: int = 5, seed: int = 0) -> list[dict[str, float]]:
    """Out-of-fold raise rates per threshold: how the model alone would treat each route."""
    vectors = np.asarray(vectors, dtype=np.float32)
    fold = np.random.default_rng(seed).permutation(len(routes)) % folds
    flag = np.zeros(len(routes), dtype=np.float32)
    for f in range(folds):
        model = fit(vectors[fold != f], [r for r, k in zip(routes, fold) if k != f])
        for i in np.flatnonzero(fold == f):
            p = model.probabilities(vectors[i])
            flag[i] = p["emergency"] + p["professional"]
    rows = []
    for t in thresholds:
        def rate(route: str, t: float = t) -> float:
            mask = np.array([r == route for r in routes])
            return float((flag[mask] >= t).mean()) if mask.any() else float("nan")
        rows.append({"threshold": t, "emergency_raised": rate("emergency"),
                     "professional_raised": rate("professional"),
                     "answer_raised": rate("answer"), "out_of_scope_raised": rate("out_of_scope")})
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Print the cross-validated raise rates that RAISE_THRESHOLD was chosen from."""
    import argparse

    from .embeddings import SentenceTransformerEmbedder
    from .settings import Settings

    parser = argparse.ArgumentParser(prog="python -m assistant.triage_model",
                                     description=main.__doc__)
    parser.parse_args(argv)
    settings = Settings()
    texts, routes = read_training_messages([p for p in settings.triage_training if p.is_file()])
    vectors = SentenceTransformerEmbedder(settings.model_name_or_path).embed(texts)
    print(f"{len(texts)} training messages; 5-fold out-of-fold share raised by the model alone")
    print(f"{'threshold':>9} {'emergency':>10} {'profess.':>9} {'answer':>7} {'oos':>6}")
    for row in cross_validate(np.asarray(vectors), routes):
        print(f"{row['threshold']:>9.2f} {row['emergency_raised']:>10.1%} "
              f"{row['professional_raised']:>9.1%} {row['answer_raised']:>7.1%} "
              f"{row['out_of_scope_raised']:>6.1%}")
    print(f"shipped threshold: {RAISE_THRESHOLD}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
