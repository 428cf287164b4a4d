"""Live coaching: cues from the detector's readings, in the API and over SSE."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from inbox.conversation.coaching import (
    CUES,
    FALLING_CUE,
    MAX_CUES,
    RISING_CUE,
    Reading,
    coach,
    direction_of,
)
from tests.inbox.helpers import create_handoff
from tests.inbox.sse import read_events


def reading(score: float, level: str, trend: float = 0.0, **signals: float) -> Reading:
    return Reading(score=score, level=level, trend=trend, signals=signals)


# -- the pure module ----------------------------------------------------------------------------
def test_a_repeated_question_gives_the_repetition_cue() -> None:
    result = coach([reading(0.34, "calm"), reading(0.63, "annoyed", 0.02, repetition=1.28)])
    assert [cue.signal for cue in result.cues] == ["repetition"]
    assert (
        result.cues[0].text == "They've asked this before — confirm you understood before answering"
    )
    assert (result.score, result.level, result.direction) == (0.63, "annoyed", "steady")


def test_a_fresh_churn_threat_comes_first_and_the_older_repeat_stays() -> None:
    result = coach(
        [
            reading(0.63, "annoyed", 0.02, repetition=1.28),
            reading(0.92, "frustrated", 0.13, churn=2.52, negative_sentiment=0.44),
        ]
    )
    signals = [cue.signal for cue in result.cues]
    assert signals[0] == "churn"
    assert "repetition" in signals and "rising" in signals
    assert len(result.cues) == MAX_CUES
    assert result.direction == "rising"
    assert CUES["churn"] == "They mentioned leaving — acknowledge it and say what the policy allows"


def test_cues_fade_as_the_customer_moves_on() -> None:
    old = reading(0.6, "annoyed", 0.0, time_pressure=0.5)
    calm = reading(0.3, "calm", 0.0)
    assert [c.signal for c in coach([old]).cues] == ["time_pressure"]
    assert coach([old, calm, calm, calm]).cues == []  # beyond the last three messages


def test_calming_down_is_told_as_good_news() -> None:
    result = coach([reading(0.9, "frustrated", 0.1, churn=2.5), reading(0.4, "calm", -0.2)])
    assert result.direction == "falling"
    assert result.cues[0].text == FALLING_CUE == "It's working — they're calming down"
    assert result.cues[1].signal == "churn"  # still worth answering


def test_rising_while_calm_gives_no_alarm() -> None:
    assert coach([reading(0.3, "calm", 0.09)]).cues == []
    assert [c.text for c in coach([reading(0.6, "annoyed", 0.09)]).cues] == [RISING_CUE]


def test_abuse_and_bot_complaints_have_kind_cues() -> None:
    result = coach([reading(0.95, "frustrated", 0.0, abuse=2.4, bot_complaint=1.2)])
    assert [c.signal for c in result.cues] == ["abuse", "bot_complaint"]
    assert "the message is masked" in result.cues[0].text
    assert result.cues[1].text == "They're tired of the bot — introduce yourself by name"


def test_signals_without_a_cue_or_too_weak_are_ignored() -> None:
    assert coach([reading(0.5, "annoyed", 0.0, length=0.3, bot_failure=1.0, churn=0.1)]).cues == []


def test_before_any_customer_message_the_handoff_level_shows_without_cues() -> None:
    result = coach([], Reading(score=0.82, level="frustrated"))
    assert (result.score, result.level, result.direction, result.cues) == (
        0.82,
        "frustrated",
        "steady",
        [],
    )
    assert coach([]).score is None


@pytest.mark.parametrize(
    "trend, expected",
    [(None, "steady"), (0.0, "steady"), (0.05, "rising"), (-0.05, "falling"), (0.049, "steady")],
)
def test_direction(trend, expected) -> None:
    assert direction_of(trend) == expected


# -- the API ----------------------------------------------------------------------------------
def frustration(
    score: float, level: str, trend: float, abusive: bool = False, **signals: float
) -> dict[str, Any]:
    return {
        "score": score,
        "level": level,
        "trend": trend,
        "reasons": ["r"],
        "signals": signals,
        "abusive": abusive,
    }


def send(
    bot: httpx.Client, key: str, message_id: str, text: str, reading: Any = None
) -> httpx.Response:
    body: dict[str, Any] = {"message_id": message_id, "text": text}
    if reading is not None:
        body["frustration"] = reading
    response = bot.post(f"/api/v1/handoffs/{key}/messages", json=body)
    assert response.status_code in (200, 201), response.text
    return response


def test_the_conversation_shows_cues_as_the_customer_writes(inbox) -> None:
    bot, sam = inbox.bot(), inbox.agent("sam")
    key = create_handoff(bot)["handoff_key"]
    start = sam.get(f"/api/v1/handoffs/{key}").json()["coaching"]
    assert start == {
        "score": 0.8,  # the score the bot handed off with, until the first message
        "level": "frustrated",
        "trend": None,
        "direction": "steady",
        "cues": [],
    }

    send(bot, key, "c1", "When will my parcel arrive?", frustration(0.34, "calm", 0.017))
    send(
        bot,
        key,
        "c2",
        "When will my parcel arrive?",
        frustration(0.633, "annoyed", 0.075, repetition=1.276),
    )
    coaching = sam.get(f"/api/v1/handoffs/{key}").json()["coaching"]
    assert (
        coaching["level"] == "annoyed"
        and coaching["score"] == 0.633
        and coaching["direction"] == "rising"
    )
    assert coaching["cues"][0] == {"signal": "repetition", "text": CUES["repetition"]}

    send(
        bot,
        key,
        "c3",
        "I'll cancel my account and go to a competitor",
        frustration(0.918, "frustrated", 0.133, churn=2.52, negative_sentiment=0.44),
    )
    conversation = sam.get(f"/api/v1/handoffs/{key}").json()
    assert next(c["signal"] for c in conversation["coaching"]["cues"]) == "churn"
    assert "repetition" in [c["signal"] for c in conversation["coaching"]["cues"]]
    last = conversation["messages"][-1]
    assert last["frustration"] == {
        "score": 0.918,
        "level": "frustrated",
        "trend": 0.133,
        "signals": {"churn": 2.52, "negative_sentiment": 0.44},
        "reasons": ["r"],
    }


def test_latest_and_escalation_scores_are_stored(inbox) -> None:
    bot = inbox.bot()
    body = create_handoff(bot)
    body["summary"]["escalation"]["score"] = 0.81
    other = create_handoff(bot, summary=body["summary"])
    send(bot, other["handoff_key"], "c1", "hello?", frustration(0.4, "calm", -0.1))
    from sqlalchemy import select

    from inbox.models import Handoff

    with inbox.svc.factory() as session:
        first = session.execute(
            select(Handoff).where(Handoff.key == body["handoff_key"])
        ).scalar_one()
        second = session.execute(
            select(Handoff).where(Handoff.key == other["handoff_key"])
        ).scalar_one()
        assert first.escalation_score == 0.8 and first.latest_frustration_score is None
        assert second.escalation_score == 0.81
        assert (
            second.latest_frustration_score,
            second.latest_frustration_level,
            second.latest_frustration_trend,
        ) == (0.4, "calm", -0.1)


def test_an_old_bot_without_a_reading_still_works(inbox) -> None:
    bot, sam = inbox.bot(), inbox.agent("sam")
    key = create_handoff(bot)["handoff_key"]
    assert send(bot, key, "c1", "hello?").status_code == 201
    conversation = sam.get(f"/api/v1/handoffs/{key}").json()
    assert conversation["messages"][0]["frustration"] is None
    assert conversation["messages"][0]["abusive"] is False
    assert conversation["coaching"]["level"] == "frustrated"  # the level the bot handed off with


@pytest.mark.parametrize(
    "bad",
    [
        {"score": 1.5, "level": "calm"},
        {"score": 0.5, "level": "furious"},
        {"score": 0.5, "level": "calm", "trend": 3},
        {"score": 0.5, "level": "calm", "signals": {f"s{i}": 1.0 for i in range(41)}},
        {"score": 0.5, "level": "calm", "signals": {"<script>": 1.0}},
        {"score": 0.5, "level": "calm", "signals": {"churn": 1e9}},
        {"score": 0.5, "level": "calm", "reasons": ["x"] * 13},
        {"score": "high", "level": "calm"},
        "not an object",
    ],
)
def test_an_invalid_reading_is_dropped_but_the_message_is_kept(inbox, bad) -> None:
    bot, sam = inbox.bot(), inbox.agent("sam")
    key = create_handoff(bot)["handoff_key"]
    assert send(bot, key, "c1", "the customer's words", bad).status_code == 201
    message = sam.get(f"/api/v1/handoffs/{key}").json()["messages"][0]
    assert message["text"] == "the customer's words"
    assert message["frustration"] is None


def test_long_reasons_are_cut(inbox) -> None:
    bot, sam = inbox.bot(), inbox.agent("sam")
    key = create_handoff(bot)["handoff_key"]
    send(bot, key, "c1", "hi", {"score": 0.5, "level": "annoyed", "reasons": ["x" * 5000]})
    assert sam.get(f"/api/v1/handoffs/{key}").json()["messages"][0]["frustration"]["reasons"] == [
        "x" * 300
    ]


def test_a_coaching_event_follows_each_new_customer_message(inbox) -> None:
    bot = inbox.bot()
    key = create_handoff(bot)["handoff_key"]
    received: list[tuple] = []
    ready = threading.Event()
    reader = threading.Thread(
        target=read_events, args=(inbox, key, 2, received, ready), daemon=True
    )
    reader.start()
    assert ready.wait(10)
    send(bot, key, "c1", "I'll cancel my account", frustration(0.9, "frustrated", 0.1, churn=2.5))
    reader.join(10)
    assert [name for name, _ in received] == ["message", "coaching"]
    assert received[1][1]["cues"][0] == {"signal": "churn", "text": CUES["churn"]}
    assert received[1][1]["level"] == "frustrated"


def test_an_insult_in_the_newest_message_comes_first() -> None:
    from inbox.conversation.coaching import CUES, Reading, rank_cues

    recent = [
        Reading(
            score=0.7,
            level="frustrated",
            trend=0.1,
            signals={"negative_sentiment": 0.9, "churn": 0.2},
        ),
        Reading(
            score=0.9,
            level="frustrated",
            trend=0.1,
            signals={"negative_sentiment": 2.0, "abuse": 0.3},
        ),
    ]
    cues = rank_cues(recent, "rising")
    assert cues[0].signal == "abuse" and cues[0].text == CUES["abuse"]
