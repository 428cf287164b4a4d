"""The agent's page once the chat is over, in Debian's headless Chromium at 1280x800.

The customer ended the chat (after the agent joined, or while waiting), or an agent
resolved it: the page says so at the top of the thread with when, and offers no
control the server would refuse (chat reply, hand back, resolve: 409). Reply by email
stays when the customer left an address and the inbox can send mail. Also the small
truths: an unconfirmed email reads as such, long sidebar values wrap, and the queue's
wait figure says whose wait it is. Screenshots: test-output/inbox/closed-*.png.
"""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect
from sqlalchemy import update

from inbox.models import Message
from tests.inbox.followup.test_email_reply import (  # noqa: F401 (fixture)
    Sink,
    _with_email,
    smtp_port,
)
from tests.inbox.helpers import create_handoff, handoff_payload
from tests.inbox.test_browser import (  # noqa: F401 (fixtures)
    OUTPUT,
    _chromium_installed,
    browser,
    login,
    web_inbox,
)
from tests.inbox.test_workspace_browser import inbox, open_conversation, page  # noqa: F401

pytestmark = pytest.mark.browser

LONG_STATUS = "in transit with DPD since 24 November, was expected 26 November"
LONG_URL = (
    "https://track.dpd.co.uk/parcels/15501234567890123456?postcode=SW1A1AA&lang=en-GB&ref=northwind"
)


def shot(page, name: str) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"closed-{name}.png"))


def claimed_by_sam(inbox) -> tuple[str, object]:
    key = create_handoff(inbox.bot())["handoff_key"]
    sam = inbox.agent("sam")
    sam.post(f"/api/v1/handoffs/{key}/claim").raise_for_status()
    return key, sam


def left_with_email(inbox) -> str:
    """A customer who left an email address, then left the queue before anyone joined."""
    key = _with_email(inbox)
    inbox.bot().post(f"/api/v1/handoffs/{key}/customer-ended", json={}).raise_for_status()
    return key


def expect_no_chat_controls(page) -> None:
    """Nothing on offer that the server refuses once the chat is over."""
    for name in (
        "Send",
        "Hand back to the bot",
        "Resolve",
        "Claim",
        "Use this opening",
        "Transfer",
    ):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
    expect(page.get_by_label("Reply to the customer")).to_be_hidden()


def test_the_customer_ends_the_chat_while_the_agent_has_the_page_open(page, inbox) -> None:
    key, sam = claimed_by_sam(inbox)
    login(page, inbox)
    open_conversation(page, inbox, key)
    expect(page.get_by_role("button", name="Resolve")).to_be_enabled()
    expect(page.locator("#closed-banner")).to_be_hidden()

    inbox.bot().post(f"/api/v1/handoffs/{key}/customer-ended", json={}).raise_for_status()

    banner = page.locator("#closed-banner")
    expect(banner.locator("#ended-note")).to_have_text("The customer ended the chat.")  # live
    expect(banner.locator("#ended-when")).to_contain_text("UTC")
    expect(banner.locator("#ended-when")).to_contain_text("after Sam joined")
    expect(banner.locator("#ended-next")).to_contain_text("nothing more can be sent")
    expect(page.locator("#status-badge")).to_have_text("customer ended")
    expect_no_chat_controls(page)
    expect(page.locator("#composer-closed")).to_be_visible()
    box = banner.bounding_box()
    assert box is not None and box["y"] < 200  # at the top of the thread, not below it
    shot(page, "customer-ended-live")
    assert sam.post(f"/api/v1/handoffs/{key}/replies", json={"text": "hi?"}).status_code == 409

    page.reload()  # the same from the server's page
    page.wait_for_selector("#live.on")
    expect(banner.locator("#ended-note")).to_have_text("The customer ended the chat.")
    expect_no_chat_controls(page)
    expect(page.get_by_role("button", name="Write the wrap-up note")).to_be_enabled()


def test_resolving_takes_the_chat_controls_away(page, inbox) -> None:
    key, _ = claimed_by_sam(inbox)
    login(page, inbox)
    open_conversation(page, inbox, key)
    page.get_by_role("button", name="Resolve").click()

    expect(page.locator("#ended-note")).to_have_text("Resolved by Sam.")
    expect(page.locator("#ended-next")).to_contain_text("The wrap-up note is below")
    expect_no_chat_controls(page)
    expect(page.locator("#wrap-up-text")).to_be_visible()  # the draft, as before
    shot(page, "resolved")


def test_a_handed_back_conversation_offers_nothing_to_send(page, inbox) -> None:
    key, sam = claimed_by_sam(inbox)
    sam.post(f"/api/v1/handoffs/{key}/handback", json={}).raise_for_status()
    login(page, inbox, "kim")
    open_conversation(page, inbox, key)
    expect(page.locator("#ended-note")).to_have_text("Handed back to the bot by Sam.")
    expect_no_chat_controls(page)
    expect(page.get_by_role("button", name="Write the wrap-up note")).to_be_disabled()


