"""Nothing a member types reaches a log line, a traceback, the data folder or the temp
folder by default: every route is exercised with a canary, malformed requests included,
then the logs and both folders are searched for it."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from assistant.server import create_app

CANARY = "zq-canary-8841 my left calf"


def _files_with(folder: Path, since: float, needle: bytes) -> list[Path]:
    hits = []
    # os.walk, not rglob: other processes' temp folders may vanish mid-walk.
    paths = (Path(root, name) for root, _, names in os.walk(folder) for name in names)
    for path in paths:
        try:
            if (path.is_file() and path.stat().st_mtime >= since
                    and path.stat().st_size < 20_000_000 and needle in path.read_bytes()):
                hits.append(path)
        except OSError:
            continue
    return hits


def test_no_user_text_in_logs_data_or_temp(bot, settings, tmp_path, caplog, capfd):
    started = time.time() - 1
    data = tmp_path / "data"
    app = create_app(bot, settings.model_copy(update={"data_dir": data, "rate_limit_per_minute": 0}))
    caplog.set_level(logging.DEBUG)
    with TestClient(app, raise_server_exceptions=False) as client:
        client.post("/api/ask", json={"message": f"How deep should I go? {CANARY}"})
        client.post("/api/ask", json={"message": f"I wet myself and can't feel my groin {CANARY}"})
        client.post("/api/ask", json={"message": CANARY, "history": [{"role": "robot",
                                                                      "content": CANARY}]})
        client.post("/api/ask", json={"message": CANARY, "history": CANARY})
        client.post("/api/ask", content=f'{{"message": "{CANARY}"', headers={
            "Content-Type": "application/json"})
        client.post("/api/ask", content=CANARY, headers={"Content-Type": "text/plain"})
        client.post("/api/ask", json={"message": CANARY * 500})
        client.post("/api/ask", json={"message": CANARY + "\u0000"})
        client.post("/api/ask", content=f'{{"message": "{CANARY} \\ud800"}}',  # lone surrogate
                    headers={"Content-Type": "application/json"})
        # The Gradio chat itself (joined through its queue, its event stream read, as the
        # page does), and the thumbs event with a payload it cannot read.
        config = client.get("/config").json()
        chat = next(d["id"] for d in config["dependencies"] if d.get("api_name") == "chat")
        join = client.post("/gradio_api/queue/join", json={
            "data": [CANARY, []], "fn_index": chat, "session_hash": "canary1",
            "event_data": None})
        assert join.status_code == 200, join.text
        with client.stream("GET", "/gradio_api/queue/data?session_hash=canary1") as stream:
            events = []
            for line in stream.iter_lines():
                if line.startswith("data:"):
                    events.append(json.loads(line[5:]))
                    if events[-1].get("msg") == "process_completed":
                        break
        assert events[-1].get("success") is True, events[-1]  # the chat answered
        like = next(d["id"] for d in config["dependencies"]
                    if any(t[1] == "like" for t in d.get("targets", [])))
        client.post("/gradio_api/run/predict", json={
            "data": [[{"role": "user", "content": CANARY}]], "fn_index": like,
            "event_data": {"index": CANARY, "value": CANARY, "liked": CANARY},
            "session_hash": "abc"})
        client.post("/api/feedback", json={"helpful": False, "route": "answer",
                                           "message": CANARY, "answer": CANARY})
        client.post("/api/feedback", json={"helpful": CANARY})
        client.post("/gradio_api/queue/join", json={"data": [CANARY, []], "fn_index": 0,
                                                    "session_hash": "abc"})
        client.post("/gradio_api/queue/join", json={"data": [CANARY], "fn_index": 999})
        client.post("/gradio_api/queue/join", content=CANARY)
        client.post("/gradio_api/run/predict", json={"data": [CANARY], "fn_index": 3})
        client.post("/gradio_api/upload", files={"files": ("note.txt", CANARY.encode())})
        client.get(f"/?deep_link={CANARY}")
        client.get(f"/api/{CANARY}")
        client.request("TRACE", f"/{CANARY}")
    out, err = capfd.readouterr()
    needle = "zq-canary-8841"
    # The test's own HTTP client logs the URLs it requests; everything else is the server.
    server = [r for r in caplog.records if not r.name.startswith("httpx")]
    leaks = [f"{r.name}: {r.getMessage()[:160]}" for r in server
             if needle in r.getMessage() or needle in (r.exc_text or "")]
    assert not leaks, leaks
    assert needle not in out and needle not in err
    assert not _files_with(data, started, needle.encode()), "user text stored in the data folder"
    assert not _files_with(Path(tempfile.gettempdir()), started, needle.encode()), (
        "user text written to the temp folder")
