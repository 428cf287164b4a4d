"""The order form's validation and the follow-up actions, on the real seeded demo database."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions import names
from actions.backend.base import (
    Address,
    Customer,
    NotAllowed,
    Order,
    OrderItem,
    OrderStatus,
    Shipment,
)
from actions.backend.factory import get_backend
from actions.backend.rules import plan_return
from actions.orders import (
    ECHO_LIMIT,
    ActionConfirmPending,
    ActionDeclinePending,
    ActionOfferPersonLookup,
    ActionOrderFollowup,
    ValidateOrderForm,
    echo,
    find_order_number,
)
from northwind_common.store_clock import store_today
from tests.actions.conftest import (
    DOMAIN,
    TODAY,
    action,
    make_tracker,
    message_for,
    render,
    responses,
    slot,
    slot_values,
    user,
)

pytestmark = pytest.mark.usefixtures("orders_db")
UTC = timezone.utc
FRUSTRATION_YML = (
    Path(__file__).resolve().parents[2] / "actions" / "frustration" / "frustration.yml"
)

DANA = {"order_number": "10482", "email": "dana.whitfield@example.com", "postcode": "SW1A 1AA"}


def form_tracker(slot_name: str, value: Any, slots: dict[str, Any] | None = None):
    """The tracker Rasa sends to validate_order_form: the slot candidate is the last event."""
    current = {"requested_slot": slot_name, slot_name: value, **(slots or {})}
    events = [action("action_listen"), user(str(value), "inform"), slot(slot_name, value)]
    return make_tracker(events, current, active_loop=names.ORDER_FORM)


async def validate(dispatcher: CollectingDispatcher, tracker) -> dict[str, Any]:
    events = await ValidateOrderForm().run(dispatcher, tracker, DOMAIN)
    return slot_values(events)


# -- pure helpers ---------------------------------------------------------------
@pytest.mark.parametrize(
    "text, number",
    [
        ("10482", "10482"),
        ("it's #10482", "10482"),
        ("ORD-10501 please", "10501"),
        ("ord10377", "10377"),
        ("abc", None),
        ("1234", None),
        ("12345678", None),
        ("", None),
        (None, None),
    ],
)
def test_find_order_number(text: Any, number: str | None) -> None:
    assert find_order_number(text) == number


def test_echo_is_one_bounded_line() -> None:
    assert echo("  abc \n def ") == "abc def"
    long = echo("x" * 100)
    assert len(long) == ECHO_LIMIT and long.endswith("…")


# -- the order number ---------------------------------------------------------------
@pytest.mark.parametrize("typed", ["10482", "it's #10482"])
async def test_a_valid_order_number_is_set_and_needs_verification(
    dispatcher: CollectingDispatcher, typed: str
) -> None:
    slots = await validate(dispatcher, form_tracker("order_number", typed))
    assert slots["order_number"] == "10482"
    assert slots["form_failure_streak"] == 0
    assert slots["order_verified"] is False
    assert slots["order_verifier"] is None
    assert dispatcher.messages == []


async def test_an_invalid_order_number_is_echoed_and_counted(
    dispatcher: CollectingDispatcher,
) -> None:
    tracker = form_tracker(
        "order_number", "abc", {"failed_form_attempts": 2.0, "form_failure_streak": 0}
    )
    slots = await validate(dispatcher, tracker)
    assert slots["order_number"] is None
    assert slots["form_failure_streak"] == 1
    assert slots["failed_form_attempts"] == 3
    assert names.SLOT_FORM_GAVE_UP not in slots
    message = message_for(dispatcher, "utter_invalid_order_number")
    assert message["value"] == "abc"
    assert '"abc" doesn\'t look like one of our order numbers' in render(message)


async def test_the_echoed_value_is_bounded(dispatcher: CollectingDispatcher) -> None:
    typed = "my order is the blue one from last week with the jacket and the boots"
    await validate(dispatcher, form_tracker("order_number", typed))
    value = message_for(dispatcher, "utter_invalid_order_number")["value"]
    assert len(value) == ECHO_LIMIT
    assert typed.startswith(value[:-1]) and value.endswith("…")


async def test_an_unknown_order_number_is_not_found(dispatcher: CollectingDispatcher) -> None:
    slots = await validate(dispatcher, form_tracker("order_number", "99999"))
    assert slots["order_number"] is None
    assert slots["form_failure_streak"] == 1 and slots["failed_form_attempts"] == 1
    assert message_for(dispatcher, "utter_order_not_found")["value"] == "99999"
    assert responses(dispatcher) == ["utter_order_not_found"]


async def test_the_form_gives_up_after_max_failures_in_a_row(
    dispatcher: CollectingDispatcher,
) -> None:
    tracker = form_tracker(
        "order_number", "nope", {"form_failure_streak": 2.0, "failed_form_attempts": 2.0}
    )
    events = await ValidateOrderForm().run(dispatcher, tracker, DOMAIN)
    slots = slot_values(events)
    assert slots["form_gave_up"] is True
    assert slots["failed_form_attempts"] == 3
    assert slots["requested_slot"] is None  # the form stops asking
    assert responses(dispatcher) == ["utter_form_give_up"]  # no "doesn't look like" on top


async def test_max_failures_is_the_repeated_failure_setting(
    dispatcher: CollectingDispatcher, monkeypatch, tmp_path
) -> None:
    """The form's limit is frustration.yml's escalation.repeated_failure, read nowhere else."""
    config = yaml.safe_load(FRUSTRATION_YML.read_text(encoding="utf-8"))
    config["escalation"]["repeated_failure"] = 5
    path = tmp_path / "frustration.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    monkeypatch.setenv("FRUSTRATION_CONFIG", str(path))
    slots = await validate(
        dispatcher, form_tracker("order_number", "nope", {"form_failure_streak": 3.0})
    )
    assert names.SLOT_FORM_GAVE_UP not in slots
    assert responses(dispatcher) == ["utter_invalid_order_number"]
    dispatcher.messages.clear()
    slots = await validate(
        dispatcher, form_tracker("order_number", "nope", {"form_failure_streak": 4.0})
    )
    assert slots["form_gave_up"] is True


async def test_a_valid_number_resets_the_streak_but_not_the_total(
    dispatcher: CollectingDispatcher,
) -> None:
    tracker = form_tracker(
        "order_number", "10482", {"form_failure_streak": 2.0, "failed_form_attempts": 2.0}
    )
    slots = await validate(dispatcher, tracker)
    assert slots["form_failure_streak"] == 0
    assert "failed_form_attempts" not in slots


async def test_required_slots_is_empty_once_the_form_gave_up(
    dispatcher: CollectingDispatcher,
) -> None:
    form = ValidateOrderForm()
    domain_slots = form.domain_slots(DOMAIN)
    assert domain_slots == ["order_number", "order_verifier"]
    asking = make_tracker([], {})
    assert await form.required_slots(domain_slots, dispatcher, asking, DOMAIN) == domain_slots
    gave_up = make_tracker([], {"form_gave_up": True})
    assert await form.required_slots(domain_slots, dispatcher, gave_up, DOMAIN) == []


# -- the second factor ------------------------------------------------------------------
@pytest.mark.parametrize(
    "factor",
    [
        "dana.whitfield@example.com",
        "  Dana.Whitfield@EXAMPLE.com ",
        "SW1A 1AA",
        "sw1a1aa",
        " sw1a  1aa ",
    ],
)
async def test_the_verifier_matches_by_email_or_postcode(
    dispatcher: CollectingDispatcher, factor: str
) -> None:
    tracker = form_tracker(
        "order_verifier", factor, {"order_number": "10482", "form_failure_streak": 1.0}
    )
    events = await ValidateOrderForm().run(dispatcher, tracker, DOMAIN)
    slots = slot_values(events)
    assert slots["order_verified"] is True
    assert slots["order_verifier"] == "verified"  # the factor itself is not kept
    assert slots["form_failure_streak"] == 0
    assert slots["customer_name"] == "Dana Whitfield"
    assert slots["customer_email"] == "dana.whitfield@example.com"
    assert slots["order_status"].startswith("in transit with DPD")
    facts = slots["order_facts"]
    assert facts["items"] == ["1 × Trail running shoes"]
    assert facts["order_total"] == "£89.00"
    assert facts["status_code"] == "in_transit"
    assert facts["tracking_url"].endswith(facts["tracking_number"])
    assert date.fromisoformat(facts["expected_on"]) < TODAY  # 10482 is late (the opening says so)
    assert slots["requested_slot"] is None  # verified: the form is done
    assert dispatcher.messages == []


async def test_a_wrong_verifier_is_a_mismatch(dispatcher: CollectingDispatcher) -> None:
    tracker = form_tracker("order_verifier", "someone@example.com", {"order_number": "10482"})
    slots = await validate(dispatcher, tracker)
    assert slots["order_verifier"] is None
    assert slots.get("order_verified") is not True
    assert "customer_name" not in slots and "order_status" not in slots  # nothing revealed
    assert slots["form_failure_streak"] == 1 and slots["failed_form_attempts"] == 1
    assert responses(dispatcher) == ["utter_verifier_mismatch"]


@pytest.mark.parametrize("value", ["😀", "🤷‍♀️", "?!", "..."])
async def test_an_answer_without_letters_or_digits_is_no_attempt(
    dispatcher: CollectingDispatcher, value: str
) -> None:
    # A smiley is not a wrong email: "doesn't match what we have" misleads, and three
    # of them would hand the customer to a person for failing verification.
    tracker = form_tracker("order_verifier", value, {"order_number": "10482"})
    slots = await validate(dispatcher, tracker)
    assert slots["order_verifier"] is None
    assert "form_failure_streak" not in slots and "failed_form_attempts" not in slots
    assert dispatcher.messages == []  # nothing but the form's own question again


async def test_another_orders_verifier_does_not_match(dispatcher: CollectingDispatcher) -> None:
    tracker = form_tracker(
        "order_verifier", "siobhan.gallagher@example.com", {"order_number": "10482"}
    )
    slots = await validate(dispatcher, tracker)
    assert slots.get("order_verified") is not True
    assert responses(dispatcher) == ["utter_verifier_mismatch"]


async def test_a_different_order_needs_its_own_verification(
    dispatcher: CollectingDispatcher,
) -> None:
    # Siobhán verified order 10501; then she asks "where is order 10482?": the entity
    # mapping sets order_number = 10482 and the form is activated again.
    events = [
        user("10501", "inform"),
        slot("order_number", "10501"),
        user("siobhan.gallagher@example.com", "inform"),
        slot("order_verifier", "verified"),
        slot("order_verified", True),
        slot("customer_name", "Siobhán Gallagher"),
        user(
            "where is order 10482?",
            "order_status",
            entities=[{"entity": "order_number", "value": "10482"}],
        ),
        slot("order_number", "10482"),
    ]
    slots = {
        "order_number": "10482",
        "order_verified": True,
        "order_verifier": "verified",
        "customer_name": "Siobhán Gallagher",
        "requested_slot": None,
    }
    result = slot_values(
        await ValidateOrderForm().run(
            dispatcher, make_tracker(events, slots, active_loop="order_form"), DOMAIN
        )
    )
    final = {**slots, **result}
    assert not (final["order_verified"] and final["requested_slot"] is None), (
        "the form finished for order 10482 with the verification of order 10501"
    )


# -- after the form --------------------------------------------------------------------------
def verified(number: str, goal: str | None = None, **extra: Any):
    slots = {"order_number": number, "order_verified": True, "goal": goal, **extra}
    return make_tracker([user("done", "inform")], slots)


async def followup(dispatcher: CollectingDispatcher, tracker) -> list:
    return await ActionOrderFollowup().run(dispatcher, tracker, DOMAIN)


async def test_status_with_tracking_link(dispatcher: CollectingDispatcher) -> None:
    events = await followup(dispatcher, verified("10482", "order_status"))
    assert responses(dispatcher) == [
        "utter_order_status",
        "utter_order_late",  # the seeded parcel is past its promised day
        "utter_order_tracking",
        "utter_anything_else",
    ]
    status = message_for(dispatcher, "utter_order_status")
    assert status["customer_name"] == "Dana"  # first name only
    assert status["order_number"] == "10482"
    assert status["order_status"].startswith("in transit with DPD since")
    assert render(message_for(dispatcher, "utter_order_tracking")).endswith(
        "https://track.dpd.co.uk/parcels/15501048200042"
    )
    slots = slot_values(events)
    assert slots["order_status"] == status["order_status"]
    assert slots["bot_attempts"][-1]["what"] == "Looked up order 10482"


async def test_status_is_the_default_goal(dispatcher: CollectingDispatcher) -> None:
    await followup(dispatcher, verified("10482", None))
    assert responses(dispatcher)[0] == "utter_order_status"


async def test_a_delivered_order_has_no_tracking_link(dispatcher: CollectingDispatcher) -> None:
    await followup(dispatcher, verified("10377", "order_status"))
    assert responses(dispatcher) == ["utter_order_status", "utter_anything_else"]
    assert message_for(dispatcher, "utter_order_status")["order_status"].startswith(
        "delivered by Royal Mail"
    )
    # A finished event reads in the past: not "Order 10377 is delivered by Royal Mail on ...".
    assert "Order 10377 was delivered by Royal Mail on " in render(
        message_for(dispatcher, "utter_order_status")
    )


async def test_a_parcel_on_its_way_reads_in_the_present(dispatcher: CollectingDispatcher) -> None:
    await followup(dispatcher, verified("10482", "order_status"))
    assert "Order 10482 is in transit with DPD" in render(
        message_for(dispatcher, "utter_order_status")
    )


async def test_bot_attempts_are_appended(dispatcher: CollectingDispatcher) -> None:
    earlier = [{"what": "Asked something", "outcome": "ok"}]
    events = await followup(dispatcher, verified("10482", "order_status", bot_attempts=earlier))
    attempts = slot_values(events)["bot_attempts"]
    assert attempts[0] == earlier[0] and len(attempts) == 2


async def test_a_passed_estimate_reads_was_expected(dispatcher: CollectingDispatcher) -> None:
    await followup(dispatcher, verified("10482", "order_status"))
    assert ", was expected " in message_for(dispatcher, "utter_order_status")["order_status"]
    late = render(message_for(dispatcher, "utter_order_late"))
    assert "later than we promised" in late and "I'm sorry" in late
    assert "{" not in late  # the day is filled in


async def test_a_delivered_order_is_never_called_late(dispatcher: CollectingDispatcher) -> None:
    await followup(dispatcher, verified("10377", "order_status"))
    assert "utter_order_late" not in responses(dispatcher)


async def test_cancel_is_offered_for_a_placed_order(dispatcher: CollectingDispatcher) -> None:
    events = await followup(dispatcher, verified("10501", "cancel_order"))
    assert responses(dispatcher) == ["utter_confirm_cancel"]
    offer = message_for(dispatcher, "utter_confirm_cancel")
    assert offer["order_number"] == "10501" and offer["amount"] == "£77.00"
    assert slot_values(events) == {"pending_confirmation": names.PENDING_CANCEL}


async def test_cancel_is_refused_for_a_shipped_order(dispatcher: CollectingDispatcher) -> None:
    events = await followup(dispatcher, verified("10482", "cancel_order"))
    assert responses(dispatcher) == ["utter_cannot_cancel_shipped", "utter_anything_else"]
    assert "pending_confirmation" not in slot_values(events)
    assert slot_values(events)["bot_attempts"][-1]["outcome"].startswith("not possible")


async def test_cancel_of_a_delivered_order_says_its_status(
    dispatcher: CollectingDispatcher,
) -> None:
    await followup(dispatcher, verified("10377", "cancel_order"))
    assert responses(dispatcher) == ["utter_cannot_cancel_other", "utter_anything_else"]
    assert "it was delivered by Royal Mail on " in render(
        message_for(dispatcher, "utter_cannot_cancel_other")
    )


async def test_an_address_change_before_shipping_offers_a_person(
    dispatcher: CollectingDispatcher,
) -> None:
    events = await followup(dispatcher, verified("10501", "change_address"))
    assert responses(dispatcher) == ["utter_address_changeable"]
    assert "hasn't shipped yet" in render(message_for(dispatcher, "utter_address_changeable"))
    slots = slot_values(events)
    assert slots["pending_confirmation"] == names.PENDING_HANDOFF
    assert slots["bot_attempts"][-1]["outcome"].startswith("not shipped yet")


async def test_an_address_change_with_the_carrier_points_to_redirecting(
    dispatcher: CollectingDispatcher,
) -> None:
    events = await followup(dispatcher, verified("10482", "change_address"))
    assert responses(dispatcher) == ["utter_address_with_carrier"]
    text = render(message_for(dispatcher, "utter_address_with_carrier"))
    assert "DPD" in text and text.count("https://track.dpd.co.uk/parcels/15501048200042") == 1
    assert slot_values(events)["pending_confirmation"] == names.PENDING_HANDOFF


async def test_no_address_to_change_on_a_delivered_order(dispatcher: CollectingDispatcher) -> None:
    events = await followup(dispatcher, verified("10377", "change_address"))
    assert responses(dispatcher) == ["utter_address_not_applicable", "utter_anything_else"]
    assert "Order 10377 was delivered by Royal Mail on " in render(
        message_for(dispatcher, "utter_address_not_applicable")
    )
    assert "pending_confirmation" not in slot_values(events)


async def test_a_return_is_offered_within_the_window(dispatcher: CollectingDispatcher) -> None:
    events = await followup(dispatcher, verified("10377", "return_item"))
    assert responses(dispatcher) == ["utter_confirm_return"]
    assert message_for(dispatcher, "utter_confirm_return")["order_number"] == "10377"
    assert slot_values(events) == {"pending_confirmation": names.PENDING_RETURN}


async def test_a_return_is_refused_when_the_window_closed(dispatcher: CollectingDispatcher) -> None:
    events = await followup(dispatcher, verified("10160", "return_item"))
    assert responses(dispatcher) == ["utter_cannot_return", "utter_anything_else"]
    assert (
        message_for(dispatcher, "utter_cannot_return")["why"]
        == "the 30-day return window has closed"
    )
    assert "pending_confirmation" not in slot_values(events)


async def test_a_return_is_refused_before_delivery(dispatcher: CollectingDispatcher) -> None:
    await followup(dispatcher, verified("10482", "return_item"))
    assert message_for(dispatcher, "utter_cannot_return")["why"] == "it hasn't been delivered yet"


async def test_refund_status(dispatcher: CollectingDispatcher) -> None:
    events = await followup(dispatcher, verified("10290", "refund_status"))
    assert responses(dispatcher) == ["utter_refund_status", "utter_anything_else"]
    refunds = message_for(dispatcher, "utter_refund_status")["refunds"]
    assert "£75.00" in refunds and "pending" in refunds
    assert slot_values(events)["bot_attempts"][-1]["what"] == "Checked refunds on order 10290"


async def test_no_refunds_yet(dispatcher: CollectingDispatcher) -> None:
    await followup(dispatcher, verified("10482", "refund_status"))
    assert responses(dispatcher) == ["utter_no_refunds", "utter_anything_else"]


async def test_a_processed_refund_says_when(dispatcher: CollectingDispatcher) -> None:
    await followup(dispatcher, verified("10215", "refund_status"))
    refunds = message_for(dispatcher, "utter_refund_status")["refunds"]
    # In the words of every other date the customer reads ("16 November"), not ISO.
    assert re.search(r"on its way \(processed on \d{1,2} [A-Z][a-z]+\)", refunds), refunds


async def test_nothing_is_revealed_without_verification(dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker(
        [user("x", "inform")], {"order_number": "10482", "order_verified": False}
    )
    assert await followup(dispatcher, tracker) == []
    assert responses(dispatcher) == ["utter_anything_else"]


async def test_gave_up_hands_off_by_default(dispatcher: CollectingDispatcher, monkeypatch) -> None:
    monkeypatch.delenv("HANDOFF_ON_REPEATED_FAILURE", raising=False)
    tracker = make_tracker(
        [user("x", "inform")], {"form_gave_up": True, "failed_form_attempts": 3.0}
    )
    events = await followup(dispatcher, tracker)
    slots = slot_values(events)
    assert slots["form_gave_up"] is False and slots["form_failure_streak"] == 0
    assert slots["escalation_trigger"] == "repeated_failure"
    assert slots["escalation_reason"].startswith("3 failed attempts")
    assert slots["bot_attempts"][-1]["outcome"] == "gave up after repeated failures"
    assert events[-1] == {
        "event": "followup",
        "timestamp": None,
        "name": names.ACTION_HANDOFF_TO_HUMAN,
    }
    assert dispatcher.messages == []


async def test_gave_up_only_offers_a_person_when_configured(
    dispatcher: CollectingDispatcher, monkeypatch
) -> None:
    monkeypatch.setenv("HANDOFF_ON_REPEATED_FAILURE", "offer")
    tracker = make_tracker(
        [user("x", "inform")], {"form_gave_up": True, "failed_form_attempts": 3.0}
    )
    events = await followup(dispatcher, tracker)
    assert responses(dispatcher) == ["utter_offer_person"]
    assert slot_values(events)["pending_confirmation"] == names.PENDING_HANDOFF
    assert not any(event.get("event") == "followup" for event in events)


# -- yes / no to an offer ---------------------------------------------------------------------
def pending(number: str, what: str):
    return make_tracker(
        [user("yes", "affirm")],
        {"order_number": number, "order_verified": True, "pending_confirmation": what},
    )


async def test_confirming_a_cancel_cancels_in_the_database(
    dispatcher: CollectingDispatcher,
) -> None:
    events = await ActionConfirmPending().run(
        dispatcher, pending("10501", names.PENDING_CANCEL), DOMAIN
    )
    assert responses(dispatcher) == ["utter_order_cancelled", "utter_anything_else"]
    done = message_for(dispatcher, "utter_order_cancelled")
    assert done["order_number"] == "10501" and done["amount"] == "£77.00"
    slots = slot_values(events)
    assert slots["pending_confirmation"] is None
    assert slots["order_status"].startswith("cancelled on")
    assert (await get_backend().get_order("10501")).status is OrderStatus.CANCELLED

    second = CollectingDispatcher()
    events = await ActionConfirmPending().run(
        second, pending("10501", names.PENDING_CANCEL), DOMAIN
    )
    assert "utter_order_cancelled" not in responses(second)
    assert slot_values(events)["bot_attempts"][-1]["outcome"].startswith("refused")
    assert (await get_backend().get_order("10501")).status is OrderStatus.CANCELLED


async def test_a_refused_cancel_is_worded_as_a_cancel(dispatcher: CollectingDispatcher) -> None:
    await ActionConfirmPending().run(dispatcher, pending("10482", names.PENDING_CANCEL), DOMAIN)
    assert "utter_cannot_return" not in responses(dispatcher)
    assert {"utter_cannot_cancel_shipped", "utter_cannot_cancel_other"} & set(responses(dispatcher))


async def test_confirming_a_return_creates_it(dispatcher: CollectingDispatcher) -> None:
    events = await ActionConfirmPending().run(
        dispatcher, pending("10377", names.PENDING_RETURN), DOMAIN
    )
    assert responses(dispatcher) == ["utter_return_started", "utter_anything_else"]
    started = message_for(dispatcher, "utter_return_started")
    assert started["rma"].startswith("RMA-10377")
    assert started["label_url"].endswith(".pdf")
    assert started["amount"] == "£138.00"
    assert "[" not in render(started)
    assert slot_values(events)["pending_confirmation"] is None
    assert (await get_backend().get_order("10377")).returns


async def test_confirming_a_closed_return_is_refused(dispatcher: CollectingDispatcher) -> None:
    await ActionConfirmPending().run(dispatcher, pending("10160", names.PENDING_RETURN), DOMAIN)
    assert (
        message_for(dispatcher, "utter_cannot_return")["why"]
        == "the 30-day return window has closed"
    )


async def test_declining_a_cancel_keeps_the_order(dispatcher: CollectingDispatcher) -> None:
    events = await ActionDeclinePending().run(
        dispatcher, pending("10501", names.PENDING_CANCEL), DOMAIN
    )
    assert responses(dispatcher) == ["utter_cancel_kept", "utter_anything_else"]
    assert message_for(dispatcher, "utter_cancel_kept")["order_number"] == "10501"
    assert slot_values(events) == {"pending_confirmation": None}
    assert (await get_backend().get_order("10501")).status is OrderStatus.PLACED


async def test_declining_a_return(dispatcher: CollectingDispatcher) -> None:
    events = await ActionDeclinePending().run(
        dispatcher, pending("10377", names.PENDING_RETURN), DOMAIN
    )
    assert responses(dispatcher) == ["utter_ok", "utter_anything_else"]
    assert slot_values(events) == {"pending_confirmation": None}
    assert not (await get_backend().get_order("10377")).returns


async def test_every_followup_message_renders(dispatcher: CollectingDispatcher) -> None:
    for number, goal in [
        ("10482", "order_status"),
        ("10501", "cancel_order"),
        ("10377", "return_item"),
        ("10290", "refund_status"),
        ("10160", "return_item"),
    ]:
        await followup(dispatcher, verified(number, goal))
    texts = [render(message) for message in dispatcher.messages]
    assert all("{" not in text for text in texts)


# -- the order system is down ---------------------------------------------------------------
@pytest.fixture
def backend_down(tmp_path, monkeypatch):
    monkeypatch.setenv("ORDER_BACKEND", "sql")
    monkeypatch.setenv("ORDER_DATABASE_URL", f"sqlite:///{tmp_path}/missing/dir/orders.db")
    get_backend.cache_clear()
    yield
    get_backend.cache_clear()


async def test_backend_down_during_the_form_stops_asking(
    dispatcher: CollectingDispatcher, backend_down
) -> None:
    slots = await validate(dispatcher, form_tracker("order_number", "10482"))
    assert responses(dispatcher) == ["utter_backend_down"]
    assert slots["form_gave_up"] is True and slots["order_number"] == "10482"
    assert "failed_form_attempts" not in slots  # not the customer's failure


async def test_backend_down_after_the_form(dispatcher: CollectingDispatcher, backend_down) -> None:
    events = await followup(dispatcher, verified("10482", "order_status"))
    assert responses(dispatcher) == ["utter_backend_down"]
    assert slot_values(events)["bot_attempts"][-1]["outcome"] == "order system unavailable"


async def test_backend_down_when_confirming(dispatcher: CollectingDispatcher, backend_down) -> None:
    await ActionConfirmPending().run(dispatcher, pending("10501", names.PENDING_CANCEL), DOMAIN)
    assert responses(dispatcher) == ["utter_backend_down", "utter_anything_else"]


async def test_an_outage_is_not_reported_as_customer_failures(
    dispatcher: CollectingDispatcher, backend_down
) -> None:
    form_slots = await validate(dispatcher, form_tracker("order_number", "10482"))
    tracker = make_tracker([user("10482", "inform")], {**form_slots, "failed_form_attempts": 0.0})
    slots = slot_values(await followup(CollectingDispatcher(), tracker))
    assert not str(slots.get("escalation_reason", "")).startswith("0 failed attempts")


async def test_without_the_order_details_a_person_is_offered(
    dispatcher: CollectingDispatcher,
) -> None:
    tracker = make_tracker([user("I don't know the order number", "dont_know")])
    events = await ActionOfferPersonLookup().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_offer_person_lookup"]
    slots = slot_values(events)
    assert slots["pending_confirmation"] == names.PENDING_HANDOFF
    assert "doesn't have them" in slots["bot_attempts"][-1]["outcome"]


# -- the store's day decides a return near midnight (the backend's rule and clock) ----------
def _delivered_on(day: date) -> Order:
    """An order delivered at noon (store time, BST) on ``day``."""
    return Order(
        number="10377",
        status=OrderStatus.DELIVERED,
        placed_at=datetime(2026, 5, 20, 9, tzinfo=UTC),
        customer=Customer("Zoë Harper", "zoe.harper@example.com"),
        delivery_address=Address("81 Wilmslow Road", "Manchester", "M20 2RN"),
        items=(OrderItem("OUT-001", "Waterproof hiking jacket", 1, 12000),),
        total_pence=12000,
        shipment=Shipment(
            carrier="Royal Mail",
            tracking_number="TT123456789GB",
            tracking_url="https://example.com/track/TT123456789GB",
            shipped_at=datetime(2026, 5, 28, 15, tzinfo=UTC),
            delivered_at=datetime(day.year, day.month, day.day, 11, tzinfo=UTC),
        ),
    )


@pytest.mark.parametrize(
    "store_wall_clock, allowed",
    [
        # Delivered 1 June; the 30-day window's last day is 1 July (store time, BST = UTC+1).
        (datetime(2026, 7, 1, 23, 59), True),  # 22:59 UTC
        (datetime(2026, 7, 2, 0, 1), False),  # 23:01 UTC on 1 July: the server's date lags
    ],
)
async def test_return_eligibility_follows_the_store_s_midnight(
    dispatcher: CollectingDispatcher,
    monkeypatch: pytest.MonkeyPatch,
    store_wall_clock: datetime,
    allowed: bool,
) -> None:
    monkeypatch.setenv("STORE_TIMEZONE", "Europe/London")
    now = store_wall_clock.replace(tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)
    order = _delivered_on(date(2026, 6, 1))
    action_ = ActionOrderFollowup(clock=lambda: now)
    action_._offer_return(dispatcher, verified("10377", "return_item"), order)
    expected = "utter_confirm_return" if allowed else "utter_cannot_return"
    assert responses(dispatcher)[0] == expected
    # The backend's own rule, on the same clock, agrees with what the bot offered.
    try:
        plan_return(order, None, store_today(lambda: now))
        backend_allows = True
    except NotAllowed:
        backend_allows = False
    assert backend_allows is allowed


def asked_again(text: str, intent: str, number: str, what: str):
    """The customer answered the bot's "Shall I …?" with words that read as the goal's intent."""
    return make_tracker(
        [user(text, intent)],
        {"order_number": number, "order_verified": True, "pending_confirmation": what},
    )


@pytest.mark.parametrize(
    "text",
    [
        "don't cancel it",
        "no dont cancel",
        "I don't want to cancel it anymore",
        "wait, do not cancel my order",
        "actually keep the order, no cancellation",
        "never mind, I changed my mind about cancelling",
        "I don’t want it cancelled",
    ],
)
async def test_a_cancel_said_with_a_no_keeps_the_order(
    dispatcher: CollectingDispatcher, text: str
) -> None:
    # NLU reads "don't cancel it" as cancel_order (0.99): the words, not the intent, decide.
    events = await ActionConfirmPending().run(
        dispatcher, asked_again(text, "cancel_order", "10501", names.PENDING_CANCEL), DOMAIN
    )
    assert responses(dispatcher) == ["utter_cancel_kept", "utter_anything_else"]
    assert slot_values(events) == {"pending_confirmation": None}
    assert (await get_backend().get_order("10501")).status is OrderStatus.PLACED


@pytest.mark.parametrize(
    "text", ["actually no, I changed my mind, dont return it", "nah not returning it after all"]
)
async def test_a_return_said_with_a_no_starts_nothing(
    dispatcher: CollectingDispatcher, text: str
) -> None:
    await ActionConfirmPending().run(
        dispatcher, asked_again(text, "return_item", "10377", names.PENDING_RETURN), DOMAIN
    )
    assert responses(dispatcher) == ["utter_ok", "utter_anything_else"]
    assert not (await get_backend().get_order("10377")).returns


@pytest.mark.parametrize("text", ["yes cancel it", "cancel it please", "no problem, cancel it"])
async def test_a_cancel_asked_for_again_still_cancels(
    dispatcher: CollectingDispatcher, text: str
) -> None:
    await ActionConfirmPending().run(
        dispatcher, asked_again(text, "cancel_order", "10501", names.PENDING_CANCEL), DOMAIN
    )
    assert responses(dispatcher)[0] == "utter_order_cancelled"
    assert (await get_backend().get_order("10501")).status is OrderStatus.CANCELLED
