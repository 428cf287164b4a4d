"""Build the context summary an agent reads before answering.

Pure functions over plain data (slots, events, the escalation decision) so the
summary is tested without Rasa. The result follows the "Summary" shape in
docs/architecture.md and is redacted before it is returned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from actions import names
from actions.frustration.abuse import is_abusive
from actions.handoff.redaction import redact, redact_deep
from actions.handoff.transcript import TranscriptLine, build_transcript, iso_time
from northwind_nlu.language import ENGLISH, language_name

# What the customer wants, in plain words, by the intent that expressed it.
GOAL_PHRASES: dict[str, tuple[str, str]] = {
    # intent: (with a known order number, without one)
    "order_status": ("Find out where order {order} is", "Find out where their order is"),
    "cancel_order": ("Cancel order {order}", "Cancel an order"),
    "change_order": ("Change order {order}", "Change an order"),
    "change_address": ("Change the delivery address of order {order}", "Change a delivery address"),
    "delivery_options": ("Know the delivery options and times",) * 2,
    "shipping_costs": ("Know the shipping costs",) * 2,
    "return_item": ("Return an item from order {order}", "Return an item"),
    "return_policy": ("Understand the return policy",) * 2,
    "refund_status": ("Know where the refund for order {order} is", "Know where their refund is"),
    "refund_policy": ("Understand the refund policy",) * 2,
    "payment_methods": ("Know which payment methods are accepted",) * 2,
    "payment_failed": ("Sort out a payment that failed",) * 2,
    "get_invoice": ("Get an invoice for order {order}", "Get an invoice"),
    "create_account": ("Create an account",) * 2,
    "edit_account": ("Change their account details",) * 2,
    "delete_account": ("Delete their account",) * 2,
    "recover_password": ("Get back into their account (password reset)",) * 2,
    "product_availability": ("Know whether a product is in stock",) * 2,
    "opening_hours": ("Know the opening hours",) * 2,
    "contact_details": ("Get the contact details",) * 2,
    "newsletter": ("Manage the newsletter subscription",) * 2,
    "leave_review": ("Leave a review",) * 2,
    "complaint": ("Make a complaint about order {order}", "Make a complaint"),
}
PRIORITIES = ("low", "normal", "high", "urgent")


@dataclass(frozen=True)
class EscalationInfo:
    """Why the conversation is being handed off."""

    trigger: str  # "request" | "frustration" | "abuse" | "churn" | "repeated_failure"
    explanation: str
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ConversationInfo:
    """Who and where: the parts of the summary that come from the tracker, not slots."""

    conversation_id: str
    channel: str
    language: str = "en"


def goal_from(events: Iterable[Mapping[str, Any]], slots: Mapping[str, Any]) -> str:
    """The customer's goal in plain words: the latest intent that names a need.

    Intents are read newest first so that a customer who moved from "track my
    order" to "I want to cancel it" is described by what they want now. A
    complaint is how they feel about that need, not a new need, so it is added
    to the task it came with rather than replacing it.
    """
    order = slots.get(names.SLOT_ORDER_NUMBER)
    intents = [
        (event.get("parse_data") or {}).get("intent", {}).get("name")
        for event in events
        if event.get("event") == "user"
    ]

    def phrase(intent: str) -> str:
        with_order, without_order = GOAL_PHRASES[intent]
        return with_order.format(order=order) if order else without_order

    complained = False
    for intent in reversed(intents):
        if intent == "complaint":
            complained = True
        elif intent in GOAL_PHRASES:
            return phrase(intent) + (" (and has complained about it)" if complained else "")
    return phrase("complaint") if complained else "Not stated yet: read the transcript"


def facts_from(slots: Mapping[str, Any]) -> dict[str, Any]:
    """Facts the bot has already collected, so the agent never asks for them again."""
    facts: dict[str, Any] = {}
    if slots.get(names.SLOT_ORDER_NUMBER):
        facts["order_number"] = str(slots[names.SLOT_ORDER_NUMBER])
        facts["order_verified"] = bool(slots.get(names.SLOT_ORDER_VERIFIED))
    if slots.get(names.SLOT_ORDER_STATUS):
        facts["order_status"] = slots[names.SLOT_ORDER_STATUS]
    order_facts = slots.get(names.SLOT_ORDER_FACTS) or {}
    if isinstance(order_facts, dict):
        for key in (
            "items",
            "order_total",
            "placed_on",
            "carrier",
            "tracking_number",
            "tracking_url",
            "refunds",
        ):
            if order_facts.get(key):
                facts[key] = order_facts[key]
    return facts


def attempts_from(slots: Mapping[str, Any]) -> list[dict[str, str]]:
    """What the bot already answered or tried, and where it failed."""
    attempts = [
        dict(item) for item in (slots.get(names.SLOT_BOT_ATTEMPTS) or []) if isinstance(item, dict)
    ]
    failures = int(slots.get(names.SLOT_FAILED_FORM_ATTEMPTS) or 0)
    if failures:
        attempts.append(
            {
                "what": "Asked for the order number / verification",
                "outcome": f"failed {failures} time{'s' if failures != 1 else ''}",
            }
        )
    fallbacks = int(slots.get(names.SLOT_NLU_FALLBACK_COUNT) or 0)
    if fallbacks:
        attempts.append(
            {
                "what": "Tried to understand the customer",
                "outcome": f"did not understand {fallbacks} message{'s' if fallbacks != 1 else ''}",
            }
        )
    return attempts


def priority_from(trigger: str, waiting_seconds: float, level: str) -> str:
    """Priority from frustration, churn risk and waiting time (low < normal < high < urgent).

    Frustration counts through the detector's level alone: its thresholds are the
    one place that says what a score means, and a calm customer who asks politely
    for a person is not made urgent by a score just under the line.
    """
    rank = 1
    if level == "annoyed":
        rank = 2
    if level == "frustrated":
        rank = 3
    if trigger == "churn":
        rank = max(rank, 3)
    if trigger == "abuse":
        rank = max(rank, 2)
    if waiting_seconds >= 15 * 60:
        rank += 1
    return PRIORITIES[min(rank, 3)]


def first_name(full_name: str | None) -> str | None:
    """The name an agent greets with ("Dana" for "Dana Whitfield")."""
    if not full_name:
        return None
    return full_name.split()[0]


def suggested_opening(slots: Mapping[str, Any], trigger: str) -> str:
    """A warm first line for the agent, written from the facts.

    It shows the customer they will not have to repeat themselves. The inbox
    already announces who joined, so the line carries no name of the agent.
    """
    name = first_name(slots.get(names.SLOT_CUSTOMER_NAME))
    hello = f"Hi {name}, thanks for waiting. " if name else "Hi, thanks for waiting. "
    order = slots.get(names.SLOT_ORDER_NUMBER)
    status = slots.get(names.SLOT_ORDER_STATUS)
    sorry = (
        "I'm sorry for the trouble. "
        if trigger in ("frustration", "repeated_failure", "churn")
        else ""
    )
    if order and status and is_verified(slots):
        return f"{hello}I can see order {order} is {status}. {sorry}Let me sort this out for you."
    if order:
        return f"{hello}{sorry}I can see you've asked about order {order}; I'll take it from here."
    return f"{hello}{sorry}I've read our conversation so far, so you won't need to repeat anything. How can I help?"


def is_verified(slots: Mapping[str, Any]) -> bool:
    """The customer proved they own the order under discussion."""
    verified_for = slots.get(names.SLOT_VERIFIED_ORDER_NUMBER)
    order = slots.get(names.SLOT_ORDER_NUMBER)
    return bool(slots.get(names.SLOT_ORDER_VERIFIED)) and (
        verified_for is None or verified_for == order
    )


def flag_abusive(lines: list[TranscriptLine]) -> list[TranscriptLine]:
    """Mark customer lines with insults (``abusive: true``) so the inbox masks them.

    The text is kept: the agent can still reveal it, and the record stays whole.
    """
    return [
        TranscriptLine(**line, abusive=True)
        if line["speaker"] == "customer" and is_abusive(line["text"])
        else line
        for line in lines
    ]


def brief_from(summary: Mapping[str, Any]) -> str:
    """The ten-second read: who, what, facts, why now."""
    customer = summary["customer"]
    who = customer.get("name") or "Unknown customer"
    verified = "verified" if customer.get("verified") else "not verified"
    facts = summary["facts"]
    fact_text = ", ".join(
        f"{key.replace('_', ' ')}: {value if not isinstance(value, list) else '; '.join(map(str, value))}"
        for key, value in facts.items()
        if key != "order_verified"
    )
    lines = [
        f"{who} ({verified}, {summary['conversation']['channel']}) wants to: {summary['goal'][0].lower() + summary['goal'][1:]}.",
        f"Known: {fact_text}." if fact_text else "Known: nothing collected yet.",
        f"Why now: {summary['escalation']['explanation']} Priority {summary['priority']}.",
    ]
    language = summary["conversation"].get("language") or ENGLISH
    if language != ENGLISH:
        # First, so the agent reads it on the card before opening the chat.
        lines.insert(0, f"Writes in {language_name(language)}: the bot answers in English only.")
    return "\n".join(lines)


def build_summary(
    *,
    conversation: ConversationInfo,
    events: list[dict[str, Any]],
    slots: Mapping[str, Any],
    escalation: EscalationInfo,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The whole context summary, redacted, as the JSON the inbox stores."""
    now = now or datetime.now(tz=timezone.utc)
    user_times = [event.get("timestamp") or 0 for event in events if event.get("event") == "user"]
    started = min(user_times) if user_times else now.timestamp()
    waiting = max(0.0, now.timestamp() - started)
    score = float(slots.get(names.SLOT_FRUSTRATION_SCORE) or 0.0)
    level = slots.get(names.SLOT_FRUSTRATION_LEVEL) or "calm"
    goal = goal_from(events, slots)
    priority = priority_from(escalation.trigger, waiting, level)
    summary: dict[str, Any] = {
        "version": 1,
        "customer": {
            "name": slots.get(names.SLOT_CUSTOMER_NAME),
            "email": slots.get(names.SLOT_CUSTOMER_EMAIL),
            "verified": is_verified(slots),
        },
        "conversation": {
            "id": conversation.conversation_id,
            "channel": conversation.channel,
            # What the customer was last judged to write in (actions/customer_language.py).
            "language": slots.get(names.SLOT_CUSTOMER_LANGUAGE) or conversation.language,
            "started_at": iso_time(started),
            "escalated_at": iso_time(now.timestamp()),
            "waiting_seconds": 0,
            "conversation_seconds": round(waiting),
        },
        "goal": goal,
        "facts": facts_from(slots),
        "bot_attempts": attempts_from(slots),
        "escalation": {
            "trigger": escalation.trigger,
            "reasons": list(escalation.reasons),
            "explanation": escalation.explanation,
            "score": round(score, 3),
            "level": level,
            "timeline": list(slots.get(names.SLOT_FRUSTRATION_TIMELINE) or []),
        },
        "priority": priority,
        "suggested_opening": suggested_opening(slots, escalation.trigger),
        "transcript": flag_abusive(build_transcript(events)),
    }
    summary = redact_deep(summary)
    summary["brief"] = redact(brief_from(summary))
    return summary
