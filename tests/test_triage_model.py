"""The learned triage second opinion: fitting, caching, what it trains on, raise-only use."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant import triage_model as tm
from assistant.safety import MODEL_REASONS, Triager

DIM = 8


def clustered(n_per_route: int = 20, seed: int = 0):
    """Four well-separated clusters on the unit sphere, one per route."""
    rng = np.random.default_rng(seed)
    centres = np.eye(DIM, dtype=np.float32)[:4]
    vectors, routes = [], []
    for centre, route in zip(centres, tm.ROUTES):
        points = centre + 0.05 * rng.standard_normal((n_per_route, DIM)).astype(np.float32)
        vectors += list(points / np.linalg.norm(points, axis=1, keepdims=True))
        routes += [route] * n_per_route
    return np.asarray(vectors), routes, centres


def test_fit_separates_routes_and_raises_only_when_confident():
    vectors, routes, centres = clustered()
    model = tm.fit(vectors, routes)
    assert model.raised_route(centres[0]) == "emergency"
    assert model.raised_route(centres[1]) == "professional"
    assert model.raised_route(centres[2]) is None  # an answer is never "raised"
    halfway = (centres[0] + centres[2]) / np.linalg.norm(centres[0] + centres[2])
    assert max(model.probabilities(halfway).values()) < 0.9
    assert model.raised_route(halfway) is None  # unsure: leave the rules' route alone


def test_fit_needs_every_route():
    vectors, routes, _ = clustered()
    with pytest.raises(ValueError, match="every route"):
        tm.fit(vectors[:40], routes[:40])


def test_save_and_load_check_the_key(tmp_path):
    vectors, routes, centres = clustered()
    model = tm.fit(vectors, routes)
    path = tmp_path / "m.npz"
    model.save(path, "key-1")
    loaded = tm.RouteModel.load(path, "key-1")
    assert loaded is not None
    assert loaded.probabilities(centres[0]) == pytest.approx(model.probabilities(centres[0]))
    assert tm.RouteModel.load(path, "key-2") is None  # other data or model: retrain
    assert tm.RouteModel.load(tmp_path / "missing.npz", "key-1") is None


def write_set(path, rows):
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")


def test_holdout_and_blind_items_are_never_trained_on(tmp_path):
    path = tmp_path / "set.jsonl"
    write_set(path, [
        {"id": "a", "message": "tune one", "route": "answer", "split": "tune"},
        {"id": "b", "message": "held back", "route": "emergency", "split": "holdout"},
        {"id": "c", "message": "tuned blind", "route": "professional", "split": "blind"},
        {"id": "d", "message": "still blind", "route": "emergency", "split": "blind2"},
    ])
    texts, routes = tm.read_training_messages([path])
    assert texts == ["tune one", "tuned blind"] and routes == ["answer", "professional"]


class CountingEmbedder:
    """Embeds each message to the centre of its route's cluster (the word in it)."""

    name = "counting"

    def __init__(self):
        self.calls = 0

    def embed(self, texts):
        self.calls += 1
        eye = np.eye(DIM, dtype=np.float32)
        return [eye[next(i for i, r in enumerate(tm.ROUTES) if r in t)] for t in texts]


def test_load_or_train_caches_by_content(tmp_path):
    path = tmp_path / "set.jsonl"
    rows = [{"id": f"{r}-{i}", "message": f"{r} {i}", "route": r, "split": "tune"}
            for r in tm.ROUTES for i in range(5)]
    write_set(path, rows)
    embedder, cache = CountingEmbedder(), tmp_path / "data" / "model.npz"
    first = tm.load_or_train([path], embedder, cache, "model-a")
    assert first is not None and cache.is_file() and embedder.calls == 1
    assert tm.load_or_train([path], embedder, cache, "model-a") is not None
    assert embedder.calls == 1  # cached: nothing embedded
    tm.load_or_train([path], embedder, cache, "model-b")
    assert embedder.calls == 2  # another embedding model: retrained
    write_set(path, rows + [{"id": "x", "message": "answer x", "route": "answer", "split": "tune"}])
    tm.load_or_train([path], embedder, cache, "model-b")
    assert embedder.calls == 3  # changed labels: retrained
    assert tm.load_or_train([tmp_path / "none.jsonl"], embedder, cache, "model-b") is None


class FixedModel:
    """A stand-in second opinion that always says the same thing."""

    def __init__(self, route):
        self.route = route

    def raised_route(self, vector):
        return self.route


def test_the_model_raises_but_never_lowers():
    vector = np.zeros(DIM, dtype=np.float32)
    quiet = Triager(model=FixedModel(None))
    loud = Triager(model=FixedModel("emergency"))
    referral = Triager(model=FixedModel("professional"))
    raised = loud.triage("how many sets on leg press?", [], vector)
    # It names no symptom the user did not mention: its reason says what it judged.
    assert raised.route == "emergency" and raised.reasons == (MODEL_REASONS["emergency"],)
    # The rules' emergency stays an emergency whatever the model says.
    assert quiet.triage("I lost control of my bladder", [], vector).route == "emergency"
    assert referral.triage("I lost control of my bladder", [], vector).route == "emergency"
    # An explicit denial holds back a referral, never an emergency.
    denial = "no numbness or tingling, just a tight lower back"
    assert referral.triage(denial, [], vector).route == "answer"
    assert loud.triage(denial, [], vector).route == "emergency"
    # No vector, no second opinion.
    assert loud.triage("how many sets on leg press?", []).route == "answer"
