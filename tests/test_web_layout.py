"""The web code's shape: `assistant/web/` parts never import the wiring, the server or the
chat UI; only `app` (the wiring) puts them together."""

from __future__ import annotations

import ast
from pathlib import Path

import assistant

WEB = Path(assistant.__file__).parent / "web"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            found.add(("." * node.level) + base)
    return found


def test_web_parts_do_not_import_the_server_or_the_ui():
    modules = sorted(WEB.glob("*.py"))
    assert {m.stem for m in modules} >= {"app", "ask", "chat", "errors", "feedback", "requests",
                                         "middleware", "widget", "transcripts"}
    wiring = {"assistant.server", "assistant.web.app", ".app", "..server"}
    for module in modules:
        imported = _imports(module)
        assert not imported & wiring, module.name
        if module.stem != "app":  # the chat UI is mounted by the wiring alone
            assert not imported & {"assistant.web.chat", ".chat"}, module.name


def test_the_wiring_holds_no_routes_of_the_parts():
    """Questions and feedback are served by their own modules' routers, not the wiring."""
    source = (WEB / "app.py").read_text(encoding="utf-8")
    for route in ("/api/ask", "/api/ask/stream", "/api/feedback"):
        for verb in ("post", "get"):
            assert f'.{verb}("{route}"' not in source, route
