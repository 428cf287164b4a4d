"""Notes for agents never reach Rasa, with the real system (issue 16).

Real Rasa, action server and inbox (tests/stack.py). The customer asks for a person,
the agent claims, writes a note for colleagues, answers the customer and transfers
the conversation back to the queue with a note: Rasa's tracker holds the reply and
the line the customer hears on transfer, and neither note, anywhere in its events.
"""

from __future__ import annotations

import json
import uuid

import pytest

from tests.agent_client import AgentClient
from tests.stack import Stack, texts, wait_for

pytestmark = pytest.mark.e2e

NOTE = "Internal: customer is on our watch list for chargebacks"
TRANSFER_NOTE = "Internal: needs a supervisor, do not promise a refund"
REPLY = "Hi Dana, I'm looking at order 10482 now."


def test_notes_for_agents_never_reach_rasa(stack: Stack, agent: AgentClient) -> None:
    sender = f"e2e-notes-{uuid.uuid4().hex[:8]}"
    for line in ("where is my order?", "10482", "dana.whitfield@example.com"):
        stack.say(sender, line)
    assert "bringing in a person" in texts(stack.say(sender, "I want to talk to a person"))
    key = stack.tracker(sender)["slots"]["handoff_key"]
    wait_for(lambda: _in_queue(agent, key), message="the handoff in the inbox")

    agent.claim(key)
    agent._post(f"/api/v1/handoffs/{key}/notes", {"text": NOTE})
    agent.reply(key, REPLY)
    agent._post(f"/api/v1/handoffs/{key}/transfer", {"to": None, "note": TRANSFER_NOTE})

    def events() -> str:
        return json.dumps(stack.tracker(sender)["events"])

    wait_for(lambda: REPLY in events(), message="the agent's reply in Rasa's tracker")
    wait_for(
        lambda: "A colleague will take over from here" in events(),
        message="the transfer line in Rasa's tracker",
    )
    everything = events()
    assert NOTE not in everything and "watch list" not in everything
    assert TRANSFER_NOTE not in everything and "supervisor" not in everything
    notes = agent.http.get(f"/api/v1/handoffs/{key}/notes").json()
    assert [n["text"] for n in notes] == [NOTE, TRANSFER_NOTE]


def _in_queue(agent: AgentClient, key: str) -> bool:
    return any(item["handoff_key"] == key for item in agent.queue()["items"])
