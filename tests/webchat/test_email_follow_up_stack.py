"""Email follow-up end to end (issue 15), in Chromium on the real system with a real
local SMTP server (aiosmtpd): nobody from the team is available, so the bot offers
email; the customer types their address in the widget and sees it confirmed; the
agent replies by email from the inbox; the server receives exactly one mail, to that
address, with the conversation's reference in the subject.

A stack of its own: the inbox must start with INBOX_SMTP_HOST set (the shared one has
no SMTP server, so its bot never promises email) and with nobody available.
Screenshots: test-output/webchat/40-email-offered-and-noted.png (the widget),
41-email-reply-sent.png (the agent's conversation page).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, Page, expect

from tests.agent_client import AgentClient
from tests.stack import Stack, free_port, wait_for
from tests.webchat.helpers import SLOW, open_chat, say, state

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

ADDRESS = "dana.follow-up@example.com"


class Mailbox:
    """What the SMTP server accepted."""

    def __init__(self) -> None:
        self.mails: list[tuple[list[str], Message]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.mails.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.mails)


@pytest.fixture(scope="module")
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


@pytest.fixture(scope="module")
def mail_stack(
    mailbox: tuple[Mailbox, int], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    running = Stack(workdir=tmp_path_factory.mktemp("mail-stack"))
    running.extra_env = {
        "INBOX_SMTP_HOST": "127.0.0.1",
        "INBOX_SMTP_PORT": str(mailbox[1]),
        "INBOX_SMTP_FROM": "Northwind support <support@northwind.example>",
    }
    try:
        running.start()
        yield running
    finally:
        running.stop_all()


@pytest.fixture()
def page(browser: Browser, mail_stack: Stack) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(SLOW)
    expect.set_options(timeout=SLOW)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(mail_stack.webchat_url + "/")
    yield page
    expect.set_options(timeout=5_000)
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def test_email_follow_up_from_the_widget_to_one_mail(
    page: Page, mail_stack: Stack, mailbox: tuple[Mailbox, int], screenshots: Path
) -> None:
    box, _port = mailbox
    open_chat(page)
    say(page, "I want to talk to a person")
    bot = page.locator(".nwc-msg-bot .nwc-text, .nwc-msg-agent .nwc-text, .nwc-notice")
    expect(bot.filter(has_text="type your email address")).to_have_count(1)

    say(page, ADDRESS)
    noted = bot.filter(has_text=f"Thanks, we've noted {ADDRESS}.")
    expect(noted).to_have_count(1)
    page.screenshot(path=str(screenshots / "40-email-offered-and-noted.png"))

    session = state(page)["sessionId"]
    key = wait_for(
        lambda: mail_stack.tracker(session)["slots"].get("handoff_key"), message="handoff key"
    )
    sam = AgentClient(mail_stack.inbox_url, mail_stack.admin_user, mail_stack.admin_password)
    try:
        record = sam.conversation(key)
        assert (record["contact_preference"], record["contact_detail"]) == ("email", ADDRESS)
        sent = sam._post(
            f"/api/v1/handoffs/{key}/email-replies",
            {"text": "Your replacement pair ships today; tracking follows."},
        )
        assert sent["text"].startswith(f"(by email to {ADDRESS})")
        wait_for(lambda: box.count() >= 1, message="the mail at the SMTP server")
        wait_for(
            lambda: (
                [
                    m["delivery_status"]
                    for m in sam.conversation(key)["messages"]
                    if m["sender"] == "agent"
                ]
                == ["delivered"]
            ),
            message="the reply recorded as delivered",
        )
    finally:
        sam.close()
    # The agent's page: the address on the card, the reply marked as sent by email.
    inbox_page = page.context.new_page()
    inbox_page.goto(f"{mail_stack.inbox_url}/login")
    inbox_page.get_by_label("Username").fill(mail_stack.admin_user)
    inbox_page.get_by_label("Password").fill(mail_stack.admin_password)
    inbox_page.get_by_role("button", name="Log in").click()
    inbox_page.wait_for_url(f"{mail_stack.inbox_url}/queue")
    inbox_page.goto(f"{mail_stack.inbox_url}/conversations/{key}")
    expect(inbox_page.locator("#contact")).to_have_text(f"Contact preference: email · {ADDRESS}")
    expect(inbox_page.locator("#messages .from-agent").last).to_contain_text(
        f"(by email to {ADDRESS})"
    )
    inbox_page.screenshot(path=str(screenshots / "41-email-reply-sent.png"), full_page=True)
    inbox_page.close()

    [(recipients, mail)] = box.mails  # exactly one
    assert recipients == [ADDRESS] and mail["To"] == ADDRESS
    assert f"[ref {key[:12]}]" in str(mail["Subject"])
    assert "Your replacement pair ships today" in mail.get_payload()
    # The customer's chat is not where an email reply goes.
    expect(page.locator(".nwc-messages")).not_to_contain_text("replacement pair")
