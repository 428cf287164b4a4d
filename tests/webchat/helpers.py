"""Shared steps of the web chat browser tests (Playwright sync API)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, Page, expect

STORAGE_KEY = "northwind-chat"
# Waits for the real bot and inbox; a generous upper bound, not a timing assertion.
SLOW = 45_000


def open_chat(page: Page) -> None:
    """Click the launcher and check the panel opened with the focus in the message box."""
    page.get_by_role("button", name="Open chat").click()
    # Located by class: on a phone the open panel covers the screen and hides the launcher.
    expect(page.locator(".nwc-launcher")).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("dialog", name="Northwind help")).to_be_visible()
    expect(message_box(page)).to_be_focused()


def message_box(page: Page) -> Locator:
    return page.get_by_role("textbox", name="Your message")


def say(page: Page, text: str) -> None:
    """Type a message and send it with Enter, as a customer would."""
    box = message_box(page)
    box.fill(text)
    box.press("Enter")
    expect(page.locator(".nwc-msg-user .nwc-text").last).to_have_text(text)


def messages(page: Page) -> Locator:
    return page.locator(".nwc-messages > li")


def bot_texts(page: Page) -> Locator:
    return page.locator(".nwc-msg-bot .nwc-text")


def state(page: Page) -> dict[str, Any]:
    """What the widget keeps in localStorage."""
    return page.evaluate(f"JSON.parse(localStorage.getItem('{STORAGE_KEY}'))")


def transcript(page: Page) -> list[str]:
    """Every visible line, 'sender: text' (notices as they are), for readable assertions."""
    return page.evaluate("""() => {
        const root = document.getElementById('northwind-chat').shadowRoot;
        return Array.from(root.querySelectorAll('.nwc-messages > li')).map((li) => {
            const text = (li.querySelector('.nwc-text, .nwc-notice') || {}).textContent || '';
            return li.classList.contains('nwc-msg-notice') ? text : li.dataset.sender + ': ' + text;
        });
    }""")
