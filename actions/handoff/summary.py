"""Build the context summary an agent reads before answering.

Pure functions over plain data (slots, events, the escalation decision) so the
summary is tested without Rasa. The result is the ``summary`` of the handoff
contract (docs/contract/handoff.schema.json, actions/handoff/contract.py), in
plain language (actions/handoff/plain_words.py), redacted before it is returned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from actions import names
from actions.frustration.abuse import is_abusive
from actions.handoff.plain_words import days_late, escalation_reasons, how_late
from actions.handoff.redaction import redact, redact_deep
from actions.handoff.transcript import TranscriptLine, build_transcript, iso_time
from northwind_common.priorities import PRIORITIES, Priority
from northwind_common.store_clock import store_date
from northwind_nlu.language import ENGLISH, language_name

SUMMARY_VERSION = 2
LONG_CONVERSATION_SECONDS = 15 * 60
"""A customer who has been at it with the bot this long is moved up a priority."""
WITH_CARRIER = frozenset({"shipped", "in_transit", "delayed", "out_for_delivery"})
FACT_KEYS = (
    "items",
    "order_total",
    "placed_on",
    "carrier",
    "tracking_number",
    "tracking_url",
    "refunds",
)

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


@dataclass(frozen=True)
class EscalationInfo:
    """Why the conversation is being handed off.

    ``explanation`` and ``reasons`` are the detector's own words, kept in the
    conversation's slots; the summary states the reasons afresh, in plain
    sentences (``plain_words.escalation_reasons``), and never quotes them.
    """

    trigger: str  # "request" | "frustration" | "abuse" | "churn" | "repeated_failure"
    explanation: str = ""
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
        for key in FACT_KEYS:
            value = order_facts.get(key)
            if isinstance(value, list):
                facts[key] = [str(item)[:500] for item in value]
            elif value:
                facts[key] = str(value)
    return facts


def attempts_from(slots: Mapping[str, Any]) -> list[dict[str, str]]:
    """What the bot already answered or tried, and where it failed."""
    attempts = [
        {
            "what": str(item.get("what") or "")[:500],
            "outcome": str(item.get("outcome") or "")[:1000],
        }
        for item in (slots.get(names.SLOT_BOT_ATTEMPTS) or [])
        if isinstance(item, dict)
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


def priority_from(trigger: str, conversation_seconds: float, level: str) -> Priority:
    """Priority from frustration, churn risk and effort (low < normal < high < urgent).

    Frustration counts through the detector's level alone: its thresholds are the
    one place that says what a score means, and a calm customer who asks politely
    for a person is not made urgent by a score just under the line. A customer who
    has spent ``LONG_CONVERSATION_SECONDS`` with the bot already gets one step up;
    the wait in the queue is the inbox's to weigh, not the bot's.
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
    if conversation_seconds >= LONG_CONVERSATION_SECONDS:
        rank += 1
    return PRIORITIES[min(rank, 3)]


def first_name(full_name: str | None) -> str | None:
    """The name an agent greets with ("Dana" for "Dana Whitfield")."""
    if not full_name:
        return None
    return full_name.split()[0]


def suggested_opening(slots: Mapping[str, Any], trigger: str, today: date) -> str:
    """A warm, short first line for the agent, from the facts, not the bot's words.

    It tells the customer the real situation ("your parcel is a week late") and
    that they will not have to repeat themselves. The inbox already announces who
    joined, so the line carries no name of the agent.
    """
    name = first_name(slots.get(names.SLOT_CUSTOMER_NAME))
    hello = f"Hi {name}" if name else "Hi"
    order = slots.get(names.SLOT_ORDER_NUMBER)
    facts = slots.get(names.SLOT_ORDER_FACTS)
    facts = facts if isinstance(facts, Mapping) else {}
    sorry = (
        " I'm sorry for the trouble."
        if trigger in ("frustration", "repeated_failure", "churn", "abuse")
        else ""
    )
    if order and is_verified(slots):
        late = (
            days_late(facts.get("expected_on"), today)
            if facts.get("status_code") in WITH_CARRIER
            else 0
        )
        if late:
            carrier = facts.get("carrier")
            chase = f"I'll chase {carrier} for you" if carrier else "I'll find out where it is"
            return (
                f"{hello}, I'm sorry your parcel is {how_late(late)}. "
                f"I have order {order} in front of me and {chase}."
            )
        return (
            f"{hello}, thanks for waiting.{sorry} I have order {order} in front of me, "
            "so you won't need to repeat anything. Let me sort this out for you."
        )
    if order:
        return f"{hello}, thanks for waiting.{sorry} I can see you asked about order {order}; I'll take it from here."
    return f"{hello}, thanks for waiting.{sorry} I've read your chat with our assistant, so you won't need to repeat anything. How can I help?"


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
    """The ten-second read: who, what they want, what is known, how urgent.

    The reasons for the handoff are on the card once (``escalation.reasons``), so
    the brief does not repeat them.
    """
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
        f"{who} ({verified}) wants to: {summary['goal'][0].lower() + summary['goal'][1:]}.",
        f"Known: {fact_text}." if fact_text else "Known: nothing collected yet.",
        f"Priority: {summary['priority']}.",
    ]
    language = summary["conversation"].get("language") or ENGLISH
    if language != ENGLISH:
        # First, so the agent reads it on the card before opening the chat.
        lines.insert(0, f"Writes in {language_name(language)}: the bot answers in English only.")
    return "\n".join(lines)


def timeline_from(slots: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The frustration chart's points, in the contract's shape."""
    points = []
    for entry in slots.get(names.SLOT_FRUSTRATION_TIMELINE) or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("turn"), int):
            continue
        point = {key: entry[key] for key in ("turn", "score", "level") if key in entry}
        point.update(
            {key: bool(entry[key]) for key in ("during_handoff", "acknowledged") if key in entry}
        )
        points.append(point)
    return points


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
    conversation_seconds = max(0.0, now.timestamp() - started)
    score = min(1.0, max(0.0, float(slots.get(names.SLOT_FRUSTRATION_SCORE) or 0.0)))
    level = slots.get(names.SLOT_FRUSTRATION_LEVEL) or "calm"
    transcript = flag_abusive(build_transcript(events))
    priority = priority_from(escalation.trigger, conversation_seconds, level)
    summary: dict[str, Any] = {
        "version": SUMMARY_VERSION,
        "customer": {
            "name": slots.get(names.SLOT_CUSTOMER_NAME),
            "email": slots.get(names.SLOT_CUSTOMER_EMAIL),
            "verified": is_verified(slots),
        },
        "conversation": {
            # What the customer was last judged to write in (actions/customer_language.py).
            "language": slots.get(names.SLOT_CUSTOMER_LANGUAGE) or conversation.language,
            "started_at": iso_time(started),
            "escalated_at": iso_time(now.timestamp()),
            "conversation_seconds": round(conversation_seconds),
        },
        "goal": goal_from(events, slots),
        "facts": facts_from(slots),
        "bot_attempts": attempts_from(slots)[-50:],
        "escalation": {
            "trigger": escalation.trigger,
            "reasons": escalation_reasons(
                escalation.trigger,
                slots,
                abusive=any(line.get("abusive") for line in transcript),
            ),
            "score": round(score, 3),
            "level": level,
            "timeline": timeline_from(slots),
        },
        "priority": priority,
        "suggested_opening": suggested_opening(slots, escalation.trigger, store_date(now)),
        "transcript": transcript,
    }
    summary = redact_deep(summary)
    summary["brief"] = redact(brief_from(summary))
    return summary
