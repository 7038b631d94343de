"""Leg-press back-pain assistant: grounded, cited, safety-routed answers from a guidance corpus.

    from assistant import Assistant
    bot = Assistant.load()          # settings from ASSISTANT_* env vars; builds the index if missing
    reply = bot.ask("How do I stop my lower back lifting off the pad?")
    reply.route, reply.text, reply.citations, reply.reasons, reply.to_dict()

Heavy modules load lazily, so `import assistant` (and `assistant --help`) stay instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import (
    AssistantError,
    ConfigError,
    CorpusError,
    IndexUnavailableError,
    InvalidQuestionError,
)
from .types import Chunk, Citation, Hit, Reply, Triage

if TYPE_CHECKING:
    from .engine import Assistant
    from .settings import Settings

__all__ = [
    "Assistant", "Settings", "Reply", "Citation", "Chunk", "Hit", "Triage",
    "AssistantError", "ConfigError", "CorpusError", "IndexUnavailableError",
    "InvalidQuestionError",
]


def __getattr__(name: str):
    if name == "Assistant":
        from .engine import Assistant

        return Assistant
    if name == "Settings":
        from .settings import Settings

        return Settings
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
