"""The built wheel, installed into a fresh virtual environment and run from another folder.

Dependencies come from this test environment (a `.pth` line puts its site-packages after
the new venv's own), so nothing is downloaded and only the wheel itself is installed: the
new venv sees the package the way a gym's image would, without the source checkout.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow

QUESTIONS = [
    "Should I lock my knees at the top of the leg press?",
    "my lower back rounds off the pad when i go deep, what do i do",
    "Which exercises are easier on the back than the leg press?",
    "I get pins and needles in my right foot during leg press, why?",
    "I can't feel the inside of my thighs and I've lost control of my bladder",
    "What's a good protein shake?",
]

# One process answers every question, the way the server does (cold start paid once).
ASK_ALL = """
import json, sys
from assistant import Assistant
bot = Assistant.load(progress=False)
print(json.dumps([bot.ask(q).to_dict() for q in json.loads(sys.argv[1])]))
"""


def _essentials(reply: dict) -> dict:
    """What must not change between the checkout and the wheel (scores may differ in float
    rounding): the route, the reasons, and what is cited, verbatim."""
    return {"route": reply["route"], "reasons": reply["reasons"], "answer": reply["answer"],
            "citations": [(c["doc_id"], c["section"], c["text"]) for c in reply["citations"]]}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(python, env, cwd) of a fresh venv holding only the wheel, plus an empty work folder."""
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", str(PROJECT_ROOT), "--no-deps",
                            "-q", "-w", str(dist)],
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    (wheel,) = dist.glob("legpress_assistant-*.whl")

    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
                             capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr

    work = root / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(HOME=str(root / "home"), XDG_DATA_HOME=str(root / "xdg"), HF_HUB_OFFLINE="1",
               PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    return python, env, work, Path(site)


def test_the_wheel_ships_the_corpus_and_runs_outside_the_checkout(installed):
    python, env, work, site = installed
    where = subprocess.run([str(python), "-c", "import assistant, assistant.settings as s; "
                            "print(assistant.__file__); print(s.shipped_corpus_dir())"],
                           cwd=work, env=env, capture_output=True, text=True, check=True)
    package, corpus = where.stdout.split()
    assert Path(package).is_relative_to(site), "imported the checkout, not the wheel"
    assert sorted(p.name for p in Path(corpus).glob("*.md")) == sorted(
        p.name for p in (PROJECT_ROOT / "corpus").glob("*.md"))


def test_wheel_replies_match_the_checkout(installed, bot):
    python, env, work, site = installed
    out = subprocess.run([str(python), "-c", ASK_ALL, json.dumps(QUESTIONS)], cwd=work, env=env,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    from_wheel = json.loads(out.stdout)
    for question, reply in zip(QUESTIONS, from_wheel):
        assert _essentials(reply) == _essentials(bot.ask(question).to_dict()), question
    routes = {r["route"] for r in from_wheel}
    assert {"answer", "professional", "emergency"} <= routes  # the safety layer came along
    # The index went to the per-user data folder, never into site-packages or the work folder.
    data = Path(env["XDG_DATA_HOME"]) / "legpress-assistant"
    assert (data / "chroma").is_dir()
    assert not list(site.glob("**/chroma.sqlite3")) and not list(work.iterdir())


def test_console_script_and_module_answer_from_another_folder(installed):
    python, env, work, site = installed
    for command in ([str(python.parent / "assistant")], [str(python), "-m", "assistant"]):
        out = subprocess.run([*command, "ask", "--json", QUESTIONS[0]], cwd=work, env=env,
                             capture_output=True, text=True, timeout=600)
        assert out.returncode == 0, out.stderr[-3000:]
        assert json.loads(out.stdout)["route"] == "answer"
    # Maintainer tools that need the checkout say so instead of failing half-way.
    out = subprocess.run([*command, "eval"], cwd=work, env=env, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr[-2000:]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_from_the_wheel(installed):
    python, env, work, site = installed
    port = _free_port()
    server = subprocess.Popen([str(python.parent / "assistant"), "serve", "--port", str(port)],
                              cwd=work, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                    health = json.load(response)
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()[-3000:]
                assert time.monotonic() < deadline, "server did not start in 180 s"
                time.sleep(1)
        assert health["ready"] is True
        request = urllib.request.Request(base + "/api/ask", method="POST",
                                         data=json.dumps({"message": QUESTIONS[3]}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            assert json.load(response)["route"] == "professional"
        with urllib.request.urlopen(base + "/widget.js", timeout=10) as response:
            assert b"__WIDGET_CONFIG__" not in response.read()
    finally:
        server.terminate()
        server.wait(timeout=30)
