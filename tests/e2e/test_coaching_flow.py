"""Live coaching, abuse masking and the wrap-up note with the real system, in chromium.

Real Rasa, action server and inbox (tests/stack.py). The customer escalates, the
agent claims in the browser, the customer repeats a question, threatens to leave
and insults the agent: the open conversation page shows the repetition cue, then
the churn cue, without a reload; the insult is masked until "Show"; the API and
the inbox database keep the original words. Resolving proposes a wrap-up draft.
A second customer gets angry during the handoff and then calms down: the level
falls and the panel says so at once, and the cues about what upset them expire.
Screenshots go to test-output/inbox/ (git-ignored).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from inbox.conversation.coaching import CUES, FALLING_CUE
from tests.agent_client import AgentClient
from tests.browser import launch_chromium, require_chromium
from tests.stack import Stack, texts, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "inbox"
QUESTION = "When will my parcel arrive?"
CHURN = "I'll cancel my account and go to a competitor"
INSULT = "you are all useless idiots"


@pytest.fixture(scope="module")
def page(stack: Stack) -> Iterator[Page]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(30_000)
        expect.set_options(timeout=30_000)  # each wait ends as soon as it holds
        errors: list = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            yield page
        finally:
            expect.set_options(timeout=5_000)
            browser.close()
        assert errors == [], f"JavaScript errors on the page: {errors}"


def customer_says(stack: Stack, agent: AgentClient, key: str, sender: str, line: str) -> None:
    """The customer writes during the handoff; the bot stays silent and relays it."""
    before = len(agent.customer_texts(key))
    assert stack.say(sender, line) == []
    wait_for(lambda: len(agent.customer_texts(key)) > before, message=f"relay of {line!r}")


def test_cues_masking_and_wrap_up_live(stack: Stack, page: Page) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    agent = AgentClient(stack.inbox_url, stack.admin_user, stack.admin_password)
    agent.set_available(True)
    sender = f"e2e-coach-{uuid.uuid4().hex[:8]}"
    for line in ("where is my order?", "10482", "dana.whitfield@example.com"):
        stack.say(sender, line)
    assert "bringing in a person" in texts(stack.say(sender, "I want to talk to a person"))
    key = wait_for(lambda: stack.tracker(sender)["slots"].get("handoff_key"), message="handoff key")
    wait_for(
        lambda: agent.http.get(f"/api/v1/handoffs/{key}").status_code == 200,
        message="handoff in the inbox",
    )

    page.goto(f"{stack.inbox_url}/login")
    page.get_by_label("Username").fill(stack.admin_user)
    page.get_by_label("Password").fill(stack.admin_password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{stack.inbox_url}/queue")
    page.goto(f"{stack.inbox_url}/conversations/{key}")
    page.wait_for_selector("#live.on")
    page.get_by_role("button", name="Claim").click()
    page.locator("#status-badge", has_text="claimed").wait_for()
    page.evaluate("window.__sameDocument = true")
    cues = page.locator("#coach-cues li")

    customer_says(stack, agent, key, sender, QUESTION)
    page.get_by_label("Reply to the customer").fill("Hi Dana, I'm Sam, let me check that for you.")
    page.get_by_role("button", name="Send").click()
    page.locator("#messages .from-agent").wait_for()
    customer_says(stack, agent, key, sender, QUESTION)
    expect(page.locator('#coach-cues li[data-signal="repetition"]')).to_have_text(
        CUES["repetition"]
    )
    api = agent.conversation(key)["coaching"]
    assert {"signal": "repetition", "text": CUES["repetition"]} in api["cues"]
    page.screenshot(path=str(OUTPUT / "e2e-coaching-repetition.png"), full_page=True)

    customer_says(stack, agent, key, sender, CHURN)
    expect(cues.first).to_have_text(CUES["churn"])
    api = agent.conversation(key)["coaching"]
    assert api["cues"][0] == {"signal": "churn", "text": CUES["churn"]}
    assert api["level"] == "frustrated"

    customer_says(stack, agent, key, sender, INSULT)
    insult = page.locator("#messages li.from-customer").last
    expect(insult.locator(".mask-note")).to_have_text("Message hidden: abusive language.")
    expect(insult.locator(".masked-text")).to_be_hidden()
    expect(cues.first).to_have_text(CUES["abuse"])
    assert page.evaluate("window.__sameDocument") is True  # every update arrived live
    page.screenshot(path=str(OUTPUT / "e2e-coaching-masked.png"), full_page=True)
    insult.get_by_role("button", name="Show").click()
    expect(insult.locator(".masked-text")).to_have_text(INSULT)

    stored = [m for m in agent.conversation(key)["messages"] if m["sender"] == "customer"]
    assert [(m["text"], m["abusive"]) for m in stored] == [
        (QUESTION, False),
        (QUESTION, False),
        (CHURN, False),
        (INSULT, True),
    ]
    assert (
        "repetition" in stored[1]["frustration"]["signals"]
        and "churn" in stored[2]["frustration"]["signals"]
    )
    engine = create_engine(f"sqlite:///{stack.var / 'inbox.db'}", future=True)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT text, abusive FROM messages WHERE abusive")).all()
        latest = conn.execute(
            text("SELECT latest_frustration_level, escalation_score FROM handoffs WHERE key = :k"),
            {"k": key},
        ).one()
    engine.dispose()
    assert [tuple(r) for r in row] == [(INSULT, 1)]
    assert latest[0] == "frustrated" and latest[1] is not None

    page.get_by_label("Reply to the customer").fill(
        "I'm sorry. I'll call you back within the hour once I've spoken to DPD."
    )
    page.get_by_role("button", name="Send").click()
    page.get_by_label("Internal note (inbox only)").fill("Callback within the hour")
    page.get_by_role("button", name="Resolve").click()
    draft = page.locator("#wrap-up-text")
    expect(draft).to_be_visible()
    note = draft.input_value()
    assert "Find out where order 10482 is" in note
    assert "- Order: 10482 (ownership verified)" in note
    assert (
        "- Callback arranged: “I'll call you back within the hour once I've spoken to DPD.”" in note
    )
    assert "- Abusive language: 1 message (masked in the inbox)" in note
    assert "- Resolved: Callback within the hour" in note
    page.get_by_role("button", name="Save wrap-up note").click()
    expect(page.locator("#wrap-up-meta")).to_have_text("Saved by Sam")
    assert agent.conversation(key)["wrap_up_note"] == note.strip()
    page.screenshot(path=str(OUTPUT / "e2e-wrap-up.png"), full_page=True)
    agent.close()


ANGRY = "no, that's not it. it still hasn't arrived and it's been two weeks, this is ridiculous!!"
CALMER = "oh wow ok, thank you Sam, that actually helps a lot"


def test_a_customer_who_calms_down_during_the_handoff(stack: Stack, page: Page) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    agent = AgentClient(stack.inbox_url, stack.admin_user, stack.admin_password)
    agent.set_available(True)
    sender = f"e2e-calm-{uuid.uuid4().hex[:8]}"
    for line in ("where is my order?", "10482", "dana.whitfield@example.com"):
        stack.say(sender, line)
    stack.say(sender, "I want to talk to a person")
    key = wait_for(lambda: stack.tracker(sender)["slots"].get("handoff_key"), message="handoff key")
    wait_for(
        lambda: agent.http.get(f"/api/v1/handoffs/{key}").status_code == 200,
        message="handoff in the inbox",
    )
    agent.claim(key)

    page.goto(f"{stack.inbox_url}/conversations/{key}")
    if "/login" in page.url:  # this test alone: log in first
        page.get_by_label("Username").fill(stack.admin_user)
        page.get_by_label("Password").fill(stack.admin_password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{stack.inbox_url}/queue")
        page.goto(f"{stack.inbox_url}/conversations/{key}")
    page.wait_for_selector("#live.on")
    customer_says(stack, agent, key, sender, ANGRY)
    expect(page.locator("#coach-level")).not_to_have_text("calm")
    angry = agent.conversation(key)["coaching"]
    assert angry["level"] != "calm" and angry["cues"]
    agent.reply(
        key, "I'm so sorry, Dana. I've just had DPD re-route it: it arrives tomorrow before noon."
    )

    customer_says(stack, agent, key, sender, CALMER)
    expect(page.locator("#coach-level")).to_have_text("calm")
    expect(page.locator("#coach-trend")).to_contain_text("falling")
    expect(page.locator("#coach-cues li").first).to_have_text(FALLING_CUE)
    calm = agent.conversation(key)["coaching"]
    assert calm["score"] < angry["score"] and (calm["level"], calm["direction"]) == (
        "calm",
        "falling",
    )
    assert [cue["signal"] for cue in calm["cues"]] == [
        "falling"
    ]  # "they said that's not it" has expired
    slots = stack.tracker(sender)["slots"]
    assert (
        slots["frustration_level"] == "calm" and slots["frustration_trend"] <= -0.05
    )  # the same trend as the panel
    page.screenshot(path=str(OUTPUT / "e2e-coaching-calming.png"), full_page=True)
    agent.close()
