"""The widget against the real system: Rasa, action server, inbox and web chat server.

A customer on the demo store page chats with the bot, asks for a person, is
answered by an agent working through the inbox's HTTP API, is handed back, reloads
the page and finds the conversation still there.

Path taken for the "who is speaking" labels: the inbox itself sends the socket.io
handoff markers (``agent_joined``/``agent_message`` on its bot events, see
docs/architecture.md), and domain.yml sends ``queued`` and ``bot_back``; this test
asserts the labels produced by those real markers. (How the widget degrades
without markers is covered in test_widget_browser.py with a scripted server.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.agent_client import AgentClient
from tests.stack import Stack, wait_for
from tests.webchat.helpers import SLOW, bot_texts, messages, open_chat, say, state, transcript

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

XSS = "<img src=x onerror=alert(1)><b>bold</b>"
# The stack is shared by the whole session: earlier tests may leave customers waiting.
WAITING_WITH_FIGURES = re.compile(
    r"^Waiting for a person from our team · \d+(st|nd|rd|th) in line · about \d+ min$"
)


@pytest.fixture()
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(SLOW)
    expect.set_options(timeout=SLOW)  # the first answers of a fresh Rasa can take a while
    errors: list = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(stack.webchat_url + "/")
    yield page
    expect.set_options(timeout=5_000)  # Playwright's default, for the other modules
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def handoff_key(stack: Stack, session_id: str) -> str:
    """The inbox key of this conversation's handoff, once the bot has made it."""
    return wait_for(
        lambda: stack.tracker(session_id)["slots"].get("handoff_key"), message="handoff key"
    )


def test_handoff_round_trip_in_the_widget(
    page: Page, stack: Stack, agent: AgentClient, screenshots: Path
) -> None:
    open_chat(page)
    say(page, "where is my order?")
    expect(bot_texts(page).last).to_contain_text("order number")
    say(page, "10482")
    expect(bot_texts(page).last).to_contain_text("email address or the delivery postcode")
    say(page, "dana.whitfield@example.com")
    expect(page.locator(".nwc-msg-bot .nwc-text", has_text="Order 10482 is")).to_be_visible()
    page.screenshot(path=str(screenshots / "01-order-status.png"))

    say(page, "I want to talk to a person")
    expect(page.locator(".nwc-msg-bot .nwc-text", has_text="bringing in a person")).to_be_visible()
    # The `queued` marker, then the inbox's own figures through the widget API.
    expect(page.locator(".nwc-subtitle")).to_have_text(WAITING_WITH_FIGURES)
    page.screenshot(path=str(screenshots / "02-handoff-requested.png"))

    session_id = state(page)["sessionId"]
    key = handoff_key(stack, session_id)
    conversation = wait_for(
        lambda: _conversation_or_none(agent, key), message="handoff in the inbox"
    )
    # Where the customer is: the handoff's own fields (the contract's summary.conversation
    # holds only language and times, docs/contract/handoff.schema.json).
    assert conversation["channel"] == "socketio"
    assert conversation["conversation_id"] == session_id

    agent.claim(key)
    expect(page.locator(".nwc-notice", has_text="Sam from our team has joined")).to_be_visible()
    expect(page.locator(".nwc-subtitle")).to_have_text("Chatting with Sam from our team")
    agent.reply(key, "Hi Dana, I'm Sam")
    agent_message = page.locator(".nwc-msg-agent").last
    expect(agent_message.locator(".nwc-text")).to_have_text("Hi Dana, I'm Sam")
    expect(agent_message.locator(".nwc-sender")).to_have_text("Sam · Northwind team")

    say(page, "Thanks Sam, when will it arrive?")  # goes to the person, not the bot
    wait_for(
        lambda: "Thanks Sam, when will it arrive?" in agent.customer_texts(key),
        message="customer message in the inbox",
    )
    page.screenshot(path=str(screenshots / "03-agent-replied.png"))

    agent.hand_back(key, "Parcel is with DPD, due tomorrow")
    expect(page.locator(".nwc-notice", has_text="You're back with the assistant")).to_be_visible()
    expect(bot_texts(page).last).to_contain_text("Hi again, it's the assistant")
    expect(page.locator(".nwc-subtitle")).to_have_text("Assistant · usually answers right away")
    page.screenshot(path=str(screenshots / "04-handed-back.png"))

    before = transcript(page)
    assert "Sam from our team has joined" in before
    assert "Sam · Northwind team: Hi Dana, I'm Sam" in before
    assert before.index("You're back with the assistant") < len(before) - 1
    assert before[before.index("You're back with the assistant") + 1].startswith(
        "Assistant: Hi again"
    )

    page.reload()
    expect(
        page.get_by_role("dialog", name="Northwind help")
    ).to_be_visible()  # it was open: stays open
    expect(messages(page)).to_have_count(len(before))
    assert transcript(page) == before
    expect(messages(page).last).to_be_in_viewport()  # scrolled to the latest message
    assert state(page)["sessionId"] == session_id
    page.screenshot(path=str(screenshots / "05-after-reload.png"))

    # The reloaded page has rejoined the same Rasa conversation: the bot still answers there.
    say(page, "thanks, bye")
    expect(messages(page)).to_have_count(len(before) + 2)
    # The socket.io channel sends the answer before Rasa stores the turn: wait for the tracker.
    events = wait_for(
        lambda: (
            (u := [e for e in stack.tracker(session_id)["events"] if e["event"] == "user"])
            and u[-1]["text"] == "thanks, bye"
            and u
        ),
        message="the reloaded page's message in the same conversation's tracker",
    )
    assert events[-1]["text"] == "thanks, bye"


