"""The opt-in transcript log (off by default: what members type is health information)."""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from assistant.types import Reply

log = logging.getLogger("assistant.server")

class Transcripts:
    """Opt-in log of what users typed and what they got (`data_dir/transcripts.jsonl`)."""

    def __init__(self, settings: Settings):
        self.path = Path(settings.data_dir) / "transcripts.jsonl"
        self.enabled = settings.log_transcripts
        self._lock = threading.Lock()

    def write(self, kind: str, **fields: Any) -> None:
        if not self.enabled:
            return
        entry = {"time": datetime.now(UTC).isoformat(timespec="seconds"),
                 "kind": kind, **fields}
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
            except OSError:
                log.warning("could not write transcript to %s", self.path)

    def reply(self, surface: str, message: str, reply: Reply) -> None:
        self.write("ask", surface=surface, message=message, route=reply.route,
                   answer=reply.text)
