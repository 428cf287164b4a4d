"""The detector keeps scoring during a handoff, and the relay carries what the inbox coaches from."""

from __future__ import annotations

from typing import Any

import pytest

from actions.frustration import TurnResult
from actions.turn_scoring import relay_frustration
from inbox.schemas import CustomerMessageIn
from tests.actions.conftest import FakeInbox, bot, user

# the fixture of test_turn_scoring, used here too
from tests.actions.test_turn_scoring import (
    KEY,
    handoff_tracker,
    open_handoff,  # noqa: F401
    score,
)


def result(**signals: float) -> TurnResult:
    return TurnResult(
        score=0.81234,
        level="frustrated",
        reasons=["r1", "r2"],
        trend=0.12345,
        escalate=False,
        trigger=None,
        explanation="",
        signals=signals,
    )


def test_the_relayed_reading_keeps_only_the_signals_that_raised_the_score() -> None:
    reading = relay_frustration(result(churn=2.5171, positive_sentiment=-0.8, repetition=1.27645))
    assert reading == {
        "score": 0.812,
        "level": "frustrated",
        "trend": 0.123,
        "reasons": ["r1", "r2"],
        "signals": {"churn": 2.517, "repetition": 1.276},
        "abusive": False,
    }


@pytest.mark.parametrize(
    "signals, abusive",
    [
        ({"abuse": 2.4}, True),
        ({"abuse": 2.4, "churn": 1.0}, True),
        ({"profanity": 1.4}, False),  # "ridiculous", "fed up": a complaint, not an insult
        ({}, False),
    ],
)
def test_abusive_follows_the_abuse_signal(signals: dict[str, float], abusive: bool) -> None:
    assert relay_frustration(result(**signals))["abusive"] is abusive


def test_the_relayed_reading_is_what_the_inbox_accepts() -> None:
    reading = relay_frustration(result(**{f"s{i}": float(i + 1) for i in range(30)}))
    parsed = CustomerMessageIn.parse_obj({"message_id": "m1", "text": "hi", "frustration": reading})
    assert parsed.frustration is not None
    assert len(parsed.frustration.signals) == 20  # the strongest, within the inbox's bound
    assert parsed.frustration.signals["s29"] == 30.0


async def test_scoring_runs_during_the_handoff_and_each_message_carries_its_reading(
    open_handoff: FakeInbox,
) -> None:
    slots: dict[str, Any] = {}
    script = [
        (
            bot("Sam has joined the chat.", metadata={"source": "system"}),
            "When will my parcel arrive?",
            "order_status",
        ),
        (
            bot("Hi, I'm Sam, let me check.", metadata={"source": "agent"}),
            "When will my parcel arrive?",
            "order_status",
        ),
        (
            bot("Still checking.", metadata={"source": "agent"}),
            "I'll cancel my account and go to a competitor",
            "complaint",
        ),
        (bot("I understand.", metadata={"source": "agent"}), "you are all idiots", "complaint"),
    ]
    for number, (said, text, intent) in enumerate(script, start=1):
        slots.update(
            await score(handoff_tracker(said, user(text, intent, message_id=f"h{number}"), **slots))
        )
    insult = slots

    # The slot keeps the last turns (actions/turn/frustration.py's TIMELINE_WINDOW).
    assert [entry["turn"] for entry in insult["frustration_timeline"]] == [2, 3, 4]
    assert [entry["during_handoff"] for entry in insult["frustration_timeline"]] == [True] * 3
    relayed = [m["frustration"] for m in open_handoff.messages[KEY]]
    assert [m["message_id"] for m in open_handoff.messages[KEY]] == ["h1", "h2", "h3", "h4"]
    assert "repetition" in relayed[1]["signals"]
    assert "churn" in relayed[2]["signals"] and relayed[2]["level"] == "frustrated"
    assert relayed[3]["abusive"] is True and relayed[3]["signals"]["abuse"] > 0
    assert [r["abusive"] for r in relayed[:3]] == [False, False, False]
    assert all(
        set(r) == {"score", "level", "trend", "reasons", "signals", "abusive"} for r in relayed
    )
    assert (
        open_handoff.messages[KEY][3]["text"] == "you are all idiots"
    )  # the original words reach the inbox
    assert "escalate" not in insult  # nobody escalates a chat a person already has


async def test_relayed_times_keep_milliseconds(open_handoff: FakeInbox) -> None:
    await score(
        handoff_tracker(user("hello?", "greet", message_id="t1", timestamp=1_764_151_234.567))
    )
    assert open_handoff.messages[KEY][0]["sent_at"] == "2025-11-26T10:00:34.567Z"


async def test_a_resent_widget_message_keeps_its_relay_id(open_handoff: FakeInbox) -> None:
    """Rasa gives a resend a new message id; the widget's client_message_id stays, so the inbox keeps one copy."""
    first = user(
        "is anyone there?", "greet", message_id="rasa-1", metadata={"client_message_id": "m-42"}
    )
    resent = user(
        "is anyone there?", "greet", message_id="rasa-2", metadata={"client_message_id": "m-42"}
    )
    other = user("hello?", "greet", message_id="rasa-3", metadata={"client_message_id": "m-43"})
    for event in (first, resent, other):
        await score(handoff_tracker(event))
    posted = [body["message_id"] for body in open_handoff.bodies("/messages")]
    assert len(posted) == 3 and posted[0] == posted[1] != posted[2]
    assert all(len(i) <= 128 for i in posted)
    assert [m["text"] for m in open_handoff.messages[KEY]] == [
        "is anyone there?",
        "hello?",
    ]  # one copy each


async def test_an_odd_client_message_id_is_ignored(open_handoff: FakeInbox) -> None:
    await score(
        handoff_tracker(
            user("hi", "greet", message_id="rasa-9", metadata={"client_message_id": {"x": 1}})
        )
    )
    await score(
        handoff_tracker(
            user("hi", "greet", message_id="rasa-10", metadata={"client_message_id": "a" * 500})
        )
    )
    assert [m["message_id"] for m in open_handoff.messages[KEY]] == ["rasa-9", "rasa-10"]
