"""Order look-ups behind the order form: verify first, then status, cancel, return, refund.

The form asks for the order number and a second factor (the order's email or
delivery postcode) and reveals nothing before both match. Wrong input gets a
kind, specific answer; after a few failures in a row the form stops and the
customer is offered (or handed to) a person instead of being looped.
"""

from __future__ import annotations

import os
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.backend.base import (
    CANCELLABLE_STATUSES,
    WITH_CARRIER_STATUSES,
    BackendUnavailable,
    NotAllowed,
    Order,
    OrderNotFound,
    OrderStatus,
)
from actions.backend.describe import describe_status as describe_status_on
from actions.backend.describe import format_day, format_money, overdue_since, status_verb
from actions.backend.factory import get_backend
from actions.backend.rules import plan_return  # the same rule the backend enforces
from actions.negation import says_no
from actions.repeated_failure import form_failure_limit
from northwind_common.order_numbers import find_order_number
from northwind_common.store_clock import Clock, store_today, utc_now

ECHO_LIMIT = 40


def escalate_on_repeated_failure() -> bool:
    """Hand off at once after repeated failure (default) or only offer a person."""
    return os.environ.get("HANDOFF_ON_REPEATED_FAILURE", "escalate") != "offer"


def describe_status(order: Order, clock: Clock = utc_now) -> str:
    """The order's status in words, as of today in the store.

    "expected 19 November" becomes "was expected" after that day.
    """
    return describe_status_on(order, today=store_today(clock))


def is_verified_for(tracker: Tracker, number: str | None) -> bool:
    """The customer proved they own *this* order (not just some earlier one)."""
    return bool(
        number
        and tracker.get_slot(names.SLOT_ORDER_VERIFIED)
        and tracker.get_slot(names.SLOT_VERIFIED_ORDER_NUMBER) == number
    )


def echo(value: Any) -> str:
    """Customer input repeated back safely: bounded, one line."""
    text = " ".join(str(value or "").split())
    return text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 1] + "…"


def order_facts(order: Order) -> dict[str, Any]:
    """The facts about an order that the summary shows the agent."""
    facts: dict[str, Any] = {
        "items": [f"{item.quantity} × {item.name}" for item in order.items],
        "order_total": format_money(order.total_pence),
        "placed_on": order.placed_at.date().isoformat(),
        "status_code": order.status.value,
    }
    if order.shipment is not None:
        facts["carrier"] = order.shipment.carrier
        facts["tracking_number"] = order.shipment.tracking_number
        facts["tracking_url"] = order.shipment.tracking_url
        if order.shipment.estimated_delivery is not None:
            # For the agent's opening line: "your parcel is a week late".
            facts["expected_on"] = order.shipment.estimated_delivery.isoformat()
    if order.refunds:
        facts["refunds"] = [
            f"{format_money(r.amount_pence)} {r.status.value}" for r in order.refunds
        ]
    return facts


def add_attempt(tracker: Tracker, what: str, outcome: str) -> SlotSet:
    """Record what the bot tried, for the handoff summary."""
    attempts = list(tracker.get_slot(names.SLOT_BOT_ATTEMPTS) or [])
    attempts.append({"what": what, "outcome": outcome})
    return SlotSet(names.SLOT_BOT_ATTEMPTS, attempts[-20:])


