"""Issue 15's customer who ends the chat after the agent joined, then comes back the
same day: Chromium on the real system (Rasa, action server, inbox, web chat).

The customer ends the chat with Sam from the widget ("End chat"): the bot answers
again, the rating is offered, and the inbox closes the handoff as ``customer_ended``
at once (out of the agent's open conversations). Later the customer asks for a person
again: the second handoff goes straight to Sam, who had the first and is available.
Screenshots: test-output/webchat/50-ended-after-agent-joined.png,
51-ended-in-the-inbox.png, 52-back-the-same-day.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.agent_client import AgentClient
from tests.stack import Stack, wait_for
from tests.webchat.helpers import open_chat, say, state
from tests.webchat.test_widget_stack import (  # noqa: F401 - fixture
    _conversation_or_none,
    handoff_key,
    page,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

WITH_SAM = "Chatting with Sam from our team"
ASSISTANT = "Assistant · usually answers right away"


def _joined(page: Page) -> object:
    return page.locator(".nwc-notice", has_text="Sam from our team has joined")


def test_ending_with_the_agent_then_back_the_same_day(
    page: Page, stack: Stack, agent: AgentClient, screenshots: Path
) -> None:
    open_chat(page)
    say(page, "I want to talk to a person")
    session = state(page)["sessionId"]
    first = handoff_key(stack, session)
    wait_for(lambda: _conversation_or_none(agent, first), message="handoff in the inbox")
    agent.claim(first)
    expect(page.locator(".nwc-subtitle")).to_have_text(WITH_SAM)
    agent.reply(first, "Hi, I'm Sam. Let me look at that for you.")
    expect(page.locator(".nwc-msg-agent .nwc-text").last).to_have_text(
        "Hi, I'm Sam. Let me look at that for you."
    )

    # The customer ends the chat with the person.
    page.get_by_role("button", name="End chat").click()
    page.get_by_role("button", name="Yes, end chat").click()
    expect(page.locator(".nwc-notice", has_text="You ended the chat")).to_be_visible()
    expect(page.locator(".nwc-subtitle")).to_have_text(ASSISTANT)
    expect(page.get_by_role("heading", name="How was your chat with Sam?")).to_be_visible()
    wait_for(
        lambda: agent.conversation(first)["status"] == "customer_ended",
        message="the handoff closed by the customer",
    )
    page.screenshot(path=str(screenshots / "50-ended-after-agent-joined.png"))
    page.get_by_role("button", name="Skip").click()

    # Sam's page says so; answering is refused.
    inbox_page = page.context.new_page()
    inbox_page.goto(f"{stack.inbox_url}/login")
    inbox_page.get_by_label("Username").fill(stack.admin_user)
    inbox_page.get_by_label("Password").fill(stack.admin_password)
    inbox_page.get_by_role("button", name="Log in").click()
    inbox_page.wait_for_url(f"{stack.inbox_url}/queue")
    inbox_page.goto(f"{stack.inbox_url}/conversations/{first}")
    expect(inbox_page.locator("#ended-note")).to_have_text("The customer ended the chat.")
    inbox_page.screenshot(path=str(screenshots / "51-ended-in-the-inbox.png"), full_page=True)
    inbox_page.close()
    refused = agent.http.post(
        f"/api/v1/handoffs/{first}/replies",
        json={"text": "Are you still there?"},
        headers={"X-CSRF-Token": agent.csrf},
    )
    assert refused.status_code == 409, refused.text

    # Back later the same day: the bot answers, and a person is Sam again.
    say(page, "I want to talk to a person")
    second = wait_for(
        lambda: (
            (stack.tracker(session)["slots"].get("handoff_key") or first) != first
            and stack.tracker(session)["slots"]["handoff_key"]
        ),
        message="a second handoff",
    )
    wait_for(
        lambda: (_conversation_or_none(agent, second) or {}).get("status") == "claimed",
        message="the second handoff with Sam",
    )
    assert agent.conversation(second)["claimed_by"] == agent.conversation(first)["claimed_by"]
    expect(page.locator(".nwc-subtitle")).to_have_text(WITH_SAM)
    expect(_joined(page)).to_have_count(2)
    page.screenshot(path=str(screenshots / "52-back-the-same-day.png"))
