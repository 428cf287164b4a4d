"""The conversation page never goes back to an older state than one it already showed.

When the page's event stream opens, the page reads the conversation once to catch up
(``GET /api/v1/handoffs/{key}``). An agent who claims at once can get the claim's answer
before that read's: the read was answered before the claim and says "waiting". Applied
late, it showed "waiting" again and disabled the reply box and the internal note while
the agent owned the conversation; a note typed in that moment was lost (CI saw a resolve
saved without the note the test had typed).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import APIResponse, Route, expect

from tests.inbox.helpers import create_handoff
from tests.inbox.test_browser import _chromium_installed, browser, login, page, web_inbox  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_catch_up_read_answered_before_the_claim_does_not_undo_it(page, web_inbox) -> None:
    key = create_handoff(web_inbox.bot())["handoff_key"]
    held: list[tuple[Route, APIResponse]] = []

    def hold_the_first_read(route: Route) -> None:
        if route.request.method != "GET" or held:
            route.continue_()
            return
        held.append((route, route.fetch()))  # answered now ("waiting"), delivered later

    page.route(lambda url: url.endswith(f"/api/v1/handoffs/{key}"), hold_the_first_read)
    # Every state the badge shows, in order (a later push may hide a wrong one at once).
    page.add_init_script(
        """window.__badges = [];
        document.addEventListener("DOMContentLoaded", () => {
          const badge = document.getElementById("status-badge");
          if (badge) new MutationObserver(() => window.__badges.push(badge.textContent))
            .observe(badge, {childList: true, characterData: true, subtree: true});
        });"""
    )
    login(page, web_inbox)
    page.goto(f"{web_inbox.url}/conversations/{key}")
    page.wait_for_selector("#live.on")
    deadline = 50
    while not held and deadline:
        page.wait_for_timeout(100)
        deadline -= 1
    assert held, "the page did not read the conversation when its stream opened"

    page.get_by_role("button", name="Claim").click()
    expect(page.locator("#status-badge")).to_have_text("claimed")
    route, stale = held[0]
    assert stale.json()["status"] == "waiting"
    route.fulfill(response=stale)  # the older answer arrives after the claim's
    page.wait_for_timeout(1500)  # let the page apply it (nothing to poll: it must not change)

    shown = page.evaluate("window.__badges")
    assert "waiting" not in shown[shown.index("claimed") :], shown
    expect(page.locator("#status-badge")).to_have_text("claimed")
    expect(page.get_by_label("Internal note (inbox only)")).to_be_enabled()
    expect(page.get_by_label("Reply to the customer")).to_be_enabled()
    page.get_by_label("Internal note (inbox only)").fill("Sorted by phone")
    expect(page.get_by_label("Internal note (inbox only)")).to_have_value("Sorted by phone")
