"""The clarification step: "did you mean ...?" instead of a flat "I didn't get that".

Runs when the NLU confidence is below the FallbackClassifier threshold. It
offers the two likeliest intents as buttons plus "something else"; on a second
miss in a row it offers a person, because repeating "sorry?" is how bots trap
people.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names

# Intents never offered as a guess: offering "greet?" helps nobody.
NOT_OFFERED = {
    "nlu_fallback",
    "inform",
    "affirm",
    "deny",
    "greet",
    "goodbye",
    "thank",
    "out_of_scope",
    "dont_know",
    "end_handoff",
    "agent_handback",
    "bot_challenge",
}
OFFER_THRESHOLD = 0.08
# What a button says to the customer, in their own voice.
CUSTOMER_PHRASES: dict[str, str] = {
    "order_status": "Track my order",
    "cancel_order": "Cancel an order",
    "change_order": "Change an order",
    "change_address": "Change my delivery address",
    "delivery_options": "Delivery options and times",
    "shipping_costs": "Shipping costs",
    "return_item": "Return an item",
    "return_policy": "The return policy",
    "refund_status": "Where is my refund?",
    "refund_policy": "The refund policy",
    "payment_methods": "Ways to pay",
    "payment_failed": "My payment failed",
    "get_invoice": "Get an invoice",
    "create_account": "Create an account",
    "edit_account": "Change my account details",
    "delete_account": "Delete my account",
    "recover_password": "Reset my password",
    "product_availability": "Is something in stock?",
    "opening_hours": "Opening hours",
    "contact_details": "Contact details",
    "newsletter": "The newsletter",
    "leave_review": "Leave a review",
    "complaint": "Make a complaint",
}


def suggestions(intent_ranking: list[dict[str, Any]], limit: int = 2) -> list[dict[str, str]]:
    """Buttons for the likeliest meanings, in plain words."""
    buttons: list[dict[str, str]] = []
    for candidate in intent_ranking:
        name = candidate.get("name")
        if (
            name in NOT_OFFERED
            or name not in CUSTOMER_PHRASES
            or (candidate.get("confidence") or 0) < OFFER_THRESHOLD
        ):
            continue
        buttons.append({"title": CUSTOMER_PHRASES[name], "payload": f"/{name}"})
        if len(buttons) == limit:
            break
    return buttons


def fallbacks_in_a_row(tracker: Tracker) -> int:
    """How many of the latest customer messages in a row were not understood."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if (event.get("parse_data") or {}).get("intent", {}).get(
            "name"
        ) != names.INTENT_NLU_FALLBACK:
            break
        count += 1
    return count


class ActionClarify(Action):
    """Offers the likeliest meanings, then a person."""

    def name(self) -> str:
        return names.ACTION_CLARIFY

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if fallbacks_in_a_row(tracker) >= 2:
            dispatcher.utter_message(response="utter_clarify_again")
            return []
        buttons = suggestions(tracker.latest_message.get("intent_ranking") or [])
        if not buttons:
            dispatcher.utter_message(response="utter_default")
            return []
        buttons.append({"title": "Something else", "payload": "/deny"})
        buttons.append({"title": "Talk to a person", "payload": "/request_human"})
        dispatcher.utter_message(response="utter_clarify", buttons=buttons)
        return []
