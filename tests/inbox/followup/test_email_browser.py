"""Chromium: the agent sees the address the customer left on the card and replies by
email from the conversation page; a real aiosmtpd server receives exactly one mail.
Screenshot: test-output/inbox/email-follow-up.png."""

from __future__ import annotations

from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from tests.inbox.followup.test_email_reply import Sink, smtp_port  # noqa: F401 (fixture)
from tests.inbox.helpers import create_handoff
from tests.inbox.test_browser import (  # noqa: F401 (fixtures)
    OUTPUT,
    _chromium_installed,
    browser,
    login,
    page,
    web_inbox,
)


def test_reply_by_email_from_the_page(page, web_inbox, smtp_port):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        bot = web_inbox.bot()
        key = create_handoff(bot)["handoff_key"]
        bot.post(
            f"/api/v1/handoffs/{key}/contact-preference",
            json={"contact_preference": "email", "contact_detail": "dana@example.com"},
        ).raise_for_status()
        login(page, web_inbox)
        page.goto(f"{web_inbox.url}/conversations/{key}")
        expect(page.locator("#contact")).to_have_text(
            "Contact preference: email · dana@example.com"
        )
        page.get_by_role("button", name="Claim").click()
        page.get_by_label("Reply to the customer").fill("Your replacement ships today.")
        page.get_by_role("button", name="Send by email").click()
        expect(page.locator("#messages .from-agent").last).to_contain_text(
            "(by email to dana@example.com) Your replacement ships today."
        )
        [(to, raw)] = sink.wait_for(1)
        assert to == ["dana@example.com"] and f"[ref {key[:12]}]".encode() in raw
        page.screenshot(path=str(OUTPUT / "email-follow-up.png"), full_page=True)
        assert len(sink.wait_for(2, timeout=1.0)) == 1
    finally:
        controller.stop()
