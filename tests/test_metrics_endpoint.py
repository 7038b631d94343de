"""`/metrics`: Prometheus counts of what the server did, never what anyone typed."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from assistant.server import create_app

SECRET = "canary-7f3a my left calf"


def _value(text: str, name: str, **labels: str) -> float:
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = "^" + re.escape(name) + (r"\{" + re.escape(want) + r"\}" if want else "") + r" (\S+)$"
    found = re.search(pattern, text, re.MULTILINE)
    assert found, f"{name}{{{want}}} missing from\n{text}"
    return float(found.group(1))


def test_metrics_count_routes_failures_votes_and_latency(bot, settings, tmp_path):
    app = create_app(bot, settings.model_copy(update={"data_dir": tmp_path}))
    with TestClient(app) as client:
        for message in ("Should I lock my knees at the top?", "How deep should I go?",
                        f"I can't feel my groin and I wet myself {SECRET}",
                        "What's the best pizza topping?"):
            assert client.post("/api/ask", json={"message": message}).status_code == 200
        assert client.post("/api/ask", json={"message": "   "}).status_code == 400
        client.post("/api/feedback", json={"helpful": False, "route": "emergency",
                                           "message": SECRET})
        text = client.get("/metrics").text
    assert _value(text, "assistant_replies_total", surface="api", route="answer") == 2
    assert _value(text, "assistant_replies_total", surface="api", route="emergency") == 1
    assert _value(text, "assistant_replies_total", surface="api", route="out_of_scope") == 1
    assert _value(text, "assistant_failed_requests_total", surface="api", kind="invalid") == 1
    assert _value(text, "assistant_feedback_votes_total", route="emergency", vote="down") == 1
    assert _value(text, "assistant_ask_seconds_count") == 4
    assert _value(text, "assistant_ask_seconds_bucket", le="+Inf") == 4
    assert _value(text, "assistant_index_chunks") == bot.stats()["chunks"]
    assert _value(text, "assistant_ready") == 1
    version = re.search(r'assistant_index_info\{version="([0-9a-f]+)"', text)
    assert version and version.group(1) == bot.index_version
    assert "canary" not in text and "calf" not in text


def test_not_covered_replies_are_counted(bot, settings, tmp_path):
    app = create_app(bot, settings.model_copy(update={"data_dir": tmp_path}))
    with TestClient(app) as client:
        reply = client.post("/api/ask", json={"message": "How do I fix my rowing machine's "
                                              "resistance dial?"}).json()
        text = client.get("/metrics").text
    covered = "not covered by the guidance" in reply["reasons"]
    assert _value(text, "assistant_not_covered_total") == (1 if covered else 0)


def test_metrics_token_guards_the_endpoint_and_healthz_keeps_its_shape(bot, settings, tmp_path):
    app = create_app(bot, settings.model_copy(update={"data_dir": tmp_path,
                                                      "metrics_token": "s3cret"}))
    with TestClient(app) as client:
        assert client.get("/metrics").status_code == 401
        ok = client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200 and ok.headers["content-type"].startswith("text/plain")
        assert set(client.get("/healthz").json()) == {"ready", "documents", "chunks", "model"}
