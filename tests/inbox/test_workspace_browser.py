"""The agent's workspace in Debian's headless Chromium at 1280x800 (issue 16).

A whole shift (Sam to Kim, canned reply, note, transfer, wrap-up), three panes, the
keyboard, the alerts for a new handoff and the small fixes: the
ticking wait, Assign on closed conversations, the wrap-up draft that kept being
reloaded. Screenshots go to test-output/inbox/workspace-*.png: look at them after a
change to the page.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import delete

from inbox.agent_tools.models import AgentCare, CannedReply, ConversationNote

from .conftest import PASSWORD
from .helpers import create_handoff
from .test_browser import OUTPUT, _chromium_installed, browser, web_inbox  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

# Records what the page asks of the browser's notification and sound APIs, then
# calls the real ones: the test sees the alert without a desktop to show it on.
ALERT_SPY = """
(() => {
  window.__notes = []; window.__asked = 0; window.__tones = 0;
  const Real = window.Notification;
  if (Real) {
    window.Notification = class extends Real {
      constructor(title, options) { super(title, options); window.__notes.push({title, body: options && options.body}); }
      static requestPermission(...args) { window.__asked += 1; return Real.requestPermission(...args); }
    };
  }
  const Context = window.AudioContext;
  if (Context) {
    const create = Context.prototype.createOscillator;
    Context.prototype.createOscillator = function () { window.__tones += 1; return create.call(this); };
  }
})();
"""


def seconds_ago(seconds: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(seconds=seconds)).isoformat()


def new_page(browser, width: int = 1280, height: int = 800, grant: bool = True):
    context = browser.new_context(viewport={"width": width, "height": height})
    if grant:
        context.grant_permissions(["notifications"])
    context.add_init_script(ALERT_SPY)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture()
def inbox(web_inbox):
    web_inbox.reset()
    return web_inbox


@pytest.fixture()
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


def login(page, inbox, username: str = "sam") -> None:
    page.goto(f"{inbox.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{inbox.url}/queue")
    page.wait_for_selector("#queue-live.on")


def open_conversation(page, inbox, key: str) -> None:
    page.goto(f"{inbox.url}/conversations/{key}")
    page.wait_for_selector("#live.on")
    page.wait_for_selector("#queue-live.on")


def in_viewport(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["x"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] + box["width"] <= size["width"]
    )


def shot(page, name: str) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"workspace-{name}.png"))


LATE = "Hi {first_name}, I'm sorry order {order_number} is late. It left with {carrier}."


def test_a_whole_shift(browser, page, inbox) -> None:
    """Log in, become available, a handoff arrives (chime and notification), claim it
    with the keyboard, read the sidebar, reply with Enter, insert a canned reply with its
    placeholders filled, write a note for agents, transfer to Kim, who resolves with a
    wrap-up note. A screenshot at each step (test-output/inbox/workspace-*.png)."""
    with inbox.svc.factory.begin() as session:
        for model in (ConversationNote, CannedReply, AgentCare):
            session.execute(delete(model))
    inbox.agent("ada").post(
        "/api/v1/canned-replies", json={"shortcut": "late", "title": "Parcel is late", "body": LATE}
    ).raise_for_status()
    bot = inbox.bot()
    login(page, inbox)
    shot(page, "1-logged-in")
    page.get_by_role("button", name="Away").click()
    page.get_by_role("button", name="Available").wait_for()
    expect(page.locator("#availability-help")).to_have_text("New handoffs can reach you.")

    body = create_handoff(bot, created_at=seconds_ago(20))
    key = body["handoff_key"]
    item = page.locator(f'#waiting li[data-key="{key}"]')
    item.wait_for()
    page.wait_for_function("window.__notes.length === 1")
    note = page.evaluate("window.__notes[0]")
    assert note["title"] == "New customer waiting"
    assert note["body"] == "Dana Whitfield · Website chat · high priority"
    assert page.evaluate("window.__tones") >= 1  # the chime
    expect(page.locator("#queue-announce")).to_contain_text("New customer waiting: Dana Whitfield")
    expect(item).to_contain_text("Website chat")
    expect(item).to_have_class("qitem fresh")  # highlighted as new
    assert page.title().startswith("(1) ")  # the count in the tab's title
    shot(page, "2-handoff-arrived")

    page.keyboard.press("j")
    expect(item.locator(".qlink")).to_be_focused()
    # the summary's reasons are plain sentences (docs/contract/handoff.schema.json)
    expect(page.locator("#preview")).to_contain_text(
        "Their order number or email did not match, 3 times"
    )
    shot(page, "3-selected")
    page.keyboard.press("c")
    page.wait_for_url(f"{inbox.url}/conversations/{key}")
    page.wait_for_selector("#live.on")
    expect(page.locator("#status-badge")).to_have_text("claimed")
    expect(page.locator(f'#mine li[data-key="{key}"]')).to_be_visible()

    # the sidebar: customer, verified facts, summary and chart, all on the first screen
    sidebar = page.locator(".context-pane")
    expect(sidebar.locator("#goal")).to_have_text("Find out why order 10482 has not arrived")
    expect(sidebar.locator("#facts")).to_contain_text("in transit since 3 June")
    for reason in ("did not match, 3 times", "asked for a person"):  # once, not three times
        assert sidebar.inner_text().lower().count(reason) == 1, reason
    assert in_viewport(page, "#coaching")
    assert in_viewport(page, "#reply") and in_viewport(page, "#send")  # reply box at hand
    page.locator("#frustration-chart").scroll_into_view_if_needed()
    chart_box = page.locator("#frustration-chart").bounding_box()
    assert chart_box["width"] >= 280  # readable, not the 180 px of the old page
    page.locator("#frustration-chart circle").nth(2).hover()
    expect(page.locator("#chart-tip")).to_have_text("Turn 3: 0.80 (frustrated)")
    shot(page, "4-claimed-sidebar")

    reply = page.get_by_label("Reply to the customer")
    expect(reply).to_be_focused()  # claiming puts the agent in the reply box
    reply.type("Hi Dana, I'm Sam.")
    page.keyboard.press("Shift+Enter")
    reply.type("Let me look at your parcel.")
    assert page.locator("#messages .from-agent").count() == 0  # Shift+Enter: a new line only
    page.keyboard.press("Enter")
    page.locator("#messages .from-agent .delivery-delivered").wait_for()
    expect(page.locator("#messages .from-agent p")).to_have_text(
        "Hi Dana, I'm Sam.\nLet me look at your parcel."
    )
    expect(reply).to_have_value("")
    bot.post(
        f"/api/v1/handoffs/{key}/messages",
        json={"message_id": "c1", "text": "Thank you, it was due last week"},
    ).raise_for_status()
    expect(page.locator("#announce")).to_have_text(
        "Dana Whitfield wrote: Thank you, it was due last week"
    )
    assert in_viewport(page, "#messages li:last-child")  # newest at the bottom, in view
    shot(page, "5-replied")

    reply.press_sequentially("/la")  # a canned reply, its placeholders filled from the facts
    expect(page.locator("#canned-menu [role=option]").first).to_contain_text("/late")
    shot(page, "6-canned-menu")
    reply.press("Enter")  # inserts, does not send
    expect(reply).to_have_value("Hi Dana, I'm sorry order 10482 is late. It left with [carrier].")
    reply.press_sequentially("DPD")  # the blank is selected: typing replaces it
    reply.press("Enter")
    expect(page.locator("#messages")).to_contain_text("It left with DPD.")
    expect(reply).to_have_value("")

    page.get_by_label("Add a note for agents").fill("Prefers email after 5pm")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#notes")).to_contain_text("Prefers email after 5pm")
    shot(page, "7-note")

    page.locator("#transfer").click()
    page.get_by_label("Transfer to").select_option("kim")
    page.get_by_label("Note for them").fill("DPD confirmed the delay; offer a refund of shipping")
    shot(page, "8-transfer")
    page.get_by_role("button", name="Transfer", exact=True).last.click()
    expect(page.locator("#owner")).to_contain_text("Kim")

    kim = new_page(browser)
    try:
        login(kim, inbox, "kim")
        mine = kim.locator(f'#mine li[data-key="{key}"]')
        expect(mine).to_be_visible()  # on Kim's queue page as soon as it loads
        shot(kim, "9-kim-queue")
        mine.locator(".qlink").click()
        kim.wait_for_selector("#live.on")
        expect(kim.locator("#handover-note")).to_contain_text("Note from Sam: DPD confirmed")
        expect(kim.locator("#notes")).to_contain_text("Prefers email after 5pm")
        kim.get_by_label("Internal note (inbox only)").fill("Refunded the shipping")
        assert in_viewport(kim, "#resolve") and in_viewport(kim, "#resolution")
        kim.get_by_role("button", name="Resolve").click()
        expect(kim.locator("#status-badge")).to_have_text("resolved")
        draft = kim.locator("#wrap-up-text")
        expect(draft).not_to_have_value("")  # the draft from the summary and the transcript
        draft.fill("Parcel late with DPD; refunded the shipping. Customer prefers email.")
        kim.get_by_role("button", name="Save wrap-up note").click()
        expect(kim.locator("#wrap-up-note")).to_have_text(
            "Parcel late with DPD; refunded the shipping. Customer prefers email."
        )
        expect(kim.locator("#wrap-up-meta")).to_have_text("Saved by Kim")
        shot(kim, "10-kim-resolved-wrap-up")
    finally:
        kim.context.close()
    saved = inbox.agent("sam").get(f"/api/v1/handoffs/{key}/wrap-up").json()
    assert saved["saved_note"].startswith("Parcel late with DPD") and saved["saved_by"] == "Kim"


def test_the_workspace_at_1024_px_keeps_all_three_panes_usable(browser, inbox) -> None:
    page = new_page(browser, width=1024, height=768)
    try:
        key = create_handoff(inbox.bot(), created_at=seconds_ago(30))["handoff_key"]
        login(page, inbox)
        open_conversation(page, inbox, key)
        for selector in ("#queue-pane", "#conv-title", "#reply", "#send", "#claim", "#coaching"):
            assert in_viewport(page, selector), selector
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024  # no sideways scroll
        shot(page, "1024")
    finally:
        page.context.close()


def test_the_waiting_time_ticks(page, inbox) -> None:
    key = create_handoff(inbox.bot(), created_at=seconds_ago(12))["handoff_key"]
    page.clock.install()
    login(page, inbox)
    open_conversation(page, inbox, key)
    first = page.locator("#waiting-time").inner_text()
    assert first.endswith("s") and 12 <= int(first[:-1]) < 50
    page.clock.run_for(60_000)
    expect(page.locator("#waiting-time")).to_have_text("1 min")
    expect(page.locator(f'#waiting li[data-key="{key}"] .since')).to_have_text("1 min")


def test_a_draft_wrap_up_note_is_never_reloaded_over_the_agents_edits(page, inbox) -> None:
    key = create_handoff(inbox.bot())["handoff_key"]
    sam = inbox.agent("sam")
    sam.post(f"/api/v1/handoffs/{key}/claim").raise_for_status()
    sam.post(f"/api/v1/handoffs/{key}/resolve", json={"note": "Redelivery"}).raise_for_status()
    login(page, inbox)
    open_conversation(page, inbox, key)
    page.get_by_role("button", name="Write the wrap-up note").click()
    draft = page.locator("#wrap-up-text")
    expect(draft).to_be_visible()
    draft.fill("My own words about this conversation.")
    expect(page.locator("#wrap-up-open")).to_be_hidden()  # the attribute wins over the CSS
    page.locator("#wrap-up-open").dispatch_event("click")  # even a click that gets through
    expect(page.locator("#wrap-up-status")).not_to_have_text("Preparing a draft…")
    expect(draft).to_have_value("My own words about this conversation.")
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("button", name="Write the wrap-up note")).to_be_visible()


def test_assign_is_off_and_explained_on_a_resolved_conversation(page, inbox) -> None:
    key = create_handoff(inbox.bot())["handoff_key"]
    sam = inbox.agent("sam")
    sam.post(f"/api/v1/handoffs/{key}/claim").raise_for_status()
    login(page, inbox, "ada")
    open_conversation(page, inbox, key)
    expect(page.get_by_role("button", name="Assign")).to_be_enabled()
    sam.post(f"/api/v1/handoffs/{key}/resolve", json={"note": "Done"}).raise_for_status()
    expect(page.locator("#status-badge")).to_have_text("resolved")  # live, no reload
    assign = page.get_by_role("button", name="Assign")
    expect(assign).to_be_disabled()
    expect(assign).to_have_accessible_description(
        "Assign is off: this conversation is resolved, so there is nobody to take over."
    )
    page.reload()
    expect(page.get_by_role("button", name="Assign")).to_be_disabled()


def test_keyboard_moves_in_the_queue_and_slash_searches_unless_typing(page, inbox) -> None:
    bot = inbox.bot()
    first = create_handoff(bot, priority="urgent", created_at=seconds_ago(30))["handoff_key"]
    second = create_handoff(bot, priority="low", created_at=seconds_ago(60))["handoff_key"]
    login(page, inbox)
    page.keyboard.press("j")
    expect(page.locator(f'li[data-key="{first}"] .qlink')).to_be_focused()
    page.keyboard.press("j")
    expect(page.locator(f'li[data-key="{second}"] .qlink')).to_be_focused()
    page.keyboard.press("k")
    expect(page.locator(f'li[data-key="{first}"] .qlink')).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{inbox.url}/conversations/{first}")
    page.wait_for_selector("#live.on")
    page.locator("#conv-title").click()
    page.keyboard.press("/")
    search = page.get_by_label("Search closed conversations")
    expect(search).to_be_focused()
    page.keyboard.type("j/c")  # typing in a field: no shortcut fires
    expect(search).to_have_value("j/c")
    expect(page.locator("#status-badge")).to_have_text("waiting")
    page.locator("#conv-title").click()
    page.keyboard.press("c")  # claims the open conversation
    expect(page.locator("#status-badge")).to_have_text("claimed")


def test_notification_permission_is_asked_once_on_the_availability_click(browser, inbox) -> None:
    page = new_page(browser, grant=False)
    try:
        login(page, inbox)
        assert page.evaluate("window.__asked") == 0  # never on page load
        page.get_by_role("button", name="Away").click()
        page.get_by_role("button", name="Available").wait_for()
        assert page.evaluate("window.__asked") == 1
        page.get_by_role("button", name="Available").click()
        page.get_by_role("button", name="Away").click()
        page.get_by_role("button", name="Available").wait_for()
        page.reload()
        page.get_by_role("button", name="Available").click()
        page.get_by_role("button", name="Away").click()
        page.get_by_role("button", name="Available").wait_for()
        assert page.evaluate("window.__asked") == 0  # not asked again after a reload either
    finally:
        page.context.close()


def test_no_alert_while_away(page, inbox) -> None:
    login(page, inbox)
    key = create_handoff(inbox.bot())["handoff_key"]
    page.locator(f'#waiting li[data-key="{key}"]').wait_for()
    page.get_by_role("button", name="Away").wait_for()
    assert page.evaluate("window.__notes.length") == 0


def test_closed_conversations_open_on_the_most_recent(page, inbox) -> None:
    bot = inbox.bot()
    sam = inbox.agent("sam")
    keys = []
    for name in ("Older Customer", "Newer Customer"):
        body = create_handoff(bot)
        keys.append(body["handoff_key"])
        sam.post(f"/api/v1/handoffs/{body['handoff_key']}/claim").raise_for_status()
        sam.post(
            f"/api/v1/handoffs/{body['handoff_key']}/resolve", json={"note": name}
        ).raise_for_status()
    login(page, inbox)
    page.get_by_role("link", name="Closed conversations").click()
    page.wait_for_url(f"{inbox.url}/search")
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(2)
    assert keys[1] in rows.first.inner_html()  # most recent first, without a search
    shot(page, "closed-list")


def test_favicon_is_served(inbox) -> None:
    response = httpx.get(f"{inbox.url}/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/")


def test_channels_are_named_as_people_say_them(page, inbox) -> None:
    bot = inbox.bot()
    channels = {
        ("telegram", "tg-1"): "Telegram",
        ("twilio", "whatsapp:+447700900123"): "WhatsApp",
        ("twilio", "+447700900124"): "SMS",
        ("facebook", "fb-1"): "Facebook Messenger",
        ("slack", "sl-1"): "Slack",
        ("socketio", "web-1"): "Website chat",
    }
    keys = {}
    for (channel, sender), name in channels.items():
        body = create_handoff(bot, channel=channel, conversation_id=sender)
        keys[body["handoff_key"]] = name
    login(page, inbox)
    for key, name in keys.items():  # rendered by the server, then by the live script
        expect(page.locator(f'#waiting li[data-key="{key}"] .badge.channel')).to_have_text(name)
    whatsapp = next(k for k, n in keys.items() if n == "WhatsApp")
    open_conversation(page, inbox, whatsapp)
    expect(page.locator(".convo-head .badge.channel")).to_have_text("WhatsApp")
    assert "twilio" not in page.locator("main").inner_text().lower()
