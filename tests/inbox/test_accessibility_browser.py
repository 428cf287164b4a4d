"""Accessibility of the agent pages in Debian's headless Chromium (issue 16).

axe-core (from the npm registry, pinned and verified, loaded only here: tests/inbox/axe.py)
finds no serious or critical violation on the queue, the conversation, the closed
list and the analytics pages; every control keeps a visible focus ring.
"""

from __future__ import annotations

import json

import pytest

from .axe import blocking, run_axe
from .helpers import create_handoff
from .test_browser import _chromium_installed, browser, web_inbox  # noqa: F401 - fixtures
from .test_workspace_browser import login, open_conversation

pytestmark = pytest.mark.browser


@pytest.fixture()
def inbox(web_inbox):
    web_inbox.reset()
    return web_inbox


@pytest.fixture()
def page(browser):
    # The inbox's CSP allows no inline script; axe is injected as one, in tests only.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def assert_accessible(page, where: str) -> None:
    found = blocking(run_axe(page))
    assert not found, f"{where}: " + json.dumps(found, indent=1)


def a_busy_conversation(inbox) -> str:
    """One claimed conversation with customer and agent messages, one of them masked."""
    bot = inbox.bot()
    create_handoff(bot, priority="normal", channel="telegram", conversation_id="tg-1")
    key = create_handoff(bot)["handoff_key"]
    sam = inbox.agent("sam")
    sam.post(f"/api/v1/handoffs/{key}/claim").raise_for_status()
    bot.post(
        f"/api/v1/handoffs/{key}/messages", json={"message_id": "a", "text": "hello??"}
    ).raise_for_status()
    bot.post(
        f"/api/v1/handoffs/{key}/messages",
        json={
            "message_id": "b",
            "text": "you idiots",
            "frustration": {
                "score": 0.9,
                "level": "frustrated",
                "trend": 0.2,
                "reasons": [],
                "signals": {"abuse": 1.0},
                "abusive": True,
            },
        },
    ).raise_for_status()
    sam.post(f"/api/v1/handoffs/{key}/replies", json={"text": "I'm on it."}).raise_for_status()
    return key


def test_queue_page_has_no_serious_violations(page, inbox) -> None:
    a_busy_conversation(inbox)
    login(page, inbox)
    page.keyboard.press("j")  # a preview in the centre pane
    assert_accessible(page, "queue")


def test_conversation_page_has_no_serious_violations(page, inbox) -> None:
    key = a_busy_conversation(inbox)
    login(page, inbox)
    open_conversation(page, inbox, key)
    page.get_by_text("Conversation with the bot").click()  # the transcript open too
    assert_accessible(page, "conversation (claimed)")
    sam = inbox.agent("sam")
    sam.post(f"/api/v1/handoffs/{key}/resolve", json={"note": "Done"}).raise_for_status()
    page.reload()
    page.get_by_role("button", name="Write the wrap-up note").click()
    page.locator("#wrap-up-text").wait_for()
    assert_accessible(page, "conversation (resolved, wrap-up draft open)")


def test_closed_list_and_analytics_have_no_serious_violations(page, inbox) -> None:
    key = a_busy_conversation(inbox)
    inbox.agent("sam").post(
        f"/api/v1/handoffs/{key}/resolve", json={"note": "x"}
    ).raise_for_status()
    login(page, inbox, "ada")
    page.goto(f"{inbox.url}/search?q=Dana")
    assert_accessible(page, "closed conversations")
    page.goto(f"{inbox.url}/admin/analytics")
    page.locator("#analytics-title").wait_for()
    assert_accessible(page, "analytics")


def test_login_page_has_no_serious_violations(page, inbox) -> None:
    page.goto(f"{inbox.url}/login")
    assert_accessible(page, "login")


def test_keyboard_focus_is_always_visible(page, inbox) -> None:
    key = a_busy_conversation(inbox)
    login(page, inbox)
    open_conversation(page, inbox, key)
    page.locator("body").click(position={"x": 5, "y": 700})
    unringed, visited = [], set()
    for _ in range(40):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => {
              const e = document.activeElement;
              const s = getComputedStyle(e);
              return {what: e.tagName + "#" + e.id + "." + e.className,
                      ring: (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none"};
            }"""
        )
        visited.add(state["what"])
        if not state["ring"] and not state["what"].startswith("BODY"):  # BODY: left the page
            unringed.append(state["what"])
    assert unringed == []
    assert len(visited) > 15  # the walk went through the three panes
