"""Take the README screenshots: the Gradio chat and the widget on the sample gym page.

    python scripts/screenshots.py            # writes docs/screenshots/*.png

Uses the real Assistant (Settings from ASSISTANT_* env; builds the index if missing),
local servers on 127.0.0.1 and Debian's Chromium, like the browser tests.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from browser_helpers import ServerThread, gym_site, launch_chromium  # noqa: E402
from PIL import Image  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from assistant import messages  # noqa: E402
from assistant.engine import Assistant  # noqa: E402
from assistant.server import create_app  # noqa: E402
from assistant.settings import Settings  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
W = "legpress-assistant"
TECHNIQUE = "How should I set up the seat on the leg press so my lower back stays on the pad?"
NUMB = "My right leg goes numb halfway through my leg press sets. Should I keep going?"


def save(page, name: str) -> None:
    """Screenshot, then quantise to a palette PNG so the file stays small."""
    path = OUT / name
    page.screenshot(path=str(path))
    Image.open(path).convert("RGB").quantize(colors=128, dither=Image.Dither.NONE).save(
        path, optimize=True)
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")


def ask_widget(page, question: str):
    replies = page.locator(f"{W} .b.a:not(.t)")
    count = replies.count()
    page.locator(f"{W} textarea").fill(question)
    page.locator(f"{W} textarea").press("Enter")
    expect(replies).to_have_count(count + 1, timeout=20_000)
    return replies.last


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    settings = Settings()
    bot = Assistant.load(settings)
    site = ServerThread()
    web = settings.model_copy(update={"allowed_origins": [site.url],
                                      "rate_limit_per_minute": 0})
    with ServerThread(create_app(bot, web)) as api, sync_playwright() as pw:
        site.app = gym_site(api.url)
        with site:
            browser = launch_chromium(pw)

            page = browser.new_page(viewport={"width": 1000, "height": 820})
            page.goto(api.url + "/")
            box = page.get_by_placeholder(messages.UI_INPUT_PLACEHOLDER)
            box.fill(NUMB)
            box.press("Enter")
            sources = page.get_by_text(f"{messages.SOURCES_LABEL} (").first
            expect(sources).to_be_visible(timeout=20_000)
            sources.click()
            page.wait_for_timeout(400)
            save(page, "gradio-chat.png")
            page.close()

            page = browser.new_page(viewport={"width": 1200, "height": 820})
            page.goto(site.url)
            page.locator(f"{W} .l").click()
            reply = ask_widget(page, TECHNIQUE)
            reply.locator(".c").first.click()
            page.locator(f"{W} .m").evaluate(
                "e => e.scrollTop = e.querySelector('.u').offsetTop - e.offsetTop - 8")
            page.wait_for_timeout(300)
            save(page, "widget-sample-page.png")
            page.close()

            page = browser.new_page(viewport={"width": 390, "height": 760}, is_mobile=True,
                                    has_touch=True, device_scale_factor=1)
            page.goto(site.url)
            page.locator(f"{W} .l").click()
            ask_widget(page, NUMB)
            page.locator(f"{W} .m").evaluate("e => e.scrollTop = 0")
            page.wait_for_timeout(300)
            save(page, "widget-phone.png")
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
