"""Issue 15 in Chromium: the customer leaves the queue with "End chat" while waiting.

Real stack (Rasa, action server, inbox, web chat server). The widget's header, the
queue the agent sees, the refused claim and the analytics each show the handoff as
abandoned; screenshots under test-output/webchat/leave-queue-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.agent_client import AgentClient
from tests.stack import Stack, wait_for
from tests.webchat.helpers import SLOW, bot_texts, open_chat, say, state

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture()
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(SLOW)
    expect.set_options(timeout=SLOW)
    page.goto(stack.webchat_url + "/")
    yield page
    expect.set_options(timeout=5_000)
    context.close()


def test_leaving_while_waiting(
    page: Page, browser: Browser, stack: Stack, agent: AgentClient, screenshots: Path
) -> None:
    open_chat(page)
    say(page, "I want to cancel my order")
    say(page, "10501")
    say(page, "can I just talk to a real person please")
    expect(page.locator(".nwc-subtitle")).to_contain_text("Waiting for a person")
    page.screenshot(path=str(screenshots / "leave-queue-1-waiting.png"))

    session_id = state(page)["sessionId"]
    key = wait_for(
        lambda: stack.tracker(session_id)["slots"].get("handoff_key"), message="handoff key"
    )
    wait_for(lambda: key in [i["handoff_key"] for i in agent.queue()["items"]], message="queued")

    page.locator(".nwc-end").click()
    page.locator(".nwc-confirm-yes").click()
    expect(bot_texts(page).last).to_contain_text("taken you out of the queue")
    expect(page.locator(".nwc-subtitle")).not_to_contain_text("Waiting for a person")
    page.screenshot(path=str(screenshots / "leave-queue-2-ended.png"))
    assert not any("Thanks for chatting" in t for t in bot_texts(page).all_inner_texts())

    # The inbox: out of the queue at once, "left after …", the claim refused.
    wait_for(lambda: agent.conversation(key)["status"] == "abandoned", message="abandoned")
    assert key not in [i["handoff_key"] for i in agent.queue()["items"]]
    refused = agent.http.post(f"/api/v1/handoffs/{key}/claim", headers={"X-CSRF-Token": agent.csrf})
    assert refused.status_code == 409
    assert "The customer left before anyone joined" in refused.json()["detail"]
    report = agent.http.get("/api/v1/analytics", params={"days": 1}).json()
    assert report["abandoned_total"] >= 1

    inbox = browser.new_context(viewport={"width": 1280, "height": 860})
    inbox_page = inbox.new_page()
    inbox_page.goto(f"{stack.inbox_url}/login")
    inbox_page.get_by_label("Username").fill(stack.admin_user)
    inbox_page.get_by_label("Password").fill(stack.admin_password)
    inbox_page.get_by_role("button", name="Log in").click()
    inbox_page.wait_for_url(f"{stack.inbox_url}/queue")
    inbox_page.screenshot(path=str(screenshots / "leave-queue-3-inbox-queue.png"))
    inbox_page.goto(f"{stack.inbox_url}/conversations/{key}")
    inbox_page.wait_for_load_state("networkidle")
    inbox_page.screenshot(path=str(screenshots / "leave-queue-4-inbox-conversation.png"))
    inbox.close()

    # Coming back later: the bot answers, and a person can be asked for again.
    before = bot_texts(page).count()
    say(page, "hello again")
    wait_for(lambda: bot_texts(page).count() > before, timeout=45, message="the bot answers")
    assert "hello again" not in agent.customer_texts(key)  # not relayed to anyone
    page.reload()
    if page.locator(".nwc-launcher").get_attribute("aria-expanded") != "true":
        open_chat(page)  # the widget may keep its panel open across the reload
    expect(page.locator(".nwc-subtitle")).not_to_contain_text("Waiting for a person")
    page.screenshot(path=str(screenshots / "leave-queue-5-after-reload.png"))