class ValidateOrderForm(FormValidationAction):
    """Checks the order number and the second factor against the order backend."""

    def name(self) -> str:
        return names.VALIDATE_ORDER_FORM

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot(names.SLOT_FORM_GAVE_UP):
            return []
        if is_verified_for(tracker, tracker.get_slot(names.SLOT_ORDER_NUMBER)):
            return []
        return domain_slots

    def _failure(
        self, tracker: Tracker, dispatcher: CollectingDispatcher, slot: str
    ) -> dict[str, Any]:
        streak = int(tracker.get_slot(names.SLOT_FORM_FAILURE_STREAK) or 0) + 1
        total = int(tracker.get_slot(names.SLOT_FAILED_FORM_ATTEMPTS) or 0) + 1
        result: dict[str, Any] = {
            slot: None,
            names.SLOT_FORM_FAILURE_STREAK: streak,
            names.SLOT_FAILED_FORM_ATTEMPTS: total,
        }
        if streak >= form_failure_limit():
            dispatcher.utter_message(response="utter_form_give_up")
            result[names.SLOT_FORM_GAVE_UP] = True
        return result

    async def validate_order_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        number = find_order_number(value)
        if number is None:
            failure = self._failure(tracker, dispatcher, names.SLOT_ORDER_NUMBER)
            if not failure.get(names.SLOT_FORM_GAVE_UP):
                dispatcher.utter_message(response="utter_invalid_order_number", value=echo(value))
            return failure
        try:
            await get_backend().get_order(number)
        except OrderNotFound:
            failure = self._failure(tracker, dispatcher, names.SLOT_ORDER_NUMBER)
            if not failure.get(names.SLOT_FORM_GAVE_UP):
                dispatcher.utter_message(response="utter_order_not_found", value=number)
            return failure
        except BackendUnavailable:
            return self._backend_down(dispatcher, {names.SLOT_ORDER_NUMBER: number})
        result: dict[str, Any] = {
            names.SLOT_ORDER_NUMBER: number,
            names.SLOT_FORM_FAILURE_STREAK: 0,
        }
        if not is_verified_for(tracker, number):
            # A different order needs its own verification.
            result.update({names.SLOT_ORDER_VERIFIED: False, names.SLOT_ORDER_VERIFIER: None})
        return result

    @staticmethod
    def _backend_down(dispatcher: CollectingDispatcher, result: dict[str, Any]) -> dict[str, Any]:
        """Stop the form: the order system, not the customer, failed."""
        dispatcher.utter_message(response="utter_backend_down")
        return {**result, names.SLOT_FORM_GAVE_UP: True, names.SLOT_ORDER_SYSTEM_DOWN: True}

    async def validate_order_verifier(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        number = tracker.get_slot(names.SLOT_ORDER_NUMBER)
        if not number or not any(char.isalnum() for char in str(value or "")):
            # A smiley or a "?" is no attempt at an email or postcode: ask again, count nothing.
            return {names.SLOT_ORDER_VERIFIER: None}
        backend = get_backend()
        try:
            verified = await backend.verify_customer(number, str(value or ""))
            order = await backend.get_order(number) if verified else None
        except (BackendUnavailable, OrderNotFound):
            return self._backend_down(dispatcher, {names.SLOT_ORDER_VERIFIER: None})
        if not verified or order is None:
            failure = self._failure(tracker, dispatcher, names.SLOT_ORDER_VERIFIER)
            if not failure.get(names.SLOT_FORM_GAVE_UP):
                dispatcher.utter_message(response="utter_verifier_mismatch")
            return failure
        return {
            names.SLOT_ORDER_VERIFIER: "verified",
            names.SLOT_ORDER_VERIFIED: True,
            names.SLOT_VERIFIED_ORDER_NUMBER: number,
            names.SLOT_FORM_FAILURE_STREAK: 0,
            names.SLOT_CUSTOMER_NAME: order.customer.name,
            names.SLOT_CUSTOMER_EMAIL: order.customer.email,
            names.SLOT_ORDER_STATUS: describe_status(order),
            names.SLOT_ORDER_FACTS: order_facts(order),
        }


class ActionOrderFollowup(Action):
    """After the form: act on what the customer came for (the `goal` slot).

    Args:
        clock: "now" as aware UTC; the store's day decides a return, as in the backend.
    """

    def __init__(self, clock: Clock = utc_now) -> None:
        self._clock = clock

    def name(self) -> str:
        return names.ACTION_ORDER_FOLLOWUP

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot(names.SLOT_FORM_GAVE_UP):
            return self._gave_up(dispatcher, tracker)
        number = tracker.get_slot(names.SLOT_ORDER_NUMBER)
        if not (number and tracker.get_slot(names.SLOT_ORDER_VERIFIED)):
            dispatcher.utter_message(response="utter_anything_else")
            return []
        goal = tracker.get_slot(names.SLOT_GOAL) or "order_status"
        try:
            order = await get_backend().get_order(number)
            if goal == "cancel_order":
                return self._offer_cancel(dispatcher, tracker, order)
            if goal == "return_item":
                return self._offer_return(dispatcher, tracker, order)
            if goal == "refund_status":
                return await self._refunds(dispatcher, tracker, order)
            if goal == "change_address":
                return self._address(dispatcher, tracker, order)
        except (BackendUnavailable, OrderNotFound):
            dispatcher.utter_message(response="utter_backend_down")
            return [add_attempt(tracker, f"Looked up order {number}", "order system unavailable")]
        return self._status(dispatcher, tracker, order)

    def _gave_up(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        events: list[EventType] = [
            SlotSet(names.SLOT_FORM_GAVE_UP, False),
            SlotSet(names.SLOT_FORM_FAILURE_STREAK, 0),
        ]
        if tracker.get_slot(names.SLOT_ORDER_SYSTEM_DOWN):
            # Not the customer's failure: say so (done) and offer a person.
            dispatcher.utter_message(response="utter_offer_person")
            return events + [
                SlotSet(names.SLOT_ORDER_SYSTEM_DOWN, False),
                add_attempt(
                    tracker, "Tried to look up the order", "the order system was unavailable"
                ),
                SlotSet(names.SLOT_PENDING_CONFIRMATION, names.PENDING_HANDOFF),
            ]
        events.append(
            add_attempt(
                tracker, "Tried to find and verify the order", "gave up after repeated failures"
            )
        )
        if escalate_on_repeated_failure():
            failures = int(tracker.get_slot(names.SLOT_FAILED_FORM_ATTEMPTS) or 0)
            return events + [
                SlotSet(names.SLOT_ESCALATION_TRIGGER, "repeated_failure"),
                SlotSet(
                    names.SLOT_ESCALATION_REASON,
                    f"{failures} failed attempts to find or verify the order",
                ),
                FollowupAction(names.ACTION_HANDOFF_TO_HUMAN),
            ]
        dispatcher.utter_message(response="utter_offer_person")
        return events + [SlotSet(names.SLOT_PENDING_CONFIRMATION, names.PENDING_HANDOFF)]

    def _status(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, order: Order
    ) -> list[EventType]:
        status = describe_status(order, self._clock)
        dispatcher.utter_message(
            response="utter_order_status",
            customer_name=order.customer.name.split()[0],
            order_number=order.number,
            status_verb=status_verb(order.status),
            order_status=status,
        )
        today = store_today(self._clock)
        due = overdue_since(order, today)
        if due is not None:  # say it is late, and sorry, rather than leave them to work it out
            dispatcher.utter_message(
                response="utter_order_late", expected_on=format_day(due, today)
            )
        if order.shipment is not None and order.status != OrderStatus.DELIVERED:
            dispatcher.utter_message(
                response="utter_order_tracking", tracking_url=order.shipment.tracking_url
            )
        dispatcher.utter_message(response="utter_anything_else")
        return [
            SlotSet(names.SLOT_ORDER_STATUS, status),
            add_attempt(
                tracker, f"Looked up order {order.number}", f"told the customer it is {status}"
            ),
        ]

    def _offer_cancel(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, order: Order
    ) -> list[EventType]:
        if order.status in CANCELLABLE_STATUSES:
            dispatcher.utter_message(
                response="utter_confirm_cancel",
                order_number=order.number,
                amount=format_money(order.total_pence),
            )
            return [SlotSet(names.SLOT_PENDING_CONFIRMATION, names.PENDING_CANCEL)]
        status = describe_status(order, self._clock)
        if order.status in (OrderStatus.CANCELLED, OrderStatus.RETURNED, OrderStatus.DELIVERED):
            dispatcher.utter_message(
                response="utter_cannot_cancel_other",
                order_number=order.number,
                status_verb=status_verb(order.status),
                order_status=status,
            )
        else:
            dispatcher.utter_message(
                response="utter_cannot_cancel_shipped", order_number=order.number
            )
        dispatcher.utter_message(response="utter_anything_else")
        return [
            add_attempt(
                tracker, f"Tried to cancel order {order.number}", f"not possible: it is {status}"
            )
        ]

    def _address(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, order: Order
    ) -> list[EventType]:
        """The bot cannot change an address itself: say what is possible, and offer a person."""
        attempt = f"Checked whether the delivery address of order {order.number} can change"
        if order.status in CANCELLABLE_STATUSES:
            dispatcher.utter_message(response="utter_address_changeable", order_number=order.number)
            return [
                add_attempt(
                    tracker,
                    attempt,
                    "not shipped yet: it can change; offered a person to change it",
                ),
                SlotSet(names.SLOT_PENDING_CONFIRMATION, names.PENDING_HANDOFF),
            ]
        if order.status in WITH_CARRIER_STATUSES and order.shipment is not None:
            dispatcher.utter_message(
                response="utter_address_with_carrier",
                order_number=order.number,
                carrier=order.shipment.carrier,
                tracking_url=order.shipment.tracking_url,
            )
            return [
                add_attempt(
                    tracker,
                    attempt,
                    f"already with {order.shipment.carrier}: pointed to redirecting it",
                ),
                SlotSet(names.SLOT_PENDING_CONFIRMATION, names.PENDING_HANDOFF),
            ]
        status = describe_status(order, self._clock)
        dispatcher.utter_message(
            response="utter_address_not_applicable",
            order_number=order.number,
            status_verb=status_verb(order.status),
            order_status=status,
        )
        dispatcher.utter_message(response="utter_anything_else")
        return [add_attempt(tracker, attempt, f"nothing to change: it is {status}")]

    def _offer_return(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, order: Order
    ) -> list[EventType]:
        try:
            plan_return(order, None, store_today(self._clock))
        except NotAllowed as refusal:
            why = RETURN_REFUSALS.get(refusal.reason, "it isn't eligible for an online return")
            dispatcher.utter_message(
                response="utter_cannot_return", order_number=order.number, why=why
            )
            dispatcher.utter_message(response="utter_anything_else")
            return [
                add_attempt(
                    tracker,
                    f"Tried to start a return for order {order.number}",
                    f"not possible: {why}",
                )
            ]
        dispatcher.utter_message(response="utter_confirm_return", order_number=order.number)
        return [SlotSet(names.SLOT_PENDING_CONFIRMATION, names.PENDING_RETURN)]

    async def _refunds(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, order: Order
    ) -> list[EventType]:
        refunds = await get_backend().get_refunds(order.number)
        if not refunds:
            dispatcher.utter_message(response="utter_no_refunds", order_number=order.number)
            outcome = "no refund yet"
        else:
            today = store_today(self._clock)
            text = "; ".join(
                f"a refund of {format_money(r.amount_pence)} is "
                + (
                    f"on its way (processed on {format_day(r.processed_at, today)})"
                    if r.processed_at
                    else "pending, usually 3–5 working days"
                )
                for r in refunds
            )
            dispatcher.utter_message(
                response="utter_refund_status", order_number=order.number, refunds=text
            )
            outcome = text
        dispatcher.utter_message(response="utter_anything_else")
        return [add_attempt(tracker, f"Checked refunds on order {order.number}", outcome)]


# Completes "Order 10482 can't be cancelled: it is ...".
CANCEL_REFUSALS: dict[str, str] = {
    "already_cancelled": "already cancelled",
    "already_delivered": "already delivered",
    "already_returned": "already returned",
}
RETURN_REFUSALS: dict[str, str] = {
    "not_delivered": "it hasn't been delivered yet",
    "return_window_closed": "the 30-day return window has closed",
    "already_returned": "it has already been returned",
    "already_cancelled": "it was cancelled",
    "return_already_started": "a return has already been started",
}


def _takes_it_back(tracker: Tracker) -> bool:
    """The "yes" came as the goal's own intent ("don't cancel it" reads as cancel_order), but says no.

    A tapped or typed affirm is a yes; only the re-asked goal is read word by word.
    """
    latest = tracker.latest_message or {}
    intent = (latest.get("intent") or {}).get("name")
    return intent != "affirm" and says_no(latest.get("text"))


class ActionConfirmPending(Action):
    """The customer said yes to a cancellation or a return the bot offered."""

    def name(self) -> str:
        return names.ACTION_CONFIRM_PENDING

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if _takes_it_back(tracker):
            return await ActionDeclinePending().run(dispatcher, tracker, domain)
        pending = tracker.get_slot(names.SLOT_PENDING_CONFIRMATION)
        number = tracker.get_slot(names.SLOT_ORDER_NUMBER)
        events: list[EventType] = [SlotSet(names.SLOT_PENDING_CONFIRMATION, None)]
        backend = get_backend()
        try:
            if pending == names.PENDING_CANCEL:
                order = await backend.cancel_order(number)
                dispatcher.utter_message(
                    response="utter_order_cancelled",
                    order_number=number,
                    amount=format_money(order.total_pence),
                )
                events += [
                    SlotSet(names.SLOT_ORDER_STATUS, describe_status(order)),
                    add_attempt(tracker, f"Cancelled order {number}", "done"),
                ]
            elif pending == names.PENDING_RETURN:
                rma = await backend.start_return(number, None)
                dispatcher.utter_message(
                    response="utter_return_started",
                    rma=rma.rma_number,
                    label_url=rma.label_url,
                    amount=format_money(rma.refund_amount_pence),
                )
                events.append(
                    add_attempt(
                        tracker,
                        f"Started a return for order {number}",
                        f"return {rma.rma_number} created",
                    )
                )
        except NotAllowed as refusal:
            why = RETURN_REFUSALS.get(refusal.reason, str(refusal.reason).replace("_", " "))
            if pending == names.PENDING_CANCEL:
                if refusal.reason == "already_shipped":
                    dispatcher.utter_message(
                        response="utter_cannot_cancel_shipped", order_number=number
                    )
                else:
                    state = CANCEL_REFUSALS.get(
                        refusal.reason, str(refusal.reason).replace("_", " ")
                    )
                    dispatcher.utter_message(
                        response="utter_cannot_cancel_other",
                        order_number=number,
                        status_verb="was",  # "already cancelled / delivered / returned"
                        order_status=state,
                    )
            else:
                dispatcher.utter_message(
                    response="utter_cannot_return", order_number=number, why=why
                )
            events.append(
                add_attempt(tracker, f"Tried to change order {number}", f"refused: {why}")
            )
        except (BackendUnavailable, OrderNotFound):
            dispatcher.utter_message(response="utter_backend_down")
            events.append(
                add_attempt(tracker, f"Tried to change order {number}", "order system unavailable")
            )
        dispatcher.utter_message(response="utter_anything_else")
        return events


class ActionDeclinePending(Action):
    """The customer said no to what the bot offered: leave things as they are."""

    def name(self) -> str:
        return names.ACTION_DECLINE_PENDING

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        pending = tracker.get_slot(names.SLOT_PENDING_CONFIRMATION)
        number = tracker.get_slot(names.SLOT_ORDER_NUMBER)
        if pending == names.PENDING_CANCEL:
            dispatcher.utter_message(response="utter_cancel_kept", order_number=number)
        else:
            dispatcher.utter_message(response="utter_ok")
        dispatcher.utter_message(response="utter_anything_else")
        return [SlotSet(names.SLOT_PENDING_CONFIRMATION, None)]


class ActionOfferPersonLookup(Action):
    """The customer doesn't have the order number (or the email on it): offer a person.

    Asking again would trap them in the form; an agent can find the order from the
    customer's name and email, so the bot offers that instead.
    """

    def name(self) -> str:
        return names.ACTION_OFFER_PERSON_LOOKUP

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_offer_person_lookup")
        return [
            add_attempt(
                tracker,
                "Asked for the order details",
                "the customer doesn't have them; offered a person",
            ),
            SlotSet(names.SLOT_PENDING_CONFIRMATION, names.PENDING_HANDOFF),
        ]
