"""Export a sentence-transformers model's transformer to ONNX for the torch-free query path.

`python -m assistant.onnx_export MODEL_PATH OUT_DIR` writes `model.onnx`, a copy of
`tokenizer.json` and `export.json` (what the model was, how to pool) into OUT_DIR, built in a
temporary sibling folder and renamed into place so an interrupted export never leaves a
half-written folder. `ensure_onnx_export` runs that command in a separate process only when
OUT_DIR does not already hold an export of this exact model: exporting inside a process that
keeps using the torch model changed its outputs afterwards, and torch must never be imported
by a process that only serves queries. Pooling (mean over the attention mask) and L2
normalisation are not in the graph; `assistant.onnx_embedding` does them in numpy.

Only stdlib is imported at module level; torch, transformers and onnx load inside `export`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .errors import ConfigError

MANIFEST_NAME = "export.json"
ONNX_NAME = "model.onnx"
TOKENIZER_NAME = "tokenizer.json"
# Bump when the graph's inputs/outputs or the manifest change, so old exports are redone.
FORMAT_VERSION = 1
# Opset 17 has LayerNormalization; the TorchScript exporter and onnxruntime 1.18+ support it.
OPSET = 17
OUTPUT_NAME = "last_hidden_state"
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
# Small files whose content decides the graph, the tokenizer or the pooling.
CONFIG_FILES = (
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "sentence_bert_config.json",
    "modules.json",
)
EXPORT_TIMEOUT_S = 600
FIX_HINT = (
    "Set ASSISTANT_EMBEDDING_BACKEND=torch to embed queries with sentence-transformers instead."
)


# --- model description (stdlib only) ---------------------------------------------------


def _read_json(path: Path) -> dict | list:
    return json.loads(path.read_text(encoding="utf-8"))


def describe_model(model_path: Path) -> dict:
    """What the exporter and the embedder need to know, from the sentence-transformers files.

    Returns transformer_dir, pooling_dir, pooling mode, whether the model normalises, and
    max_seq_length as sentence-transformers applies it (sentence_bert_config.json, else the
    tokenizer's model_max_length, capped by the position embeddings).
    """
    model_path = Path(model_path)
    modules_file = model_path / "modules.json"
    if not modules_file.is_file():
        raise ConfigError(
            f"{model_path} is not a sentence-transformers model folder (no modules.json). "
            + FIX_HINT
        )
    transformer_dir = pooling_dir = None
    normalize = False
    for module in _read_json(modules_file):
        kind = module["type"].rsplit(".", 1)[-1]
        if kind == "Transformer":
            transformer_dir = model_path / module.get("path", "")
        elif kind == "Pooling":
            pooling_dir = model_path / module["path"]
        elif kind == "Normalize":
            normalize = True
        else:
            raise ConfigError(
                f"The ONNX backend does not support the {module['type']} module of "
                f"{model_path}. " + FIX_HINT
            )
    if transformer_dir is None or pooling_dir is None:
        raise ConfigError(f"{model_path} lacks a Transformer or Pooling module. " + FIX_HINT)

    pooling = _read_json(pooling_dir / "config.json")
    modes = [key for key, on in pooling.items() if key.startswith("pooling_mode_") and on]
    if modes != ["pooling_mode_mean_tokens"]:
        raise ConfigError(
            f"The ONNX backend only does mean pooling; {model_path} uses {modes}. " + FIX_HINT
        )

    sbert_file = transformer_dir / "sentence_bert_config.json"
    max_seq_length = _read_json(sbert_file).get("max_seq_length") if sbert_file.is_file() else None
    if max_seq_length is None:
        tokenizer_config = transformer_dir / "tokenizer_config.json"
        if tokenizer_config.is_file():
            max_seq_length = _read_json(tokenizer_config).get("model_max_length")
    positions = _read_json(transformer_dir / "config.json").get("max_position_embeddings")
    if max_seq_length is None or (positions and max_seq_length > positions):
        max_seq_length = positions
    if not max_seq_length:
        raise ConfigError(f"Cannot tell the maximum sequence length of {model_path}. " + FIX_HINT)

    return {
        "transformer_dir": transformer_dir,
        "pooling_dir": pooling_dir,
        "pooling": "mean",
        "normalize": normalize,
        "max_seq_length": int(max_seq_length),
        "dimension": int(pooling["word_embedding_dimension"]),
    }


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _weights_file(transformer_dir: Path) -> Path:
    for name in WEIGHT_FILES:
        if (transformer_dir / name).is_file():
            return transformer_dir / name
    raise ConfigError(f"No {' or '.join(WEIGHT_FILES)} in {transformer_dir}. " + FIX_HINT)


def model_fingerprint(model_path: Path, weights_sha256: str | None = None) -> dict:
    """Hashes of the files that decide the export; pass a known weights hash to skip rehashing."""
    info = describe_model(model_path)
    transformer_dir, weights = info["transformer_dir"], _weights_file(info["transformer_dir"])
    stat = weights.stat()
    configs = [transformer_dir / name for name in CONFIG_FILES]
    configs.append(info["pooling_dir"] / "config.json")
    return {
        "weights": {
            "file": weights.name,
            "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
            "sha256": weights_sha256 or _sha256(weights),
        },
        "configs": {
            str(path.relative_to(model_path)): _sha256(path) for path in configs if path.is_file()
        },
    }


# --- validity check and the separate-process export -----------------------------------


def _manifest_matches(model_path: Path, out_dir: Path) -> bool:
    """True when out_dir holds a complete export of this model's current files.

    The 90 MB weights file is only rehashed when its size or mtime changed (a query-serving
    process never otherwise reads it); a touched but unchanged file refreshes the manifest.
    """
    manifest_file = out_dir / MANIFEST_NAME
    try:
        manifest = _read_json(manifest_file)
        recorded = manifest["model"]
        weights = recorded["weights"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if manifest.get("format_version") != FORMAT_VERSION:
        return False
    if not all((out_dir / name).is_file() for name in (ONNX_NAME, TOKENIZER_NAME)):
        return False
    if (out_dir / ONNX_NAME).stat().st_size != manifest.get("onnx_size"):
        return False

    weights_file = _weights_file(describe_model(model_path)["transformer_dir"])
    if weights_file.name != weights.get("file"):
        return False
    stat = weights_file.stat()
    unchanged = (stat.st_size, stat.st_mtime_ns) == (weights.get("size"), weights.get("mtime_ns"))
    current = model_fingerprint(model_path, weights.get("sha256") if unchanged else None)
    if current["configs"] != recorded.get("configs"):
        return False
    if current["weights"]["sha256"] != weights.get("sha256"):
        return False
    if not unchanged:
        manifest["model"] = current
        try:
            _write_json_atomic(manifest_file, manifest)
        except OSError:
            pass  # a read-only export stays valid; it is just rehashed at each start
    return True


def _write_json_atomic(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def ensure_onnx_export(model_path: str | os.PathLike, out_dir: str | os.PathLike) -> Path:
    """Return out_dir holding an ONNX export of model_path, exporting in a subprocess if needed."""
    model_path, out_dir = Path(model_path).resolve(), Path(out_dir)
    if _manifest_matches(model_path, out_dir):
        return out_dir

    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    # The package need not be installed: make `-m assistant.onnx_export` importable.
    package_root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "assistant.onnx_export", str(model_path), str(out_dir)]
    try:
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=EXPORT_TIMEOUT_S
        )
    except subprocess.TimeoutExpired as exc:
        raise ConfigError(
            f"Exporting {model_path} to ONNX took over {EXPORT_TIMEOUT_S} s. " + FIX_HINT
        ) from exc
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise ConfigError(
            f"Exporting {model_path} to ONNX in {out_dir} failed:\n{tail}\n" + FIX_HINT
        )
    if not _manifest_matches(model_path, out_dir):
        raise ConfigError(
            f"The ONNX export in {out_dir} does not match {model_path} after exporting. " + FIX_HINT
        )
    return out_dir


# --- the export itself (runs in its own process; imports torch) ------------------------


def _export_graph(transformer_dir: Path, onnx_file: Path, max_seq_length: int) -> list[str]:
    """Trace the transformer to ONNX, check it against torch, and return its input names."""
    import inspect

    import numpy as np
    import onnx
    import onnxruntime
    import torch
    from transformers import AutoModel

    # Eager attention traces to plain MatMul/Softmax ops; SDPA gives the same numbers.
    model = AutoModel.from_pretrained(str(transformer_dir), attn_implementation="eager")
    model.eval()
    parameters = inspect.signature(model.forward).parameters
    input_names = ["input_ids", "attention_mask"]
    if "token_type_ids" in parameters:
        input_names.append("token_type_ids")

    class LastHiddenState(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module):
            super().__init__()
            self.inner = inner

        def forward(self, *inputs):
            kwargs = dict(zip(input_names, inputs, strict=True))
            # transformers' mask builder branches on Python-side shape checks while tracing;
            # a ready 4D additive mask is used as-is and traces to one plain Add.
            keep = kwargs["attention_mask"][:, None, None, :].to(torch.float32)
            kwargs["attention_mask"] = (1.0 - keep) * torch.finfo(torch.float32).min
            return self.inner(**kwargs).last_hidden_state

    def sample(lengths: list[int]) -> dict[str, np.ndarray]:
        # Padded rows keep the attention-mask path in the traced graph.
        rng = np.random.default_rng(len(lengths))
        width = max(lengths)
        ids = np.zeros((len(lengths), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, length in enumerate(lengths):
            ids[row, :length] = rng.integers(1000, 2000, size=length)
            mask[row, :length] = 1
        return {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}

    # eval() on the wrapper, not just the model: the exporter restores the wrapper's training
    # flag afterwards, and a fresh Module is in training mode, which would turn dropout on.
    wrapper = LastHiddenState(model).eval()
    dummy = sample([9, 5])
    dynamic = {name: {0: "batch", 1: "sequence"} for name in [*input_names, OUTPUT_NAME]}
    with torch.no_grad():
        torch.onnx.export(
            wrapper,
            tuple(torch.from_numpy(dummy[name]) for name in input_names),
            str(onnx_file),
            input_names=input_names,
            output_names=[OUTPUT_NAME],
            dynamic_axes=dynamic,
            opset_version=OPSET,
            do_constant_folding=True,
            # The dynamo exporter needs onnxscript; the TorchScript one needs only onnx.
            dynamo=False,
        )
    onnx.checker.check_model(str(onnx_file))

    # Shapes other than the traced ones catch sizes baked into the graph.
    session = onnxruntime.InferenceSession(str(onnx_file), providers=["CPUExecutionProvider"])
    for lengths in ([3], [max_seq_length, 17, 1]):
        feed = {name: value for name, value in sample(lengths).items() if name in input_names}
        with torch.no_grad():
            expected = wrapper(*(torch.from_numpy(feed[name]) for name in input_names)).numpy()
        actual = session.run([OUTPUT_NAME], feed)[0]
        mask = feed["attention_mask"].astype(bool)
        error = float(np.abs(actual[mask] - expected[mask]).max())
        if error > 1e-3:
            raise RuntimeError(f"ONNX output differs from torch by {error:.2e} for {lengths}")
    return input_names


def export(model_path: str | os.PathLike, out_dir: str | os.PathLike) -> Path:
    """Export model_path into out_dir atomically (this process imports torch)."""
    model_path, out_dir = Path(model_path).resolve(), Path(out_dir).resolve()
    info = describe_model(model_path)
    tokenizer_file = info["transformer_dir"] / TOKENIZER_NAME
    if not tokenizer_file.is_file():
        raise ConfigError(f"No {TOKENIZER_NAME} in {info['transformer_dir']}. " + FIX_HINT)

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    tmp_dir = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    tmp_dir.chmod(0o755)  # mkdtemp makes it private; the export is readable like any data
    try:
        input_names = _export_graph(
            info["transformer_dir"], tmp_dir / ONNX_NAME, info["max_seq_length"]
        )
        shutil.copy2(tokenizer_file, tmp_dir / TOKENIZER_NAME)
        import torch

        manifest = {
            "format_version": FORMAT_VERSION,
            "model": {"path": str(model_path), **model_fingerprint(model_path)},
            "onnx_size": (tmp_dir / ONNX_NAME).stat().st_size,
            "opset": OPSET,
            "inputs": input_names,
            "output": OUTPUT_NAME,
            "max_seq_length": info["max_seq_length"],
            "dimension": info["dimension"],
            "pooling": info["pooling"],
            "normalize": info["normalize"],
            "torch_version": torch.__version__,
            "export_seconds": round(time.perf_counter() - started, 2),
        }
        _write_json_atomic(tmp_dir / MANIFEST_NAME, manifest)
        _replace_dir(tmp_dir, out_dir)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
    return out_dir


def _replace_dir(new: Path, target: Path) -> None:
    """Put `new` at `target`; the old folder is moved aside first, then deleted."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.replace(target, old / target.name)
    try:
        os.replace(new, target)
    except OSError:
        # Another process finished the same export first; theirs is as good as ours.
        if not target.is_dir():
            raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m assistant.onnx_export MODEL_PATH OUT_DIR", file=sys.stderr)
        return 2
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        out_dir = export(args[0], args[1])
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    manifest = _read_json(out_dir / MANIFEST_NAME)
    print(f"exported {args[0]} to {out_dir} in {manifest['export_seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
