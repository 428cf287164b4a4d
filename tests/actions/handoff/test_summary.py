"""The context summary the agent reads: documented shape, plain words, nothing secret."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from actions.handoff.summary import (
    ConversationInfo,
    EscalationInfo,
    build_summary,
    goal_from,
    priority_from,
)
from tests.actions.conftest import bot, slot, user

START = 1_764_151_200.0  # 2025-11-26T10:00:00Z
NOW = datetime.fromtimestamp(START + 300, tz=timezone.utc)
CARD = "4111 1111 1111 1111"

DANA_FACTS = {
    "items": ["1 × Trail running shoes"],
    "order_total": "£89.00",
    "placed_on": "2026-11-15",
    "status_code": "in_transit",
    "carrier": "DPD",
    "tracking_number": "15501048200042",
    "tracking_url": "https://track.dpd.co.uk/parcels/15501048200042",
}


def conversation() -> list[dict[str, Any]]:
    return [
        user("hi, where is my parcel?", "order_status", timestamp=START),
        bot("Sure, what's your order number?", timestamp=START + 1),
        user("10482", "inform", timestamp=START + 20),
        slot("order_number", "10482"),
        bot("What's the email or postcode on order 10482?", timestamp=START + 21),
        user("dana@wrong.example", "inform", timestamp=START + 40),
        bot("That doesn't match, sorry.", timestamp=START + 41),
        user("SW1A 1AA", "inform", timestamp=START + 60),
        bot(
            "Thanks, Dana. Order 10482 is in transit with DPD since 17 November.",
            timestamp=START + 61,
        ),
        user(
            f"this is useless, just refund it to my card {CARD}, my password is hunter2",
            "complaint",
            timestamp=START + 90,
        ),
        user("/request_human", "request_human", timestamp=START + 100),
    ]


def slots(**extra: Any) -> dict[str, Any]:
    return {
        "order_number": "10482",
        "order_verified": True,
        "customer_name": "Dana Whitfield",
        "customer_email": "dana.whitfield@example.com",
        "order_status": "in transit with DPD since 17 November, was expected 19 November",
        "order_facts": {k: v for k, v in DANA_FACTS.items() if not k.startswith("tracking")},
        "failed_form_attempts": 1.0,
        "nlu_fallback_count": 0.0,
        "bot_attempts": [
            {"what": "Looked up order 10482", "outcome": "told the customer it is in transit"}
        ],
        "frustration_score": 0.62,
        "frustration_level": "annoyed",
        "frustration_timeline": [
            {"turn": 1, "score": 0.3, "level": "calm"},
            {"turn": 5, "score": 0.62, "level": "annoyed"},
        ],
        **extra,
    }


ESCALATION = EscalationInfo(
    trigger="request",
    explanation=f'Asked for a person: "/request_human"; said "refund it to my card {CARD}"',
    reasons=["negative sentiment", f"card {CARD} mentioned"],
)


def summary_for(events=None, slot_values=None, escalation=ESCALATION, now=NOW) -> dict[str, Any]:
    return build_summary(
        conversation=ConversationInfo(conversation_id="web-3a9c", channel="socketio"),
        events=conversation() if events is None else events,
        slots=slots() if slot_values is None else slot_values,
        escalation=escalation,
        now=now,
    )


def test_every_documented_field_is_present() -> None:
    summary = summary_for()
    assert summary["version"] == 2
    assert set(summary) >= {
        "version",
        "customer",
        "conversation",
        "goal",
        "facts",
        "bot_attempts",
        "escalation",
        "priority",
        "suggested_opening",
        "transcript",
        "brief",
    }
    assert summary["customer"] == {
        "name": "Dana Whitfield",
        "email": "dana.whitfield@example.com",
        "verified": True,
    }
    conv = summary["conversation"]
    # The id and channel are the handoff's own fields, sent once, at the top.
    assert set(conv) == {"language", "started_at", "escalated_at", "conversation_seconds"}
    assert conv["language"] == "en"
    assert conv["conversation_seconds"] == 300  # how long they talked to the bot, not a wait
    assert conv["started_at"] == "2025-11-26T10:00:00Z"
    assert conv["escalated_at"] == "2025-11-26T10:05:00Z"
    assert set(summary["escalation"]) == {"trigger", "reasons", "score", "level", "timeline"}
    assert summary["escalation"]["trigger"] == "request"
    assert summary["escalation"]["timeline"] == slots()["frustration_timeline"]
    assert summary["priority"] in ("low", "normal", "high", "urgent")
    json.dumps(summary)  # JSON as the inbox stores it


def test_goal_facts_attempts_and_opening() -> None:
    summary = summary_for()
    assert summary["goal"].startswith("Find out where order 10482 is")
    facts = summary["facts"]
    assert facts["order_number"] == "10482" and facts["order_verified"] is True
    assert facts["order_status"].startswith("in transit with DPD")
    assert facts["items"] == ["1 × Trail running shoes"] and facts["order_total"] == "£89.00"
    assert "status_code" not in facts  # internal code, not for the agent
    attempts = summary["bot_attempts"]
    assert attempts[0] == {
        "what": "Looked up order 10482",
        "outcome": "told the customer it is in transit",
    }
    assert {
        "what": "Asked for the order number / verification",
        "outcome": "failed 1 time",
    } in attempts
    opening = summary["suggested_opening"]
    assert opening.startswith("Hi Dana, ")
    assert "order 10482" in opening and "{" not in opening


def test_transcript_in_order() -> None:
    transcript = summary_for()["transcript"]
    assert [line["speaker"] for line in transcript] == [
        "customer",
        "bot",
        "customer",
        "bot",
        "customer",
        "bot",
        "customer",
        "bot",
        "customer",
        "customer",
    ]
    assert transcript[0]["text"] == "hi, where is my parcel?"
    assert transcript[-1]["text"] == "(clicked: request human)"
    assert [line["at"] for line in transcript] == sorted(line["at"] for line in transcript)


def test_secrets_are_redacted_everywhere() -> None:
    summary = summary_for(
        slot_values=slots(bot_attempts=[{"what": "Customer gave pin 1234", "outcome": "ok"}])
    )
    text = json.dumps(summary, ensure_ascii=False)
    assert "4111" not in text and "hunter2" not in text and "pin 1234" not in text
    # The reasons are the bot's own sentences: nothing the customer typed reaches them.
    assert summary["escalation"]["reasons"][0] == "Asked for a person"
    assert any(
        "[card number]" in line["text"] and "[password]" in line["text"]
        for line in summary["transcript"]
    )
    assert "4111" not in summary["brief"]


def test_the_brief_reads_in_three_lines() -> None:
    brief = summary_for()["brief"].splitlines()
    assert len(brief) == 3
    assert brief[0].startswith("Dana Whitfield (verified) wants to: find out where order 10482 is")
    assert brief[1].startswith("Known: order number: 10482") and "£89.00" in brief[1]
    # The reasons are on the card once (escalation.reasons), not repeated in the brief.
    assert brief[2] == f"Priority: {summary_for()['priority']}."


def test_an_unknown_customer() -> None:
    summary = summary_for(
        events=[user("I want to talk to someone", "request_human", timestamp=START)], slot_values={}
    )
    assert summary["customer"] == {"name": None, "email": None, "verified": False}
    assert summary["facts"] == {} and summary["bot_attempts"] == []
    assert summary["goal"] == "Not stated yet: read the transcript"
    assert summary["suggested_opening"].startswith("Hi, thanks for waiting.")
    assert "won't need to repeat" in summary["suggested_opening"]
    assert (
        "Unknown customer (not verified" in summary["brief"]
        and "Known: nothing collected yet." in summary["brief"]
    )


def goal(*intents: str, order: str | None = "10482") -> str:
    return goal_from(
        [user("…", intent) for intent in intents], {"order_number": order} if order else {}
    )


def test_goal_in_plain_words() -> None:
    assert goal("greet", "order_status") == "Find out where order 10482 is"
    assert goal("order_status", order=None) == "Find out where their order is"
    assert (
        goal("order_status", "inform", "cancel_order") == "Cancel order 10482"
    )  # what they want now
    assert goal("greet", "thank") == "Not stated yet: read the transcript"


def test_goal_keeps_the_task_when_a_complaint_follows() -> None:
    assert (
        goal("order_status", "inform", "complaint")
        == "Find out where order 10482 is (and has complained about it)"
    )
    assert goal("complaint") == "Make a complaint about order 10482"
    assert goal("complaint", order=None) == "Make a complaint"


def test_priority_rises_with_frustration_churn_and_waiting() -> None:
    # a calm request is "normal"; each step up is one rank, capped at "urgent"
    assert priority_from("request", 0, "calm") == "normal"
    assert priority_from("request", 0, "annoyed") == "high"
    assert priority_from("request", 0, "frustrated") == "urgent"
    assert priority_from("churn", 0, "calm") == "urgent"
    assert priority_from("abuse", 0, "calm") == "high"
    assert priority_from("request", 15 * 60 - 1, "calm") == "normal"
    assert priority_from("request", 15 * 60, "calm") == "high"
    assert priority_from("churn", 60 * 60, "frustrated") == "urgent"


def test_priority_in_the_summary_follows_the_conversation_age() -> None:
    calm = slots(frustration_score=0.1, frustration_level="calm")
    fresh = summary_for(slot_values=calm, now=NOW)
    old = summary_for(
        slot_values=calm, now=datetime.fromtimestamp(START, tz=timezone.utc) + timedelta(minutes=20)
    )
    churn = summary_for(slot_values=calm, escalation=EscalationInfo("churn", "threatened to leave"))
    assert (fresh["priority"], old["priority"], churn["priority"]) == ("normal", "high", "urgent")
    assert "Sorry" not in fresh["suggested_opening"] and "I'm sorry" in churn["suggested_opening"]


def test_order_facts_reach_the_agent_intact() -> None:
    facts = summary_for(slot_values=slots(order_facts=DANA_FACTS))["facts"]
    assert facts["tracking_number"] == "15501048200042"
    assert facts["tracking_url"] == "https://track.dpd.co.uk/parcels/15501048200042"
