"""The language of every customer message, judged by the turn scorer (actions/customer_language.py)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.turn_scoring import ActionValidateSlotMappings
from northwind_nlu.language import SUPPORTED
from tests.actions.conftest import DOMAIN, bot, make_tracker, slot_values, user

KEY = "3f2a9c1e5b7d4f60a1b2c3d4e5f60718"


async def score(tracker) -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    events = await ActionValidateSlotMappings().run(dispatcher, tracker, DOMAIN)
    assert dispatcher.messages == []  # the rule answers, not the scorer
    return slot_values(events)


async def test_a_german_request_is_recorded_and_flagged() -> None:
    message = user(
        "Hallo, wo ist meine Bestellung? Ich warte seit einer Woche.",
        "order_status",
        message_id="m1",
    )
    slots = await score(make_tracker([bot("Hi! What can I do for you?"), message]))
    assert slots["customer_language"] == "de"
    assert slots["writes_other_language"] is True


async def test_an_english_greeting_before_french_is_french() -> None:
    message = user("hello, j'ai une question sur ma commande", "greet", message_id="m1")
    slots = await score(make_tracker([message]))
    assert (slots["customer_language"], slots["writes_other_language"]) == ("fr", True)


async def test_english_with_a_foreign_place_is_english() -> None:
    message = user("my order from Zürich hasn't arrived yet", "order_status", message_id="m1")
    slots = await score(make_tracker([message]))
    assert slots["customer_language"] == "en"
    assert "writes_other_language" not in slots  # False already: not set again


@pytest.mark.parametrize(
    ("text", "intent"),
    [("danke", "thank"), ("merci beaucoup", "thank"), ("hola", "greet"), ("ciao", "goodbye")],
)
async def test_courtesy_words_are_left_to_the_nlu(text: str, intent: str) -> None:
    slots = await score(make_tracker([user(text, intent, message_id="m1")]))
    assert "customer_language" not in slots
    assert "writes_other_language" not in slots


async def test_a_thanks_after_german_keeps_the_language_but_is_not_flagged() -> None:
    """The German customer's "danke" is a thanks (the NLU's), and the summary still says German."""
    events = [
        user("Wo bleibt meine Bestellung?", "order_status", message_id="m1"),
        bot("…"),
        user("danke", "thank", message_id="m2"),
    ]
    slots = await score(
        make_tracker(
            events,
            {"customer_language": "de", "writes_other_language": True, "scored_message_id": "m1"},
        )
    )
    assert slots["writes_other_language"] is False
    assert "customer_language" not in slots  # stays "de"


async def test_a_button_press_is_not_judged() -> None:
    events = [
        user("Ich möchte meine Bestellung zurückgeben", "return_item", message_id="m1"),
        bot("…"),
        user("/request_human", "request_human", message_id="m2"),
    ]
    slots = await score(
        make_tracker(
            events,
            {"customer_language": "de", "writes_other_language": True, "scored_message_id": "m1"},
        )
    )
    assert slots["writes_other_language"] is False
    assert "customer_language" not in slots


async def test_back_to_english_clears_the_flag_and_the_language() -> None:
    events = [
        user("Where is my order? I have been waiting for a week", "order_status", message_id="m2")
    ]
    slots = await score(
        make_tracker(
            events,
            {"customer_language": "de", "writes_other_language": True, "scored_message_id": "m1"},
        )
    )
    assert slots["writes_other_language"] is False
    assert slots["customer_language"] == "en"


async def test_during_a_handoff_the_language_is_still_recorded(inbox) -> None:
    inbox.handoffs[KEY] = {"handoff_key": KEY}
    inbox.messages[KEY] = []
    tracker = make_tracker(
        [user("Können Sie mir bitte schnell helfen?", "nlu_fallback", message_id="m7")],
        {"handoff_active": True, "handoff_key": KEY},
        paused=True,
    )
    slots = await score(tracker)
    assert slots["customer_language"] == "de"
    assert [m["text"] for m in inbox.messages[KEY]] == ["Können Sie mir bitte schnell helfen?"]


def test_every_other_language_has_its_line_with_the_button_to_a_person() -> None:
    variations = DOMAIN["responses"]["utter_other_language"]
    by_language = {
        condition["value"]: variation
        for variation in variations
        for condition in variation.get("condition", [])
        if condition["name"] == "customer_language"
    }
    assert set(by_language) == set(SUPPORTED) - {"en"}
    assert len({variation["text"] for variation in by_language.values()}) == len(by_language)
    default = [variation for variation in variations if "condition" not in variation]
    assert len(default) == 1 and "English" in default[0]["text"]
    for variation in variations:
        assert [button["payload"] for button in variation["buttons"]] == ["/request_human"]


def test_the_slots_are_in_the_domain() -> None:
    assert DOMAIN["slots"]["customer_language"]["influence_conversation"] is False
    assert DOMAIN["slots"]["writes_other_language"]["influence_conversation"] is True


@pytest.mark.parametrize(
    ("text", "acknowledged"),
    [
        ("Das ist nutzlos und lächerlich!!! Das hat es letzte Woche auch schon gesagt!!", []),
        (
            "that's useless and ridiculous!!! it said that last week too!!",
            ["utter_frustration_acknowledge"],
        ),
    ],
)
async def test_a_frustrated_customer_writing_german_is_not_acknowledged_in_english(
    text: str, acknowledged: list
) -> None:
    """The German line already offers a person; an English "that sounds frustrating" would not be read."""
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        [bot("Order 10482 is in transit."), user(text, "out_of_scope", message_id="m1")]
    )
    slots = slot_values(await ActionValidateSlotMappings().run(dispatcher, tracker, DOMAIN))
    assert slots["frustration_level"] == "frustrated" and "escalate" not in slots
    assert [message["response"] for message in dispatcher.messages] == acknowledged
