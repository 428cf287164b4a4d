"""A handoff survives a new session and a restart; otherwise both behave as Rasa's defaults."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.handoff.session import ActionRestart, ActionSessionStart
from tests.actions.conftest import DOMAIN, make_tracker, slot_values, user

FACTS: dict[str, Any] = {
    "order_number": "10482",
    "order_verified": True,
    "customer_name": "Dana Whitfield",
    "customer_email": "dana.whitfield@example.com",
    "order_status": "in transit",
    "order_facts": {"order_total": "£89.00"},
    "frustration_level": "annoyed",
    "frustration_score": 0.5,
    "escalate": True,
    "pending_confirmation": "cancel_order",
    "requested_slot": "order_verifier",
    "session_started_metadata": {"browser": "x"},
}
HANDOFF = {"handoff_active": True, "handoff_key": "k1"}


def kinds(events: list[dict[str, Any]]) -> list[str]:
    return [event["event"] for event in events]


async def test_a_new_session_carries_the_facts_without_a_pause(
    dispatcher: CollectingDispatcher,
) -> None:
    events = await ActionSessionStart().run(
        dispatcher, make_tracker([user("hi", "greet")], FACTS), DOMAIN
    )
    assert events[0]["event"] == "session_started"
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")
    assert "pause" not in kinds(events)
    slots = slot_values(events)
    assert slots["order_number"] == "10482" and slots["customer_name"] == "Dana Whitfield"
    assert slots["order_facts"] == {"order_total": "£89.00"}
    for not_carried in (
        "escalate",
        "pending_confirmation",
        "requested_slot",
        "session_started_metadata",
    ):
        assert not_carried not in slots
    assert "handoff_key" not in slots  # None values are not re-created
    assert dispatcher.messages == []


async def test_a_new_session_during_a_handoff_stays_paused(
    dispatcher: CollectingDispatcher,
) -> None:
    events = await ActionSessionStart().run(
        dispatcher, make_tracker([], {**FACTS, **HANDOFF}), DOMAIN
    )
    assert kinds(events)[0] == "session_started"
    assert kinds(events)[-2:] == ["action", "pause"]
    slots = slot_values(events)
    assert slots["handoff_active"] is True and slots["handoff_key"] == "k1"
    assert slots["order_number"] == "10482"


async def test_restart_without_a_handoff_is_a_plain_restart(
    dispatcher: CollectingDispatcher,
) -> None:
    events = await ActionRestart().run(
        dispatcher, make_tracker([user("/restart", "restart")], FACTS), DOMAIN
    )
    assert events == [{"event": "restart", "timestamp": None}]


async def test_restart_during_a_handoff_keeps_it_and_pauses(
    dispatcher: CollectingDispatcher,
) -> None:
    tracker = make_tracker([user("/restart", "restart")], {**FACTS, **HANDOFF})
    events = await ActionRestart().run(dispatcher, tracker, DOMAIN)
    assert kinds(events)[0] == "restart"
    assert kinds(events)[-2:] == ["action", "pause"]
    assert events[-2]["name"] == "action_listen"
    slots = slot_values(events)
    assert slots == {
        "handoff_active": True,
        "handoff_key": "k1",
        "order_number": "10482",
        "order_verified": True,
        "customer_name": "Dana Whitfield",
        "customer_email": "dana.whitfield@example.com",
        "order_status": "in transit",
        "order_facts": {"order_total": "£89.00"},
    }
    assert dispatcher.messages == []
