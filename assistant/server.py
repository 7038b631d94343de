"""Running the assistant's web server: `serve(settings)` builds the index if it is
missing (in a child process), starts the answer workers and runs uvicorn around the app
`assistant.web.app.create_app` wires (re-exported here, where callers have found it).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from assistant.errors import AssistantError
from assistant.settings import Settings, load_settings
from assistant.web.app import create_app
from assistant.web.errors import SERVER_ERROR, ApiError, describe_failure
from assistant.web.requests import max_body_bytes, parse_question, read_json

if TYPE_CHECKING:
    import uvicorn

log = logging.getLogger(__name__)

__all__ = ["ApiError", "SERVER_ERROR", "create_app", "describe_failure", "max_body_bytes",
           "parse_question", "read_json", "serve", "uvicorn_config"]


def _build_index(settings: Settings) -> None:
    from assistant.engine import Assistant, build_index_if_missing

    build_index_if_missing(settings)
    # Open it once here too: that saves the index snapshot (chunks, BM25, vectors), so the
    # workers open from it without chromadb or bm25s, and stay small.
    Assistant.load(settings, progress=False, warm=False)


def build_index_in_child(settings: Settings) -> None:
    """Build a missing index in a child process: torch (about 0.6 GB) is needed only to
    embed the corpus and leaves with the child, so the server stays small."""
    import multiprocessing

    from assistant.engine import index_is_missing

    if not index_is_missing(settings):
        return
    child = multiprocessing.get_context("spawn").Process(target=_build_index, args=(settings,))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise AssistantError(f"Building the index failed (exit status {child.exitcode}); see "
                             "the messages above, then run `assistant ingest` to retry.")


def serve(settings: Settings | None = None) -> None:
    """Build the index if it is missing, start the answer workers and serve."""
    import uvicorn

    settings = settings or load_settings()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    print("Loading the assistant (the first run builds the index)…", flush=True)
    build_index_in_child(settings)
    workers = settings.answer_workers
    if workers > 1:
        from assistant.workers import AnswerPool

        bot = AnswerPool(settings, workers)
        bot.warm()
    else:
        from assistant import Assistant

        bot = Assistant.load(settings)
        bot.watch_index(settings.index_check_seconds)
    try:
        app = create_app(bot, settings)
        stats = bot.stats()
        base = f"http://{settings.host}:{settings.port}"
        print(
            f"Ready: {stats.get('documents')} documents, {stats.get('chunks')} passages, "
            f"{workers} answer worker{'s' if workers > 1 else ''}.\n"
            f"  Chat:   {base}/\n  API:    POST {base}/api/ask\n"
            f"  Health: {base}/healthz\n"
            f"  Widget: <script src=\"{base}/widget.js\" defer></script>",
            flush=True,
        )
        uvicorn.Server(uvicorn_config(app, settings)).run()
    finally:
        if hasattr(bot, "close"):
            bot.close()


def uvicorn_config(app, settings: Settings) -> uvicorn.Config:
    """How the server listens. X-Forwarded-For is believed only from `trusted_proxies`:
    uvicorn's default trusts any loopback peer, which let one client rotate the header past
    the rate limit (issue 12)."""
    import uvicorn

    trusted = ",".join(settings.trusted_proxies)
    return uvicorn.Config(app, host=settings.host, port=settings.port, log_level="info",
                          proxy_headers=bool(trusted), forwarded_allow_ips=trusted or "")
