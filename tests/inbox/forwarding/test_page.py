"""Through the real inbox: the hand-back and the customer leaving are forwarded from the
endpoints, and agents see where a conversation was forwarded on its page."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import select

from inbox.forwarding import status
from inbox.forwarding.settings import ForwardSettings
from inbox.models import Forward

from ..conftest import RunningInbox
from ..helpers import create_handoff
from .conftest import SECRET, serve_inbox
from .fakes import Failure

FAST = dict(
    public_url="https://inbox.example.com",
    backoff_seconds=0.05,
    max_backoff_seconds=0.2,
    timeout_seconds=2,
    poll_seconds=0.2,
)


def _forwards(inbox: RunningInbox) -> list[tuple[str, str, str]]:
    with inbox.svc.factory.begin() as session:
        return [
            (f.target, f.event, f.status)
            for f in session.execute(select(Forward).order_by(Forward.id)).scalars()
        ]


def _settled(
    inbox: RunningInbox, expected: Callable[[list[tuple[str, str, str]]], bool]
) -> Callable[[], bool]:
    return lambda: expected(_forwards(inbox))


def _forwarded_line(page: str) -> str:
    found = re.search(r'<p class="meta forwards" id="forwards">(.*?)</p>', page, re.S)
    assert found, "no Forwarded to line"
    return found.group(1)


def test_hand_back_and_customer_leaving_are_forwarded_from_the_endpoints(
    database_url, fake_rasa, slack, receiver, chatwoot
):
    forwarding = ForwardSettings(
        slack_webhook_url=slack.webhook_url,
        webhook_url=receiver.url + "/hooks",
        webhook_secret=SECRET,
        chatwoot_url=chatwoot.url,
        chatwoot_account_id=7,
        chatwoot_inbox_id=3,
        chatwoot_api_token=chatwoot.token,
        **FAST,
    )
    for inbox in serve_inbox(database_url, fake_rasa, forwarding):
        bot, sam = inbox.bot(), inbox.agent("sam")
        first = create_handoff(bot)["handoff_key"]
        assert sam.post(f"/api/v1/handoffs/{first}/claim").status_code == 200
        # Handed back at once: queued with the hand-back, sent after handoff.created per target.
        back = sam.post(f"/api/v1/handoffs/{first}/handback", json={"resolution": "address fixed"})
        assert back.status_code == 200 and back.json()["status"] == "handed_back"
        assert receiver.wait_for(
            lambda: any(e["type"] == "handoff.handed_back" for e in receiver.events.values())
        )
        assert chatwoot.wait_for(
            lambda: [c["status"] for c in chatwoot.conversations.values()] == ["resolved"]
        )
        assert slack.wait_for(lambda: len(slack.messages) == 2)
        assert slack.messages[1]["text"].startswith(":robot_face: Sam handed conversation web-")
        [event] = [e for e in receiver.events.values() if e["type"] == "handoff.handed_back"]
        assert (
            event["data"]["resolution"] == "address fixed"
            and event["data"]["handed_back_by"] == "Sam"
        )
        # The customer leaving after the hand-back is no news for the helpdesks.
        assert bot.post(f"/api/v1/handoffs/{first}/customer-ended", json={}).status_code == 200
        # A second handoff: the customer leaves while waiting (twice: forwarded once).
        second = create_handoff(bot)["handoff_key"]
        for _ in range(2):
            assert bot.post(f"/api/v1/handoffs/{second}/customer-ended", json={}).status_code == 200
        assert receiver.wait_for(
            _settled(inbox, lambda rows: len(rows) == 14 and all(r[2] == "delivered" for r in rows))
        )
        # The claim goes to the two-way desks only (the webhook and Chatwoot), not to Slack.
        assert sorted(e.split(":")[0] for _, e, _ in _forwards(inbox)) == sorted(
            ["handoff.created"] * 6
            + ["handoff.handed_back"] * 3
            + ["handoff.customer_ended"] * 3
            + ["claimed"] * 2
        )
        ended = [e for e in receiver.events.values() if e["type"] == "handoff.customer_ended"]
        assert len(ended) == 1 and ended[0]["data"]["handoff_key"] == second
        assert len(chatwoot.conversations) == 2 and len(slack.messages) == 4


def test_the_conversation_page_shows_each_target_and_its_status(
    database_url, fake_rasa, slack, receiver, chatwoot
):
    forwarding = ForwardSettings(
        slack_webhook_url=slack.webhook_url,
        webhook_url=receiver.url + "/hooks",
        webhook_secret=SECRET,
        chatwoot_url=chatwoot.url,
        chatwoot_account_id=7,
        chatwoot_inbox_id=3,
        chatwoot_api_token=chatwoot.token,
        **{**FAST, "backoff_seconds": 60, "max_backoff_seconds": 120},
    )
    # Slack refuses for good, with markup and its own URL in the answer; Chatwoot is down for now.
    slack.fail("POST", Failure(400, f"invalid_payload <b>bold</b> see {slack.webhook_url}"))
    chatwoot.fail("GET .*/contacts/search$", Failure(503))
    for inbox in serve_inbox(database_url, fake_rasa, forwarding):
        key = create_handoff(inbox.bot())["handoff_key"]
        assert receiver.wait_for(
            _settled(
                inbox, lambda rows: sorted(r[2] for r in rows) == ["delivered", "failed", "pending"]
            )
        )
        assert chatwoot.wait_for(lambda: len(chatwoot.calls("contacts/search")) == 1)
        kim = inbox.agent("kim")  # an agent, not an admin
        assert chatwoot.wait_for(lambda: "retrying" in kim.get(f"/conversations/{key}").text)
        page = kim.get(f"/conversations/{key}")
        assert page.status_code == 200
        line = _forwarded_line(page.text)
        assert line.lstrip().startswith("Forwarded to:")
        assert (
            '<span class="forward forward-failed" data-target="slack" title="handoff.created: failed">'
            "Slack: <strong>failed: HTTP 400 invalid_payload &lt;b&gt;bold&lt;/b&gt; see …</strong></span>"
        ) in line
        assert (
            'data-target="webhook" title="handoff.created: delivered">Webhook: <strong>delivered</strong>'
            in line
        )
        assert (
            'data-target="chatwoot" title="handoff.created: retrying">'
            "Chatwoot: <strong>retrying after 1 failed attempt</strong>"
        ) in line
        for secret in (
            slack.webhook_url,
            "/services/",
            receiver.url,
            SECRET,
            chatwoot.url,
            chatwoot.token,
            "<b>bold",
        ):
            assert secret not in page.text


def test_nothing_configured_renders_no_forwarded_line(database_url, fake_rasa):
    for inbox in serve_inbox(database_url, fake_rasa, ForwardSettings()):
        key = create_handoff(inbox.bot())["handoff_key"]
        page = inbox.agent("sam").get(f"/conversations/{key}")
        assert page.status_code == 200
        assert 'id="forwards"' not in page.text and "Forwarded to" not in page.text


def test_short_errors_lose_urls_and_prefixes():
    assert status.short_error("slack: HTTP 404 no_service", "slack") == "HTTP 404 no_service"
    assert status.short_error("chatwoot add note: timed out", "chatwoot") == "add note: timed out"
    cut = status.short_error(
        "webhook: HTTP 500 " + "x" * 200 + " http://10.0.0.1/h?token=abc", "webhook"
    )
    assert len(cut) == status.ERROR_LIMIT and cut.endswith("…") and "token" not in cut
    assert (
        status.short_error("see hooks https://hooks.slack.com/services/T/B/X and /services/T/B/Y")
        == "see hooks … and …"
    )
