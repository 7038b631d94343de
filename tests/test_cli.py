"""The `assistant` console script in a real subprocess."""

import json
import os
import subprocess
import sys


def _run(args, settings, **env):
    full_env = {**os.environ, "ASSISTANT_DATA_DIR": str(settings.data_dir), **env}
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True,
                          text=True, env=full_env, timeout=300)


def test_ask_json_prints_the_reply_contract(bot, settings):
    out = _run(["ask", "Should I lock my knees at the top of the leg press?", "--json"], settings)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"route", "answer", "citations", "reasons"}
    assert data["route"] == "answer" and data["citations"]
    assert {"n", "doc_id", "title", "section", "text", "score", "sources", "reviewed"} == set(
        data["citations"][0])
    # provenance from the cited document's front matter travels with the citation
    assert data["citations"][0]["reviewed"] and data["citations"][0]["sources"]


def test_ingest_is_a_no_op_on_an_up_to_date_index(bot, settings):
    out = _run(["ingest"], settings)
    assert out.returncode == 0, out.stderr
    assert "nothing to embed" in out.stdout


def test_ingest_leaves_the_snapshot_a_cold_ask_opens_from(bot, settings, tmp_path):
    import shutil

    shutil.copytree(settings.data_dir, tmp_path / "index")
    shutil.rmtree(tmp_path / "index" / "snapshots")
    local = settings.model_copy(update={"data_dir": tmp_path / "index"})
    assert _run(["ingest"], local).returncode == 0
    (folder,) = (tmp_path / "index" / "snapshots").iterdir()
    assert {"chunks.json", "bm25.npz", "chunk_vectors.npy", "sentence_vectors.npy"} <= {
        p.name for p in folder.iterdir()}


def test_user_errors_are_one_clean_line(bot, settings):
    out = _run(["ask", "   "], settings)
    assert out.returncode == 2
    assert out.stderr.startswith("error: The message is empty")
    assert "Traceback" not in out.stderr
    out = _run(["ingest", "/no/such/folder"], settings)
    assert out.returncode == 2 and "no such file or folder" in out.stderr


def test_help_is_fast_and_lists_commands():
    out = subprocess.run([sys.executable, "-m", "assistant", "--help"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0
    for command in ("ask", "ingest", "eval", "serve", "triage", "settings"):
        assert command in out.stdout


def test_a_bad_setting_is_a_clear_error_not_a_traceback(settings):
    out = _run(["ask", "hi"], settings, ASSISTANT_TOP_K="abc", CHROMA_PORT="x")
    assert out.returncode != 0
    assert "ASSISTANT_TOP_K='abc'" in out.stderr and "CHROMA_PORT='x'" in out.stderr
    assert "Traceback" not in out.stderr and "pydantic" not in out.stderr
