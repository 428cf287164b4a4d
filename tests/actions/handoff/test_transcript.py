"""Tracker events as the transcript the agent reads."""

from __future__ import annotations

from actions.handoff.transcript import (
    MAX_TEXT_CHARS,
    MAX_TRANSCRIPT_TURNS,
    build_transcript,
    iso_time,
)
from tests.actions.conftest import action, bot, external, slot, user


def test_iso_time() -> None:
    assert iso_time(1_764_151_200.0) == "2025-11-26T10:00:00Z"
    assert iso_time(None) == "1970-01-01T00:00:00Z"


def test_order_and_speakers() -> None:
    events = [
        action("action_listen"),
        user("where is my parcel", "order_status", timestamp=1_764_151_200.0),
        bot("What's your order number?", timestamp=1_764_151_201.0),
        slot("order_number", "10482"),
        user("10482", "inform", timestamp=1_764_151_210.0),
        bot(
            "Sam has joined the chat.",
            metadata={"source": "system", "agent": {"name": "Sam"}},
            timestamp=1_764_151_300.0,
        ),
        bot(
            "Hi, I'm Sam, let me check.",
            metadata={"source": "agent", "agent": {"name": "Sam"}},
            timestamp=1_764_151_310.0,
        ),
    ]
    lines = build_transcript(events)
    assert [(line["speaker"], line["text"]) for line in lines] == [
        ("customer", "where is my parcel"),
        ("bot", "What's your order number?"),
        ("customer", "10482"),
        ("agent", "Sam has joined the chat."),
        ("agent", "Hi, I'm Sam, let me check."),
    ]
    assert lines[0]["at"] == "2025-11-26T10:00:00Z"
    assert lines[-1]["at"] == "2025-11-26T10:01:50Z"


def test_button_payloads_are_shown_as_clicks() -> None:
    lines = build_transcript([user("/affirm", "affirm"), user("/request_human", "request_human")])
    assert [line["text"] for line in lines] == ["(clicked: affirm)", "(clicked: request human)"]
    assert all(line["speaker"] == "customer" for line in lines)


def test_a_bot_message_with_only_buttons_shows_their_titles() -> None:
    lines = build_transcript(
        [
            bot(
                None,
                buttons=[
                    {"title": "Yes, please", "payload": "/affirm"},
                    {"title": "No, thanks", "payload": "/deny"},
                ],
            )
        ]
    )
    assert lines == [{"speaker": "bot", "text": "Yes, please / No, thanks", "at": lines[0]["at"]}]


def test_hidden_and_empty_events() -> None:
    lines = build_transcript(
        [
            user("/agent_handback", "agent_handback"),
            user("/session_start", "session_start"),
            bot(""),
            action("action_handback"),
            user("thanks", "thank"),
        ]
    )
    assert [line["text"] for line in lines] == ["thanks"]


def test_long_texts_and_long_conversations_are_bounded() -> None:
    lines = build_transcript(
        [user("x" * (MAX_TEXT_CHARS + 500), "inform"), bot("y" * (MAX_TEXT_CHARS * 2))]
    )
    assert [len(line["text"]) for line in lines] == [MAX_TEXT_CHARS, MAX_TEXT_CHARS]
    many = build_transcript(
        [user(f"message {i}", "inform") for i in range(MAX_TRANSCRIPT_TURNS + 20)]
    )
    assert len(many) == MAX_TRANSCRIPT_TURNS
    assert many[-1]["text"] == f"message {MAX_TRANSCRIPT_TURNS + 19}"  # the latest are kept


def test_externally_triggered_intents_are_hidden() -> None:
    lines = build_transcript(
        [user("thanks Sam", "thank"), external("agent_handback"), external("end_handoff")]
    )
    texts = [line["text"] for line in lines]
    assert texts[0] == "thanks Sam"
    assert not any(
        "EXTERNAL" in text or "agent_handback" in text or "agent handback" in text for text in texts
    ), texts
