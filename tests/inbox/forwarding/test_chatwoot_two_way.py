"""Two-way Chatwoot through the real inbox: agents answer, resolve and reopen in Chatwoot;
the customer (a fake Rasa here; the real stack and the widget in tests/e2e) hears them.

The fake Chatwoot sends the webhooks Chatwoot documents (data/chatwoot/), built from the
recorded payloads, to the webhook URL its API inbox is configured with.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from inbox.forwarding.settings import ForwardSettings
from inbox.models import Forward, Handoff, HandoffTransition

from ..conftest import FakeRasa, RunningInbox
from ..helpers import create_handoff
from .conftest import serve_inbox
from .fakes import FakeChatwoot, recorded

TOKEN = "cw-webhook-token-0123456789"
JOHN = FakeChatwoot.user(1, "John")


def two_way(chatwoot: FakeChatwoot, **overrides: Any) -> ForwardSettings:
    values: dict[str, Any] = dict(
        public_url="https://inbox.example.com",
        chatwoot_url=chatwoot.url,
        chatwoot_account_id=7,
        chatwoot_inbox_id=3,
        chatwoot_api_token=chatwoot.token,
        chatwoot_webhook_token=TOKEN,
        backoff_seconds=0.05,
        max_backoff_seconds=0.2,
        timeout_seconds=2,
        poll_seconds=0.2,
    )
    values.update(overrides)
    return ForwardSettings(**values)


def webhook_url(inbox: RunningInbox, token: str = TOKEN) -> str:
    return f"{inbox.url}/api/v1/helpdesks/chatwoot/webhook?token={token}"


def said_to_customer(rasa: FakeRasa) -> list[tuple[str, str]]:
    """(kind, text) of every line the inbox put in the customer's conversation, in order."""
    out = []
    for call in rasa.wait_for(0):
        body = call["json"]
        if call["path"].endswith("/tracker/events") and isinstance(body, list):
            for event in body:
                if event.get("event") == "bot":
                    out.append((event["metadata"].get("source", ""), event["text"]))
                elif event.get("event") in ("pause", "resume"):
                    out.append((event["event"], ""))
        elif call["path"].endswith("/trigger_intent"):
            out.append(("handback", body["entities"]["resolution"]))
    return out


def customer_message(bot: httpx.Client, key: str, message_id: str, text: str) -> None:
    response = bot.post(
        f"/api/v1/handoffs/{key}/messages",
        json={"message_id": message_id, "text": text, "sender": "customer"},
    )
    assert response.status_code in (200, 201), response.text


def start_conversation(inbox: RunningInbox, chatwoot: FakeChatwoot) -> tuple[str, int]:
    chatwoot.webhook_url = webhook_url(inbox)
    key = create_handoff(inbox.bot())["handoff_key"]
    assert chatwoot.wait_for(
        lambda: any(c["status"] == "open" for c in chatwoot.conversations.values())
    )
    return key, chatwoot.only_conversation()


