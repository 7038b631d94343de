"""Helpers for the browser tests and the screenshot script: local servers and Chromium.

Servers listen on 127.0.0.1 only, on ports the OS picks, and stop when their `with`
block ends. Chromium is Debian's (`/usr/bin/chromium`); nothing is downloaded.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PAGE = ROOT / "examples" / "gym-site" / "index.html"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]
# A host page that tries hard to break an embedded widget.
HOSTILE_CSS = """<style>
* { all: unset !important; }
html, body { font-size: 64px !important; line-height: 3 !important; }
body { font-family: "Comic Sans MS", cursive !important; color: #ff00ff !important; }
div, button, textarea { font-size: 72px !important; }
</style>"""


class ServerThread:
    """Run an ASGI app with uvicorn in a daemon thread on a free 127.0.0.1 port.

    The port is taken at construction, so an app can be built knowing its own URL
    (or another server's) and assigned to `.app` before the `with` block.
    """

    def __init__(self, app=None):
        self.app = app
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None

    def __enter__(self) -> ServerThread:
        config = uvicorn.Config(self.app, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"server on {self.url} did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        assert self.server is not None and self.thread is not None
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def sample_page(widget_src: str, extra_head: str = "", extra_attrs: str = "") -> str:
    """The sample gym page with its widget tag pointing at `widget_src`."""
    html = SAMPLE_PAGE.read_text(encoding="utf-8")
    html, count = re.subn(r'src="[^"]*/widget\.js"', f'src="{widget_src}" {extra_attrs}', html)
    assert count == 1, "the sample page must have exactly one widget tag"
    return html.replace("</head>", extra_head + "</head>", 1)


def gym_site(assistant_url: str) -> Starlette:
    """A stand-in for a gym's website on another origin.

    `/` is the sample page, `/hostile` adds hostile CSS, `/options` sets data- options.
    """
    src = f"{assistant_url}/widget.js"

    async def index(request):
        return HTMLResponse(sample_page(src))

    async def hostile(request):
        return HTMLResponse(sample_page(src, HOSTILE_CSS))

    async def options(request):
        # Bottom left, open on load, and an accent that is not a colour (ignored).
        attrs = 'data-position="bottom-left" data-open data-accent="red;}*{display:none"'
        return HTMLResponse(sample_page(src, extra_attrs=attrs))

    async def favicon(request):
        return Response(status_code=204)

    return Starlette(routes=[Route("/", index), Route("/hostile", hostile),
                             Route("/options", options), Route("/favicon.ico", favicon)])


def launch_chromium(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
