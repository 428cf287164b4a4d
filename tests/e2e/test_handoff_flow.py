"""The warm handoff end to end: real Rasa, real action server, real inbox.

A scripted customer grows frustrated, is handed off, keeps writing to the
agent, hears the agent, and is handed back to a bot that remembers the facts.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.agent_client import AgentClient
from tests.stack import Stack, texts, wait_for

pytestmark = pytest.mark.e2e

HANDOFF_WORDS = "bringing in a person"

# Calm at first, then a steady rise: the handoff must come from the trend,
# not from the first negative word, and no later than the last line.
FRUSTRATION_SCRIPT = [
    "hi there",
    "where is my order?",
    "10482",
    "dana.whitfield@example.com",
    "it was meant to arrive last week though",
    "that's not good enough, I've been waiting for over a week now",
    "this is ridiculous, it's the third time I've had to chase this!!",
    "SERIOUSLY?? nobody at your company seems to care at all",
]
CALM_TURNS = 4


def handoff_key_of(stack: Stack, sender: str) -> str:
    return stack.tracker(sender)["slots"]["handoff_key"]


def escalate(stack: Stack, sender: str) -> tuple[int, list[str]]:
    """Play the script until the bot hands off; the index of that turn and the bot's words."""
    for index, line in enumerate(FRUSTRATION_SCRIPT):
        reply = texts(stack.say(sender, line))
        if HANDOFF_WORDS in reply:
            return index, reply.splitlines()
    raise AssertionError(f"never escalated; tracker slots: {stack.tracker(sender)['slots']}")


def test_rising_frustration_is_handed_off_with_full_context(
    stack: Stack, agent: AgentClient
) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    turn, bot_lines = escalate(stack, sender)

    assert CALM_TURNS <= turn < len(FRUSTRATION_SCRIPT), f"escalated at turn {turn}"
    spoken = "\n".join(bot_lines)
    assert "sorry" in spoken.lower()  # acknowledges the feeling
    assert "won't need to repeat" in spoken
    assert "queue" in spoken or "as soon as possible" in spoken or "busy" in spoken

    tracker = stack.tracker(sender)
    assert tracker["paused"] is True
    assert tracker["slots"]["handoff_active"] is True
    key = tracker["slots"]["handoff_key"]

    conversation = wait_for(lambda: _get_or_none(agent, key), message="handoff in the inbox")
    summary = conversation["summary"]
    assert summary["customer"] == {
        "name": "Dana Whitfield",
        "email": "dana.whitfield@example.com",
        "verified": True,
    }
    # The id and channel are the handoff's own fields (sent once); the summary keeps the rest.
    assert conversation["conversation_id"] == sender and conversation["channel"] == "rest"
    assert summary["version"] == 2 and summary["conversation"]["language"] == "en"
    assert summary["conversation"]["conversation_seconds"] >= 0
    assert summary["goal"].startswith("Find out where order 10482 is")
    assert summary["facts"]["order_number"] == "10482"
    assert "in transit" in summary["facts"]["order_status"]
    assert summary["facts"]["items"]
    assert any("10482" in attempt["what"] for attempt in summary["bot_attempts"])
    assert summary["escalation"]["trigger"] in {"frustration", "churn", "abuse", "repeated_failure"}
    assert summary["escalation"]["reasons"]  # plain sentences, each once
    assert conversation["reason"] == "; ".join(summary["escalation"]["reasons"])
    assert "'" not in conversation["reason"]  # nothing quoted from the customer
    assert len(summary["escalation"]["timeline"]) == turn + 1
    assert summary["priority"] in {"normal", "high", "urgent"}
    assert "Dana" in summary["suggested_opening"] and "10482" in summary["suggested_opening"]
    customer_lines = [
        line["text"] for line in summary["transcript"] if line["speaker"] == "customer"
    ]
    assert customer_lines == FRUSTRATION_SCRIPT[: turn + 1]
    assert any(line["speaker"] == "bot" for line in summary["transcript"])
    assert conversation["brief"].startswith("Dana Whitfield (verified")

    # While a person owns the chat, the bot is silent and every message reaches the inbox once, in order.
    follow_ups = ["hello?", "are you there", "my card is 4111 1111 1111 1111 if you need it"]
    for line in follow_ups:
        assert stack.say(sender, line) == []
    expected = ["hello?", "are you there", "my card is [card number] if you need it"]
    wait_for(lambda: agent.customer_texts(key) == expected, message="relayed messages")

    # The agent's reply reaches the customer's conversation (tracker, as a bot message from the agent).
    agent.claim(key)
    agent.reply(
        key,
        "Hi Dana, I'm Sam. I can see order 10482 is stuck; I've asked DPD to redeliver tomorrow.",
    )

    def agent_reply_in_tracker() -> bool:
        return any(
            event.get("event") == "bot" and "asked DPD to redeliver" in (event.get("text") or "")
            for event in stack.tracker(sender)["events"]
        )

    wait_for(agent_reply_in_tracker, message="agent reply in the tracker")
    assert stack.say(sender, "thank you so much") == []

    # Hand back: the bot answers again, remembers the facts, frustration starts afresh.
    agent.hand_back(key, "asked DPD by phone, ref 77812", "DPD will redeliver tomorrow")
    # Resume, then the hand-back action: wait for the action's slots, not just the un-pause.
    wait_for(
        lambda: stack.tracker(sender)["slots"]["handoff_active"] is False,
        message="conversation handed back",
    )
    assert stack.tracker(sender)["paused"] is False
    slots = stack.tracker(sender)["slots"]
    assert slots["handoff_active"] is False
    assert slots["frustration_level"] == "calm"
    assert slots["order_number"] == "10482"
    handback_line = [e for e in stack.tracker(sender)["events"] if e.get("event") == "bot"][-1][
        "text"
    ]
    assert "DPD will redeliver tomorrow" in handback_line
    assert "77812" not in handback_line  # the internal note stays in the inbox

    reply = texts(stack.say(sender, "where is my order?"))
    assert "order number" not in reply.lower()  # not asked again
    assert "10482" in reply


