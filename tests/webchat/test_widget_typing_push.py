""" "Sam is typing…" reaches the customer through live events, not only the 3 s poll.

The real inbox and web chat server with Chromium (the module's fixtures are
test_widget_handoff.py's): the agent types, the inbox publishes ``agent_typing`` on the
widget's topic, the web chat server passes its event stream on, and the widget shows
the line. The widget's status calls are refused by the page for the agent-typing part,
so the line can only have come by the push path; with the events refused instead, the
poll still brings it (the fallback).
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from tests.inbox.conftest import RunningInbox
from tests.webchat.servers import FakeRasa
from tests.webchat.test_widget_handoff import (  # noqa: F401 - fixtures
    WITH_SAM,
    agent,
    fake,
    inbox,
    page,
    start_handoff,
    subtitle,
    webchat,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:The `websockets` implementation is deprecated"),
]


def _refuse(route: Route) -> None:
    route.fulfill(status=503, body="refused by the test")


def test_the_agent_typing_is_pushed_to_the_widget(
    page: Page,
    inbox: RunningInbox,
    fake: FakeRasa,
    screenshots: Path,
) -> None:
    key = start_handoff(page, inbox, fake)
    with closing(agent(inbox)) as sam:
        sam.post(f"/api/v1/handoffs/{key}/claim").raise_for_status()
        expect(subtitle(page)).to_have_text(WITH_SAM)  # through the status poll
        line = page.locator(".nwc-agent-typing")
        expect(line).to_be_hidden()

        # From now on every status call fails: only the live events can say "typing".
        page.route("**/api/sessions/*/status", _refuse)
        with page.expect_request("**/api/sessions/*/status"):
            pass  # a poll after the refusal went out, so none is in flight with old news
        assert sam.post(f"/api/v1/handoffs/{key}/typing").json() == {"accepted": True}
        expect(line).to_have_text("Sam is typing…")
        page.screenshot(path=str(screenshots / "35-agent-typing-pushed.png"))
        expect(line).to_be_hidden(timeout=15_000)  # it goes again without more signals


def test_without_live_events_the_poll_still_says_it(
    page: Page,
    inbox: RunningInbox,
    fake: FakeRasa,
) -> None:
    page.route("**/api/sessions/*/events", _refuse)  # a proxy that drops event streams
    key = start_handoff(page, inbox, fake)
    with closing(agent(inbox)) as sam:
        sam.post(f"/api/v1/handoffs/{key}/claim").raise_for_status()
        expect(subtitle(page)).to_have_text(WITH_SAM)
        assert sam.post(f"/api/v1/handoffs/{key}/typing").json() == {"accepted": True}
        expect(page.locator(".nwc-agent-typing")).to_have_text("Sam is typing…")
