"""Our routes' OpenAPI document, and real responses checked against its models."""

from __future__ import annotations

from fastapi.testclient import TestClient

from assistant.api_schema import Error, Health, Reply, Votes
from assistant.server import create_app


def test_the_schema_covers_our_routes_only_with_the_configured_limits(bot, settings, tmp_path):
    app = create_app(bot, settings.model_copy(update={"data_dir": tmp_path,
                                                      "max_message_chars": 1500}))
    with TestClient(app) as client:
        doc = client.get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {"/api/ask", "/api/ask/stream", "/api/feedback", "/healthz",
                                 "/metrics"}
    ask = doc["components"]["schemas"]["AskRequest"]
    assert ask["properties"]["message"]["maxLength"] == 1500
    turns = [s for s in ask["properties"]["history"]["anyOf"] if s.get("type") == "array"]
    assert turns[0]["maxItems"] == settings.max_history_turns
    assert {"type": "null"} in ask["properties"]["history"]["anyOf"]  # null = no history
    # A history turn's own cap, which the server enforces too (web/requests.py).
    assert doc["components"]["schemas"]["Turn"]["properties"]["content"]["maxLength"] == 15000
    for name in ("Reply", "CitationOut", "Turn", "Error", "Health", "Votes", "FeedbackRequest"):
        assert name in doc["components"]["schemas"], name
    assert "gradio" not in str(doc["paths"]).lower()


def test_real_responses_match_the_schema(bot, settings, tmp_path):
    app = create_app(bot, settings.model_copy(update={"data_dir": tmp_path}))
    with TestClient(app) as client:
        for message in ("Should I lock my knees at the top?",
                        "My right leg goes numb during leg press",
                        "I can't feel my groin and I've wet myself",
                        "What's the best pizza topping?"):
            reply = Reply.model_validate(client.post("/api/ask", json={"message": message}).json())
            assert all(f"[{c.n}]" in reply.answer for c in reply.citations) or not reply.citations
        Error.model_validate(client.post("/api/ask", json={"message": ""}).json())
        Error.model_validate(client.get("/api/nothing-here").json())
        Health.model_validate(client.get("/healthz").json())
        client.post("/api/feedback", json={"helpful": True, "route": "answer"})
        for votes in client.get("/api/feedback").json().values():
            Votes.model_validate(votes)
