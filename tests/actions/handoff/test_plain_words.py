"""The summary in plain language: reasons as sentences, said once; no quoted insult;
an opening that states the real situation (issue 16, item 4)."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from actions.handoff.plain_words import days_late, escalation_reasons, how_late
from actions.handoff.summary import ConversationInfo, EscalationInfo, build_summary
from tests.actions.conftest import bot, user

START = 1_764_151_200.0  # 2025-11-26T10:00:00Z
DEC_3 = datetime(2026, 12, 3, 11, 0, tzinfo=timezone.utc)


def summary(slots: dict, escalation: EscalationInfo, events=None, now=DEC_3) -> dict:
    return build_summary(
        conversation=ConversationInfo(conversation_id="web-1", channel="socketio"),
        events=events or [user("hello", "greet", timestamp=now.timestamp() - 60)],
        slots=slots,
        escalation=escalation,
        now=now,
    )


def test_a_request_for_a_person_reads_as_a_sentence() -> None:
    reasons = escalation_reasons("request", {})
    assert reasons == ["Asked for a person"]
    assert not any("intent" in reason or "'" in reason for reason in reasons)


def test_repeats_and_failures_are_counted_in_words() -> None:
    slots = {
        "frustration_state": {"counters": {"repeats": 2, "fallbacks": 3}},
        "nlu_fallback_count": 3.0,
        "failed_form_attempts": 2.0,
        "frustration_level": "frustrated",
        "frustration_trend": 0.2,
    }
    assert escalation_reasons("repeated_failure", slots) == [
        "Repeated the same question 3 times",
        "Their order number or email did not match, twice",
        "The assistant did not understand them 3 times",
        "Sounds frustrated, more with each message",
    ]


def test_churn_and_abuse_in_plain_words() -> None:
    assert (
        escalation_reasons("churn", {})[0]
        == "Said they will cancel their account or shop elsewhere"
    )
    assert escalation_reasons("abuse", {}) == ["Used abusive language (masked in the transcript)"]
    assert escalation_reasons("request", {}, abusive=True) == [
        "Asked for a person",
        "Used abusive language (masked in the transcript)",
    ]


def test_each_reason_is_said_once() -> None:
    reasons = escalation_reasons("abuse", {"frustration_level": "frustrated"}, abusive=True)
    assert len(reasons) == len(set(reasons))


def test_the_summary_never_quotes_a_masked_word() -> None:
    events = [
        user("where is my order", "order_status", timestamp=START),
        bot("What's your order number?", timestamp=START + 1),
        user("you stupid bot, get me a person", "request_human", timestamp=START + 30),
    ]
    result = summary(
        {
            "frustration_level": "frustrated",
            "frustration_reasons": ["abusive language ('stupid bot')"],
        },
        EscalationInfo(
            trigger="abuse",
            explanation="abusive language ('stupid bot')",
            reasons=[
                "abusive language ('stupid bot')",
                "asked for a person (intent 'request_human')",
            ],
        ),
        events=events,
        now=datetime.fromtimestamp(START + 40, tz=timezone.utc),
    )
    transcript = result.pop("transcript")
    assert transcript[-1]["abusive"] is True  # the agent can still reveal it
    text = json.dumps(result, ensure_ascii=False)
    assert "stupid" not in text and "intent '" not in text
    assert "Used abusive language (masked in the transcript)" in result["escalation"]["reasons"]


LATE_PARCEL = {
    "order_number": "10482",
    "order_verified": True,
    "verified_order_number": "10482",
    "customer_name": "Dana Whitfield",
    "order_status": "in transit with DPD since 24 November, was expected 26 November",
    "order_facts": {"status_code": "in_transit", "carrier": "DPD", "expected_on": "2026-11-26"},
}


def test_the_opening_says_a_parcel_is_a_week_late() -> None:
    opening = summary(LATE_PARCEL, EscalationInfo("request"))["suggested_opening"]
    assert opening.startswith("Hi Dana, I'm sorry your parcel is a week late.")
    assert "order 10482" in opening and "DPD" in opening
    assert "in transit" not in opening and "was expected" not in opening  # not the bot's line
    assert len(opening) < 160  # short


def test_a_parcel_on_time_gets_no_apology_for_lateness() -> None:
    on_time = {
        **LATE_PARCEL,
        "order_facts": {**LATE_PARCEL["order_facts"], "expected_on": "2026-12-05"},
    }
    opening = summary(on_time, EscalationInfo("request"))["suggested_opening"]
    assert "late" not in opening and opening.startswith("Hi Dana, thanks for waiting.")


def test_lateness_counts_in_the_store_s_days() -> None:
    # 23:30 UTC on 2 December is already 3 December in... London in winter is UTC: still the 2nd.
    late_evening = datetime(2026, 12, 2, 23, 30, tzinfo=timezone.utc)
    opening = summary(LATE_PARCEL, EscalationInfo("request"), now=late_evening)["suggested_opening"]
    assert "6 days late" in opening


@pytest.mark.parametrize(
    "days, words",
    [
        (1, "a day late"),
        (3, "3 days late"),
        (7, "a week late"),
        (9, "a week late"),
        (14, "2 weeks late"),
    ],
)
def test_how_late(days: int, words: str) -> None:
    assert how_late(days) == words


def test_days_late() -> None:
    assert days_late("2026-11-26", date(2026, 12, 3)) == 7
    assert days_late("2026-12-05", date(2026, 12, 3)) == 0
    assert days_late(None, date(2026, 12, 3)) == 0
