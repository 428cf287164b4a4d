"""action_handoff_to_human, action_handback and action_end_handoff against a contract-speaking inbox."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff.actions import (
    ActionEndHandoff,
    ActionHandback,
    ActionHandoffToHuman,
    bot_failed,
    escalation_of,
)
from actions.repeated_failure import repeated_failure_limit
from actions.to_inbox import delivery
from actions.to_inbox.settings import get_settings
from tests.actions.conftest import (
    DOMAIN,
    FakeInbox,
    bot,
    make_tracker,
    message_for,
    render,
    responses,
    slot,
    slot_values,
    user,
)

DANA_SLOTS: dict[str, Any] = {
    "order_number": "10482",
    "order_verified": True,
    "order_verifier": "verified",
    "customer_name": "Dana Whitfield",
    "customer_email": "dana.whitfield@example.com",
    "order_status": "in transit with DPD since 17 November, was expected 19 November",
    "order_facts": {"items": ["1 × Trail running shoes"], "order_total": "£89.00"},
    "frustration_score": 0.55,
    "frustration_level": "annoyed",
    "frustration_reasons": ["negative sentiment"],
    "frustration_timeline": [
        {"turn": 1, "score": 0.3, "level": "calm"},
        {"turn": 2, "score": 0.55, "level": "annoyed"},
    ],
    "goal": "order_status",
}


def dana_events(last: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return [
        user("where is my parcel?", "order_status"),
        bot("What's your order number?"),
        user("10482", "inform"),
        slot("order_number", "10482"),
        bot("Thanks, Dana. Order 10482 is in transit with DPD."),
        last or user("my card 4111 1111 1111 1111 was charged, I want a person", "request_human"),
    ]


def dana(**slots: Any):
    return make_tracker(dana_events(), {**DANA_SLOTS, **slots})


async def hand_off(dispatcher: CollectingDispatcher, tracker) -> list[dict[str, Any]]:
    return await ActionHandoffToHuman().run(dispatcher, tracker, DOMAIN)


def assert_paused_last(events: list[dict[str, Any]]) -> None:
    assert events[-2]["event"] == "action" and events[-2]["name"] == "action_listen"
    assert events[-1]["event"] == "pause"


# -- handing off ---------------------------------------------------------------------------
async def test_handoff_sends_the_summary_and_pauses(
    inbox: FakeInbox, dispatcher: CollectingDispatcher
) -> None:
    events = await hand_off(dispatcher, dana())
    [(key, payload)] = inbox.handoffs.items()
    create = [r for r in inbox.requests if r.url.path == "/api/v1/handoffs"]
    assert len(create) == 1 and create[0].headers["Idempotency-Key"] == key
    assert payload["handoff_key"] == key and len(key) <= 64
    assert payload["conversation_id"] == "web-3a9c" and payload["channel"] == "socketio"
    assert payload["created_at"].endswith("Z")
    # Each field once: priority, reasons, level, brief and opening live in the summary.
    assert set(payload) == {"handoff_key", "conversation_id", "channel", "created_at", "summary"}
    summary = payload["summary"]
    assert summary["priority"] in ("low", "normal", "high", "urgent")
    assert summary["escalation"]["level"] == "annoyed"
    assert (
        summary["customer"]["name"] == "Dana Whitfield" and summary["customer"]["verified"] is True
    )
    assert summary["goal"].startswith("Find out where order 10482 is")
    assert summary["facts"]["order_number"] == "10482"
    assert summary["escalation"]["trigger"] == "request"
    assert summary["escalation"]["reasons"][0] == "Asked for a person"
    assert summary["brief"].startswith("Dana Whitfield")
    assert summary["suggested_opening"].startswith("Hi Dana")
    assert "4111" not in str(payload) and "[card number]" in str(summary["transcript"])

    slots = slot_values(events)
    assert slots["handoff_active"] is True and slots["handoff_key"] == key
    assert slots["escalate"] is False
    assert slots["escalation_trigger"] == "request"
    assert slots["pending_confirmation"] is None
    assert {"event": "active_loop", "timestamp": None, "name": None} in events
    assert_paused_last(events)


async def test_handoff_tells_the_queue_position(
    inbox: FakeInbox, dispatcher: CollectingDispatcher
) -> None:
    await hand_off(dispatcher, dana())
    assert responses(dispatcher) == [
        "utter_handoff_ack_request",
        "utter_handoff_joining",
        "utter_handoff_queue",
    ]
    queue = message_for(dispatcher, "utter_handoff_queue")
    assert queue["queue_position"] == 2 and queue["wait_text"] == "about 4 minutes"
    for message in dispatcher.messages:
        render(message)  # every placeholder filled


async def test_handoff_with_no_agents(inbox: FakeInbox, dispatcher: CollectingDispatcher) -> None:
    inbox.status.update(agents_available=0)
    events = await hand_off(dispatcher, dana())
    assert responses(dispatcher)[-1] == "utter_handoff_no_agents"
    assert slot_values(events)["handoff_active"] is True
    assert len(inbox.handoffs) == 1


async def test_handoff_after_hours(inbox: FakeInbox, dispatcher: CollectingDispatcher) -> None:
    inbox.status.update(
        within_business_hours=False, agents_available=0, next_opening="2026-11-30T08:00:00Z"
    )
    await hand_off(dispatcher, dana())
    assert responses(dispatcher)[-1] == "utter_handoff_after_hours"
    assert (
        message_for(dispatcher, "utter_handoff_after_hours")["next_opening_text"]
        == "when we open on Monday at 08:00"
    )


async def test_handoff_when_the_inbox_is_down(
    inbox: FakeInbox, dispatcher: CollectingDispatcher, monkeypatch
) -> None:
    quick = dataclasses.replace(get_settings(), inline_attempts=1)
    monkeypatch.setattr(delivery, "get_settings", lambda: quick)
    inbox.down = True  # every call raises httpx.ConnectError
    events = await hand_off(dispatcher, dana())
    assert responses(dispatcher) == [
        "utter_handoff_ack_request",
        "utter_handoff_joining",
        "utter_handoff_inbox_down",
    ]
    slots = slot_values(events)
    assert slots["handoff_active"] is True  # the outbox keeps it; the bot stays silent
    assert_paused_last(events)
    assert await delivery.outbox().pending_count() == 1  # nothing lost
    inbox.down = False
    await delivery.outbox().deliver_pending(delivery.client())
    assert list(inbox.handoffs) == [slots["handoff_key"]]


async def test_no_second_handoff_while_one_is_active(
    inbox: FakeInbox, dispatcher: CollectingDispatcher
) -> None:
    events = await hand_off(dispatcher, dana(handoff_active=True, handoff_key="existing"))
    assert responses(dispatcher) == ["utter_handoff_already"]
    assert inbox.requests == [] and inbox.handoffs == {}
    assert slot_values(events) == {}
    assert_paused_last(events)


async def test_a_frustration_escalation_acknowledges_the_feeling(
    inbox: FakeInbox, dispatcher: CollectingDispatcher
) -> None:
    last = user("this is ridiculous, nothing works", "complaint")
    tracker = make_tracker(
        dana_events(last),
        {
            **DANA_SLOTS,
            "escalate": True,
            "escalation_trigger": "frustration",
            "escalation_reason": "annoyed or worse for 3 turns in a row",
        },
    )
    events = await hand_off(dispatcher, tracker)
    assert responses(dispatcher)[0] == "utter_handoff_ack_frustration"
    [payload] = inbox.handoffs.values()
    # The detector's wording stays in the slot; the agent reads a plain sentence.
    assert payload["summary"]["escalation"]["trigger"] == "frustration"
    assert payload["summary"]["escalation"]["reasons"][-1] in (
        "Sounds annoyed",
        "Sounds frustrated",
        "Grew more frustrated over the conversation",
    )
    assert slot_values(events)["escalation_reason"] == "annoyed or worse for 3 turns in a row"
    assert slot_values(events)["escalation_trigger"] == "frustration"


async def test_repeated_failure_gets_an_apology(
    inbox: FakeInbox, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        dana_events(user("12", "inform")),
        {
            "failed_form_attempts": 3.0,
            "escalation_trigger": "repeated_failure",
            "escalation_reason": "3 failed attempts to find or verify the order",
        },
    )
    await hand_off(dispatcher, tracker)
    assert responses(dispatcher)[0] == "utter_handoff_ack_bot_failed"


async def test_abuse_gets_a_neutral_answer(
    inbox: FakeInbox, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        dana_events(user("you stupid bot", "complaint")),
        {"failed_form_attempts": 2.0, "escalation_trigger": "abuse", "escalation_reason": "insult"},
    )
    await hand_off(dispatcher, tracker)
    assert responses(dispatcher)[0] == "utter_handoff_ack_neutral"


def test_escalation_of_an_accepted_offer_is_a_request() -> None:
    tracker = make_tracker(
        [user("yes", "affirm")],
        {
            "pending_confirmation": "handoff",
            "escalation_trigger": "repeated_failure",
            "escalation_reason": "3 failed attempts",
        },
    )
    escalation = escalation_of(tracker)
    assert escalation.trigger == "request"
    assert escalation.explanation == '3 failed attempts; asked for a person: "yes"'
    plain = escalation_of(make_tracker([user("hm", "inform")], {"frustration_reasons": ["a", "b"]}))
    assert (plain.trigger, plain.explanation) == ("frustration", "a; b")


def test_bot_failed_uses_the_one_repeated_failure_setting() -> None:
    limit = repeated_failure_limit()  # escalation.repeated_failure in frustration.yml
    assert limit == 3
    assert bot_failed(make_tracker([], {"nlu_fallback_count": float(limit)}))
    assert bot_failed(make_tracker([], {"failed_form_attempts": float(limit)}))
    assert not bot_failed(
        make_tracker([], {"nlu_fallback_count": limit - 1.0, "failed_form_attempts": limit - 1.0})
    )


# -- handing back ---------------------------------------------------------------------------
def detector_state(turns: int) -> dict[str, Any]:
    from actions.frustration import TurnInput, get_detector

    state = None
    for n in range(turns):
        _, state = get_detector().score_turn(
            TurnInput(text=f"where is my order, this is taking ages {n}"), state
        )
    return state


def handed_off(**slots: Any):
    return make_tracker(
        [
            user(
                "/agent_handback",
                "agent_handback",
                entities=[{"entity": "resolution", "value": "refund issued"}],
            )
        ],
        {
            **DANA_SLOTS,
            "handoff_active": True,
            "handoff_key": "k1",
            "escalate": True,
            "escalation_trigger": "request",
            "escalation_reason": "asked",
            "frustration_state": detector_state(4),
            "bot_attempts": [{"what": "Looked up order 10482", "outcome": "ok"}],
            **slots,
        },
    )


async def test_handback_with_a_resolution(dispatcher: CollectingDispatcher) -> None:
    events = await ActionHandback().run(
        dispatcher, handed_off(handoff_resolution=" Refund of £89.00 issued. "), DOMAIN
    )
    message = message_for(dispatcher, "utter_handback")
    assert message["resolution_line"] == "Our team noted: Refund of £89.00 issued. "
    assert render(message) == (
        "Hi again, it's the assistant. Our team noted: Refund of £89.00 issued. "
        "Is there anything else I can help with?"
    )
    slots = slot_values(events)
    assert slots["handoff_active"] is False and slots["handoff_key"] is None
    assert (
        slots["escalate"] is False
        and slots["escalation_trigger"] is None
        and slots["escalation_reason"] is None
    )
    assert (slots["frustration_score"], slots["frustration_level"], slots["frustration_trend"]) == (
        0.0,
        "calm",
        0.0,
    )
    assert slots["frustration_reasons"] == []
    assert slots["frustration_state"]["turns"] == 4 and slots["frustration_state"]["handbacks"] == 1
    assert slots["frustration_state"]["scores"] == [] and slots["frustration_state"]["carry"] == 0
    # One fallback count: the slot starts afresh with the detector's counter.
    assert slots["nlu_fallback_count"] == 0.0 == slots["frustration_state"]["counters"]["fallbacks"]
    for fact in (
        "order_number",
        "order_verified",
        "customer_name",
        "order_status",
        "order_facts",
        "frustration_timeline",
    ):
        assert fact not in slots  # facts are kept as they are
    assert slots["bot_attempts"][-1] == {
        "what": "A person from the team handled the conversation",
        "outcome": "Refund of £89.00 issued.",
    }
    assert not any(event["event"] == "pause" for event in events)


async def test_handback_without_a_resolution(dispatcher: CollectingDispatcher) -> None:
    events = await ActionHandback().run(dispatcher, handed_off(handoff_resolution=None), DOMAIN)
    assert message_for(dispatcher, "utter_handback")["resolution_line"] == ""
    assert slot_values(events)["bot_attempts"][-1]["outcome"] == "handed back"


def joined_then_ended():
    """A handoff a person joined (the inbox's ``agent_joined`` line), then the customer ended it."""
    tracker = handed_off()
    tracker.events[:0] = [
        {"event": "action", "name": "action_handoff_to_human"},
        bot("Sam has joined the chat.", metadata={"source": "system", "kind": "agent_joined"}),
    ]
    return tracker


async def test_the_customer_ends_the_chat_with_a_person(dispatcher: CollectingDispatcher) -> None:
    events = await ActionEndHandoff().run(dispatcher, joined_then_ended(), DOMAIN)
    assert responses(dispatcher) == ["utter_handoff_ended_by_customer"]
    slots = slot_values(events)
    assert slots["handoff_active"] is False and slots["handoff_key"] is None
    assert slots["frustration_level"] == "calm"
    assert "order_number" not in slots


async def test_leaving_the_queue_is_not_thanked_for_a_chat(
    dispatcher: CollectingDispatcher,
) -> None:
    """Issue 15: a goodbye while still waiting got "Thanks for chatting with our team"."""
    tracker = handed_off()
    tracker.events[:0] = [{"event": "action", "name": "action_handoff_to_human"}]
    events = await ActionEndHandoff().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_handoff_left_queue"]
    assert slot_values(events)["handoff_active"] is False


async def test_an_agent_joined_in_an_earlier_handoff_does_not_count(
    dispatcher: CollectingDispatcher,
) -> None:
    tracker = joined_then_ended()
    tracker.events.insert(2, {"event": "action", "name": "action_handoff_to_human"})
    await ActionEndHandoff().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_handoff_left_queue"]


async def test_a_resolve_clears_the_handoff_without_a_handback_line(
    dispatcher: CollectingDispatcher,
) -> None:
    """The inbox already said the agent's closing line; the bot only takes over again."""
    tracker = make_tracker(
        [
            user(
                "/agent_handback",
                "agent_handback",
                entities=[{"entity": "closing", "value": "resolved"}],
            )
        ],
        {**DANA_SLOTS, "handoff_active": True, "handoff_key": "k1"},
    )
    events = await ActionHandback().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == []
    assert slot_values(events)["handoff_active"] is False


async def test_end_handoff_without_a_handoff(dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker([user("bye, thanks", "end_handoff")], {"handoff_active": False})
    assert await ActionEndHandoff().run(dispatcher, tracker, DOMAIN) == []
    assert responses(dispatcher) == ["utter_you_are_welcome"]


async def test_an_unsure_end_handoff_without_a_handoff_asks_instead(
    dispatcher: CollectingDispatcher,
) -> None:
    # "that's useless, it said that last week too" once came out as end_handoff at 0.28.
    tracker = make_tracker(
        [user("that's useless, it said that last week too", "end_handoff", 0.28)],
        {"handoff_active": False},
    )
    events = await ActionEndHandoff().run(dispatcher, tracker, DOMAIN)
    assert events == [{"event": "followup", "timestamp": None, "name": "action_clarify"}]
    assert responses(dispatcher) == []


@pytest.mark.parametrize("value", [{"text": "full refund"}, 500, ["a", "b"], True])
async def test_a_resolution_that_is_not_text_counts_as_none(
    dispatcher: CollectingDispatcher, value: object
) -> None:
    events = await ActionHandback().run(dispatcher, handed_off(handoff_resolution=value), DOMAIN)
    assert message_for(dispatcher, "utter_handback")["resolution_line"] == ""
    assert slot_values(events)["handoff_active"] is False


async def test_a_long_resolution_is_cut_to_one_line(dispatcher: CollectingDispatcher) -> None:
    events = await ActionHandback().run(
        dispatcher, handed_off(handoff_resolution="refund\n\nissued " * 200), DOMAIN
    )
    line = message_for(dispatcher, "utter_handback")["resolution_line"]
    assert "\n" not in line and len(line) < 340
    assert slot_values(events)["bot_attempts"][-1]["outcome"].startswith("refund issued refund")
