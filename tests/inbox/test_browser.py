"""Browser tests in Debian's headless Chromium driven by Playwright (no browser download).

An agent logs in, sees a new handoff appear without reloading, opens it, reads the
summary, sends a reply and hands back; customer text with markup stays text.
Screenshots go to test-output/inbox/ (git-ignored).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import launch_chromium, require_chromium

from .conftest import PASSWORD, start_inbox
from .helpers import create_handoff, handoff_payload

OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "inbox"
XSS = "<script>alert(1)</script><b>x</b>"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def _chromium_installed() -> None:
    require_chromium()


@pytest.fixture(scope="module")
def web_inbox(tmp_path_factory, fake_rasa):
    yield from start_inbox(
        f"sqlite:///{tmp_path_factory.mktemp('browser') / 'inbox.db'}", fake_rasa
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, web_inbox):
    web_inbox.reset()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


def minutes_ago(minutes: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(minutes=minutes)).isoformat()


def login(page, inbox, username="sam"):
    page.goto(f"{inbox.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{inbox.url}/queue")
    page.wait_for_selector("#queue-live.on")  # the queue's event stream is connected


def test_agent_takes_a_handoff_from_queue_to_hand_back(page, web_inbox):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    bot = web_inbox.bot()
    create_handoff(
        bot,
        priority="normal",
        reason="Asked about delivery options",
        frustration_level="calm",
        created_at=minutes_ago(6),
    )
    login(page, web_inbox)
    page.evaluate("window.__sameDocument = true")

    body = create_handoff(bot, created_at=minutes_ago(2))  # arrives while the page is open
    key = body["handoff_key"]
    row = page.locator(f'#waiting li[data-key="{key}"]')
    row.wait_for()
    assert page.evaluate("window.__sameDocument") is True  # no reload happened
    assert page.locator("#waiting li").first.get_attribute("data-key") == key  # high before normal
    assert "Dana Whitfield" in row.inner_text() and "frustrated" in row.inner_text().lower()
    bot.post(
        f"/api/v1/handoffs/{key}/messages", json={"message_id": "w1", "text": "hello??"}
    ).raise_for_status()
    expect(row.locator(".badge.msgs")).to_have_text("1 new")
    page.get_by_role("button", name="Away").click()
    page.get_by_role("button", name="Available").wait_for()
    expect(page.locator("#fig-agents")).to_have_text("1")  # re-read after the live event
    page.screenshot(path=str(OUTPUT / "queue.png"), full_page=True)

    row.get_by_role("link").click()
    page.wait_for_url(f"{web_inbox.url}/conversations/{key}")
    page.wait_for_selector("#live.on")
    assert page.locator("#goal").inner_text() == "Find out why order 10482 has not arrived"
    assert page.locator("svg.chart circle").count() == 3
    page.get_by_role("button", name="Claim").click()
    page.locator("#status-badge", has_text="claimed").wait_for()
    expect(page.locator(f'#mine li[data-key="{key}"]')).to_be_visible()  # moved to "Mine"
    expect(page.locator("#waiting li")).to_have_count(1)
    page.get_by_role("button", name="Use this opening").click()
    assert (
        page.get_by_label("Reply to the customer").input_value()
        == body["summary"]["suggested_opening"]
    )
    page.get_by_role("button", name="Send").click()
    page.locator("#messages .from-agent .delivery-delivered").wait_for()
    sent = [
        c
        for c in web_inbox.rasa.wait_for(2)
        if c["json"][0].get("metadata", {}).get("source") == "agent"
    ]
    assert sent[0]["json"][0]["text"] == body["summary"]["suggested_opening"]

    bot.post(
        f"/api/v1/handoffs/{key}/messages",
        json={"message_id": "m1", "text": "Thanks, when will it arrive?"},
    ).raise_for_status()
    page.locator("#messages .from-customer", has_text="when will it arrive").wait_for()
    page.screenshot(path=str(OUTPUT / "conversation.png"), full_page=True)

    page.get_by_label("Internal note (inbox only)").fill("DPD depot Croydon holds it")
    page.get_by_label("Message to the customer").fill("Told Dana it arrives Friday")
    page.get_by_role("button", name="Hand back to the bot").click()
    page.locator("#status-badge", has_text="handed back").wait_for()
    trigger = web_inbox.rasa.wait_for(4)[-1]
    assert trigger["json"] == {  # the internal note stays in the inbox
        "name": "agent_handback",
        "entities": {"resolution": "Told Dana it arrives Friday"},
    }
    # Nothing the server would refuse is offered any more (issue 16): no Send, no reply box.
    expect(page.locator("#ended-note")).to_have_text("Handed back to the bot by Sam.")
    expect(page.get_by_role("button", name="Send", exact=True)).to_have_count(0)
    expect(page.get_by_label("Reply to the customer")).to_be_hidden()


def test_markup_in_customer_text_stays_text_in_the_browser(page, web_inbox):
    bot = web_inbox.bot()
    login(page, web_inbox)
    body = handoff_payload(reason=XSS)
    body["summary"]["customer"]["name"] = XSS
    bot.post("/api/v1/handoffs", json=body).raise_for_status()
    key = body["handoff_key"]
    row = page.locator(f'#waiting li[data-key="{key}"]')
    row.wait_for()  # rendered by the live JavaScript path
    assert XSS in row.inner_text()
    assert page.locator("#waiting b, #waiting script").count() == 0

    page.goto(f"{web_inbox.url}/conversations/{key}")  # server-rendered path
    page.wait_for_selector("#live.on")
    bot.post(
        f"/api/v1/handoffs/{key}/messages", json={"message_id": "x", "text": XSS}
    ).raise_for_status()
    page.locator("#messages .from-customer").wait_for()  # live path
    assert page.locator("#messages .from-customer p").inner_text() == XSS
    assert page.locator("main b, main script").count() == 0
    assert page.evaluate("document.querySelectorAll('b').length") == 0
    assert page.dialogs == []
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "escaped-markup.png"), full_page=True)
