"""The summary names the customer's language, so the agent sees it before opening the chat."""

from __future__ import annotations

from typing import Any

from actions.handoff.summary import ConversationInfo, EscalationInfo, build_summary
from tests.actions.conftest import bot, user

START = 1_764_151_200.0
ESCALATION = EscalationInfo(trigger="request", explanation='Asked for a person: "/request_human"')


def summary_with(**slots: Any) -> dict[str, Any]:
    events = [
        user(
            "Hallo, wo ist meine Bestellung? Ich warte seit einer Woche.",
            "order_status",
            timestamp=START,
        ),
        bot(
            "Ich spreche leider nur Englisch, aber eine Person aus unserem Team hilft Ihnen gern weiter.",
            timestamp=START + 1,
        ),
        user("/request_human", "request_human", timestamp=START + 20),
    ]
    return build_summary(
        conversation=ConversationInfo(conversation_id="web-de", channel="socketio"),
        events=events,
        slots=slots,
        escalation=ESCALATION,
    )


def test_the_detected_language_is_in_the_conversation_and_first_in_the_brief() -> None:
    summary = summary_with(customer_language="de")
    assert summary["conversation"]["language"] == "de"
    brief = summary["brief"].splitlines()
    assert brief[0] == "Writes in German: the bot answers in English only."
    assert len(brief) == 4


def test_an_english_customer_gets_no_language_line() -> None:
    for slots in ({"customer_language": "en"}, {}):
        summary = summary_with(**slots)
        assert summary["conversation"]["language"] == "en"
        assert "Writes in" not in summary["brief"]
        assert len(summary["brief"].splitlines()) == 3
