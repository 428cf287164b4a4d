"""The actions that hand a conversation to a person and take it back.

* ``action_handoff_to_human``: builds the summary, sends it to the inbox through
  the outbox, tells the customer what happens next and pauses the bot.
* ``action_handback``: the agent handed back (the inbox resumed the conversation
  and triggered ``agent_handback``); the bot keeps the facts and carries on.
* ``action_end_handoff``: the customer ended the chat with the person.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timezone

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ActiveLoop,
    ConversationPaused,
    EventType,
    FollowupAction,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.frustration import get_detector
from actions.handoff import session_report
from actions.handoff.contract import handoff_payload
from actions.handoff.customer_messages import acknowledgement, queue_messages
from actions.handoff.summary import ConversationInfo, EscalationInfo, build_summary
from actions.repeated_failure import is_repeated_failure
from actions.to_inbox import delivery
from actions.to_inbox.inbox_outbox import KIND_HANDOFF
from actions.turn.frustration import full_timeline

logger = logging.getLogger(__name__)


def escalation_of(tracker: Tracker) -> EscalationInfo:
    """Why we hand off now: an explicit request wins over the detector's reasons."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    reasons = list(tracker.get_slot(names.SLOT_FRUSTRATION_REASONS) or [])
    trigger = tracker.get_slot(names.SLOT_ESCALATION_TRIGGER)
    explanation = tracker.get_slot(names.SLOT_ESCALATION_REASON) or ""
    if (
        intent == names.INTENT_REQUEST_HUMAN
        or tracker.get_slot(names.SLOT_PENDING_CONFIRMATION) == names.PENDING_HANDOFF
    ):
        trigger = "request"
        if "asked for a person" not in explanation:
            asked = f'asked for a person: "{(tracker.latest_message.get("text") or "")[:80]}"'
            explanation = f"{explanation}; {asked}" if explanation else asked[0].upper() + asked[1:]
    if not trigger:
        trigger = "frustration"
    if not explanation:
        explanation = "; ".join(reasons) or "Escalated by the assistant"
    return EscalationInfo(trigger=trigger, explanation=explanation, reasons=reasons)


def bot_failed(tracker: Tracker) -> bool:
    """The bot let the customer down: repeated failure to understand or to find things."""
    return is_repeated_failure(
        tracker.get_slot(names.SLOT_NLU_FALLBACK_COUNT)
    ) or is_repeated_failure(tracker.get_slot(names.SLOT_FAILED_FORM_ATTEMPTS))


class ActionHandoffToHuman(Action):
    """Escalate once: summary to the inbox, honest words to the customer, then silence."""

    def name(self) -> str:
        return names.ACTION_HANDOFF_TO_HUMAN

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot(names.SLOT_HANDOFF_ACTIVE):
            dispatcher.utter_message(response="utter_handoff_already")
            return [ActionExecuted(names.ACTION_LISTEN), ConversationPaused()]
        escalation = escalation_of(tracker)
        key = uuid.uuid4().hex
        channel = tracker.get_latest_input_channel() or "unknown"
        summary = build_summary(
            conversation=ConversationInfo(conversation_id=tracker.sender_id, channel=channel),
            events=list(tracker.events),
            # The slot holds the last turns only; the chart gets the whole series.
            slots=tracker.current_slot_values()
            | {names.SLOT_FRUSTRATION_TIMELINE: full_timeline(tracker)},
            escalation=escalation,
        )
        payload = handoff_payload(
            handoff_key=key,
            conversation_id=tracker.sender_id,
            channel=channel,
            created_at=datetime.now(tz=timezone.utc),
            summary=summary,
        )
        response = await delivery.send(KIND_HANDOFF, key, payload)
        await session_report.submit(session_report.for_handoff(tracker))  # analytics; never raises
        level = tracker.get_slot(names.SLOT_FRUSTRATION_LEVEL) or "calm"
        dispatcher.utter_message(
            response=acknowledgement(escalation.trigger, bot_failed(tracker), level)
        )
        dispatcher.utter_message(response="utter_handoff_joining")
        for utterance in queue_messages(
            response, email_known=bool(tracker.get_slot(names.SLOT_CUSTOMER_EMAIL))
        ):
            dispatcher.utter_message(response=utterance.response, **utterance.values)
        logger.info(
            "handoff %s for %s (%s, delivered=%s)",
            key,
            tracker.sender_id,
            escalation.trigger,
            response is not None,
        )
        return [
            SlotSet(names.SLOT_HANDOFF_ACTIVE, True),
            SlotSet(names.SLOT_HANDOFF_KEY, key),
            SlotSet(names.SLOT_ESCALATE, False),
            SlotSet(names.SLOT_ESCALATION_TRIGGER, escalation.trigger),
            SlotSet(names.SLOT_ESCALATION_REASON, escalation.explanation),
            SlotSet(names.SLOT_PENDING_CONFIRMATION, None),
            ActiveLoop(None),
            # Rasa stops predicting at the pause, before its usual action_listen;
            # without it the hand-back's trigger_intent would not match any rule.
            ActionExecuted(names.ACTION_LISTEN),
            ConversationPaused(),
        ]


