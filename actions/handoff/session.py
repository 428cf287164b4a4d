"""Keep a handoff alive through a new session and through a restart.

Rasa 3.6 forgets a pause on a new session (after ``session_expiration_time`` of
silence) and on the ``restart`` intent. A customer who comes back to a chat an
agent owns must not be greeted by the bot, so both actions carry the handoff
slots over and pause again.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ConversationPaused,
    EventType,
    Restarted,
    SessionStarted,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names

# Internal bookkeeping that must not leak into a fresh session.
NOT_CARRIED = {names.SLOT_REQUESTED, names.SLOT_ESCALATE, names.SLOT_PENDING_CONFIRMATION}


def carried_slots(tracker: Tracker, only: tuple[str, ...] | None = None) -> list[EventType]:
    """SlotSet events re-creating the slots worth keeping."""
    events: list[EventType] = []
    for name, value in tracker.current_slot_values().items():
        if value is None or name in NOT_CARRIED or name == "session_started_metadata":
            continue
        if only is not None and name not in only:
            continue
        events.append(SlotSet(name, value))
    return events


def paused_if_handed_off(tracker: Tracker) -> list[EventType]:
    """A pause when a person owns the conversation, else nothing."""
    return [ConversationPaused()] if tracker.get_slot(names.SLOT_HANDOFF_ACTIVE) else []


class ActionSessionStart(Action):
    """A new session keeps the customer's facts and, during a handoff, the silence."""

    def name(self) -> str:
        return names.ACTION_SESSION_START

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        events += carried_slots(tracker)
        events.append(ActionExecuted(names.ACTION_LISTEN))
        return events + paused_if_handed_off(tracker)


class ActionRestart(Action):
    """Restart the conversation, unless a person owns it: then the handoff stays."""

    def name(self) -> str:
        return names.ACTION_RESTART

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not tracker.get_slot(names.SLOT_HANDOFF_ACTIVE):
            return [Restarted()]
        keep = names.HANDOFF_SLOTS + (
            names.SLOT_ORDER_NUMBER,
            names.SLOT_ORDER_VERIFIED,
            names.SLOT_CUSTOMER_NAME,
            names.SLOT_CUSTOMER_EMAIL,
            names.SLOT_ORDER_STATUS,
            names.SLOT_ORDER_FACTS,
        )
        return [
            Restarted(),
            *carried_slots(tracker, keep),
            ActionExecuted(names.ACTION_LISTEN),
            ConversationPaused(),
        ]
