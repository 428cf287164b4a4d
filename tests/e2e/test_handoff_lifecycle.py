"""Issue 15's broken paths around a handoff, played on the real stack (Rasa, action
server, inbox): the customer leaving the queue, answering an agent, being resolved or
handed back, and the inbox being down when they leave. The inbox owns every step."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.agent_client import AgentClient
from tests.stack import Stack, texts, wait_for

pytestmark = pytest.mark.e2e

NOTE = "original parcel held at DPD Croydon depot"


def handed_off(stack: Stack, agent: AgentClient) -> tuple[str, str]:
    """The issue's script up to the request for a person; (sender, handoff key)."""
    sender = f"life-{uuid.uuid4().hex[:8]}"
    stack.say(sender, "I want to cancel my order")
    stack.say(sender, "10501")
    stack.say(sender, "can I just talk to a real person please")
    tracker = stack.tracker(sender)
    assert tracker["paused"] is True, tracker["slots"]
    key = tracker["slots"]["handoff_key"]
    wait_for(lambda: _known(agent, key), message="handoff in the inbox")
    return sender, key


def _known(agent: AgentClient, key: str) -> bool:
    return agent.http.get(f"/api/v1/handoffs/{key}").status_code == 200


def bot_lines(stack: Stack, sender: str) -> list[str]:
    return [e.get("text") or "" for e in stack.tracker(sender)["events"] if e["event"] == "bot"]


def _left_queue_lines(stack: Stack, sender: str) -> list[str]:
    return [line for line in bot_lines(stack, sender) if "taken you out of the queue" in line]


def test_leaving_the_queue_then_the_agent_claims(stack: Stack, agent: AgentClient) -> None:
    sender, key = handed_off(stack, agent)
    assert stack.say(sender, "/end_handoff") == []  # relayed; the inbox acts on it
    # The inbox resumes the bot, then triggers end_handoff: the line comes a moment after
    # the un-pause, so wait for the line itself (waiting for "paused" raced it in CI).
    wait_for(lambda: _left_queue_lines(stack, sender), message="the bot's left-the-queue line")
    assert stack.tracker(sender)["paused"] is False
    spoken = bot_lines(stack, sender)
    assert not any("Thanks for chatting with our team" in line for line in spoken)

    record = agent.conversation(key)
    assert record["status"] == "abandoned" and record["left_after"].startswith("left after")
    assert key not in [item["handoff_key"] for item in agent.queue()["items"]]
    claim = agent.http.post(f"/api/v1/handoffs/{key}/claim", headers={"X-CSRF-Token": agent.csrf})
    assert claim.status_code == 409
    assert claim.json()["detail"].startswith("The customer left before anyone joined")

    # The next message goes to the bot, and a person can be asked for again.
    assert texts(stack.say(sender, "hello"))  # the bot answers
    assert "hello" not in agent.customer_texts(key)
    stack.say(sender, "can I talk to a person please")
    again = stack.tracker(sender)["slots"]["handoff_key"]
    assert again and again != key


def test_the_answer_after_an_agent_joined_goes_to_the_agent(
    stack: Stack, agent: AgentClient
) -> None:
    sender, key = handed_off(stack, agent)
    agent.claim(key)
    agent.reply(key, "Hi, I'm Sam. Which order would you like to cancel?")
    assert stack.say(sender, "10501 please") == []  # the bot stays silent
    wait_for(lambda: "10501 please" in agent.customer_texts(key), message="answer in the inbox")
    tracker = stack.tracker(sender)
    assert tracker["paused"] is True
    assert (tracker.get("active_loop") or {}).get("name") is None  # no cancel form started


def test_resolve_and_hand_back_say_their_own_lines_and_never_the_note(
    stack: Stack, agent: AgentClient
) -> None:
    resolved_sender, resolved = handed_off(stack, agent)
    agent.claim(resolved)
    agent.resolve(resolved, NOTE, "A replacement pair ships today")
    # Closing line, resume, then agent_handback: wait for that action's slots, or the checks
    # that it said no line of its own would pass before it ran.
    wait_for(
        lambda: stack.tracker(resolved_sender)["slots"]["handoff_active"] is False,
        message="handoff closed after resolve",
    )
    assert stack.tracker(resolved_sender)["paused"] is False
    closing = [line for line in bot_lines(stack, resolved_sender) if "closed this chat" in line]
    assert len(closing) == 1 and "A replacement pair ships today." in closing[0]
    assert "ask for a person again" in closing[0]
    assert not any(
        "Hi again, it's the assistant" in line for line in bot_lines(stack, resolved_sender)
    )

    back_sender, back = handed_off(stack, agent)
    agent.claim(back)
    agent.hand_back(back, NOTE)
    wait_for(
        lambda: any("Hi again, it's the assistant" in x for x in bot_lines(stack, back_sender)),
        message="hand-back line",
    )
    # Whatever any channel pushes is a bot event in the tracker: the note is in none of them.
    for sender in (resolved_sender, back_sender):
        pushed = [e for e in stack.tracker(sender)["events"] if e["event"] == "bot"]
        assert "Croydon" not in json.dumps(pushed)
    # The REST channel's answer to the next turn carries no note either.
    assert "Croydon" not in json.dumps(stack.say(back_sender, "thanks"))


def test_the_inbox_down_when_the_customer_leaves(stack: Stack, agent: AgentClient) -> None:
    """Fault case: the report waits in the bot's outbox; the handoff closes exactly once."""
    sender, key = handed_off(stack, agent)
    stack.stop("inbox")
    try:
        assert stack.say(sender, "/end_handoff") == []
        assert stack.tracker(sender)["paused"] is True  # nobody else un-pauses the bot
    finally:
        stack.start_inbox()
        stack.wait_until_up("inbox", f"{stack.inbox_url}/healthz")
    wait_for(
        lambda: _left_queue_lines(stack, sender),
        timeout=90,
        message="closed after the inbox came back",
    )
    assert stack.tracker(sender)["paused"] is False
    record = agent.conversation(key)
    assert record["status"] == "abandoned"
    assert [t["event"] for t in record["transitions"]] == ["customer_left"]
    assert len(_left_queue_lines(stack, sender)) == 1
