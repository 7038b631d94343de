"""The web code's shape: `assistant/web/` parts never import the wiring or the chat UI."""

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
    assert {m.stem for m in modules} >= {"errors", "requests", "middleware", "widget", "transcripts"}
    for module in modules:
        imported = _imports(module)
        assert not imported & {"assistant.server", "assistant.ui", "..server", "..ui"}, module.name


def test_the_ui_does_not_import_the_server():
    assert "assistant.server" not in _imports(Path(assistant.__file__).parent / "ui.py")
