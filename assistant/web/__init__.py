"""The web surfaces' parts, one concern per module; `assistant.server` wires them.

- `errors`: the `{"error"}` shape and operator-safe failure descriptions;
- `requests`: reading and checking request bodies;
- `middleware`: error shape, Host check, closed Gradio routes, throttling, headers, origins;
- `widget`: the widget script;
- `transcripts`: the opt-in transcript log.

The Gradio chat is `assistant.ui`, rate limits and feedback `assistant.shared_state`.
Nothing here imports `assistant.server` or `assistant.ui`, so there is no import circle.
"""
