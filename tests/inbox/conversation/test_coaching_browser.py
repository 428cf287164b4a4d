"""The conversation page in chromium: live coaching, masked insults, the wrap-up note.

The bot is played through the inbox's bot API (the real action server is in
tests/e2e/test_coaching_flow.py). Screenshots go to test-output/inbox/.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from inbox.conversation.coaching import CUES, FALLING_CUE
from tests.inbox.helpers import create_handoff, handoff_payload
from tests.inbox.test_browser import OUTPUT, _chromium_installed, browser, login, page, web_inbox  # noqa: F401

pytestmark = pytest.mark.browser
INSULT = "you are all useless idiots <b>x</b>"


def reading(
    score: float, level: str, trend: float, abusive: bool = False, **signals: float
) -> dict[str, Any]:
    return {
        "score": score,
        "level": level,
        "trend": trend,
        "reasons": [],
        "signals": signals,
        "abusive": abusive,
    }


def say(bot, key: str, message_id: str, text: str, frustration: dict[str, Any]) -> None:
    bot.post(
        f"/api/v1/handoffs/{key}/messages",
        json={"message_id": message_id, "text": text, "frustration": frustration},
    ).raise_for_status()


def open_conversation(page, inbox, key: str) -> None:
    page.goto(f"{inbox.url}/conversations/{key}")
    page.wait_for_selector("#live.on")
    page.evaluate("window.__sameDocument = true")


def test_cues_update_live_and_insults_are_masked_until_shown(page, web_inbox) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    bot = web_inbox.bot()
    body = handoff_payload()
    body["summary"]["transcript"].append(
        {
            "speaker": "customer",
            "text": "stupid bot, you idiots",
            "at": "2026-11-25T09:59:00Z",
            "abusive": True,
        }
    )
    bot.post("/api/v1/handoffs", json=body).raise_for_status()
    key = body["handoff_key"]
    login(page, web_inbox)
    open_conversation(page, web_inbox, key)
    page.get_by_role("button", name="Claim").click()
    page.locator("#status-badge", has_text="claimed").wait_for()

    coaching = page.locator("#coaching")
    assert coaching.get_attribute("aria-live") == "polite"
    expect(page.locator("#coach-level")).to_have_text(
        "frustrated"
    )  # the level the bot handed off with
    expect(page.locator("#coach-cues li")).to_have_count(0)

    # the server-rendered transcript line is masked; Show reveals it, Hide masks it again
    page.get_by_text("Conversation with the bot").click()  # collapsed above the handoff
    line = page.locator("#transcript li.from-customer").last
    expect(line.locator(".mask-note")).to_have_text("Message hidden: abusive language.")
    expect(line.locator(".masked-text")).to_be_hidden()
    line.get_by_role("button", name="Show").click()
    expect(line.locator(".masked-text")).to_have_text("stupid bot, you idiots")
    line.get_by_role("button", name="Hide").click()
    expect(line.locator(".masked-text")).to_be_hidden()

    say(bot, key, "c1", "When will my parcel arrive?", reading(0.34, "calm", 0.017))
    say(
        bot,
        key,
        "c2",
        "When will my parcel arrive?",
        reading(0.633, "annoyed", 0.075, repetition=1.276),
    )
    expect(page.locator("#coach-cues li").first).to_have_text(CUES["repetition"])
    expect(page.locator("#coach-level")).to_have_text("annoyed")
    expect(page.locator("#coach-trend")).to_contain_text("rising")
    page.screenshot(path=str(OUTPUT / "coaching-repetition.png"), full_page=True)

    say(
        bot,
        key,
        "c3",
        "I'll cancel my account and go to a competitor",
        reading(0.918, "frustrated", 0.133, churn=2.52, negative_sentiment=0.44),
    )
    expect(page.locator("#coach-cues li").first).to_have_text(CUES["churn"])
    expect(page.locator('#coach-cues li[data-signal="repetition"]')).to_have_count(1)

    say(bot, key, "c4", INSULT, reading(0.95, "frustrated", 0.2, abusive=True, abuse=2.4))
    message = page.locator("#messages li.from-customer").last
    expect(message.locator(".mask-note")).to_have_text("Message hidden: abusive language.")
    expect(message.locator(".masked-text")).to_be_hidden()
    expect(page.locator("#coach-cues li").first).to_have_text(CUES["abuse"])
    page.screenshot(path=str(OUTPUT / "coaching-masked.png"), full_page=True)
    message.get_by_role("button", name="Show").focus()
    page.keyboard.press("Enter")  # keyboard works too
    expect(message.locator(".masked-text")).to_have_text(INSULT)
    assert page.locator("main b").count() == 0  # shown as text, never markup

    say(bot, key, "c5", "ok, thanks, that helps", reading(0.4, "calm", -0.2))
    expect(page.locator("#coach-cues li").first).to_have_text(FALLING_CUE)
    expect(page.locator("#coach-trend")).to_contain_text("falling")
    assert page.evaluate("window.__sameDocument") is True  # all of it without a reload
    stored = web_inbox.agent("sam").get(f"/api/v1/handoffs/{key}").json()["messages"]
    assert [m["text"] for m in stored if m["abusive"]] == [INSULT]


def test_resolve_proposes_a_draft_the_agent_edits_and_saves(page, web_inbox) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    bot = web_inbox.bot()
    key = create_handoff(bot)["handoff_key"]
    login(page, web_inbox)
    open_conversation(page, web_inbox, key)
    expect(page.locator("#wrap-up")).to_be_hidden()
    page.get_by_role("button", name="Claim").click()
    page.locator("#status-badge", has_text="claimed").wait_for()
    page.get_by_label("Reply to the customer").fill("I've asked DPD to redeliver it on Friday.")
    page.get_by_role("button", name="Send").click()
    page.locator("#messages .from-agent").wait_for()

    page.get_by_label("Internal note (inbox only)").fill("Redelivery on Friday")
    expect(page.get_by_label("Internal note (inbox only)")).to_have_value("Redelivery on Friday")
    page.get_by_role("button", name="Resolve").click()
    draft = page.get_by_label(
        "Draft from the summary and the transcript — check it, edit it, then save"
    )
    expect(draft).to_be_visible()
    expect(draft).to_be_focused()
    text = draft.input_value()
    for part in (
        "Problem:\nFind out why order 10482 has not arrived.",
        "- Order: 10482",
        "- Redelivery arranged: “I've asked DPD to redeliver it on Friday.”",
        "Outcome:\n- Resolved: Redelivery on Friday",
    ):
        assert part in text
    page.screenshot(path=str(OUTPUT / "wrap-up-draft.png"), full_page=True)

    draft.fill(text + "\n- Customer prefers email updates.")
    page.get_by_role("button", name="Save wrap-up note").click()
    expect(page.locator("#wrap-up-note")).to_contain_text("Customer prefers email updates.")
    expect(page.locator("#wrap-up-meta")).to_have_text("Saved by Sam")
    expect(page.locator("#wrap-up-form")).to_be_hidden()
    saved = web_inbox.agent("sam").get(f"/api/v1/handoffs/{key}/wrap-up").json()["saved_note"]
    assert saved.endswith("- Customer prefers email updates.")
    page.screenshot(path=str(OUTPUT / "wrap-up-saved.png"), full_page=True)

    page.reload()  # shown after a reload too, and in search
    expect(page.locator("#wrap-up-note")).to_contain_text("Customer prefers email updates.")
    page.goto(f"{web_inbox.url}/search?q=10482")
    expect(page.locator(".wrap-up-snippet")).to_contain_text("Note: Problem:")
