"""Gradio chat for trainers and standalone use, mounted by `assistant.web.app`.

The chat function is a plain `fn(message, history)`; turning a Reply into chat
messages (`reply_messages`) and chat history back into engine history
(`engine_history`) are pure functions so they can be tested without a browser.
"""

from __future__ import annotations

import html
import logging
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from assistant import messages  # noqa: E402
from assistant.errors import AssistantError, IndexUnavailableError  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.types import Draft  # noqa: E402

if TYPE_CHECKING:
    from assistant import Assistant
    from assistant.types import Citation, Reply

log = logging.getLogger(__name__)

FeedbackFn = Callable[..., None]

BANNER_CLASS = "route-banner"
BANNERS = {
    "professional": ("⚠", messages.BANNER_PROFESSIONAL),
    "emergency": ("⚠", messages.BANNER_EMERGENCY),
}
_BANNER_RE = re.compile(r'^<div class="route-banner route-(\w+)"[^>]*>.*?</div>\s*', re.S)

CSS = """
.route-banner { display: block; margin: 0 0 .6em; padding: .45em .7em; border-radius: 6px;
  font-weight: 700; border-left: 5px solid; }
.route-professional { background: #fff4d6; color: #5c3d00; border-color: #d48a00; }
.route-emergency { background: #fde2e1; color: #7a0b0b; border-color: #c81e1e; }
.disclaimer { font-size: .9em; opacity: .85; }
@media (max-width: 640px) { .gradio-container { padding-left: 8px !important;
  padding-right: 8px !important; } }
"""


def theme() -> gr.themes.Base:
    """Default theme with system fonts only, so the page makes no font requests."""
    system = ["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"]
    mono = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]
    return gr.themes.Default(primary_hue="teal", font=system, font_mono=mono)


