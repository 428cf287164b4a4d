"""Reading Chatwoot's webhooks (the recorded payloads of data/chatwoot/) as desk actions."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest

from inbox.forwarding.chatwoot_inbound import Refused, check_signature, check_token, parse

from .fakes import FakeChatwoot, recorded

KEY = "6f1c2b0e-handoff"


def ours(payload: dict[str, Any]) -> dict[str, Any]:
    """The recorded payload on a conversation the inbox created (it carries the handoff key)."""
    conversation = payload.get("conversation", payload)
    conversation["additional_attributes"]["northwind_handoff_key"] = KEY
    return payload


def message(**fields: Any) -> dict[str, Any]:
    payload = ours(recorded("message_created"))
    payload.update(fields)
    return payload


def test_a_public_agent_message_is_a_reply_with_the_agents_name():
    parsed = parse(
        message(message_type="outgoing", sender=FakeChatwoot.user(4, "John"), content="Hi")
    )
    assert parsed.conversation_id == 10
    action = parsed.action
    assert action is not None
    assert (action.kind, action.handoff_key, action.agent_name, action.text) == (
        "reply",
        KEY,
        "John",
        "Hi",
    )
    assert action.external_id == "118"  # Chatwoot's message id: the dedup key


@pytest.mark.parametrize(
    "fields, why",
    [
        ({}, "not a public agent message"),  # the recorded one is the contact's (incoming)
        (
            {"message_type": "outgoing", "private": True, "sender": FakeChatwoot.user(4, "J")},
            "not a public agent message",
        ),
        (
            {"message_type": "outgoing", "sender": {"id": 2, "name": "Bot", "type": "agent_bot"}},
            "not an agent's text",
        ),
        (
            {"message_type": "outgoing", "sender": FakeChatwoot.user(4, "J"), "content": " "},
            "not an agent's text",
        ),
    ],
)
def test_what_never_reaches_the_customer(fields, why):
    parsed = parse(message(**fields))
    assert parsed.action is None and parsed.ignored == why


def test_a_conversation_the_inbox_did_not_create_is_ignored():
    parsed = parse(recorded("message_created"))  # no northwind_handoff_key
    assert parsed.action is None and parsed.ignored == "not a conversation the inbox created"


@pytest.mark.parametrize("status, kind", [("resolved", "handback"), ("open", "reopen")])
def test_status_changes(status, kind):
    payload = ours(recorded("conversation_status_changed"))
    payload["status"] = status
    action = parse(payload).action
    assert action is not None and (action.kind, action.agent_name) == (kind, "John")


def test_pending_or_snoozed_change_nothing():
    payload = ours(recorded("conversation_status_changed"))
    payload["status"] = "snoozed"
    assert parse(payload).action is None


def test_an_assignment_is_a_claim_and_other_updates_are_not():
    payload = ours(recorded("conversation_status_changed"))
    payload["event"] = "conversation_updated"
    payload["changed_attributes"] = [{"assignee_id": {"previous_value": None, "current_value": 1}}]
    action = parse(payload).action
    assert action is not None and (action.kind, action.agent_id) == ("claim", "1")
    payload["changed_attributes"] = [{"label_list": {"previous_value": [], "current_value": ["x"]}}]
    assert parse(payload).action is None


def test_token_and_signature_checks():
    check_token("a" * 20, "a" * 20)
    for given in (None, "", "b" * 20):
        with pytest.raises(Refused):
            check_token("a" * 20, given)
    body, secret, now = b'{"event":"message_created"}', "s3cret-for-chatwoot", 1_800_000_000
    mac = hmac.new(secret.encode(), f"{now}.".encode() + body, hashlib.sha256).hexdigest()
    check_signature(secret, str(now), f"sha256={mac}", body, now=now)
    check_signature("", None, None, body)  # no secret configured: the token alone
    for stamp, signature, at in (
        (str(now), f"sha256={mac}", now + 301),  # outside the window: a replay
        (str(now), "sha256=" + "0" * 64, now),
        (str(now), None, now),
        ("soon", f"sha256={mac}", now),
    ):
        with pytest.raises(Refused):
            check_signature(secret, stamp, signature, body, now=at)
