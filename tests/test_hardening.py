"""Issue 12: the Gradio routes this product does not use are closed, the question budget
covers Gradio's own routes, the Host is checked, and the trainer page can require a login."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.errors import ConfigError
from assistant.server import create_app
from assistant.settings import load_settings


@pytest.fixture
def app_for(bot, settings, tmp_path):
    def make(**update):
        return TestClient(create_app(bot, settings.model_copy(
            update={"data_dir": tmp_path, **update})))
    return make


@pytest.mark.parametrize("method, path", [
    ("POST", "/gradio_api/upload"),
    ("GET", "/gradio_api/deep_link?session_hash=abc"),
    ("GET", "/?deep_link=abc"),
    ("GET", "/gradio_api/info"),
    ("GET", "/gradio_api/openapi.json"),
    ("GET", "/monitoring"),
    ("GET", "/monitoring/summary"),
])
def test_unused_gradio_routes_are_closed_with_our_error_shape(app_for, method, path):
    with app_for() as client:
        response = client.request(method, path, files={"files": ("x.txt", b"canary")}
                                  if method == "POST" else None)
    assert response.status_code == 404
    assert response.json() == {"error": "Not found."}


def test_the_chat_page_still_loads(app_for):
    with app_for() as client:
        assert client.get("/").status_code == 200
        assert client.get("/config").status_code == 200


def test_gradio_event_routes_spend_the_question_budget(app_for):
    with app_for(rate_limit_per_minute=2) as client:
        statuses = [client.post("/gradio_api/queue/join", json={}).status_code for _ in range(3)]
        limited = client.post("/api/ask", json={"message": "How deep should I go?"})
    assert statuses[:2] != [429, 429] and statuses[2] == 429
    assert limited.status_code == 429 and "Retry-After" in limited.headers  # one shared budget


def test_an_unknown_host_is_refused(app_for):
    with app_for(allowed_hosts=["assistant.mygym.com"]) as client:
        refused = client.get("/healthz", headers={"Host": "evil.example"})
        assert refused.status_code == 400 and "ASSISTANT_ALLOWED_HOSTS" in refused.json()["error"]
        assert client.get("/healthz", headers={"Host": "assistant.mygym.com:443"}).status_code == 200


def test_a_client_cannot_choose_the_pages_urls_with_forwarded_headers(app_for):
    """Gradio builds the page's URLs from X-Forwarded-Host/-Proto. Without a trusted proxy
    they are dropped; behind one, the forwarded host must be an allowed host too."""
    evil = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
    with app_for() as client:
        config = client.get("/config", headers=evil)
    assert config.status_code == 200 and "evil.example" not in config.text
    with app_for(trusted_proxies=["10.0.0.2"], allowed_hosts=["assistant.mygym.com"]) as client:
        refused = client.get("/config", headers={"Host": "assistant.mygym.com", **evil})
        proxied = client.get("/config", headers={"Host": "assistant.mygym.com",
                                                 "X-Forwarded-Host": "assistant.mygym.com",
                                                 "X-Forwarded-Proto": "https"})
    assert refused.status_code == 400 and "ASSISTANT_ALLOWED_HOSTS" in refused.json()["error"]
    assert proxied.status_code == 200 and "https://assistant.mygym.com" in proxied.text


def test_an_unknown_host_cannot_open_a_websocket_either():
    from starlette.applications import Starlette
    from starlette.routing import WebSocketRoute
    from starlette.websockets import WebSocketDisconnect

    from assistant.web.middleware import HostGuard

    async def echo(ws):
        await ws.accept()
        await ws.send_text("hello")
        await ws.close()

    app = HostGuard(Starlette(routes=[WebSocketRoute("/ws", echo)]), ["assistant.mygym.com"])
    with TestClient(app) as client:
        with pytest.raises(WebSocketDisconnect) as refused:
            with client.websocket_connect("/ws", headers={"Host": "evil.example"}):
                pass
        assert refused.value.code == 1008
        with client.websocket_connect("/ws", headers={"Host": "assistant.mygym.com"}) as ws:
            assert ws.receive_text() == "hello"


def test_the_trainer_page_can_require_a_login_while_the_widget_api_stays_open(app_for):
    with app_for(trainer_auth=["coach:s3cret"]) as client:
        assert client.get("/config").status_code in (401, 403)
        assert client.post("/api/ask", json={"message": "How deep should I go?"}).status_code == 200
        wrong = client.post("/login", data={"username": "coach", "password": "nope"})
        assert wrong.status_code >= 400
        client.post("/login", data={"username": "coach", "password": "s3cret"})
        assert client.get("/config").status_code == 200


def test_a_malformed_trainer_login_setting_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("ASSISTANT_TRAINER_AUTH", "coach-without-password")
    with pytest.raises(ConfigError, match="ASSISTANT_TRAINER_AUTH"):
        load_settings()


@pytest.mark.parametrize("method, path, status", [
    ("TRACE", "/", 405),
    ("TRACE", "/api/ask", 404),
    ("GET", "/?page=x", 404),  # Gradio raised KeyError here and answered 500 in plain text
    ("GET", "/nonexistent", 404),
    ("POST", "/gradio_api/queue/join", 4),  # any 4xx: Gradio's own validation
])
def test_every_error_has_our_shape_and_echoes_nothing(app_for, method, path, status):
    with app_for() as client:
        response = TestClient(client.app, raise_server_exceptions=False).request(
            method, path, json={"data": ["zq-canary"]} if method == "POST" else None)
    assert (response.status_code // 100 if status < 10 else response.status_code) == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["error"], str) and body["error"]
    assert "zq-canary" not in response.text and "Traceback" not in response.text


def test_a_full_chat_queue_says_busy_not_went_wrong():
    from starlette.responses import JSONResponse

    from assistant import messages
    from assistant.web.middleware import ErrorShape

    async def gradio_queue(scope, receive, send):  # what Gradio's /queue/join answers when full
        full = {"detail": "Queue is full. Max size is 1 and size is 1."}  # gradio/queueing.py
        await JSONResponse(full, status_code=503)(scope, receive, send)

    response = TestClient(ErrorShape(gradio_queue)).post("/gradio_api/queue/join", json={})
    assert response.status_code == 503
    assert response.json()["error"] == messages.CHAT_BUSY
    assert response.json()["detail"].startswith("Queue is full")  # Gradio's page shows it
