"""A customer writing German, end to end: one line in German, a "danke" that is a thanks,
and a handoff whose summary (as the inbox API returns it) names the language."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.agent_client import AgentClient
from tests.stack import Stack, texts, wait_for

pytestmark = pytest.mark.e2e

GERMAN_LINE = "Ich spreche leider nur Englisch"
HANDOFF_WORDS = "bringing in a person"


def _get_or_none(agent: AgentClient, key: str):
    try:
        return agent.conversation(key)
    except httpx.HTTPStatusError:
        return None


def test_a_german_customer_is_answered_in_german_and_handed_off_with_the_language(
    stack: Stack, agent: AgentClient
) -> None:
    sender = f"e2e-de-{uuid.uuid4().hex[:8]}"

    replies = stack.say(
        sender, "Hallo, ich habe eine Frage zu meiner Bestellung. Wo ist mein Paket?"
    )
    assert len(replies) == 1, replies  # one line, no English answer after it
    assert replies[0]["text"].startswith(GERMAN_LINE)
    assert [(b["title"], b["payload"]) for b in replies[0]["buttons"]] == [
        ("Mit einer Person sprechen", "/request_human")
    ]

    # A courtesy word is a thanks, not the German line and not "didn't quite get that".
    thanks = texts(stack.say(sender, "danke"))
    assert GERMAN_LINE not in thanks and "didn't quite get" not in thanks
    assert thanks

    # The customer taps the button.
    assert HANDOFF_WORDS in texts(stack.say(sender, "/request_human"))
    tracker = stack.tracker(sender)
    assert tracker["slots"]["customer_language"] == "de"
    key = tracker["slots"]["handoff_key"]

    conversation = wait_for(lambda: _get_or_none(agent, key), message="handoff in the inbox")
    assert conversation["summary"]["conversation"]["language"] == "de"
    assert conversation["brief"].startswith("Writes in German")
    customer_lines = [
        line["text"]
        for line in conversation["summary"]["transcript"]
        if line["speaker"] == "customer"
    ]
    assert customer_lines[0].startswith("Hallo, ich habe eine Frage")


def test_english_with_a_german_place_name_gets_the_english_answer(stack: Stack) -> None:
    sender = f"e2e-de-{uuid.uuid4().hex[:8]}"
    reply = texts(stack.say(sender, "my order from München hasn't arrived yet"))
    assert GERMAN_LINE not in reply and "only chat in English" not in reply
    assert stack.tracker(sender)["slots"]["writes_other_language"] is False


def test_a_customer_writing_arabic_hears_that_the_bot_chats_in_english(stack: Stack) -> None:
    # "Where is my order?" in Arabic was answered "Hi! I'm the Northwind Store assistant ...".
    sender = f"e2e-ar-{uuid.uuid4().hex[:8]}"
    replies = stack.say(sender, "أين طلبي؟")
    assert len(replies) == 1, replies
    assert replies[0]["text"].startswith("I can only chat in English")
    assert [b["payload"] for b in replies[0]["buttons"]] == ["/request_human"]
    assert stack.tracker(sender)["slots"]["customer_language"] == "ar"