def test_end_chat_while_waiting_then_a_rating_stored_by_the_inbox(
    page: Page, stack: Stack, agent: AgentClient, screenshots: Path
) -> None:
    open_chat(page)
    say(page, "I want to talk to a person")
    expect(page.locator(".nwc-subtitle")).to_have_text(WAITING_WITH_FIGURES)
    session_id = state(page)["sessionId"]
    key = handoff_key(stack, session_id)
    page.reload()  # the header is the inbox's, not only the browser's memory
    expect(page.locator(".nwc-subtitle")).to_have_text(WAITING_WITH_FIGURES)

    page.get_by_role("button", name="End chat").click()
    page.get_by_role("button", name="Yes, end chat").click()
    expect(page.locator(".nwc-subtitle")).to_have_text("Assistant · usually answers right away")
    # The bare /end_handoff reached the bot, which told the inbox.
    wait_for(
        lambda: _conversation_or_none(agent, key) and agent.conversation(key)["customer_ended_at"],
        message="the inbox hears the customer ended the chat",
    )
    page.get_by_role("button", name="5 of 5: Excellent").click()
    page.get_by_label("Comment (optional)").fill("Fine, sorted it myself")
    page.get_by_role("button", name="Send comment").click()
    expect(page.locator(".nwc-notice").last).to_have_text("Thanks for your feedback")
    page.screenshot(path=str(screenshots / "07-ended-and-rated.png"))

    def csat() -> dict:
        response = agent.http.get("/api/v1/analytics/csat", params={"days": 2})
        response.raise_for_status()
        return response.json()

    rated = wait_for(
        lambda: (f := csat())["with_handoff"]["ratings"] >= 1 and f, message="rating stored"
    )
    assert rated["with_handoff"]["mean_score"] == 5.0
    page.reload()
    expect(page.locator(".nwc-subtitle")).to_have_text("Assistant · usually answers right away")


def test_customer_and_agent_markup_is_shown_as_text(
    page: Page, stack: Stack, screenshots: Path
) -> None:
    dialogs: list = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_chat(page)
    say(page, XSS)  # customer text
    expect(bot_texts(page).nth(1)).to_be_visible()  # the bot answered (greeting is the first)

    # An agent line as the inbox sends it: a bot event pushed to the customer's socket.
    session_id = state(page)["sessionId"]
    response = httpx.post(
        f"{stack.rasa_url}/conversations/{session_id}/tracker/events",
        params={
            "token": stack.rasa_token,
            "output_channel": "latest",
            "execute_side_effects": "true",
        },
        json=[
            {
                "event": "bot",
                "text": f"Agent says {XSS}",
                "metadata": {"source": "agent"},
                "data": {
                    "custom": {
                        "data": {"handoff": {"kind": "agent_message", "agent": "<i>Sam</i>"}}
                    }
                },
            }
        ],
        timeout=20,
    )
    response.raise_for_status()
    agent_text = page.locator(".nwc-msg-agent .nwc-text").last
    expect(agent_text).to_have_text(f"Agent says {XSS}")
    expect(page.locator(".nwc-msg-agent .nwc-sender").last).to_have_text(
        "<i>Sam</i> · Northwind team"
    )
    expect(page.locator(".nwc-msg-user .nwc-text").last).to_have_text(XSS)
    expect(agent_text).to_be_in_viewport()

    chat_markup = page.evaluate(
        "document.getElementById('northwind-chat').shadowRoot.querySelector('.nwc-messages').innerHTML"
    )
    for tag in ("<img", "<b>", "<i>"):
        assert tag not in chat_markup.lower(), (
            f"{tag} became an element"
        )  # text is serialised as &lt;
    assert page.locator(".nwc-messages img, .nwc-messages b, .nwc-messages i").count() == 0
    assert dialogs == []
    page.screenshot(path=str(screenshots / "06-markup-as-text.png"))


def _conversation_or_none(agent: AgentClient, key: str):
    try:
        return agent.conversation(key)
    except httpx.HTTPStatusError:
        return None
