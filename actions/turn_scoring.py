"""Runs after every customer message: frustration scoring, fallback counting, relay.

Rasa calls ``action_validate_slot_mappings`` at the end of ``action_extract_slots``
after every user message, before the next action is predicted — and also while
a conversation is paused. That makes it the one place that sees every message:

* it scores the turn with the frustration detector and sets the slots that the
  escalation rule (data/rules/handoff.yml) reads in the same turn;
* it counts NLU fallbacks (a frustration signal and a summary fact);
* it judges the language of the message (actions/customer_language.py), so a
  rule answers a customer writing German or French in their language;
* while a person owns the conversation it relays the message to the inbox
  (exactly once, keyed by Rasa's message id) and stays silent.

Only SlotSet events returned from here are kept by Rasa; nothing is uttered.
Rasa may run it twice for one message (again when a form starts), so it keeps
the id of the message it scored and does the work once.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import names
from actions.customer_language import language_slots
from actions.frustration import TurnInput, TurnResult, get_detector
from actions.frustration.abuse import ABUSIVE_SIGNALS
from actions.handoff import delivery, session_report
from actions.handoff.outbox import KIND_CUSTOMER_ENDED, KIND_MESSAGE
from actions.handoff.redaction import redact
from actions.handoff.transcript import iso_time

logger = logging.getLogger(__name__)

END_HANDOFF_CONFIDENCE = 0.9
ACKNOWLEDGE_EVERY_TURNS = (
    3  # say "I'm sorry this has been frustrating" at most once in this many turns
)
# Intents whose own answer already apologises or brings in a person.
NO_ACKNOWLEDGEMENT_INTENTS = frozenset(
    {names.INTENT_COMPLAINT, names.INTENT_REQUEST_HUMAN, names.INTENT_END_HANDOFF}
)
# The inbox accepts up to 10,000 characters a message; longer ones go in parts.
RELAY_PART_CHARS = 5000
NOT_SCORED_INTENTS = {names.INTENT_AGENT_HANDBACK, names.INTENT_SESSION_START}
# The inbox bounds the relayed reading; stay well inside its limits.
RELAY_REASONS = 8
RELAY_SIGNALS = 20


def previous_bot_text(tracker: Tracker) -> str | None:
    """The bot's last message before the customer's latest one.

    None when that message was an agent's: the detector reads it for signs of the
    bot failing ("sorry, I couldn't find…"), and an agent's "sorry for the wait"
    is not the bot failing.
    """
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif event.get("event") == "bot" and seen_user and event.get("text"):
            if (event.get("metadata") or {}).get("source") == "agent":
                return None
            return event["text"]
    return None


def latest_user_event(tracker: Tracker) -> dict[str, Any]:
    """The latest UserUttered event (for its timestamp and message id)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event
    return {}


_CLIENT_MESSAGE_ID = re.compile(r"[A-Za-z0-9_.:-]{1,80}")


def relay_message_id(tracker: Tracker, event: dict[str, Any]) -> str:
    """The id the inbox deduplicates a relayed message by.

    The web chat resends a message it saw no acknowledgement for with the same
    ``client_message_id`` (metadata); Rasa gives the resend a new id. When Rasa
    died after relaying but before storing the turn, the customer's resend must
    not reach the agent twice, so the client's id wins when there is one.
    """
    client_id = (event.get("metadata") or {}).get("client_message_id")
    if isinstance(client_id, str) and _CLIENT_MESSAGE_ID.fullmatch(client_id):
        digest = hashlib.sha256(f"{tracker.sender_id}\0{client_id}".encode()).hexdigest()[:40]
        return f"client-{digest}"  # within the inbox's 128 characters, whatever the sender id
    return (tracker.latest_message or {}).get(
        "message_id"
    ) or f"{tracker.sender_id}-{event.get('timestamp')}"


def changed_slots(tracker: Tracker, values: dict[str, Any]) -> list[EventType]:
    """SlotSet events for the values that differ from the tracker's.

    Rasa stores and re-reads every event of a session on each message, so a
    slot that did not change (a calm level, no reasons) is not set again.
    """
    return [
        SlotSet(name, value) for name, value in values.items() if tracker.get_slot(name) != value
    ]


