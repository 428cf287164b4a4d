"""The analytics page in Debian's headless Chromium: an admin sees the charts and figures.

Screenshot: test-output/inbox/analytics.png (look at it after a change to the page).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete

from inbox.conversation import lifecycle
from inbox.models import BotSession, Handoff
from tests.inbox.helpers import handoff_row
from tests.inbox.test_browser import OUTPUT, _chromium_installed, browser, login, page, web_inbox  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
TRIGGERS = [
    "request",
    "frustration",
    "frustration",
    "churn",
    "repeated_failure",
    "abuse",
    "request",
    "frustration",
]


def seed(inbox) -> int:
    """12 handoffs over the last 6 days and 20 sessions (14 bot-resolved, 6 handed off).

    Returns on how many local days (business timezone) the handoffs fall.
    """
    now = datetime.now(timezone.utc)
    days = set()
    with inbox.svc.factory.begin() as s:
        s.execute(delete(BotSession))
        for i in range(12):
            created = now - timedelta(days=i % 6, hours=1 + i)
            closed = i % 4 != 3
            days.add(created.astimezone(ZoneInfo(inbox.settings.timezone)).date())
            handoff = Handoff(
                **handoff_row(f"k{i}", f"c{i}", created),
                summary={"escalation": {"trigger": TRIGGERS[i % len(TRIGGERS)]}},
                status="claimed",
                claimed_at=created + timedelta(seconds=60 + 30 * i),
                escalation_score=0.5 + 0.04 * i,
                latest_frustration_score=0.2 + 0.03 * i,
            )
            s.add(handoff)
            s.flush()
            if closed:  # through the state machine, which stores the frustration at the close
                lifecycle.apply(
                    handoff,
                    "resolve",
                    lifecycle.INBOX_TIMER,
                    session=s,
                    at=created + timedelta(seconds=600 + 120 * i),
                )
        for i in range(20):
            started = now - timedelta(days=i % 7, hours=2)
            s.add(
                BotSession(
                    conversation_id=f"s{i}",
                    session_started_at=started,
                    last_seen_at=started,
                    user_turns=2,
                    handed_off=i % 10 < 3,
                    channel="socketio",
                    outcome="resolved_by_bot" if i % 2 else None,
                )
            )
    return len(days)


def test_admin_sees_the_analytics_charts(page, web_inbox) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    handoff_days = seed(web_inbox)
    login(page, web_inbox, "ada")
    page.get_by_role("link", name="Analytics").click()
    page.wait_for_url(f"{web_inbox.url}/admin/analytics")
    expect(page.get_by_role("heading", name="Analytics", exact=True)).to_be_visible()
    expect(page.locator("#kpi-handoffs")).to_have_text("12")
    expect(page.locator("#kpi-share")).to_have_text("70%")  # 14 of 20 sessions without a handoff
    expect(page.locator("#kpi-fell")).to_have_text("100%")  # every closed one ended calmer
    for chart in (
        "chart-handoffs",
        "chart-sessions",
        "chart-reasons",
        "chart-times",
        "chart-frustration",
    ):
        svg = page.locator(f"#{chart}")
        expect(svg).to_be_visible()
        assert svg.locator("rect.bar").count() > 0, chart
        box = svg.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 80, (chart, box)
    for chart in (
        "chart-reasons",
        "chart-times",
        "chart-frustration",
    ):  # shown at natural size: 12 px text
        box = page.locator(f"#{chart}").bounding_box()
        assert box is not None and box["width"] >= 440, (chart, box)
    assert (
        page.locator("#chart-handoffs rect.bar").count() == handoff_days
    )  # one bar per day with handoffs
    expect(
        page.get_by_role("img", name="Handoffs per day")
    ).to_be_visible()  # accessible name from <title>
    expect(page.locator("#table-reasons")).to_contain_text("Frustration")
    page.screenshot(path=str(OUTPUT / "analytics.png"), full_page=True)


def test_an_agent_is_refused(page, web_inbox) -> None:
    login(page, web_inbox, "sam")
    expect(page.get_by_role("link", name="Analytics")).to_have_count(0)
    response = page.goto(f"{web_inbox.url}/admin/analytics")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Admins only")).to_be_visible()
