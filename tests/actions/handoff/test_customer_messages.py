"""What the customer hears when a person is brought in."""

from __future__ import annotations

import pytest

from actions.handoff.customer_messages import (
    Utterance,
    acknowledgement,
    next_opening_text,
    queue_messages,
    wait_text,
)
from tests.actions.conftest import DOMAIN, render

OPEN = {
    "handoff_key": "k",
    "status": "waiting",
    "queue_position": 2,
    "agents_available": 1,
    "estimated_wait_seconds": 240,
    "within_business_hours": True,
    "next_opening": None,
}


@pytest.mark.parametrize(
    "trigger, bot_failed, level, expected",
    [
        ("abuse", False, "frustrated", "utter_handoff_ack_neutral"),
        (
            "abuse",
            True,
            "calm",
            "utter_handoff_ack_neutral",
        ),  # never an apology to an insult either
        ("repeated_failure", False, "calm", "utter_handoff_ack_bot_failed"),
        ("request", True, "calm", "utter_handoff_ack_bot_failed"),
        ("frustration", False, "annoyed", "utter_handoff_ack_frustration"),
        ("churn", False, "calm", "utter_handoff_ack_frustration"),
        ("request", False, "frustrated", "utter_handoff_ack_frustration"),
        ("request", False, "calm", "utter_handoff_ack_request"),
    ],
)
def test_acknowledgement_by_trigger(
    trigger: str, bot_failed: bool, level: str, expected: str
) -> None:
    assert acknowledgement(trigger, bot_failed, level) == expected
    assert expected in DOMAIN["responses"]


def test_the_neutral_acknowledgement_is_not_cheerful() -> None:
    text = DOMAIN["responses"]["utter_handoff_ack_neutral"][0]["text"]
    assert "!" not in text and "sorry" not in text.lower()


@pytest.mark.parametrize(
    "seconds, text",
    [
        (None, "a minute or two"),
        (30, "a minute or two"),
        (120, "a minute or two"),
        (240, "about 4 minutes"),
        (1500, "about 25 minutes"),
        (3400, "about an hour"),
        (4 * 3600, "about 4 hours"),
    ],
)
def test_wait_text(seconds, text: str) -> None:
    assert wait_text(seconds) == text


def test_queue_position_and_wait() -> None:
    [utterance] = queue_messages(OPEN)
    assert utterance == Utterance(
        "utter_handoff_queue", {"queue_position": 2, "wait_text": "about 4 minutes"}
    )
    assert "number 2 in the queue" in render({"response": utterance.response, **utterance.values})


@pytest.mark.parametrize("seconds", [240, 3600])
def test_the_queue_message_reads_naturally(seconds: int) -> None:
    [utterance] = queue_messages({**OPEN, "estimated_wait_seconds": seconds})
    text = render({"response": utterance.response, **utterance.values})
    assert "about about" not in text, text


def test_after_hours_names_the_next_opening() -> None:
    status = {
        **OPEN,
        "within_business_hours": False,
        "agents_available": 0,
        "next_opening": "2026-11-30T08:00:00Z",
    }
    [utterance] = queue_messages(status)
    assert utterance.response == "utter_handoff_after_hours"
    assert utterance.values["next_opening_text"] == "when we open on Monday at 08:00"
    spoken = render({"response": utterance.response, **utterance.values})
    assert "reply here when we open on Monday at 08:00." in spoken
    assert "email" not in spoken  # never promised unless the inbox can send it


def test_after_hours_without_a_known_opening() -> None:
    assert next_opening_text(None) == "as soon as the team is back"
    assert next_opening_text("not a date") == "as soon as the team is back"


def test_no_agents() -> None:
    assert queue_messages({**OPEN, "agents_available": 0}) == [
        Utterance("utter_handoff_no_agents", {})
    ]


def test_already_claimed_or_unknown_position() -> None:
    assert queue_messages({**OPEN, "queue_position": 0, "status": "claimed"}) == [
        Utterance("utter_handoff_queue_unknown", {})
    ]


def test_inbox_unreachable() -> None:
    assert queue_messages(None) == [Utterance("utter_handoff_inbox_down", {})]


def test_the_next_opening_is_told_in_uk_time() -> None:
    # Monday 1 June 2026, 08:00 in London = 07:00Z
    assert next_opening_text("2026-06-01T07:00:00Z") == "when we open on Monday at 08:00"


def test_without_an_email_the_customer_is_asked_for_one_when_nobody_is_free() -> None:
    busy = {**OPEN, "agents_available": 0, "email_follow_up": True}
    assert queue_messages(busy, email_known=False) == [
        Utterance("utter_handoff_no_agents", {}),
        Utterance("utter_ask_email_for_reply", {}),
    ]
    assert queue_messages(busy, email_known=True) == [Utterance("utter_handoff_no_agents", {})]
    assert queue_messages(OPEN, email_known=False)[0].response == "utter_handoff_queue"


def test_email_is_never_offered_when_the_inbox_cannot_send_it() -> None:
    """Issue 15: the bot promised a reply by email and nothing ever sent one."""
    busy = {**OPEN, "agents_available": 0}
    for status in (busy, {**busy, "email_follow_up": False}):
        assert queue_messages(status, email_known=False) == [
            Utterance("utter_handoff_no_agents", {})
        ]
    spoken = render({"response": "utter_handoff_no_agents"})
    assert "email" not in spoken