def _get_or_none(agent: AgentClient, key: str):
    try:
        return agent.conversation(key)
    except httpx.HTTPStatusError:
        return None


def test_request_for_a_person_mid_form_hands_off_at_once(stack: Stack, agent: AgentClient) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    assert "order number" in texts(stack.say(sender, "I want to cancel my order"))
    reply = texts(stack.say(sender, "can I just talk to a human please"))
    assert HANDOFF_WORDS in reply
    key = handoff_key_of(stack, sender)
    conversation = wait_for(lambda: _get_or_none(agent, key), message="handoff")
    assert conversation["summary"]["escalation"]["trigger"] == "request"
    assert conversation["summary"]["goal"] == "Cancel an order"
    assert stack.tracker(sender)["active_loop"] in ({}, None) or not stack.tracker(sender)[
        "active_loop"
    ].get("name")


def test_handoff_survives_restart_and_new_session(stack: Stack, agent: AgentClient) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    assert HANDOFF_WORDS in texts(stack.say(sender, "I need to speak to a real person"))
    key = handoff_key_of(stack, sender)
    wait_for(lambda: _get_or_none(agent, key), message="handoff")

    assert stack.say(sender, "/restart") == []
    assert stack.say(sender, "/session_start") == []
    assert stack.say(sender, "still there?") == []
    tracker = stack.tracker(sender)
    assert tracker["paused"] is True
    assert tracker["slots"]["handoff_key"] == key
    wait_for(
        lambda: "still there?" in agent.customer_texts(key), message="message after restart relayed"
    )


def test_handoff_survives_a_rasa_restart(stack: Stack, agent: AgentClient) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    assert HANDOFF_WORDS in texts(stack.say(sender, "agent please"))
    key = handoff_key_of(stack, sender)
    stack.stop("rasa")
    stack.start_rasa()
    stack.wait_for_rasa()
    assert stack.say(sender, "hello after the restart") == []
    wait_for(
        lambda: "hello after the restart" in agent.customer_texts(key),
        message="relay after Rasa restart",
    )


def test_inbox_down_during_escalation_loses_nothing(stack: Stack, agent: AgentClient) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    stack.stop("inbox")
    try:
        reply = texts(stack.say(sender, "let me talk to a person"))
        assert HANDOFF_WORDS in reply
        assert "trouble reaching our team" in reply  # the truth, not a promise of a queue position
        assert stack.say(sender, "first while down") == []
        assert stack.say(sender, "second while down") == []
    finally:
        stack.start_inbox()
        stack.wait_until_up("inbox", f"{stack.inbox_url}/healthz")
    key = handoff_key_of(stack, sender)
    fresh_agent = AgentClient(stack.inbox_url, stack.admin_user, stack.admin_password)
    try:
        wait_for(
            lambda: _get_or_none(fresh_agent, key),
            timeout=40,
            message="handoff delivered after recovery",
        )
        wait_for(
            lambda: fresh_agent.customer_texts(key) == ["first while down", "second while down"],
            timeout=40,
            message="messages delivered once, in order",
        )
        queue_keys = [item["handoff_key"] for item in fresh_agent.queue()["items"]]
        assert queue_keys.count(key) == 1
    finally:
        fresh_agent.close()


def test_the_customer_can_end_the_chat_with_a_person(stack: Stack, agent: AgentClient) -> None:
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    assert HANDOFF_WORDS in texts(stack.say(sender, "can I talk to a human"))
    key = handoff_key_of(stack, sender)
    wait_for(lambda: _get_or_none(agent, key), message="handoff")
    agent.claim(
        key
    )  # with a person: ending while still waiting has its own line (test_handoff_lifecycle.py)

    assert stack.say(sender, "/end_handoff") == []  # the widget's "end chat" button
    wait_for(
        lambda: stack.tracker(sender)["slots"]["handoff_active"] is False,
        message="handoff ended by the customer",
    )
    tracker = stack.tracker(sender)
    assert tracker["paused"] is False
    assert any(
        "Thanks for chatting with our team" in (e.get("text") or "")
        for e in tracker["events"]
        if e["event"] == "bot"
    )
    wait_for(
        lambda: agent.conversation(key).get("customer_ended_at"),
        message="inbox told the customer left",
    )
    assert "Standard delivery" in texts(stack.say(sender, "how much is shipping?"))
