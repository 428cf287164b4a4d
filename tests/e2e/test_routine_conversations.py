"""Routine conversations over the REST channel with the real Rasa server and action server."""

from __future__ import annotations

import uuid

import pytest

from tests.stack import Stack, texts

pytestmark = pytest.mark.e2e


def new_sender() -> str:
    return f"routine-{uuid.uuid4().hex[:8]}"


def test_order_status_is_shown_only_after_verification(stack: Stack) -> None:
    sender = new_sender()
    assert "order number" in texts(stack.say(sender, "hi, where is my order?")).lower()
    ask = texts(stack.say(sender, "10482"))
    assert "email address or the delivery postcode" in ask
    assert "in transit" not in ask  # nothing revealed before the second factor
    answer = texts(stack.say(sender, "sw1a1aa"))
    assert "Thanks, Dana. Order 10482 is in transit with DPD" in answer
    assert "https://" in answer  # tracking link


def test_invalid_and_unknown_numbers_get_kind_retries_then_a_person(stack: Stack) -> None:
    sender = new_sender()
    stack.say(sender, "track my parcel please")
    first = texts(stack.say(sender, "ABC-12"))
    assert "doesn't look like one of our order numbers" in first
    second = texts(stack.say(sender, "99999"))
    assert "couldn't find order 99999" in second
    third = texts(stack.say(sender, "12"))
    # Third failure in a row: no loop, the bot stops asking and brings in a person.
    assert "haven't managed to find your order" in third
    assert "bringing in a person" in third
    assert stack.tracker(sender)["paused"] is True


def test_wrong_second_factor_reveals_nothing(stack: Stack) -> None:
    sender = new_sender()
    stack.say(sender, "where is order 10482")
    reply = texts(stack.say(sender, "someone.else@example.com"))
    assert "doesn't match" in reply
    assert "Dana" not in reply and "transit" not in reply


def test_cancel_a_placed_order(stack: Stack) -> None:
    sender = new_sender()
    stack.say(sender, "I want to cancel order 10501")
    tracker = stack.tracker(sender)
    assert tracker["slots"]["order_number"] == "10501"
    # Demo order 10501 (docs/order-api.md): Siobhán Gallagher, postcode BT9 6AA, placed today.
    offer = texts(stack.say(sender, "BT9 6AA"))
    assert "Shall I cancel it?" in offer
    done = texts(stack.say(sender, "yes please"))
    assert "order 10501 is cancelled" in done


def test_routine_questions_are_answered(stack: Stack) -> None:
    sender = new_sender()
    assert "Standard delivery is £3.95" in texts(stack.say(sender, "how much does shipping cost?"))
    assert "30 days" in texts(stack.say(sender, "what's your returns policy"))
    assert "PayPal" in texts(stack.say(sender, "which payment methods do you accept"))
    assert "virtual assistant" in texts(stack.say(sender, "am I talking to a bot?"))


def test_conversation_survives_a_rasa_restart(stack: Stack) -> None:
    sender = new_sender()
    stack.say(sender, "where is order 10482")
    stack.say(sender, "dana.whitfield@example.com")
    stack.stop("rasa")
    stack.start_rasa()
    stack.wait_for_rasa()
    slots = stack.tracker(sender)["slots"]
    assert slots["order_verified"] is True
    reply = texts(stack.say(sender, "and where is my order now?"))
    assert "order number" not in reply.lower()
    assert "10482" in reply


def test_dont_cancel_it_keeps_the_order(stack: Stack) -> None:
    # NLU reads "don't cancel it" as cancel_order: at the "Shall I cancel it?" it once cancelled.
    sender = new_sender()
    stack.say(sender, "I want to cancel order 10502")
    # Demo order 10502 (docs/order-api.md): Ciarán Doyle, postcode CF10 3AT, processing.
    assert "Shall I cancel it?" in texts(stack.say(sender, "CF10 3AT"))
    kept = texts(stack.say(sender, "no wait, don't cancel it, I still want it"))
    assert "left order 10502 as it is" in kept
    assert "is cancelled" not in kept
    attempts = stack.tracker(sender)["slots"]["bot_attempts"] or []
    assert not [a for a in attempts if a["what"].startswith("Cancelled")]


def test_switching_to_a_return_in_the_middle_of_the_form(stack: Stack) -> None:
    # The switch once got "Sorry, I didn't quite get that" and the status instead of a return.
    sender = new_sender()
    stack.say(sender, "where is my order")
    switched = texts(stack.say(sender, "actually I want to return something instead"))
    assert "didn't quite get that" not in switched
    assert "order number" in switched
    stack.say(sender, "10377")
    # Demo order 10377 (docs/order-api.md): Zoë Harper, delivered ten days ago, returnable.
    offer = texts(stack.say(sender, "zoe.harper@example.com"))
    assert "Shall I start a return" in offer
    assert stack.tracker(sender)["slots"]["goal"] == "return_item"
