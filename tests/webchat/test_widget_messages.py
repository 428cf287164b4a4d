"""What the widget draws for each message (chromium against the scripted Rasa).

Buttons stay with the message that offered them until one is used, links in
messages are clickable but safe, and every message shows its time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.webchat.helpers import open_chat, say, state
from tests.webchat.servers import FakeRasa, WebchatServer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:The `websockets` implementation is deprecated"),
]

EMPATHY = {
    "text": "I'm sorry this is taking so long. Just say so or tap below to talk to a person.",
    "quick_replies": [
        {"content_type": "text", "title": "Talk to a person", "payload": "/request_human"}
    ],
}
SCRIPT: dict[str, list[dict[str, Any]]] = {
    # The empathy line with its button, and at once another bot line (issue 15, item 4).
    "😡😡😡": [EMPATHY, {"text": "I can answer in English only."}],
    "links": [
        {
            "text": "Track it at https://track.example.com/p?id=1. "
            "Or read [our returns page](https://shop.example.com/returns)."
        }
    ],
    "hostile": [
        {
            "text": "Click [here](javascript:alert(document.domain)) or javascript:alert(1) "
            "or <a href='javascript:alert(2)'>this</a> or data:text/html,hi"
        }
    ],
}


def scripted(message: str) -> list[dict[str, Any]]:
    return SCRIPT.get(message, [{"text": f"You said: {message}"}])


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
def page(browser: Browser, webchat: WebchatServer) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(webchat.url + "/")
    yield page
    context.close()
    assert errors == []


def test_a_button_stays_on_a_message_that_is_not_the_last(
    page: Page, fake: FakeRasa, screenshots: Path
) -> None:
    open_chat(page)
    say(page, "😡😡😡")
    expect(page.locator(".nwc-msg-bot .nwc-text").last).to_have_text(
        "I can answer in English only."
    )
    offered = page.locator(".nwc-msg-bot", has_text="tap below")
    expect(offered.get_by_role("button", name="Talk to a person")).to_be_visible()
    page.screenshot(path=str(screenshots / "20-button-not-last.png"))

    # Typing something else does not take the button away; using it does.
    say(page, "hello?")
    expect(page.locator(".nwc-msg-bot .nwc-text").last).to_have_text("You said: hello?")
    page.reload()
    button = page.get_by_role("button", name="Talk to a person")
    expect(button).to_be_visible()  # also after a reload
    button.click()
    expect(page.locator(".nwc-msg-user .nwc-text").last).to_have_text("Talk to a person")
    assert fake.messages()[-1] == "/request_human"
    expect(page.get_by_role("button", name="Talk to a person")).to_have_count(0)


def test_links_are_clickable_and_safe(page: Page, screenshots: Path) -> None:
    open_chat(page)
    say(page, "links")
    text = page.locator(".nwc-msg-bot .nwc-text").last
    expect(text).to_have_text(
        "Track it at https://track.example.com/p?id=1. Or read our returns page."
    )
    links = text.get_by_role("link")
    expect(links).to_have_count(2)
    first, second = links.nth(0), links.nth(1)
    expect(first).to_have_attribute("href", "https://track.example.com/p?id=1")
    expect(second).to_have_text("our returns page")
    expect(second).to_have_attribute("href", "https://shop.example.com/returns")
    for link in (first, second):
        expect(link).to_have_attribute("target", "_blank")
        expect(link).to_have_attribute("rel", "noopener noreferrer")
    page.screenshot(path=str(screenshots / "21-links.png"))


def test_javascript_and_html_links_stay_text(page: Page) -> None:
    open_chat(page)
    say(page, "hostile")
    text = page.locator(".nwc-msg-bot .nwc-text").last
    expect(text).to_have_text(
        "Click [here](javascript:alert(document.domain)) or javascript:alert(1) "
        "or <a href='javascript:alert(2)'>this</a> or data:text/html,hi"
    )
    expect(text.get_by_role("link")).to_have_count(0)
    assert (
        page.evaluate(
            "document.getElementById('northwind-chat').shadowRoot.querySelectorAll('a').length"
        )
        == 0
    )


def test_each_message_shows_its_time(page: Page) -> None:
    open_chat(page)
    say(page, "hello")
    expect(page.locator(".nwc-msg-bot .nwc-text").last).to_have_text("You said: hello")
    history = state(page)["history"]
    times = page.locator(".nwc-messages > li time")
    expect(times).to_have_count(len(history))
    shown = times.evaluate_all("(nodes) => nodes.map((n) => [n.dateTime, n.textContent])")
    expected = page.evaluate(
        """(history) => history.map((m) => {
            const d = new Date(m.at);
            return [d.toISOString(), d.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'})];
        })""",
        history,
    )
    assert shown == expected
    assert all(text for _, text in shown)


def test_right_to_left_text_reads_right_to_left(page: Page) -> None:
    # An Arabic or Hebrew message drawn left to right puts its question mark and its
    # numbers at the wrong end; each text takes the direction of its own first letters.
    open_chat(page)
    say(page, "أين طلبي؟ 10482")
    directions = page.evaluate(
        """() => {
            const root = document.getElementById('northwind-chat').shadowRoot;
            const dir = (node) => getComputedStyle(node).direction;
            const texts = Array.from(root.querySelectorAll('.nwc-text'));
            return {
                user: dir(texts.filter((n) => n.closest('.nwc-msg-user')).pop()),
                bot: dir(texts.filter((n) => n.closest('.nwc-msg-bot')).pop()),
                box: root.getElementById('nwc-input').getAttribute('dir'),
            };
        }"""
    )
    assert directions == {"user": "rtl", "bot": "ltr", "box": "auto"}
