"""The widget in chromium against a scripted Rasa (tests/webchat/servers.py).

Covers what the real stack cannot produce on demand: quick replies, the typing
indicator while the bot is busy, markers split over several text parts, no
markers at all, a connection outage, input limits, the phone layout, contrast,
keyboard use and embedding on another site's page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.stack import wait_for
from tests.webchat.helpers import message_box, messages, open_chat, say, state, transcript
from tests.webchat.servers import FakeRasa, OtherSite, WebchatServer

pytestmark = [
    pytest.mark.browser,
    # The fake's uvicorn needs its legacy websockets implementation (websockets 10 is pinned).
    pytest.mark.filterwarnings("ignore:The `websockets` implementation is deprecated"),
]

QUICK = {
    "text": "What do you need?",
    "quick_replies": [
        {"content_type": "text", "title": "Track an order", "payload": "/order_status"},
        {"content_type": "text", "title": "Returns", "payload": "/return_item"},
    ],
}
SCRIPT: dict[str, list[dict[str, Any]]] = {
    "menu": [QUICK],
    "/order_status": [{"text": "Sure, what's your order number?"}],
}


def scripted(message: str) -> list[dict[str, Any]]:
    return SCRIPT.get(message, [{"text": f"You said: {message}"}])


def marker(kind: str, agent: str = "Sam") -> dict[str, Any]:
    """What Rasa's socket.io channel emits for data.custom.data.handoff."""
    return {"handoff": {"kind": kind, "agent": agent}}


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeRasa]:
    server = FakeRasa(scripted)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def webchat(fake: FakeRasa) -> Iterator[WebchatServer]:
    server = WebchatServer(fake.url)
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def page(browser: Browser, webchat: WebchatServer, fake: FakeRasa) -> Iterator[Page]:
    fake.release()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(20_000)
    expect.set_options(
        timeout=15_000
    )  # room for a slow machine; each wait ends as soon as it holds
    errors: list = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The demo page's strict CSP must not block anything the widget does.
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto(webchat.url + "/")
    yield page
    expect.set_options(timeout=5_000)
    context.close()
    assert errors == []


def session_of(page: Page) -> str:
    return state(page)["sessionId"]


def test_store_page_button_opens_the_chat_with_a_drafted_question(page: Page) -> None:
    page.get_by_role("button", name="Ask about this").first.click()
    expect(message_box(page)).to_be_focused()
    expect(message_box(page)).to_have_value("Is the Trail running shoes in stock?")


def test_keyboard_opens_and_escape_closes_returning_focus(page: Page) -> None:
    launcher = page.get_by_role("button", name="Open chat")
    launcher.focus()
    page.keyboard.press("Enter")
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(message_box(page)).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    expect(launcher).to_be_focused()


def test_typing_indicator_then_quick_replies_as_buttons(
    page: Page, fake: FakeRasa, screenshots: Path
) -> None:
    open_chat(page)
    fake.hold()
    say(page, "menu")
    expect(page.locator(".nwc-typing")).to_be_visible()  # the bot is working on it
    fake.release()
    expect(page.get_by_role("button", name="Track an order")).to_be_visible()
    expect(page.locator(".nwc-typing")).to_be_hidden()
    page.screenshot(path=str(screenshots / "10-quick-replies.png"))

    page.get_by_role("button", name="Track an order").click()
    expect(page.locator(".nwc-msg-user .nwc-text").last).to_have_text(
        "Track an order"
    )  # the title is shown
    expect(page.locator(".nwc-msg-bot .nwc-text").last).to_have_text(
        "Sure, what's your order number?"
    )
    assert fake.messages()[-1] == "/order_status"  # the payload is sent
    expect(page.locator(".nwc-quick-button")).to_have_count(0)


