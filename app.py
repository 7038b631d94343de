"""Start the assistant: `python app.py` serves the Gradio chat at http://127.0.0.1:7860/,
the JSON API at /api/ask and the embeddable widget at /widget.js.

Settings come from ASSISTANT_* environment variables (see README); the first run builds
the guidance index from corpus/ with a progress bar.
"""

from assistant.errors import AssistantError
from assistant.server import serve
from assistant.settings import load_settings

if __name__ == "__main__":
    try:
        serve(load_settings())
    except AssistantError as exc:  # a bad setting, an unreachable index: the message says the fix
        raise SystemExit(f"error: {exc}") from None
