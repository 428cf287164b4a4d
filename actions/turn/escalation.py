"""Turn the detector's decision into the slots the escalation rule reads (data/rules/handoff.yml)."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions import names
from actions.frustration import TurnResult


def escalation_events(tracker: Tracker, result: TurnResult) -> list[EventType]:
    """Set ``escalate`` with its reason once, or let a score-based handoff lapse when calm again.

    A score-based handoff waits for a turn the rule acts on (not a bare "yes" or
    a postcode); if the customer is calm again by then, it lapses. A request for
    a person never lapses.
    """
    if (
        tracker.get_slot(names.SLOT_ESCALATE)
        and tracker.get_slot(names.SLOT_ESCALATION_TRIGGER) == "frustration"
        and result.level == "calm"
        and not result.escalate
    ):
        return [
            SlotSet(names.SLOT_ESCALATE, False),
            SlotSet(names.SLOT_ESCALATION_TRIGGER, None),
            SlotSet(names.SLOT_ESCALATION_REASON, None),
        ]
    if result.escalate and not tracker.get_slot(names.SLOT_ESCALATE):
        return [
            SlotSet(names.SLOT_ESCALATE, True),
            SlotSet(names.SLOT_ESCALATION_TRIGGER, result.trigger or "frustration"),
            SlotSet(names.SLOT_ESCALATION_REASON, result.explanation),
        ]
    return []
