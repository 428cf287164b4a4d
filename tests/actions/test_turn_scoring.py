"""action_validate_slot_mappings: score every customer message once, relay it during a handoff."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.frustration import get_detector
from actions.turn_scoring import RELAY_PART_CHARS, ActionValidateSlotMappings, split_message
from tests.actions.conftest import DOMAIN, FakeInbox, bot, external, make_tracker, slot_values, user

KEY = "3f2a9c1e5b7d4f60a1b2c3d4e5f60718"


async def score(tracker, dispatcher: CollectingDispatcher | None = None) -> dict[str, Any]:
    dispatcher = dispatcher or CollectingDispatcher()
    events = await ActionValidateSlotMappings().run(dispatcher, tracker, DOMAIN)
    # It speaks only to acknowledge a frustrated customer (tested below).
    assert all(m.get("response") == "utter_frustration_acknowledge" for m in dispatcher.messages)
    assert all(event["event"] == "slot" for event in events)  # Rasa keeps only SlotSet from here
    return slot_values(events)


def handoff_tracker(*events: dict[str, Any], **slots: Any):
    return make_tracker(
        list(events), {"handoff_active": True, "handoff_key": KEY, **slots}, paused=True
    )


@pytest.fixture
def open_handoff(inbox: FakeInbox) -> FakeInbox:
    inbox.handoffs[KEY] = {"handoff_key": KEY}
    inbox.messages[KEY] = []
    return inbox


# -- scoring ----------------------------------------------------------------------------
async def test_a_changed_level_is_set_and_an_unchanged_one_is_not() -> None:
    angry = user(
        "THIS IS USELESS, I'll cancel my account and go to a competitor!!",
        "complaint",
        message_id="m9",
    )
    slots = await score(make_tracker([bot("Anything else?"), angry], {"frustration_level": "calm"}))
    assert slots["frustration_level"] in {"annoyed", "frustrated"}
    assert slots["frustration_reasons"]


async def test_a_calm_message_gives_calm_slots_and_a_timeline_entry() -> None:
    message = user("Hi, where is my order?", "order_status", message_id="m1")
    slots = await score(make_tracker([bot("Hi! What can I do for you?"), message]))
    assert slots["scored_message_id"] == "m1"
    # The level is already "calm" and there are no reasons: unchanged slots are not set again.
    assert "frustration_level" not in slots and "frustration_reasons" not in slots
    assert 0.0 <= slots["frustration_score"] < 0.4
    assert (
        "frustration_trend" not in slots
    )  # 0.0 on a first turn, the slot's initial value: not set again
    assert slots["frustration_timeline"] == [
        {
            "turn": 1,
            "score": round(slots["frustration_score"], 3),
            "level": "calm",
            "during_handoff": False,
        }
    ]
    assert isinstance(slots["frustration_state"], dict)
    assert "escalate" not in slots and "nlu_fallback_count" not in slots


async def test_the_timeline_grows_and_the_state_carries_over() -> None:
    first = await score(
        make_tracker([user("Hi, where is my order?", "order_status", message_id="m1")])
    )
    second = await score(
        make_tracker(
            [user("thanks", "thank", message_id="m2")],
            {
                "frustration_timeline": first["frustration_timeline"],
                "frustration_state": first["frustration_state"],
                "scored_message_id": "m1",
            },
        )
    )
    assert [entry["turn"] for entry in second["frustration_timeline"]] == [1, 2]
    assert second["frustration_state"]["turns"] == 2


async def test_the_same_message_is_scored_once() -> None:
    # Rasa runs the action again for the same message when a form starts.
    message = user("Hi, where is my order?", "order_status", message_id="m1")
    first = await score(make_tracker([message]))
    assert first
    again = make_tracker([message], first)
    assert await ActionValidateSlotMappings().run(CollectingDispatcher(), again, DOMAIN) == []


async def test_without_a_message_id_the_timestamp_identifies_the_message() -> None:
    message = user("where is my order", "order_status", timestamp=1_764_151_234.5)
    tracker = make_tracker([message], latest_message={**message["parse_data"], "message_id": None})
    slots = await score(tracker)
    assert slots["scored_message_id"] == "1764151234.5"
    again = make_tracker(
        [message], {**slots}, latest_message={**message["parse_data"], "message_id": None}
    )
    assert await ActionValidateSlotMappings().run(CollectingDispatcher(), again, DOMAIN) == []


FALLBACK_RANKING = [
    {"name": "nlu_fallback", "confidence": 0.3},
    {"name": "order_status", "confidence": 0.2},
]


async def test_an_nlu_fallback_is_counted_by_the_detector() -> None:
    first = await score(
        make_tracker([user("asdf qwer", "nlu_fallback", 0.3, ranking=FALLBACK_RANKING)])
    )
    assert first["nlu_fallback_count"] == 1.0
    second = await score(
        make_tracker(
            [user("zxcv", "nlu_fallback", 0.3, ranking=FALLBACK_RANKING)],
            {"nlu_fallback_count": 1.0, "frustration_state": first["frustration_state"]},
        )
    )
    assert second["nlu_fallback_count"] == 2.0
    assert second["frustration_state"]["counters"]["fallbacks"] == 2
    assert (await score(make_tracker([user("hello", "greet")]))).get("nlu_fallback_count") is None


async def test_the_fallback_count_starts_afresh_with_the_detector_after_a_hand_back() -> None:
    """One count: the slot follows the detector's counter, which a hand-back resets."""
    state = get_detector().reset_state(
        {"turns": 4, "counters": {"fallbacks": 2}}, reason="handback"
    )
    slots = await score(
        make_tracker(
            [user("qwop", "nlu_fallback", 0.3, ranking=FALLBACK_RANKING)],
            {"nlu_fallback_count": 2.0, "frustration_state": state},
        )
    )
    assert slots["nlu_fallback_count"] == 1.0 == slots["frustration_state"]["counters"]["fallbacks"]


