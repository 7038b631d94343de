"""Embed texts with an ONNX export of the sentence-transformers model, without torch.

A query-serving process needs only onnxruntime, tokenizers and numpy, so it starts in a
fraction of a second instead of the ~4 s torch import. The export comes from
`assistant.onnx_export.ensure_onnx_export`; this module reproduces what sentence-transformers
does around the transformer: truncate to its max_seq_length (256 for all-MiniLM-L6-v2, not
the 128 baked into its tokenizer.json), pad only to the longest text of a batch, mean-pool
over the real attention mask, and L2-normalise.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .errors import ConfigError
from .onnx_export import FIX_HINT, FORMAT_VERSION, MANIFEST_NAME, ONNX_NAME, TOKENIZER_NAME


def mean_pool_normalize(hidden: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    """Mean over unmasked tokens, then L2-normalise, with sentence-transformers' epsilons."""
    mask = attention_mask.astype(np.float32)[:, :, None]
    summed = (hidden * mask).sum(axis=1)
    mean = summed / np.maximum(mask.sum(axis=1), 1e-9)
    norms = np.linalg.norm(mean, axis=1, keepdims=True)
    return (mean / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)


def read_manifest(export_dir: Path) -> dict:
    """The export's export.json, checked for the fields and version this module reads."""
    try:
        manifest = json.loads((export_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"No usable ONNX export in {export_dir} ({exc}). Export it with "
            "`python -m assistant.onnx_export MODEL_PATH OUT_DIR`. " + FIX_HINT
        ) from exc
    if manifest.get("format_version") != FORMAT_VERSION or manifest.get("pooling") != "mean":
        raise ConfigError(
            f"The ONNX export in {export_dir} has format {manifest.get('format_version')} "
            f"and pooling {manifest.get('pooling')!r}; this version reads format "
            f"{FORMAT_VERSION} with mean pooling. Delete the folder to re-export it. " + FIX_HINT
        )
    return manifest


def length_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Row indices grouped into batches of similar token counts, shortest first.

    Every row of a batch is padded to its longest, so one long message among short
    sentences would otherwise multiply the work by its length: a batch is closed when the
    next row is more than twice as long as its first (and 16 tokens longer)."""
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    batches: list[list[int]] = []
    for row in order:
        current = batches[-1] if batches else None
        if (current is None or len(current) >= batch_size
                or lengths[row] > max(2 * lengths[current[0]], lengths[current[0]] + 16)):
            batches.append([row])
        else:
            current.append(row)
    return batches


class OnnxEmbedder:
    """ONNX transformer + tokenizer loaded on first use; rows match sentence-transformers'."""

    def __init__(
        self,
        export_dir: str | Path,
        name: str = "",
        threads: int = 1,
        batch_size: int = 32,
    ):
        # Pass the model's name so that stores see the same embedder as with the torch backend.
        self.export_dir = Path(export_dir)
        self.name = name or str(self.export_dir)
        self.threads = threads
        self.batch_size = batch_size
        self._manifest: dict | None = None
        self._session = None
        self._tokenizer = None
        self._pad_id = 0
        self._lock = threading.Lock()

    @property
    def manifest(self) -> dict:
        if self._manifest is None:
            self._manifest = read_manifest(self.export_dir)
        return self._manifest

    @property
    def dimension(self) -> int:
        return int(self.manifest["dimension"])

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort
            from tokenizers import Tokenizer

            manifest = self.manifest
            options = ort.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            try:
                tokenizer = Tokenizer.from_file(str(self.export_dir / TOKENIZER_NAME))
                session = ort.InferenceSession(
                    str(self.export_dir / ONNX_NAME), options, providers=["CPUExecutionProvider"]
                )
            except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own types
                raise ConfigError(
                    f"Cannot load the ONNX export in {self.export_dir} ({exc}). Delete the "
                    "folder to re-export it. " + FIX_HINT
                ) from exc
            # tokenizer.json pads and truncates to a fixed 128 tokens; sentence-transformers
            # truncates at max_seq_length and pads per batch, which `_run` does itself.
            self._pad_id = int((tokenizer.padding or {}).get("pad_id", 0))
            tokenizer.no_padding()
            tokenizer.enable_truncation(max_length=int(manifest["max_seq_length"]))
            self._tokenizer = tokenizer
            self._session = session

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self._session is None:
            self._load()
        if len(texts) == 1:
            encodings = [self._tokenizer.encode(texts[0])]
        else:
            encodings = self._tokenizer.encode_batch(texts)
        lengths = [len(encoding.ids) for encoding in encodings]
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        for rows in length_batches(lengths, self.batch_size):
            vectors[rows] = self._run([encodings[row] for row in rows])
        return vectors

    def _run(self, encodings: list) -> np.ndarray:
        width = max(len(encoding.ids) for encoding in encodings)
        shape = (len(encodings), width)
        arrays = {
            "input_ids": np.full(shape, self._pad_id, dtype=np.int64),
            "attention_mask": np.zeros(shape, dtype=np.int64),
            "token_type_ids": np.zeros(shape, dtype=np.int64),
        }
        for row, encoding in enumerate(encodings):
            length = len(encoding.ids)
            arrays["input_ids"][row, :length] = encoding.ids
            arrays["attention_mask"][row, :length] = encoding.attention_mask
            arrays["token_type_ids"][row, :length] = encoding.type_ids
        feed = {name: arrays[name] for name in self.manifest["inputs"]}
        (hidden,) = self._session.run([self.manifest["output"]], feed)
        return mean_pool_normalize(hidden, arrays["attention_mask"])