def test_a_handoff_answered_only_in_chatwoot(database_url, fake_rasa, chatwoot):
    for inbox in serve_inbox(database_url, fake_rasa, two_way(chatwoot)):
        key, conversation = start_conversation(inbox, chatwoot)
        bot = inbox.bot()
        # The summary card first, then the transcript: the customer's lines incoming.
        notes = chatwoot.notes(conversation)
        assert notes[0].startswith("**Handed over by the assistant**")
        assert "**Customer:** Dana Whitfield (verified)" in notes[0]
        assert "**Frustration so far:** calm 0.10 → annoyed 0.45 → frustrated 0.80" in notes[0]
        assert notes[1] == "Assistant: Can you give me your order number?"
        assert chatwoot.public_messages(conversation, incoming=True) == ["where is my parcel"]

        chatwoot.agent_writes(conversation, "Hi Dana, John here. Let me check 10482.", JOHN)
        chatwoot.agent_writes(conversation, "Internal: DPD depot is slow", JOHN, private=True)
        chatwoot.settle()
        assert fake_rasa.wait_for(2)
        assert said_to_customer(fake_rasa) == [
            ("system", "John has joined the chat."),
            ("agent", "Hi Dana, John here. Let me check 10482."),
        ]
        reply = fake_rasa.calls[-1]["json"][0]
        assert reply["metadata"]["agent"] == {"name": "John"}
        assert reply["data"]["custom"]["data"]["handoff"] == {
            "kind": "agent_message",
            "agent": "John",
        }
        # The inbox owns the state: the conversation is John's, with both lines in it.
        page = bot.get(f"/api/v1/handoffs/{key}").json()
        assert page["status"] == "claimed"
        assert [(m["sender"], m.get("agent_name")) for m in page["messages"]][-1] == (
            "agent",
            "John",
        )

        for n, text in enumerate(["It was due on Monday", "Thanks"]):
            customer_message(bot, key, f"m-{n}", text)
        customer_message(bot, key, "m-0", "It was due on Monday")  # the bot's retry
        assert chatwoot.wait_for(
            lambda: (
                chatwoot.public_messages(conversation, incoming=True)[1:]
                == ["It was due on Monday", "Thanks"]
            )
        )

        chatwoot.agent_writes(conversation, "A new pair ships today by express.", JOHN)
        chatwoot.set_status(conversation, "resolved")
        chatwoot.settle()
        assert fake_rasa.wait_for(5)
        assert said_to_customer(fake_rasa)[2:] == [
            ("agent", "A new pair ships today by express."),
            ("resume", ""),
            ("handback", "A new pair ships today by express."),
        ]
        assert bot.get(f"/api/v1/handoffs/{key}").json()["status"] == "handed_back"
        # Not echoed back to Chatwoot: a late "resolved" from the inbox would undo a reopen.
        with inbox.svc.factory.begin() as session:
            echoed = session.execute(
                select(Forward.event).where(
                    Forward.target == "chatwoot", Forward.event.like("%handed_back%")
                )
            ).all()
        assert echoed == []
        # The private note never reached the customer.
        assert all("DPD depot" not in text for _, text in said_to_customer(fake_rasa))

        # Reopened in Chatwoot: a person has the customer again, the bot pauses.
        chatwoot.set_status(conversation, "open")
        chatwoot.settle()
        fake_rasa.wait_for(6)
        pause = fake_rasa.calls[-1]["json"]
        assert {"event": "pause"} in pause
        assert {"event": "slot", "name": "handoff_key", "value": key} in pause
        assert bot.get(f"/api/v1/handoffs/{key}").json()["status"] == "claimed"
        # Every change went through the inbox's state machine, by the desk's agent.
        with inbox.svc.factory.begin() as session:
            moves = session.execute(
                select(
                    HandoffTransition.event, HandoffTransition.actor, HandoffTransition.actor_name
                )
                .join(Handoff, Handoff.id == HandoffTransition.handoff_id)
                .where(Handoff.key == key)
                .order_by(HandoffTransition.id)
            ).all()
        assert [tuple(m) for m in moves] == [
            ("claim", "desk", "John"),
            ("hand_back", "desk", "John"),
            ("reopen", "desk", "John"),
        ]


def test_the_same_webhook_three_times_reaches_the_customer_once(database_url, fake_rasa, chatwoot):
    for inbox in serve_inbox(database_url, fake_rasa, two_way(chatwoot)):
        key, conversation = start_conversation(inbox, chatwoot)
        message = chatwoot.agent_writes(conversation, "One moment please.", JOHN)
        chatwoot.settle()
        payload = recorded("message_created")
        payload.update(
            id=message["id"],
            content="One moment please.",
            message_type="outgoing",
            private=False,
            sender=JOHN,
            conversation=chatwoot.conversation_data(chatwoot.conversations[conversation]),
        )
        chatwoot.redeliver(payload, times=2)  # three deliveries in all
        chatwoot.settle()
        assert [s for e, s in chatwoot.webhook_results if e == "message_created"][-3:] == [
            200,
            200,
            200,
        ]
        replies = [t for kind, t in said_to_customer(fake_rasa) if kind == "agent"]
        assert replies == ["One moment please."]
        messages = inbox.bot().get(f"/api/v1/handoffs/{key}").json()["messages"]
        assert [m["text"] for m in messages if m["sender"] == "agent"] == ["One moment please."]


@pytest.mark.parametrize("how", ["no token", "wrong token", "bad signature", "stale signature"])
def test_a_webhook_with_a_bad_token_or_signature_is_refused_logged_and_not_relayed(
    database_url, fake_rasa, chatwoot, caplog, how
):
    secret = "cw-signing-secret-0123456789"
    for inbox in serve_inbox(
        database_url, fake_rasa, two_way(chatwoot, chatwoot_webhook_secret=secret)
    ):
        chatwoot.webhook_secret = secret
        key, conversation = start_conversation(inbox, chatwoot)
        payload = recorded("message_created")
        payload.update(
            id=999,
            content="Click here for your refund",
            message_type="outgoing",
            private=False,
            sender=JOHN,
            conversation=chatwoot.conversation_data(chatwoot.conversations[conversation]),
        )
        import hashlib
        import hmac
        import json
        import time

        body = json.dumps(payload).encode()
        stamp = str(int(time.time()) - (1000 if how == "stale signature" else 0))
        key_used = secret if how == "stale signature" else "not-the-secret"
        mac = hmac.new(key_used.encode(), stamp.encode() + b"." + body, hashlib.sha256)
        headers = {
            "Content-Type": "application/json",
            "X-Chatwoot-Timestamp": stamp,
            "X-Chatwoot-Signature": f"sha256={mac.hexdigest()}",
        }
        url = {
            "no token": f"{inbox.url}/api/v1/helpdesks/chatwoot/webhook",
            "wrong token": webhook_url(inbox, "x" * 26),
        }.get(how, webhook_url(inbox))
        with caplog.at_level(logging.WARNING, logger="inbox.forwarding.desk_routes"):
            response = httpx.post(url, content=body, headers=headers)
        assert response.status_code == 401
        assert any("Chatwoot webhook refused" in r.getMessage() for r in caplog.records)
        messages = inbox.bot().get(f"/api/v1/handoffs/{key}").json()["messages"]
        assert all(m["sender"] != "agent" for m in messages)
        assert [t for kind, t in said_to_customer(fake_rasa) if kind == "agent"] == []