async def test_an_escalating_message_sets_escalate_with_a_reason() -> None:
    message = user("I will cancel my account and go to a competitor", "complaint", message_id="m9")
    slots = await score(make_tracker([bot("Is there anything else?"), message]))
    assert slots["escalate"] is True
    assert slots["escalation_trigger"] == "churn"
    assert "cancel" in slots["escalation_reason"].lower()
    assert slots["frustration_reasons"]


async def test_an_escalation_is_not_set_twice() -> None:
    message = user("I will cancel my account and go to a competitor", "complaint")
    slots = await score(make_tracker([message], {"escalate": True, "escalation_trigger": "abuse"}))
    assert "escalate" not in slots and "escalation_trigger" not in slots


@pytest.mark.parametrize(
    "event",
    [
        user("/agent_handback", "agent_handback"),
        external("agent_handback", [{"entity": "resolution", "value": "refund sent"}]),
        user("/session_start", "session_start"),
    ],
)
async def test_handback_and_session_start_are_not_scored(event: dict[str, Any]) -> None:
    assert (
        await ActionValidateSlotMappings().run(
            CollectingDispatcher(), make_tracker([event]), DOMAIN
        )
        == []
    )


# -- relay during a handoff ------------------------------------------------------------------------
async def test_during_a_handoff_the_message_is_relayed_once_redacted(
    open_handoff: FakeInbox,
) -> None:
    message = user("my card is 4111 1111 1111 1111, can you refund it?", "inform", message_id="m5")
    slots = await score(
        handoff_tracker(bot("Sam has joined the chat.", metadata={"source": "system"}), message)
    )
    stored = open_handoff.messages[KEY]
    assert len(stored) == 1
    assert stored[0]["message_id"] == "m5"
    assert stored[0]["sender"] == "customer"
    assert stored[0]["text"] == "my card is [card number], can you refund it?"
    assert stored[0]["sent_at"].endswith("Z")
    assert "4111" not in json.dumps(open_handoff.bodies("/messages"))
    assert slots["frustration_timeline"][-1]["during_handoff"] is True
    # the same message again (Rasa's second run) is not sent again
    assert (
        await ActionValidateSlotMappings().run(
            CollectingDispatcher(), handoff_tracker(message, **slots), DOMAIN
        )
        == []
    )
    assert len(open_handoff.bodies("/messages")) == 1


