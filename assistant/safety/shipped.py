"""Loading the triage model that ships in the package, refusing to run without it.

The model is produced by `assistant triage train` and shipped as `triage_model.npz`;
nothing at start-up trains. A missing file, or one fitted for another embedding model
(`ASSISTANT_EMBEDDING_MODEL` changed), stops the process with a message naming the fix,
because a triager that silently lost its learned stage misses emergencies.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..embeddings import Embedder
from ..errors import ConfigError
from .model import PROBE, RouteModel

SHIPPED_MODEL = Path(__file__).with_name("triage_model.npz")


class TriageModelError(ConfigError):
    """The learned triage model is missing, unreadable or fitted for another embedding model."""


def load_shipped_model(embedder: Embedder, path: Path | None = None) -> RouteModel:
    """The shipped head, checked against `embedder` (one probe sentence is embedded)."""
    path = SHIPPED_MODEL if path is None else path
    fix = ("Reinstall the package, or in a source checkout run `assistant triage train` "
           "(it fits the model on the labelled files under eval/ in about a minute).")
    try:
        model = RouteModel.load(path)
    except FileNotFoundError as exc:
        raise TriageModelError(f"The safety triage model is missing ({path}). {fix}") from exc
    except (OSError, KeyError, ValueError) as exc:
        raise TriageModelError(f"The safety triage model at {path} cannot be read ({exc}). {fix}") from exc
    probe = np.asarray(embedder.embed([PROBE])[0], dtype=np.float32)
    if not model.matches(probe):
        raise TriageModelError(
            f"The safety triage model was fitted for the embedding model "
            f"{model.meta.get('embedding_model')!r}, not the one configured ({embedder.name!r}). "
            "Use the default model (leave ASSISTANT_EMBEDDING_MODEL empty), or fit the triage "
            "model for yours with `assistant triage train` in a source checkout.")
    return model
