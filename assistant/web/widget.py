"""The embeddable widget script, with its wording and limits filled in."""

from __future__ import annotations

import json
from pathlib import Path

from assistant import messages
from assistant.settings import Settings

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
WIDGET_CACHE_CONTROL = "public, max-age=3600"

def render_widget(settings: Settings) -> bytes:
    """The widget script with its wording and limits filled in (one place for wording)."""
    config = {
        "greeting": messages.WIDGET_GREETING,
        "title": messages.UI_TITLE,
        "disclaimer": messages.DISCLAIMER,
        "professional": messages.BANNER_PROFESSIONAL,
        "emergency": messages.BANNER_EMERGENCY,
        "sources": messages.SOURCES_LABEL,
        "reviewed": messages.REVIEWED_LABEL,
        "input": messages.UI_INPUT_LABEL,
        "placeholder": messages.UI_INPUT_PLACEHOLDER,
        "send": messages.UI_SEND,
        "open": messages.UI_OPEN,
        "close": messages.UI_CLOSE,
        "thinking": messages.UI_THINKING,
        "helpful": messages.UI_HELPFUL,
        "notHelpful": messages.UI_NOT_HELPFUL,
        "thanks": messages.UI_FEEDBACK_THANKS,
        "error": messages.UI_ERROR,
        "unreachable": messages.UI_UNREACHABLE,
        "refused": messages.UI_REFUSED_ORIGIN,
        "maxChars": settings.max_message_chars,
        "maxTurns": settings.max_history_turns,
        # With LLM answers on, read /api/ask/stream: checked sentences show as they come.
        "stream": bool(settings.llm_base_url),
    }
    # "<" escaped so no string can close a script element if the file is ever inlined.
    blob = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
    source = (STATIC_DIR / "widget.js").read_text(encoding="utf-8")
    return source.replace("__WIDGET_CONFIG__", blob, 1).encode("utf-8")