async def test_a_resent_message_id_is_stored_once_by_the_inbox(open_handoff: FakeInbox) -> None:
    message = user("are you still there?", "inform", message_id="m6")
    await score(handoff_tracker(message))
    await score(handoff_tracker(message))  # the slot was lost: sent again, same id
    assert [m["message_id"] for m in open_handoff.messages[KEY]] == ["m6"]


async def test_no_escalation_while_a_person_owns_the_chat(open_handoff: FakeInbox) -> None:
    slots = await score(
        handoff_tracker(user("I will cancel my account and go to a competitor", "complaint"))
    )
    assert "escalate" not in slots
    assert len(open_handoff.messages[KEY]) == 1


async def test_a_long_message_arrives_in_parts_with_nothing_lost(open_handoff: FakeInbox) -> None:
    text = "".join(f"line {i:05d} of my long story. " for i in range(600))[:12_000]
    assert len(text) == 12_000
    await score(handoff_tracker(user(text, "inform", message_id="m7")))
    parts = open_handoff.messages[KEY]
    assert len(parts) == 3
    assert all(len(part["text"]) <= RELAY_PART_CHARS for part in parts)
    assert "".join(part["text"] for part in parts) == text
    assert [p["message_id"] for p in parts] == ["m7", "m7-part2", "m7-part3"]


def test_split_message() -> None:
    assert split_message("short") == ["short"]
    assert split_message("x" * 10_001, 5000) == ["x" * 5000, "x" * 5000, "x"]


async def test_end_handoff_button_also_sends_customer_ended(open_handoff: FakeInbox) -> None:
    await score(handoff_tracker(user("/end_handoff", "end_handoff", 1.0, message_id="m8")))
    assert open_handoff.ended == [KEY]
    assert [m["message_id"] for m in open_handoff.messages[KEY]] == ["m8"]
    # the inbox gives the conversation back to the bot; nothing here calls Rasa
    assert {request.url.host for request in open_handoff.requests} == {"inbox.test"}


async def test_a_typed_email_address_becomes_the_contact_preference(
    open_handoff: FakeInbox,
) -> None:
    await score(handoff_tracker(user("dana.w@example.com", "inform", 0.9, message_id="m5")))
    assert [m["message_id"] for m in open_handoff.messages[KEY]] == ["m5"]  # still relayed
    assert open_handoff.preferences == [
        (KEY, {"contact_preference": "email", "contact_detail": "dana.w@example.com"})
    ]


async def test_an_address_inside_a_sentence_is_only_relayed(open_handoff: FakeInbox) -> None:
    await score(handoff_tracker(user("my old one was x@y.com", "inform", 0.9, message_id="m6")))
    assert open_handoff.preferences == []


async def test_a_typed_goodbye_the_nlu_is_unsure_of_does_not_end(open_handoff: FakeInbox) -> None:
    await score(handoff_tracker(user("thanks, that's all", "end_handoff", 0.6)))
    assert open_handoff.ended == []
    assert len(open_handoff.messages[KEY]) == 1


async def test_an_active_handoff_without_a_key_sends_nothing(inbox: FakeInbox) -> None:
    tracker = make_tracker([user("hello?", "greet")], {"handoff_active": True, "handoff_key": None})
    slots = await score(tracker)
    assert "frustration_score" in slots
    assert inbox.requests == []