def test_markers_name_the_agent_and_announce_the_bot_back(
    page: Page, fake: FakeRasa, screenshots: Path
) -> None:
    open_chat(page)
    say(page, "I want a person")
    expect(messages(page)).to_have_count(3)
    session = session_of(page)

    fake.push(session, {"text": "I'm bringing in a person."}, marker("queued", ""))
    expect(page.locator(".nwc-subtitle")).to_have_text("Waiting for a person from our team")
    fake.push(session, {"text": "Sam has joined the chat."}, marker("agent_joined"))
    expect(page.locator(".nwc-notice").last).to_have_text("Sam from our team has joined")
    # An agent reply with a blank line arrives as two texts, then one marker: both are Sam's.
    fake.push(
        session,
        {"text": "Hi Dana, I'm Sam."},
        {"text": "Your parcel is with DPD."},
        marker("agent_message"),
    )
    expect(page.locator(".nwc-msg-agent .nwc-text")).to_have_text(
        ["Hi Dana, I'm Sam.", "Your parcel is with DPD."]
    )
    expect(page.locator(".nwc-subtitle")).to_have_text("Chatting with Sam from our team")
    fake.push(session, {"text": "Hi again, it's the assistant."}, marker("bot_back"))
    expect(page.locator(".nwc-notice").last).to_have_text("You're back with the assistant")
    page.screenshot(path=str(screenshots / "11-markers.png"))

    assert transcript(page)[2:] == [
        "Assistant: You said: I want a person",
        "Assistant: I'm bringing in a person.",
        "Sam from our team has joined",  # replaces the plain "has joined" line
        "Sam · Northwind team: Hi Dana, I'm Sam.",
        "Sam · Northwind team: Your parcel is with DPD.",
        "You're back with the assistant",
        "Assistant: Hi again, it's the assistant.",
    ]
    # Screen readers hear the relabelled lines through the polite live region.
    live = page.locator("[aria-live=polite]")
    expect(live).to_contain_text("Sam · Northwind team says: Your parcel is with DPD.")
    expect(live).to_contain_text("You're back with the assistant")


def test_without_markers_agent_text_still_shows_as_the_assistant(
    page: Page, fake: FakeRasa
) -> None:
    open_chat(page)
    say(page, "hello")
    expect(messages(page)).to_have_count(3)
    fake.push(session_of(page), {"text": "Sam has joined the chat."}, {"text": "Hi, I'm Sam"})
    expect(page.locator(".nwc-msg-bot .nwc-text").last).to_have_text("Hi, I'm Sam")
    assert transcript(page)[-2:] == [
        "Assistant: Sam has joined the chat.",
        "Assistant: Hi, I'm Sam",
    ]
    expect(page.locator(".nwc-subtitle")).to_have_text("Assistant · usually answers right away")


def test_nothing_typed_during_an_outage_is_lost(
    page: Page, fake: FakeRasa, screenshots: Path
) -> None:
    open_chat(page)
    say(page, "hello")
    expect(page.locator(".nwc-msg-bot .nwc-text").last).to_have_text("You said: hello")

    fake.stop()
    try:
        expect(page.get_by_role("status")).to_contain_text("Connection lost")
        say(page, "first while offline")
        say(page, "second while offline")
        expect(page.locator(".nwc-msg-status")).to_have_count(2)
        page.screenshot(path=str(screenshots / "12-offline-queued.png"))
        page.reload()  # even a reload keeps what waits to be sent
        expect(page.locator(".nwc-msg-status")).to_have_count(2)
        expect(page.locator(".nwc-msg-status").last).to_be_in_viewport()
        assert [item["message"] for item in state(page)["outbox"]] == [
            "first while offline",
            "second while offline",
        ]
    finally:
        fake.start()

    expect(page.locator(".nwc-msg-status")).to_have_count(
        0, timeout=30_000
    )  # reconnects with back-off
    assert fake.messages()[-2:] == ["first while offline", "second while offline"]
    expect(page.locator(".nwc-msg-bot .nwc-text").last).to_have_text(
        "You said: second while offline"
    )
    expect(page.get_by_role("status")).to_be_hidden()
    assert state(page)["outbox"] == []


def test_input_is_trimmed_and_limited_with_a_counter(page: Page, fake: FakeRasa) -> None:
    open_chat(page)
    box = message_box(page)
    send = page.get_by_role("button", name="Send message")
    box.fill("   \n  ")
    expect(send).to_be_disabled()  # nothing to send
    box.fill("x" * 2500)
    assert len(box.input_value()) == 2000  # the box stops at the limit
    expect(page.locator(".nwc-counter")).to_contain_text("2000/2000")
    expect(page.locator(".nwc-counter")).to_have_class("nwc-counter nwc-counter-warn")
    box.fill("  padded message  ")
    send.click()
    expect(page.locator(".nwc-msg-user .nwc-text").last).to_have_text("padded message")
    wait_for(
        lambda: fake.messages() and fake.messages()[-1] == "padded message",
        message="trimmed message",
    )
    expect(page.locator(".nwc-counter")).to_contain_text("0/2000")