def test_left_while_waiting_with_an_email_keeps_reply_by_email(page, inbox, smtp_port) -> None:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        key = left_with_email(inbox)
        login(page, inbox)
        open_conversation(page, inbox, key)

        expect(page.locator("#ended-note")).to_contain_text("in the queue; nobody had joined.")
        expect(page.locator("#ended-next")).to_contain_text(
            "You can still reply by email to dana@example.com"
        )
        for name in ("Send", "Hand back to the bot", "Resolve", "Claim"):
            expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
        box = page.get_by_label("Reply to the customer")
        expect(box).to_be_enabled()
        box.fill("We have found your parcel.")
        box.press("Enter")  # a new line, not a chat reply the server refuses
        expect(page.locator("#action-error")).to_be_hidden()
        shot(page, "left-with-email")
        page.get_by_role("button", name="Send by email").click()
        expect(page.locator("#messages .from-agent").last).to_contain_text(
            "(by email to dana@example.com) We have found your parcel."
        )
        [(to, raw)] = sink.wait_for(1)
        assert to == ["dana@example.com"] and f"[ref {key[:12]}]".encode() in raw
        expect(page.locator("#messages .from-agent .delivery").last).to_contain_text("delivered")
    finally:
        controller.stop()


def test_an_address_without_a_mail_server_offers_no_email(page, inbox, monkeypatch) -> None:
    monkeypatch.delenv("INBOX_SMTP_HOST", raising=False)
    key = left_with_email(inbox)
    login(page, inbox)
    open_conversation(page, inbox, key)
    expect(page.get_by_role("button", name="Send by email")).to_have_count(0)
    expect(page.locator("#email-off")).to_be_visible()
    expect_no_chat_controls(page)


def test_an_unconfirmed_email_says_so_in_words(page, inbox) -> None:
    key, sam = claimed_by_sam(inbox)
    sent = sam.post(f"/api/v1/handoffs/{key}/replies", json={"text": "Sent to you."}).json()
    with inbox.svc.factory.begin() as session:
        session.execute(
            update(Message).where(Message.id == sent["id"]).values(delivery_status="unconfirmed")
        )
    login(page, inbox)
    open_conversation(page, inbox, key)
    words = "sent, not confirmed by the mail server"
    tag = page.locator(f'#messages li[data-id="{sent["id"]}"] .delivery')
    expect(tag).to_have_text(f"? {words}")
    expect(tag).to_have_class("delivery delivery-unconfirmed")
    assert "not sent again on its own" in (tag.get_attribute("title") or "")
    # The same words when the page draws the message itself (live).
    page.evaluate(
        "Conversation.addMessage({id: 987654, sender: 'agent', agent_name: 'Sam', "
        "text: 'by email', delivery_status: 'unconfirmed'})"
    )
    expect(page.locator('#messages li[data-id="987654"] .delivery')).to_have_text(f"? {words}")
    page.locator(f'#messages li[data-id="{sent["id"]}"]').scroll_into_view_if_needed()
    shot(page, "unconfirmed")


def test_long_sidebar_values_wrap_and_the_queue_says_whose_wait(page, inbox) -> None:
    body = handoff_payload()
    body["summary"]["facts"].update(order_status=LONG_STATUS, tracking_url=LONG_URL)
    body["summary"]["customer"]["email"] = (
        "dana.whitfield-longsurname@example-customer-domain.co.uk"
    )
    inbox.bot().post(
        "/api/v1/handoffs", json=body, headers={"Idempotency-Key": body["handoff_key"]}
    ).raise_for_status()
    login(page, inbox)
    open_conversation(page, inbox, body["handoff_key"])
    pane = page.locator(".context-pane").bounding_box()
    assert pane is not None
    facts = page.locator("#facts dd")
    expect(facts.filter(has_text=LONG_STATUS)).to_have_count(1)
    for index in range(facts.count()):
        cell = facts.nth(index)
        box = cell.bounding_box()
        assert box is not None and box["x"] + box["width"] <= pane["x"] + pane["width"], (
            cell.inner_text()
        )
        assert cell.evaluate("e => e.scrollWidth <= e.clientWidth"), cell.inner_text()
    status = facts.filter(has_text=LONG_STATUS)
    assert status.evaluate("e => e.offsetHeight > 30")  # wrapped
    assert page.evaluate(
        "(() => { const p = document.querySelector('.context-pane');"
        " return p.scrollWidth <= p.clientWidth; })()"
    )
    page.locator("#facts").scroll_into_view_if_needed()
    shot(page, "sidebar-long-values")
    expect(page.locator("#queue-pane")).to_contain_text("Wait for a new customer")
    expect(page.locator("#queue-pane")).not_to_contain_text("Expected wait")
    expect(page.locator("#fig-wait")).not_to_have_text("")  # filled by the live queue
