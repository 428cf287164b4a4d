"""The agent tools in Debian's headless Chromium at 1280x800 (issue 16): a canned reply
inserted with "/" and its placeholders filled from the facts, a note only agents see,
and a transfer from Sam to Kim, who finds the note. Screenshots go to
test-output/inbox/tools-*.png: look at them after a change to the page.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete

from inbox.agent_tools.models import AgentCare, CannedReply, ConversationNote
from tests.inbox.conftest import PASSWORD
from tests.inbox.helpers import create_handoff
from tests.inbox.test_browser import (  # noqa: F401 - fixtures
    OUTPUT,
    _chromium_installed,
    browser,
    web_inbox,
)

pytestmark = pytest.mark.browser

LATE = "Hi {first_name}, I'm sorry order {order_number} is late. It left with {carrier}."


@pytest.fixture()
def inbox(web_inbox):
    web_inbox.reset()
    with web_inbox.svc.factory.begin() as session:
        for model in (ConversationNote, CannedReply, AgentCare):
            session.execute(delete(model))
    return web_inbox


def shot(page, name: str) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"tools-{name}.png"))


def logged_in(browser, inbox, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{inbox.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{inbox.url}/queue")
    return page


def test_canned_reply_with_placeholders_a_note_and_a_transfer(browser, inbox) -> None:
    ada = logged_in(browser, inbox, "ada")
    ada.goto(f"{inbox.url}/admin/canned-replies")
    ada.get_by_label("Shortcut (typed after /)").fill("late")
    ada.get_by_label("Title").fill("Parcel is late")
    ada.get_by_label("Text").fill(LATE)
    ada.get_by_role("button", name="Add").click()
    expect(ada.locator("#canned-table")).to_contain_text("/late")
    shot(ada, "1-admin-canned-replies")
    ada.context.close()

    key = create_handoff(inbox.bot())["handoff_key"]
    sam = logged_in(browser, inbox, "sam")
    sam.goto(f"{inbox.url}/conversations/{key}")
    sam.wait_for_selector("#live.on")
    sam.get_by_role("button", name="Claim").click()
    expect(sam.locator("#status-badge")).to_have_text("claimed")

    box = sam.locator("#reply")
    box.click()
    box.press_sequentially("/la")
    expect(sam.locator("#canned-menu")).to_be_visible()
    expect(sam.locator("#canned-menu [role=option]").first).to_contain_text("/late")
    shot(sam, "2-slash-menu")
    box.press("Enter")  # inserts; does not send
    expected = "Hi Dana, I'm sorry order 10482 is late. It left with [carrier]."
    expect(box).to_have_value(expected)
    # The blank left to fill is selected: typing replaces it.
    box.press_sequentially("DPD")
    expect(box).to_have_value("Hi Dana, I'm sorry order 10482 is late. It left with DPD.")
    shot(sam, "3-canned-inserted")
    box.press("Enter")
    expect(sam.locator("#messages")).to_contain_text("It left with DPD.")

    sam.get_by_label("Add a note for agents").fill("Customer prefers email <b>after 5pm</b>")
    sam.get_by_role("button", name="Add note").click()
    expect(sam.locator("#notes")).to_contain_text("Customer prefers email <b>after 5pm</b>")

    sam.locator("#transfer").click()
    sam.get_by_label("Transfer to").select_option("kim")
    sam.get_by_label("Note for them").fill("Carrier confirmed DPD; offer a refund of shipping")
    shot(sam, "4-transfer-form")
    sam.get_by_role("button", name="Transfer", exact=True).last.click()
    expect(sam.locator("#owner")).to_contain_text("Kim")
    expect(sam.locator("#transfer")).to_be_disabled()
    sam.context.close()

    kim = logged_in(browser, inbox, "kim")
    kim.goto(f"{inbox.url}/conversations/{key}")
    kim.wait_for_selector("#live.on")
    expect(kim.locator("#owner")).to_contain_text("Kim")
    notes = kim.locator("#notes")
    expect(notes).to_contain_text("Carrier confirmed DPD; offer a refund of shipping")
    expect(notes).to_contain_text("on transfer to you")
    expect(kim.locator("#handover-note")).to_be_visible()
    expect(kim.locator("#handover-note")).to_contain_text("Note from Sam: Carrier confirmed DPD")
    expect(kim.locator("#messages")).to_contain_text("Sam transferred the conversation to Kim.")
    shot(kim, "5-kim-receives")
    kim.context.close()

    # The customer heard the reply and who joined, never a note.
    calls = str(inbox.rasa.wait_for(3))
    assert "It left with DPD." in calls and "Kim has joined the chat." in calls
    assert "prefers email" not in calls and "refund of shipping" not in calls


def test_a_break_is_offered_after_an_abusive_customer_and_taken_in_one_click(
    browser, inbox
) -> None:
    from tests.inbox.care.test_breaks import handled

    sam_api = inbox.agent("sam")
    sam_api.post("/api/v1/me/availability", json={"available": True}).raise_for_status()
    key = handled(inbox, sam_api, abusive=True)
    sam = logged_in(browser, inbox, "sam")
    sam.goto(f"{inbox.url}/conversations/{key}")
    banner = sam.locator("#care-banner")
    expect(banner).to_contain_text("That was a hard conversation with Dana Whitfield")
    shot(sam, "6-break-offered")
    sam.get_by_role("button", name="Take 5 minutes").click()
    expect(banner).to_contain_text("On a break until")
    expect(sam.locator("#availability")).to_have_text("Away")
    shot(sam, "7-on-a-break")
    assert sam_api.get("/api/v1/me").json()["available"] is False
    assert inbox.bot().get("/api/v1/status").json()["agents_available"] == 0
    sam.context.close()
