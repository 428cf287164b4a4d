"""Agents answer from their help desk: the whole system, the customer's widget in Chromium.

Real Rasa, action server, inbox and web chat; Chatwoot is the local fake speaking its
documented API and sending its documented webhooks (tests/inbox/forwarding/fakes.py),
the other desk is the reference receiver of the two-way signed webhook
(tests/inbox/forwarding/reference_desk.py). Nobody answers in the inbox.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.inbox.forwarding.fakes import FakeChatwoot
from tests.inbox.forwarding.reference_desk import ReferenceDesk
from tests.stack import Stack, wait_for
from tests.webchat.helpers import SLOW, bot_texts, open_chat, say, state, transcript

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
WEBHOOK_TOKEN = "cw-webhook-token-e2e-0123456789"
DESK_SECRET = "desk-secret-e2e-0123456789abcdef"
JOHN = FakeChatwoot.user(1, "John")


@pytest.fixture(scope="module")
def desks() -> Iterator[tuple[FakeChatwoot, ReferenceDesk]]:
    chatwoot, desk = FakeChatwoot(), ReferenceDesk(DESK_SECRET)
    yield chatwoot, desk
    chatwoot.close()
    desk.close()


@pytest.fixture(scope="module")
def helpdesk_stack(
    tmp_path_factory: pytest.TempPathFactory, desks: tuple[FakeChatwoot, ReferenceDesk]
) -> Iterator[Stack]:
    """The system with Chatwoot and the signed webhook desk configured both ways."""
    chatwoot, desk = desks
    running = Stack(workdir=tmp_path_factory.mktemp("helpdesk-stack"))
    running.extra_env.update(
        {
            "INBOX_PUBLIC_URL": running.inbox_url,
            "INBOX_FORWARD_CHATWOOT_URL": chatwoot.url,
            "INBOX_FORWARD_CHATWOOT_ACCOUNT_ID": str(chatwoot.account_id),
            "INBOX_FORWARD_CHATWOOT_INBOX_ID": str(chatwoot.inbox_id),
            "INBOX_FORWARD_CHATWOOT_API_TOKEN": chatwoot.token,
            "INBOX_FORWARD_CHATWOOT_WEBHOOK_TOKEN": WEBHOOK_TOKEN,
            "INBOX_FORWARD_WEBHOOK_URL": desk.url + "/hooks",
            "INBOX_FORWARD_WEBHOOK_SECRET": DESK_SECRET,
            "INBOX_FORWARD_BACKOFF_SECONDS": "0.2",
            "INBOX_FORWARD_MAX_BACKOFF_SECONDS": "2",
        }
    )
    chatwoot.webhook_url = (
        f"{running.inbox_url}/api/v1/helpdesks/chatwoot/webhook?token={WEBHOOK_TOKEN}"
    )
    desk.inbox_url = running.inbox_url
    try:
        running.start()
        yield running
    finally:
        running.stop_all()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is not installed: apt-get install chromium (.ci/run does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture()
def page(browser: Browser, helpdesk_stack: Stack) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(SLOW)
    expect.set_options(timeout=SLOW)
    errors: list = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(helpdesk_stack.webchat_url + "/")
    yield page
    expect.set_options(timeout=5_000)
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def shot(page: Page, name: str) -> None:
    """The chat panel scrolled to its newest message, for a reader of test-output/."""
    page.evaluate(
        "() => { const list = document.getElementById('northwind-chat').shadowRoot"
        ".querySelector('.nwc-messages'); list.scrollTop = list.scrollHeight; }"
    )
    page.get_by_role("dialog", name="Northwind help").screenshot(path=str(OUTPUT / name))


def ask_for_a_person(page: Page, stack: Stack) -> tuple[str, str]:
    """The customer asks the bot for a person; (session id, handoff key)."""
    open_chat(page)
    say(page, "where is my order?")
    expect(bot_texts(page).last).to_contain_text("order number")
    say(page, "10482")
    expect(bot_texts(page).last).to_contain_text("email address or the delivery postcode")
    say(page, "dana.whitfield@example.com")
    expect(page.locator(".nwc-msg-bot .nwc-text", has_text="Order 10482 is")).to_be_visible()
    say(page, "I want to talk to a person")
    expect(page.locator(".nwc-msg-bot .nwc-text", has_text="bringing in a person")).to_be_visible()
    session_id = state(page)["sessionId"]
    key = wait_for(
        lambda: stack.tracker(session_id)["slots"].get("handoff_key"), message="handoff key"
    )
    return session_id, key


def chatwoot_conversation(chatwoot: FakeChatwoot, key: str) -> int:
    def find() -> int | None:
        with chatwoot.lock:
            for conversation in chatwoot.conversations.values():
                attributes = conversation["additional_attributes"]
                if (
                    attributes.get("northwind_handoff_key") == key
                    and conversation["status"] == "open"
                ):
                    return conversation["id"]
        return None

    return wait_for(find, timeout=60, message="the handoff as an open Chatwoot conversation")


def test_a_handoff_answered_only_in_chatwoot(
    page: Page, helpdesk_stack: Stack, desks: tuple[FakeChatwoot, ReferenceDesk]
) -> None:
    chatwoot, _desk = desks
    session_id, key = ask_for_a_person(page, helpdesk_stack)
    conversation = chatwoot_conversation(chatwoot, key)
    card = chatwoot.notes(conversation)[0]
    assert "**Customer:** Dana Whitfield (verified)" in card
    assert "10482" in card
    assert "where is my order?" in chatwoot.public_messages(conversation, incoming=True)

    chatwoot.agent_writes(conversation, "Hi Dana, I'm John. Let me look at 10482.", JOHN)
    agent_message = page.locator(".nwc-msg-agent").last
    expect(agent_message.locator(".nwc-text")).to_have_text(
        "Hi Dana, I'm John. Let me look at 10482."
    )
    expect(agent_message.locator(".nwc-sender")).to_contain_text("John")

    chatwoot.agent_writes(
        conversation, "Internal: the DPD depot lost the label", JOHN, private=True
    )
    say(page, "Thanks John, when will it arrive?")
    wait_for(
        lambda: (
            "Thanks John, when will it arrive?"
            in chatwoot.public_messages(conversation, incoming=True)
        ),
        message="the customer's answer in Chatwoot",
    )
    chatwoot.agent_writes(conversation, "A new pair ships today by express.", JOHN)
    expect(page.locator(".nwc-msg-agent .nwc-text").last).to_have_text(
        "A new pair ships today by express."
    )
    shot(page, "e2e-helpdesk-chatwoot-reply.png")
    incoming = chatwoot.public_messages(conversation, incoming=True)
    assert incoming.count("Thanks John, when will it arrive?") == 1  # exactly once
    assert all("DPD depot" not in line for line in transcript(page))  # private stays private

    chatwoot.set_status(conversation, "resolved")
    expect(page.locator(".nwc-notice", has_text="You're back with the assistant")).to_be_visible()
    # Resume, then agent_handback: the widget shows the line before Rasa stores the tracker,
    # and the un-pause comes before the action's slots, so wait for both.
    tracker = wait_for(
        lambda: (
            (t := helpdesk_stack.tracker(session_id))
            and not t["paused"]
            and t["slots"]["handoff_active"] in (False, None)
            and t
        ),
        message="the bot resumed and the handoff closed",
    )
    assert tracker["slots"]["handoff_active"] in (False, None)
    shot(page, "e2e-helpdesk-chatwoot-resolved.png")

    chatwoot.set_status(conversation, "open")  # reopened in Chatwoot: the bot pauses again
    tracker = wait_for(
        lambda: (t := helpdesk_stack.tracker(session_id)) and t["paused"] and t,
        message="the bot paused again",
    )
    assert tracker["slots"]["handoff_active"] is True


def test_a_handoff_answered_only_from_the_webhook_desk(
    page: Page, helpdesk_stack: Stack, desks: tuple[FakeChatwoot, ReferenceDesk]
) -> None:
    _chatwoot, desk = desks
    session_id, key = ask_for_a_person(page, helpdesk_stack)
    wait_for(lambda: key in desk.conversations, timeout=60, message="handoff.created at the desk")

    first = desk.agent_reply(key, "Hi Dana, Lee here from the support desk.", ("lee", "Lee"))
    assert first.status_code == 201, first.text
    agent_message = page.locator(".nwc-msg-agent").last
    expect(agent_message.locator(".nwc-text")).to_have_text(
        "Hi Dana, Lee here from the support desk."
    )
    expect(agent_message.locator(".nwc-sender")).to_contain_text("Lee")

    say(page, "Great, thanks Lee")
    wait_for(
        lambda: "Great, thanks Lee" in desk.conversations[key].customer,
        message="the customer's answer at the desk",
    )
    again = desk.agent_reply(key, "Sorted: a new pair ships today.", ("lee", "Lee"), key="lee-2")
    repeat = desk.agent_reply(key, "Sorted: a new pair ships today.", ("lee", "Lee"), key="lee-2")
    assert (again.status_code, repeat.status_code) == (201, 200)
    expect(page.locator(".nwc-msg-agent .nwc-text").last).to_have_text(
        "Sorted: a new pair ships today."
    )
    assert desk.conversations[key].customer.count("Great, thanks Lee") == 1
    back = desk.status_change(key, "conversation.handed_back", ("lee", "Lee"))
    assert back.status_code == 201, back.text
    expect(page.locator(".nwc-notice", has_text="You're back with the assistant")).to_be_visible()
    # Once from Lee (the repeated key sent nothing); the bot's line back names what was settled.
    expect(page.locator(".nwc-msg-agent .nwc-text", has_text="Sorted: a new pair")).to_have_count(1)
    expect(bot_texts(page).last).to_contain_text("Sorted: a new pair ships today")
    shot(page, "e2e-helpdesk-webhook.png")
    wait_for(lambda: not helpdesk_stack.tracker(session_id)["paused"], message="the bot resumed")