def is_external(message: dict[str, Any]) -> bool:
    """An intent triggered through Rasa's API (hand-back, end of handoff), not typed by the customer."""
    metadata = message.get("metadata") or {}
    return bool(metadata.get("is_external")) or (message.get("text") or "").startswith("EXTERNAL: ")


def split_message(text: str, limit: int = RELAY_PART_CHARS) -> list[str]:
    """Cut a long message into parts the inbox accepts, so nothing is dropped."""
    if len(text) <= limit:
        return [text]
    return [text[start : start + limit] for start in range(0, len(text), limit)]


def relay_frustration(result: TurnResult) -> dict[str, Any]:
    """The detector's reading the inbox needs for live coaching and abuse masking.

    Only the signals that raised the score are sent (the cues are about what upsets
    the customer); ``abusive`` tells the inbox to mask the message for the agent.
    """
    signals = {name: round(value, 3) for name, value in result.signals.items() if value > 0}
    return {
        "score": round(result.score, 3),
        "level": result.level,
        "trend": round(result.trend, 3),
        "reasons": list(result.reasons)[:RELAY_REASONS],
        "signals": dict(sorted(signals.items(), key=lambda item: -item[1])[:RELAY_SIGNALS]),
        "abusive": any(signals.get(name, 0) > 0 for name in ABUSIVE_SIGNALS),
    }


def should_acknowledge(
    result: TurnResult, intent: str | None, timeline: list[dict[str, Any]]
) -> bool:
    """Frustrated, but no handoff yet: notice it now instead of answering as if all is well.

    The detector waits for a trend before handing off (one bad turn must not
    escalate a calm conversation), but a customer who has just written "that's
    useless" should hear that the bot noticed, and how to reach a person. Not
    repeated on every turn: at most once in ``ACKNOWLEDGE_EVERY_TURNS``.
    """
    if result.level != "frustrated" or result.escalate or intent in NO_ACKNOWLEDGEMENT_INTENTS:
        return False
    earlier = timeline[-ACKNOWLEDGE_EVERY_TURNS:-1] if len(timeline) > 1 else []
    return not any(entry.get("acknowledged") for entry in earlier)


def ends_handoff(tracker: Tracker) -> bool:
    """The customer clearly ended the chat with the person.

    A button press ("/end_handoff") always counts; typed text only when the NLU
    is very sure, because a "thanks!" to the agent must not close the chat.
    """
    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    if intent.get("name") != names.INTENT_END_HANDOFF:
        return False
    return (message.get("text") or "").startswith("/") or (
        intent.get("confidence") or 0
    ) >= END_HANDOFF_CONFIDENCE


