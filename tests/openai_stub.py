"""A scripted OpenAI-compatible chat server (real HTTP on 127.0.0.1, in a thread).

It speaks the same `/v1/chat/completions` interface as a hosted API or llama.cpp's server
(JSON, or server-sent events when `stream` is true), and answers with whatever the test
scripted: so the adversarial cases (an invented citation, a claim not in the passage, an
invented dose, an attempt to override the safety route, a timeout) are deterministic.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Script = Callable[[str], str]  # the prompt's text -> the answer to send


def passages_in(prompt: str) -> dict[int, str]:
    """The numbered passages the assistant put in its prompt."""
    block = prompt.split("Passages:\n", 1)[1].split("\n\nQuestion:", 1)[0]
    return {int(n): text.strip() for n, text in re.findall(r"\[(\d+)\] (.*?)(?=\n\n\[\d+\] |\Z)",
                                                          block, re.S)}


def first_sentence(text: str) -> str:
    """The passage's first sentence (or its first line, before a list)."""
    return re.split(r"(?<=[.!?])\s+|\n", text.strip(), maxsplit=1)[0]


class StubServer:
    def __init__(self):
        self.script: Script = lambda prompt: "The guidance does not cover that."
        self.delay_s = 0.0
        self.piece_delay_s = 0.0  # between streamed pieces: a model writing as it thinks
        self.status = 200
        self.requests: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append(body)
                if stub.delay_s:
                    time.sleep(stub.delay_s)
                if stub.status != 200:
                    self._send(stub.status, {"error": {"message": "scripted failure"}})
                    return
                prompt = "\n".join(str(m.get("content")) for m in body["messages"])
                answer = stub.script(prompt)
                if body.get("stream"):
                    self._stream(answer, body.get("model", "stub"))
                else:
                    self._send(200, {
                        "id": "stub-1", "object": "chat.completion", "created": 0,
                        "model": body.get("model", "stub"),
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": answer}}],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})

            def _send(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, answer: str, model: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                pieces = re.findall(r"\S+\s*", answer)
                for piece in pieces:
                    time.sleep(stub.piece_delay_s)
                    chunk = {"id": "stub-1", "object": "chat.completion.chunk", "created": 0,
                             "model": model, "choices": [{"index": 0, "delta": {"content": piece},
                                                          "finish_reason": None}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                end = {"id": "stub-1", "object": "chat.completion.chunk", "created": 0,
                       "model": model, "choices": [{"index": 0, "delta": {},
                                                    "finish_reason": "stop"}]}
                self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
                self.wfile.flush()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def reset(self) -> None:
        """Back to a prompt, healthy server between tests."""
        self.delay_s, self.piece_delay_s, self.status = 0.0, 0.0, 200
        self.requests.clear()

    def __enter__(self) -> StubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