async def test_an_externally_triggered_intent_is_not_relayed(open_handoff: FakeInbox) -> None:
    await ActionValidateSlotMappings().run(
        CollectingDispatcher(), handoff_tracker(external("end_handoff")), DOMAIN
    )
    assert open_handoff.messages[KEY] == []


USELESS = "that's useless, it said that last week too"


async def acknowledged(tracker) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    slots = await score(tracker, dispatcher)
    return slots, dispatcher.messages


async def test_a_frustrated_customer_hears_it_was_noticed_before_any_handoff() -> None:
    slots, messages = await acknowledged(
        make_tracker([bot("Order 10482 is in transit."), user(USELESS, "complaint_about_answer")])
    )
    assert slots["frustration_level"] == "frustrated" and "escalate" not in slots
    assert [m["response"] for m in messages] == ["utter_frustration_acknowledge"]
    assert slots["frustration_timeline"][-1]["acknowledged"] is True


async def test_the_acknowledgement_is_not_repeated_on_every_turn() -> None:
    first, _ = await acknowledged(
        make_tracker([bot("Order 10482 is in transit."), user(USELESS, "x", message_id="m1")])
    )
    later, messages = await acknowledged(
        make_tracker(
            [bot("Sorry about that."), user(USELESS, "x", message_id="m2")],
            {
                "frustration_timeline": first["frustration_timeline"],
                "frustration_state": first["frustration_state"],
                "scored_message_id": "m1",
            },
        )
    )
    assert messages == [] and "acknowledged" not in later["frustration_timeline"][-1]


@pytest.mark.parametrize(
    "intent, slots",
    [
        ("complaint", {}),  # the complaint answer already apologises
        ("request_human", {}),  # a person is on the way
        ("x", {"escalate": True}),  # the handoff message says it
    ],
)
async def test_no_acknowledgement_where_the_answer_says_it_already(
    intent: str, slots: dict[str, Any]
) -> None:
    _, messages = await acknowledged(
        make_tracker([bot("Order 10482 is in transit."), user(USELESS, intent)], slots)
    )
    assert messages == []


async def test_a_calm_customer_hears_no_apology() -> None:
    _, messages = await acknowledged(
        make_tracker([bot("Hi!"), user("where is my order?", "order_status")])
    )
    assert messages == []


async def test_no_acknowledgement_from_the_bot_while_a_person_owns_the_chat(
    open_handoff: FakeInbox,
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionValidateSlotMappings().run(
        dispatcher, handoff_tracker(user(USELESS, "x", message_id="h1")), DOMAIN
    )
    assert dispatcher.messages == []
    assert [m["text"] for m in open_handoff.messages[KEY]] == [USELESS]


def test_the_previous_bot_text_is_the_bot_s_not_an_agent_s() -> None:
    from actions.turn_scoring import previous_bot_text

    bot_said = make_tracker(
        [bot("Sorry, I couldn't find that order."), user("it's 10482", "inform")]
    )
    assert previous_bot_text(bot_said) == "Sorry, I couldn't find that order."
    agent_said = make_tracker(
        [bot("Sorry for the wait, I'm Sam.", metadata={"source": "agent"}), user("ok", "affirm")]
    )
    assert previous_bot_text(agent_said) is None


async def test_a_pending_frustration_handoff_lapses_when_the_customer_is_calm_again() -> None:
    pending = {"escalate": True, "escalation_trigger": "frustration", "escalation_reason": "rising"}
    slots = await score(
        make_tracker([bot("Shall I cancel it?"), user("yes please", "affirm")], pending)
    )
    assert slots["escalate"] is False and slots["escalation_trigger"] is None


async def test_a_pending_request_for_a_person_never_lapses() -> None:
    pending = {
        "escalate": True,
        "escalation_trigger": "request",
        "escalation_reason": "asked for a person",
    }
    slots = await score(
        make_tracker([bot("Shall I cancel it?"), user("yes please", "affirm")], pending)
    )
    assert "escalate" not in slots
