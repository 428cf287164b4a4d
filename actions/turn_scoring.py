"""Runs after every customer message: frustration scoring, fallback counting, relay.

Rasa calls ``action_validate_slot_mappings`` at the end of ``action_extract_slots``
after every user message, before the next action is predicted — and also while
a conversation is paused. That makes it the one place that sees every message.
Its jobs, each in its own module:

* score the turn with the frustration detector (actions/turn/frustration.py)
  and publish its count of NLU fallbacks (a frustration signal and a summary fact);
* set the slots the escalation rule (data/rules/handoff.yml) reads in the same
  turn (actions/turn/escalation.py);
* judge the language of the message (actions/customer_language.py), so a rule
  answers a customer writing German or French in their language;
* report the session for the admins' analytics (actions/handoff/session_report.py);
* while a person owns the conversation, relay the message to the inbox (exactly
  once, keyed by Rasa's message id) and stay silent (actions/turn/relay.py).

Only SlotSet events returned from here are kept by Rasa; nothing is uttered but
the acknowledgement of a frustrated customer. Rasa may run it twice for one
message (again when a form starts), so it keeps the id of the message it
scored and does the work once. Only slots whose value changed are set.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.customer_language import language_slots
from actions.customer_turns import typed_by_customer
from actions.handoff import session_report
from actions.turn.escalation import escalation_events
from actions.turn.frustration import (
    changed_slots,
    frustration_slots,
    previous_bot_text,
    score_message,
    should_acknowledge,
)
from actions.turn.relay import (
    RELAY_PART_CHARS,
    latest_user_event,
    relay_frustration,
    relay_to_agent,
    split_message,
)

# Re-exported: tests and docs/coaching.md name them here.
__all__ = [
    "RELAY_PART_CHARS",
    "ActionValidateSlotMappings",
    "previous_bot_text",
    "relay_frustration",
    "split_message",
]


def message_to_score(tracker: Tracker) -> tuple[dict[str, Any], str] | None:
    """The customer's latest message and its id, or None when there is nothing to score.

    Not scored: messages the customer did not type (intents the inbox or Rasa
    trigger, actions/customer_turns.py), and a message already scored (Rasa runs
    this action again for the same message when a form starts).
    """
    message = tracker.latest_message or {}
    if not typed_by_customer(message):
        return None
    message_id = message.get("message_id") or str(latest_user_event(tracker).get("timestamp"))
    if message_id == tracker.get_slot(names.SLOT_SCORED_MESSAGE_ID):
        return None
    return message, message_id


class ActionValidateSlotMappings(Action):
    """Score the turn; relay it to the inbox during a handoff."""

    def name(self) -> str:
        return names.ACTION_VALIDATE_SLOT_MAPPINGS

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        found = message_to_score(tracker)
        if found is None:
            return []
        message, message_id = found
        intent = (message.get("intent") or {}).get("name")
        text = message.get("text") or ""
        handoff_active = bool(tracker.get_slot(names.SLOT_HANDOFF_ACTIVE))

        scored = score_message(tracker, message)
        language = await language_slots(text)
        acknowledge = (
            not handoff_active
            and not tracker.get_slot(names.SLOT_ESCALATE)
            # Someone writing another language hears their own line (with the person button), not English.
            and not language[names.SLOT_WRITES_OTHER_LANGUAGE]
            and should_acknowledge(scored.result, intent, scored.timeline)
        )
        if acknowledge:
            scored.timeline[-1]["acknowledged"] = True

        events: list[EventType] = [SlotSet(names.SLOT_SCORED_MESSAGE_ID, message_id)]
        events += changed_slots(tracker, frustration_slots(scored) | language)
        # Analytics; never raises.
        await session_report.submit(session_report.for_turn(tracker, scored.result.score))
        if handoff_active:
            await relay_to_agent(tracker, intent, text, scored.result)
            return events
        if acknowledge:
            dispatcher.utter_message(response="utter_frustration_acknowledge")
        return events + escalation_events(tracker, scored.result)