def test_a_claim_and_replies_show_in_both_places_in_order(database_url, fake_rasa, chatwoot):
    for inbox in serve_inbox(database_url, fake_rasa, two_way(chatwoot)):
        key, conversation = start_conversation(inbox, chatwoot)
        sam = inbox.agent("sam")
        assert sam.post(f"/api/v1/handoffs/{key}/claim").status_code == 200
        assert chatwoot.wait_for(
            lambda: any(
                "took this conversation in the agent inbox" in n
                for n in chatwoot.notes(conversation)
            )
        )
        assert (
            sam.post(f"/api/v1/handoffs/{key}/replies", json={"text": "Sam here."}).status_code
            == 201
        )
        chatwoot.agent_writes(conversation, "And John from Chatwoot.", JOHN)
        chatwoot.settle()
        assert chatwoot.wait_for(
            lambda: any("Sam here." in n for n in chatwoot.notes(conversation))
        )
        fake_rasa.wait_for(3)
        assert [t for kind, t in said_to_customer(fake_rasa) if kind == "agent"] == [
            "Sam here.",
            "And John from Chatwoot.",
        ]
        # Sam still owns the conversation; John's assignment shows as a line for Sam.
        chatwoot.assign(conversation, 1, "John")
        chatwoot.settle()
        page = inbox.bot().get(f"/api/v1/handoffs/{key}").json()
        assert page["claimed_by"]["display_name"] == "Sam"
        assert any(
            "John was assigned the conversation in Chatwoot" in m["text"] for m in page["messages"]
        )


def test_an_assignment_in_chatwoot_claims_a_waiting_conversation(database_url, fake_rasa, chatwoot):
    for inbox in serve_inbox(database_url, fake_rasa, two_way(chatwoot)):
        key, conversation = start_conversation(inbox, chatwoot)
        chatwoot.assign(conversation, 5, "Priya")
        chatwoot.settle()
        page = inbox.bot().get(f"/api/v1/handoffs/{key}").json()
        assert page["status"] == "claimed"
        assert page["claimed_by"]["display_name"] == "Priya"
        assert said_to_customer(fake_rasa) == [("system", "Priya has joined the chat.")]
        # Sam cannot take it any more: one owner, whichever place claimed first.
        assert inbox.agent("sam").post(f"/api/v1/handoffs/{key}/claim").status_code == 409


def test_coaching_cues_and_abuse_flags_are_private_notes_one_per_cue(
    database_url, fake_rasa, chatwoot
):
    for inbox in serve_inbox(database_url, fake_rasa, two_way(chatwoot)):
        key, conversation = start_conversation(inbox, chatwoot)
        bot = inbox.bot()

        def scored(n: int, text: str, signals: dict, abusive: bool = False) -> None:
            response = bot.post(
                f"/api/v1/handoffs/{key}/messages",
                json={
                    "message_id": f"c-{n}",
                    "text": text,
                    "sender": "customer",
                    "frustration": {
                        "score": 0.9,
                        "level": "frustrated",
                        "trend": 0.0,
                        "reasons": ["…"],
                        "signals": signals,
                        "abusive": abusive,
                    },
                },
            )
            assert response.status_code == 201, response.text

        scored(1, "I'll take my business elsewhere", {"churn": 2.5})
        scored(2, "I'm leaving, seriously", {"churn": 2.6})
        scored(3, "you idiots", {"abuse": 3.0}, abusive=True)
        assert chatwoot.wait_for(
            lambda: chatwoot.public_messages(conversation, incoming=True)[-1] == "you idiots"
        )
        assert chatwoot.wait_for(
            lambda: len([n for n in chatwoot.notes(conversation) if "insults" in n]) == 1
        )
        cues = [n for n in chatwoot.notes(conversation) if n.startswith("Coaching:")]
        assert cues == [
            "Coaching: They mentioned leaving — acknowledge it and say what the policy allows"
        ]  # once, although two messages carried it; the abuse cue waits for the interval