def _text(content: Any) -> str:
    """Plain text of a chat message's content (Gradio 6 passes a list of content blocks)."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text", "")) if content.get("type", "text") == "text" else ""
    if isinstance(content, (list, tuple)):
        return "\n".join(t for t in (_text(c) for c in content) if t)
    return ""


def _source_label(citation: Citation) -> str:
    section = citation.section or citation.title
    if citation.title and not section.startswith(citation.title):
        section = f"{citation.title} › {section}"
    return section


MAX_SOURCES_SHOWN = 3  # links under a cited passage; the rest are counted


def _provenance(citation: Citation) -> str:
    """"Reviewed <date> · Sources: <links>" under a cited passage (the document's front matter)."""
    parts = []
    if citation.reviewed:
        parts.append(f"{messages.REVIEWED_LABEL} {html.escape(citation.reviewed)}")
    links = [s for s in citation.sources if s.startswith(("https://", "http://"))]
    if links:
        shown = ", ".join(f"<{s}>" for s in links[:MAX_SOURCES_SHOWN])
        more = len(links) - MAX_SOURCES_SHOWN
        parts.append(f"{messages.SOURCES_LABEL}: {shown}" + (f" (+{more} more)" if more > 0 else ""))
    elif citation.sources:
        parts.append(f"{messages.SOURCES_LABEL}: {html.escape(citation.sources[0])}")
    return ("\n\n*" + " · ".join(parts) + "*") if parts else ""


# After a referral, show its banner and first line, not the end of a long reply: Gradio
# scrolls the chat to the bottom on every update, so once a new banner appears (the count
# grows; re-renders keep it), bring it back to the top of the view. Served as a file
# (/chat.js, loaded from the page's head): Gradio's `js=` runs through eval, which the
# page's CSP refuses.
SCROLL_JS = """
(() => {
  let banners = 0, target = null, timer = 0;
  const show = () => {
    if (target && !target.isConnected) {  // re-rendered: the same banner, a new element
      const all = document.querySelectorAll(".route-banner");
      target = all[all.length - 1] || null;
    }
    if (!target) return;
    const top = target.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight * 0.6) target.scrollIntoView({ block: "start" });
  };
  new MutationObserver(() => {
    const all = document.querySelectorAll(".route-banner");
    if (all.length > banners) target = all[all.length - 1];
    banners = all.length;
    if (!target) return;
    // Wait until the chat has settled (and scrolled itself to the bottom), then show the
    // banner; once more a little later in case a smooth scroll was still running.
    clearTimeout(timer);
    timer = setTimeout(() => { show(); setTimeout(() => { show(); target = null; }, 700); }, 300);
  }).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
})();
"""
HEAD = '<script src="./chat.js" defer></script>'


class _RedactedTracebacks:
    """Stands in for the `traceback` module inside Gradio's event code: Gradio prints the
    full traceback of a failed event to stderr, and for a malformed payload its message
    quotes the value the member sent (issue 12). We log the error's type and where it
    happened instead; everything else is the real module."""

    def __getattr__(self, name: str):
        return getattr(traceback, name)

    @staticmethod
    def print_exc(*args, **kwargs) -> None:
        from assistant.web.errors import describe_failure

        exc = sys.exc_info()[1]
        log.error("chat event failed: %s (details withheld: they may quote user text)",
                  describe_failure(exc) if exc is not None else "error")


def quiet_gradio_tracebacks() -> None:
    """Install `_RedactedTracebacks` in the Gradio modules that print event tracebacks."""
    import importlib

    for name in ("gradio.queueing", "gradio.route_utils", "gradio.routes", "gradio.utils"):
        module = importlib.import_module(name)
        if getattr(module, "traceback", None) is traceback:
            module.traceback = _RedactedTracebacks()


def reply_messages(reply: Reply | Draft) -> list[dict]:
    """Chat messages for one reply: the answer (with a route banner first) and its sources."""
    text = reply.text
    if reply.route in BANNERS:
        icon, label = BANNERS[reply.route]
        text = (
            f'<div class="{BANNER_CLASS} route-{reply.route}" role="alert">'
            f"{icon} {html.escape(label)}</div>\n\n{text}"
        )
    out = [{"role": "assistant", "content": text}]
    if reply.citations:
        parts = []
        for c in reply.citations:
            passage = "\n".join("> " + line for line in c.text.splitlines() if line.strip())
            parts.append(f"**[{c.n}] {_source_label(c)}**\n\n{passage}{_provenance(c)}")
        out.append({
            "role": "assistant",
            "content": "\n\n".join(parts),
            "metadata": {"title": f"{messages.SOURCES_LABEL} ({len(reply.citations)})",
                         "status": "done"},
        })
    return out


class EscapingChatInterface(gr.ChatInterface):
    """A ChatInterface that shows the member's own message as text.

    Gradio renders every chat message as Markdown with HTML, so a typed `<img src=…>` would
    show as an image (and fetch it). The member's message is HTML-escaped where it joins
    the chat; `engine_history` unescapes it, so the engine reads what was typed.
    """

    def _append_message_to_history(self, message, history, role="user"):
        if role == "user" and isinstance(message, str):
            message = html.escape(message, quote=False)
        return super()._append_message_to_history(message, history, role)


def engine_history(history: list[dict], max_turns: int) -> list[dict[str, str]]:
    """Chat history as the engine expects it: text turns, no source lists, no banners, the
    member's turns as typed (they were escaped for display)."""
    turns = []
    for message in history or []:
        role = message.get("role")
        if role not in ("user", "assistant") or (message.get("metadata") or {}).get("title"):
            continue
        text = _BANNER_RE.sub("", _text(message.get("content"))).strip()
        if role == "user":
            text = html.unescape(text)
        if text:
            turns.append({"role": role, "content": text})
    return turns[-max_turns:] if max_turns else []


def route_of(text: str) -> str:
    """The route a displayed reply had, read back from its banner."""
    match = _BANNER_RE.match(text)
    return match.group(1) if match else "answer"


def make_chat_fn(ask: Callable[..., Reply], settings: Settings,
                 on_reply: Callable[[str, str, Reply], None] | None = None,
                 ask_stream: Callable[..., Iterator[Draft | Reply]] | None = None,
                 ) -> Callable[[str, list], Any]:
    """The `fn(message, history)` behind the chat; errors become a friendly message.

    With `ask_stream` (LLM answers on) it is a generator, as Gradio streams one: each
    checked draft replaces the last, and the reply replaces them all."""

    def answers(message: str, history: list[dict]) -> Iterator[list[dict]]:
        message = message or ""
        try:
            # The engine checks the question (the same check as the HTTP API's) and says
            # what to change; the chat shows that message as the reply.
            turns = engine_history(history, settings.max_history_turns)
            for item in (ask_stream(message, history=turns) if ask_stream is not None
                         else [ask(message, history=turns)]):
                if isinstance(item, Draft):
                    yield reply_messages(item)
                    continue
                log.info("chat route=%s citations=%d", item.route, len(item.citations))
                if on_reply is not None:
                    on_reply("gradio", message.strip(), item)
                yield reply_messages(item)
        except IndexUnavailableError as exc:
            log.error("chat: index unavailable: %s", exc)
            yield [{"role": "assistant", "content": messages.INDEX_UNAVAILABLE}]
        except AssistantError as exc:
            yield [{"role": "assistant", "content": str(exc)}]
        except Exception as exc:
            from assistant.web.errors import describe_failure

            log.error("chat failed: %s", describe_failure(exc))
            yield [{"role": "assistant", "content": messages.UI_ERROR}]

    if ask_stream is not None:
        return answers  # a generator function: Gradio streams what it yields

    def chat(message: str, history: list[dict]) -> list[dict]:
        *_, last = answers(message, history)
        return last

    return chat


def build(bot: Assistant, settings: Settings, *, ask: Callable[..., Reply] | None = None,
          on_feedback: FeedbackFn | None = None,
          on_reply: Callable[[str, str, Reply], None] | None = None,
          ask_stream: Callable[..., Iterator[Draft | Reply]] | None = None) -> gr.Blocks:
    """The chat page: intro, disclaimer, chat with examples, thumbs up/down.

    `ask` defaults to `bot.ask` (safe to call from many threads at once); `ask_stream`,
    when given, streams LLM answers as their sentences pass the checks.
    """
    chat = make_chat_fn(ask or bot.ask, settings, on_reply, ask_stream)

    def like(history: list[dict], data: gr.LikeData) -> None:
        if on_feedback is None or data.liked not in (True, False):
            return
        # A vote names a message by its index (or [index, part]); anything else, or a
        # history that is not a list of messages, is a payload the page never sends.
        index = data.index[0] if isinstance(data.index, (list, tuple)) and data.index \
            else data.index
        if type(index) is not int or not isinstance(history, list) or \
                not all(isinstance(m, dict) for m in history):
            log.info("chat vote ignored: not a vote the page sends")
            return
        # A vote on the sources list counts for the answer above it.
        while 0 < index < len(history) and (history[index].get("metadata") or {}).get("title"):
            index -= 1
        answer = _text(history[index].get("content")) if 0 <= index < len(history) else ""
        extra = {}
        if settings.log_transcripts:
            asked = [m for m in history[:index] if m.get("role") == "user"]
            extra = {"message": _text(asked[-1]["content"]) if asked else None,
                     "answer": answer}
        on_feedback(route_of(answer), bool(data.liked), **extra)

    with gr.Blocks(title=messages.UI_TITLE, fill_height=True, analytics_enabled=False) as demo:
        gr.Markdown(f"## {messages.UI_TITLE}\n{messages.UI_INTRO}")
        chatbot = gr.Chatbot(
            label=messages.UI_TITLE,
            show_label=False,
            scale=1,
            min_height=320,
            sanitize_html=True,
            allow_tags=False,
            feedback_options=("Like", "Dislike"),
        )
        EscapingChatInterface(
            chat,
            chatbot=chatbot,
            textbox=gr.Textbox(
                placeholder=messages.UI_INPUT_PLACEHOLDER,
                label=messages.UI_INPUT_LABEL,
                show_label=False,
                max_length=settings.max_message_chars,
                submit_btn=messages.UI_SEND,
                autofocus=False,
            ),
            examples=list(messages.UI_EXAMPLES),
            cache_examples=False,
            fill_height=True,
            api_name="chat",
            analytics_enabled=False,
            concurrency_limit=4,
        )
        gr.Markdown(messages.DISCLAIMER, elem_classes=["disclaimer"])
        chatbot.like(like, chatbot, None, queue=False)
    return demo
