"""A slow earlier read of the notes never draws over a note just added.

The page reads the notes when it opens and every 15 s; adding a note reads them again.
Found in a full test run under load: the opening read, answered after the one that
followed a new note, drew "No notes yet." over it. Only the newest read is drawn now.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import APIResponse, Route, expect

from tests.inbox.agent_tools.test_tools_browser import inbox, logged_in  # noqa: F401 - fixtures
from tests.inbox.helpers import create_handoff
from tests.inbox.test_browser import _chromium_installed, browser, web_inbox  # noqa: F401

pytestmark = pytest.mark.browser


def test_an_older_notes_read_answered_late_keeps_the_new_note(browser, inbox) -> None:
    key = create_handoff(inbox.bot())["handoff_key"]
    sam = logged_in(browser, inbox, "sam")
    held: list[tuple[Route, APIResponse]] = []

    def hold_the_first_read(route: Route) -> None:
        if route.request.method != "GET" or held:
            route.continue_()
            return
        held.append((route, route.fetch()))  # "no notes" now, delivered later

    sam.route(lambda url: url.endswith(f"/api/v1/handoffs/{key}/notes"), hold_the_first_read)
    sam.goto(f"{inbox.url}/conversations/{key}")
    sam.wait_for_selector("#live.on")
    for _ in range(50):
        if held:
            break
        sam.wait_for_timeout(100)
    assert held, "the page did not read the notes when it opened"

    sam.get_by_label("Add a note for agents").fill("Prefers a call after 5pm")
    sam.get_by_role("button", name="Add note").click()
    expect(sam.locator("#notes")).to_contain_text("Prefers a call after 5pm")
    route, stale = held[0]
    assert stale.json() == []
    route.fulfill(response=stale)
    sam.wait_for_timeout(1000)  # let the page apply it (nothing to poll: it must not change)
    expect(sam.locator("#notes")).to_contain_text("Prefers a call after 5pm")
    sam.context.close()
