"""``handoff.handed_back`` and ``handoff.customer_ended``: every target hears once, retries
after failures and lost answers never duplicate, Chatwoot resolves on a hand-back."""

from __future__ import annotations

import asyncio
import hashlib
import hmac

from inbox.forwarding.settings import ForwardSettings
from inbox.forwarding.worker import Forwarder
from inbox.models import Handoff, utcnow

from .conftest import SECRET, queue_handoff, rows, run_until_settled, settings
from .fakes import Failure, FakeChatwoot, FakeReceiver, FakeSlack

RESOLUTION = "Refund <approved> & sent"


def _all_three(slack: FakeSlack, receiver: FakeReceiver, chatwoot: FakeChatwoot) -> ForwardSettings:
    return settings(
        slack_webhook_url=slack.webhook_url,
        webhook_url=receiver.url + "/hooks",
        webhook_secret=SECRET,
        chatwoot_url=chatwoot.url,
        chatwoot_account_id=chatwoot.account_id,
        chatwoot_inbox_id=chatwoot.inbox_id,
        chatwoot_api_token=chatwoot.token,
    )


def _hand_back(factory, config: ForwardSettings, handoff_id: int, by: str) -> None:  # type: ignore[no-untyped-def]
    """What ``crud.hand_back`` + the endpoint do to the handoff, queued twice (one row per target)."""
    forwarder = Forwarder(factory, config)
    with factory.begin() as session:
        handoff = session.get(Handoff, handoff_id)
        handoff.status, handoff.closed_at, handoff.resolution = "handed_back", utcnow(), RESOLUTION
        forwarder.enqueue_handed_back(handoff, by, session=session)
        forwarder.enqueue_handed_back(handoff, by, session=session)
    asyncio.run(forwarder.client.aclose())


def test_a_hand_back_reaches_every_target_once_despite_failures_and_lost_answers(
    factory, slack, receiver, chatwoot
):
    config = _all_three(slack, receiver, chatwoot)
    key, handoff_id = queue_handoff(factory, config)
    run_until_settled(factory, config)
    _hand_back(factory, config, handoff_id, by="Sam <!here>")
    slack.fail("POST", Failure(503))
    receiver.fail("POST", Failure(500, lost=True))  # processed, but the inbox never hears it
    chatwoot.fail(
        "POST .*/messages$", Failure(502, lost=True)
    )  # the note is added, the answer lost
    chatwoot.fail("POST .*/toggle_status$", Failure(503))
    run_until_settled(factory, config)

    # Webhook: signed, same event id on the retry, processed once by the deduplicating receiver.
    calls = receiver.calls()[1:]
    assert [c.status for c in calls] == [500, 200]
    assert calls[0].body == calls[1].body
    assert {c.headers["x-northwind-event-id"] for c in calls} == {calls[0].json()["id"]}
    for call in calls:
        timestamp = call.headers["x-northwind-timestamp"]
        expected = hmac.new(
            SECRET.encode(), f"{timestamp}.".encode() + call.body, hashlib.sha256
        ).hexdigest()
        assert call.headers["x-northwind-signature"] == f"v1={expected}"
    handed_back = [e for e in receiver.events.values() if e["type"] == "handoff.handed_back"]
    assert len(handed_back) == 1 and len(receiver.events) == 2 and receiver.rejected == 0
    data = handed_back[0]["data"]
    assert data["handoff_key"] == key and data["status"] == "handed_back"
    assert data["resolution"] == RESOLUTION and data["handed_back_by"] == "Sam <!here>"
    assert data["closed_at"].endswith("Z") and data["conversation_id"].startswith("web-")
    assert data["inbox_url"] == f"https://inbox.example.com/conversations/{key}"

    # Slack: one escaped line after the 503, no mention, the link to the inbox.
    assert [c.status for c in slack.calls()] == [200, 503, 200] and len(slack.messages) == 2
    line = slack.messages[1]
    assert (
        line["text"]
        == f":robot_face: Sam &lt;!here&gt; handed conversation {data['conversation_id']} back to the bot"
    )
    assert "<!here>" not in str(line) and RESOLUTION not in str(line)
    assert (
        line["blocks"][-1]["elements"][0]["text"]
        == f"<https://inbox.example.com/conversations/{key}|Open in the inbox>"
    )

    # Chatwoot: one private note (looked up after the lost answer), then resolved: the bot has it again.
    [conversation] = chatwoot.conversations.values()
    assert conversation["status"] == "resolved" and len(chatwoot.contacts) == 1
    notes = [m for m in chatwoot.messages[conversation["id"]] if m["private"]]
    assert notes[0]["content"].startswith("**Handed over by the assistant**")
    notes = [notes[0], notes[-1]]  # between them: the transcript and the inbox's claim
    # Markdown-escaped, like every text in a Chatwoot note: no mention, link or HTML gets through.
    assert (
        notes[1]["content"]
        == r"**Handed back to the bot** by Sam \<!here\>: Refund \<approved\> & sent"
    )
    assert [c.json()["status"] for c in chatwoot.calls("toggle_status")] == [
        "open",
        "resolved",
        "resolved",
    ]
    assert all(c.headers["api_access_token"] == chatwoot.token for c in chatwoot.calls())

    assert [(r.target, r.event, r.status, r.attempts) for r in rows(factory)[3:]] == [
        ("slack", "handoff.handed_back", "delivered", 2),
        ("webhook", "handoff.handed_back", "delivered", 2),
        ("chatwoot", "handoff.handed_back", "delivered", 3),
    ]  # lost note, then the 503


def test_a_hand_back_waits_for_the_handoff_to_reach_chatwoot(factory, chatwoot):
    config = settings(
        chatwoot_url=chatwoot.url,
        chatwoot_account_id=7,
        chatwoot_inbox_id=3,
        chatwoot_api_token=chatwoot.token,
    )
    _, handoff_id = queue_handoff(factory, config)
    _hand_back(factory, config, handoff_id, by="Kim")  # before anything was sent
    chatwoot.fail("POST .*/conversations$", Failure(503), Failure(503))
    run_until_settled(factory, config)
    [conversation] = chatwoot.conversations.values()
    assert conversation["status"] == "resolved"
    assert [c.json()["status"] for c in chatwoot.calls("toggle_status")] == ["open", "resolved"]
    assert [(r.event, r.status) for r in rows(factory)] == [
        ("handoff.created", "delivered"),
        ("handoff.handed_back", "delivered"),
    ]


def test_the_customer_leaving_is_news_but_leaves_chatwoot_open(factory, slack, receiver, chatwoot):
    config = _all_three(slack, receiver, chatwoot)
    _, handoff_id = queue_handoff(factory, config)
    forwarder = Forwarder(factory, config)
    with factory.begin() as session:
        handoff = session.get(Handoff, handoff_id)
        handoff.customer_ended_at = utcnow()
        forwarder.enqueue_customer_ended(handoff, session=session)
    asyncio.run(forwarder.client.aclose())
    slack.fail("POST", Failure(429, "rate_limited", headers={"Retry-After": "0"}))
    run_until_settled(factory, config)
    ended = [e for e in receiver.events.values() if e["type"] == "handoff.customer_ended"]
    assert len(ended) == 1 and ended[0]["data"]["ended_at"].endswith("Z")
    assert len(slack.messages) == 2 and slack.messages[1]["text"].startswith(
        ":wave: The customer left conversation web-"
    )
    [conversation] = chatwoot.conversations.values()
    assert conversation["status"] == "open"
    assert chatwoot.notes(conversation["id"])[-1].startswith("**The customer ended the chat.**")
    assert {r.status for r in rows(factory)} == {"delivered"}
