"""The web surfaces' parts, one concern per module; `app` wires them.

- `app`: `create_app`, the FastAPI app (routes for health, metrics, the widget, and the
  middleware stack) with the Gradio chat mounted at /;
- `ask`: the question routes (`/api/ask`, `/api/ask/stream`) and their /metrics counting;
- `feedback`: the thumbs up/down routes;
- `chat`: the Gradio chat page;
- `requests`: reading and checking request bodies (the models are `assistant.question`);
- `middleware`: error shape, Host check, closed Gradio routes, rate limits, body limit,
  headers, origins;
- `errors`: the `{"error"}` shape and operator-safe failure descriptions;
- `widget`: the widget script;
- `transcripts`: the opt-in transcript log.

Only `app` imports the others' routes and the chat, and nothing here imports
`assistant.server` (which starts the server around `app`), so there is no import circle.
"""
