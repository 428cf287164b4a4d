"""Abusive customer lines in the summary's transcript are flagged for masking, never altered."""

from __future__ import annotations

from actions.frustration.abuse import is_abusive
from actions.handoff.summary import ConversationInfo, EscalationInfo, build_summary, flag_abusive
from tests.actions.conftest import bot, user

START = 1_764_151_200.0


def test_insults_are_flagged_and_complaints_are_not() -> None:
    assert is_abusive("you are useless idiots, I'll cancel my account")
    assert is_abusive("SHUT UP and get me a person")
    assert not is_abusive("this is ridiculous, it's the third time I've had to chase this!!")
    assert not is_abusive("where is my order?")
    assert not is_abusive("   ")


def test_only_customer_lines_get_the_flag() -> None:
    lines = [
        {"speaker": "customer", "text": "you idiots", "at": "t"},
        {"speaker": "bot", "text": "Sorry, did you mean 'idiots'?", "at": "t"},
        {"speaker": "customer", "text": "where is my order", "at": "t"},
    ]
    assert flag_abusive(lines) == [
        {"speaker": "customer", "text": "you idiots", "at": "t", "abusive": True},
        {"speaker": "bot", "text": "Sorry, did you mean 'idiots'?", "at": "t"},
        {"speaker": "customer", "text": "where is my order", "at": "t"},
    ]


def test_the_summary_keeps_the_words_redacted_and_flags_the_line() -> None:
    events = [
        user("where is my order?", "order_status", timestamp=START),
        bot("What's your order number?", timestamp=START + 1),
        user(
            "you morons, my card 4111 1111 1111 1111 was charged twice",
            "complaint",
            timestamp=START + 20,
        ),
    ]
    summary = build_summary(
        conversation=ConversationInfo(conversation_id="web-1", channel="socketio"),
        events=events,
        slots={},
        escalation=EscalationInfo(trigger="abuse", explanation="abusive language ('morons')"),
    )
    last = summary["transcript"][-1]
    assert last == {
        "speaker": "customer",
        "text": "you morons, my card [card number] was charged twice",
        "at": "2025-11-26T10:00:20Z",
        "abusive": True,
    }
    assert "abusive" not in summary["transcript"][0]