def after_handoff_slots(tracker: Tracker) -> list[EventType]:
    """Clear the handoff and start the frustration trend afresh; keep every fact."""
    state = get_detector().reset_state(
        tracker.get_slot(names.SLOT_FRUSTRATION_STATE), reason="handback"
    )
    return [
        # The detector's count, which the reset starts afresh (actions/turn/frustration.py).
        SlotSet(names.SLOT_NLU_FALLBACK_COUNT, float(state["counters"]["fallbacks"])),
        SlotSet(names.SLOT_HANDOFF_ACTIVE, False),
        SlotSet(names.SLOT_HANDOFF_KEY, None),
        SlotSet(names.SLOT_ESCALATE, False),
        SlotSet(names.SLOT_ESCALATION_TRIGGER, None),
        SlotSet(names.SLOT_ESCALATION_REASON, None),
        SlotSet(names.SLOT_FRUSTRATION_STATE, state),
        SlotSet(names.SLOT_FRUSTRATION_SCORE, 0.0),
        SlotSet(names.SLOT_FRUSTRATION_LEVEL, "calm"),
        SlotSet(names.SLOT_FRUSTRATION_TREND, 0.0),
        SlotSet(names.SLOT_FRUSTRATION_REASONS, []),
        SlotSet(names.SLOT_FORM_FAILURE_STREAK, 0),
        SlotSet(names.SLOT_PENDING_CONFIRMATION, None),
    ]


MAX_RESOLUTION_CHARS = 300


def resolution_of(tracker: Tracker) -> str:
    """The agent's one-line resolution; anything that is not text counts as none.

    It arrives as an entity of ``agent_handback``, which only the inbox can send
    (channels/guard.py keeps customers from typing it), but a malformed value must
    still never crash the hand-back.
    """
    value = tracker.get_slot(names.SLOT_HANDOFF_RESOLUTION)
    if not isinstance(value, str):
        return ""
    return " ".join(value.split())[:MAX_RESOLUTION_CHARS]


def resolved_by_agent(tracker: Tracker) -> bool:
    """The inbox marks a resolve's ``agent_handback`` with the entity ``closing: resolved``."""
    entities = (tracker.latest_message or {}).get("entities") or []
    return any(
        e.get("entity") == "closing" and e.get("value") == "resolved"
        for e in entities
        if isinstance(e, dict)
    )


def agent_joined(tracker: Tracker) -> bool:
    """A person joined since the latest handoff (the inbox's ``agent_joined`` line)."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot" and (event.get("metadata") or {}).get("kind") == (
            "agent_joined"
        ):
            return True
        if event.get("event") == "action" and event.get("name") == names.ACTION_HANDOFF_TO_HUMAN:
            return False
    return False


class ActionHandback(Action):
    """The agent handed the conversation back, perhaps with a one-line resolution."""

    def name(self) -> str:
        return names.ACTION_HANDBACK

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        resolution = resolution_of(tracker)
        if not resolved_by_agent(tracker):  # a resolve already said the agent's closing line
            line = f"Our team noted: {resolution.rstrip('.')}. " if resolution else ""
            dispatcher.utter_message(response="utter_handback", resolution_line=line)
        attempts = list(tracker.get_slot(names.SLOT_BOT_ATTEMPTS) or [])
        attempts.append(
            {
                "what": "A person from the team handled the conversation",
                "outcome": resolution or "handed back",
            }
        )
        return after_handoff_slots(tracker) + [SlotSet(names.SLOT_BOT_ATTEMPTS, attempts[-20:])]


UNSURE_END_CONFIDENCE = 0.6  # below this, "I'm done" outside a handoff is a guess: ask instead


class ActionEndHandoff(Action):
    """The customer ended the chat with the person (or said they are done)."""

    def name(self) -> str:
        return names.ACTION_END_HANDOFF

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not tracker.get_slot(names.SLOT_HANDOFF_ACTIVE):
            confidence = ((tracker.latest_message or {}).get("intent") or {}).get(
                "confidence"
            ) or 0.0
            if confidence < UNSURE_END_CONFIDENCE:
                # Outside a handoff a vague guess at "we're done" ("that's useless, it said
                # that last week too" scored 0.28) must not be answered "You're welcome!".
                return [FollowupAction(names.ACTION_CLARIFY)]
            dispatcher.utter_message(response="utter_you_are_welcome")
            return []
        # Nobody from the team chatted yet: no "thanks for chatting with our team".
        ended = (
            "utter_handoff_ended_by_customer"
            if agent_joined(tracker)
            else "utter_handoff_left_queue"
        )
        dispatcher.utter_message(response=ended)
        return after_handoff_slots(tracker)