class ActionValidateSlotMappings(Action):
    """Score the turn; relay it to the inbox during a handoff."""

    def name(self) -> str:
        return names.ACTION_VALIDATE_SLOT_MAPPINGS

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        text = message.get("text") or ""
        if (
            intent in NOT_SCORED_INTENTS
            or text.startswith("/session_start")
            or is_external(message)
        ):
            return []
        # Rasa runs this action again for the same message when a form starts;
        # score (and relay) each message once.
        message_id = message.get("message_id") or str(latest_user_event(tracker).get("timestamp"))
        if message_id == tracker.get_slot(names.SLOT_SCORED_MESSAGE_ID):
            return []
        events: list[EventType] = [SlotSet(names.SLOT_SCORED_MESSAGE_ID, message_id)]
        is_fallback = intent == names.INTENT_NLU_FALLBACK
        if is_fallback:
            events.append(
                SlotSet(
                    names.SLOT_NLU_FALLBACK_COUNT,
                    float(tracker.get_slot(names.SLOT_NLU_FALLBACK_COUNT) or 0) + 1,
                )
            )
        confidence = (message.get("intent") or {}).get("confidence")
        if is_fallback and message.get("intent_ranking"):
            ranking = [
                item
                for item in message["intent_ranking"]
                if item.get("name") != names.INTENT_NLU_FALLBACK
            ]
            confidence = ranking[0].get("confidence") if ranking else confidence
        turn = TurnInput(
            text=text,
            intent=intent,
            confidence=confidence,
            is_fallback=is_fallback,
            form_failures_total=int(tracker.get_slot(names.SLOT_FAILED_FORM_ATTEMPTS) or 0),
            previous_bot_text=previous_bot_text(tracker),
        )
        detector = get_detector()
        result, state = detector.score_turn(turn, tracker.get_slot(names.SLOT_FRUSTRATION_STATE))
        timeline = list(tracker.get_slot(names.SLOT_FRUSTRATION_TIMELINE) or [])
        timeline.append(
            {
                "turn": len(timeline) + 1,
                "score": round(result.score, 3),
                "level": result.level,
                "during_handoff": bool(tracker.get_slot(names.SLOT_HANDOFF_ACTIVE)),
            }
        )
        language = await language_slots(text)
        acknowledge = (
            not tracker.get_slot(names.SLOT_HANDOFF_ACTIVE)
            and not tracker.get_slot(names.SLOT_ESCALATE)
            # Someone writing another language hears their own line (with the person button), not English.
            and not language[names.SLOT_WRITES_OTHER_LANGUAGE]
            and should_acknowledge(result, intent, timeline)
        )
        if acknowledge:
            timeline[-1]["acknowledged"] = True
        events += changed_slots(
            tracker,
            {
                names.SLOT_FRUSTRATION_SCORE: round(result.score, 4),
                names.SLOT_FRUSTRATION_LEVEL: result.level,
                names.SLOT_FRUSTRATION_TREND: round(result.trend, 4),
                names.SLOT_FRUSTRATION_REASONS: list(result.reasons),
                names.SLOT_FRUSTRATION_TIMELINE: timeline[-detector.config.timeline_max :],
                names.SLOT_FRUSTRATION_STATE: state,
                **language,
            },
        )
        await session_report.submit(
            session_report.for_turn(tracker, result.score)
        )  # analytics; never raises
        if tracker.get_slot(names.SLOT_HANDOFF_ACTIVE):
            await self._relay(tracker, intent, text, result)
            return events
        if acknowledge:
            dispatcher.utter_message(response="utter_frustration_acknowledge")
        if (
            tracker.get_slot(names.SLOT_ESCALATE)
            and tracker.get_slot(names.SLOT_ESCALATION_TRIGGER) == "frustration"
            and result.level == "calm"
            and not result.escalate
        ):
            # A score-based handoff waits for a turn the rule acts on (not a bare
            # "yes" or a postcode); if the customer is calm again by then, it lapses.
            events += [
                SlotSet(names.SLOT_ESCALATE, False),
                SlotSet(names.SLOT_ESCALATION_TRIGGER, None),
                SlotSet(names.SLOT_ESCALATION_REASON, None),
            ]
        elif result.escalate and not tracker.get_slot(names.SLOT_ESCALATE):
            events += [
                SlotSet(names.SLOT_ESCALATE, True),
                SlotSet(names.SLOT_ESCALATION_TRIGGER, result.trigger or "frustration"),
                SlotSet(names.SLOT_ESCALATION_REASON, result.explanation),
            ]
        return events

    async def _relay(
        self, tracker: Tracker, intent: str | None, text: str, result: TurnResult
    ) -> None:
        """Send the customer's message to the agent; never lose it, never send it twice."""
        key = tracker.get_slot(names.SLOT_HANDOFF_KEY)
        if not key:
            logger.error("handoff active without a key in %s", tracker.sender_id)
            return
        event = latest_user_event(tracker)
        message_id = relay_message_id(tracker, event)
        # Milliseconds: the inbox orders messages by sent_at, and an agent's reply within
        # the same second as the customer's message must not jump ahead of it.
        sent_at = iso_time(
            event.get("timestamp") or datetime.now(tz=timezone.utc).timestamp(), "milliseconds"
        )
        frustration = relay_frustration(result)
        shown = (
            f"(clicked: {intent.replace('_', ' ')})" if text.startswith("/") and intent else text
        )
        for index, part in enumerate(split_message(redact(shown))):
            payload = {
                "message_id": message_id if index == 0 else f"{message_id}-part{index + 1}",
                "text": part,
                "sent_at": sent_at,
                "sender": "customer",
                "frustration": frustration,
            }
            await delivery.send(KIND_MESSAGE, key, payload)
        if ends_handoff(tracker):
            await delivery.send(
                KIND_CUSTOMER_ENDED, key, {"sent_at": sent_at, "conversation_id": tracker.sender_id}
            )