def test_phone_screen_gets_a_full_screen_panel(
    browser: Browser, webchat: WebchatServer, screenshots: Path
) -> None:
    context = browser.new_context(
        viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(webchat.url + "/")
    page.screenshot(path=str(screenshots / "13-phone-closed.png"))
    open_chat(page)
    say(page, "hello")
    expect(page.locator(".nwc-msg-bot .nwc-text").last).to_have_text("You said: hello")
    box = page.locator(".nwc-panel").bounding_box()
    assert box is not None and (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 375, 667)
    expect(page.locator(".nwc-launcher")).to_be_hidden()
    page.screenshot(path=str(screenshots / "14-phone-open.png"))
    context.close()


CONTRAST_JS = """() => {
  const root = document.getElementById('northwind-chat').shadowRoot;
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let node = el; node && node.nodeType === 1; node = node.parentNode || node.host) {
      const c = getComputedStyle(node).backgroundColor;
      if (rgb(c).length === 3 || rgb(c)[3] > 0) return rgb(c).slice(0, 3);
      if (node.parentNode && node.parentNode.host) node = node.parentNode;  // leave the shadow root
    }
    return [255, 255, 255];
  };
  const out = {};
  for (const sel of SELECTORS) {
    const el = root.querySelector(sel);
    if (!el) { out[sel] = null; continue; }
    const a = lum(rgb(getComputedStyle(el).color).slice(0, 3)), b = lum(background(el));
    out[sel] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }
  return out;
}"""


def test_text_contrast_is_at_least_4_5_to_1(page: Page, fake: FakeRasa) -> None:
    def contrast(selectors: list[str]) -> dict[str, Any]:
        return page.evaluate(CONTRAST_JS.replace("SELECTORS", repr(selectors)))

    open_chat(page)
    say(page, "menu")
    expect(page.get_by_role("button", name="Track an order")).to_be_visible()
    ratios = contrast([".nwc-quick-button", ".nwc-msg-bot .nwc-text", ".nwc-msg-bot .nwc-sender"])
    fake.push(session_of(page), {"text": "Sam has joined the chat."}, marker("agent_joined"))
    fake.push(session_of(page), {"text": "Sam here"}, marker("agent_message"))
    expect(page.locator(".nwc-msg-agent")).to_have_count(1)
    ratios.update(
        contrast(
            [
                ".nwc-title",
                ".nwc-subtitle",
                ".nwc-msg-user .nwc-text",
                ".nwc-msg-agent .nwc-text",
                ".nwc-msg-agent .nwc-sender",
                ".nwc-notice",
                ".nwc-counter",
                ".nwc-launcher-text",
            ]
        )
    )
    low = {sel: ratio for sel, ratio in ratios.items() if ratio is None or ratio < 4.5}
    assert low == {}, f"contrast below 4.5:1 (or element missing): {low}"


def test_unread_badge_while_closed(page: Page, fake: FakeRasa) -> None:
    open_chat(page)
    say(page, "hello")
    expect(messages(page)).to_have_count(3)
    page.keyboard.press("Escape")
    fake.push(session_of(page), {"text": "Sam has a question"}, marker("agent_message"))
    expect(page.get_by_role("button", name="Open chat: Northwind help (1 new)")).to_be_visible()
    expect(page.locator(".nwc-badge")).to_have_text("1")
    page.get_by_role("button", name="Open chat").click()
    expect(page.locator(".nwc-badge")).to_be_hidden()


def test_one_tag_on_another_sites_page_uses_the_servers_config(
    browser: Browser, webchat: WebchatServer, fake: FakeRasa
) -> None:
    """No data-rasa-url: the widget reads /config.json from its own server, cross-origin."""
    html = (
        "<!doctype html><title>Other shop</title><h1>Other shop</h1>"
        f'<script src="{webchat.url}/widget.js" defer></script>'
    )
    context = browser.new_context()
    page = context.new_page()
    with OtherSite(html) as site:
        page.goto(site.url)
        open_chat(page)
        say(page, "hello from another site")
        expect(page.locator(".nwc-msg-bot .nwc-text").last).to_have_text(
            "You said: hello from another site"
        )
        assert (
            page.evaluate("typeof window.io") == "undefined"
        )  # the socket.io client stays private
    context.close()


def test_a_message_cut_off_before_its_acknowledgement_is_sent_again(
    page: Page, fake: FakeRasa
) -> None:
    open_chat(page)
    say(page, "hello")
    expect(page.locator(".nwc-msg-bot .nwc-text").last).to_have_text("You said: hello")
    fake.hold()  # Rasa got the message but has not acknowledged it yet…
    say(page, "are you there?")
    wait_for(lambda: fake.messages()[-1] == "are you there?", message="message at the server")
    fake.stop()  # …when the connection breaks
    try:
        expect(page.locator(".nwc-msg-status")).to_have_text(
            ["Not sent yet — will be sent when the connection is back"]
        )
        expect(page.locator(".nwc-typing")).to_be_hidden()
    finally:
        fake.release()
        fake.start()
    # At-least-once: it goes out again and is answered this time.
    expect(page.locator(".nwc-msg-bot .nwc-text").last).to_have_text(
        "You said: are you there?", timeout=30_000
    )
    assert fake.messages()[-2:] == ["are you there?", "are you there?"]
    expect(page.locator(".nwc-msg-status")).to_have_count(0)
