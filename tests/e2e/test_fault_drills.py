"""Fault drills on the running system, counted: messages sent, relayed, duplicated.

* A hung inbox (SIGSTOP: it accepts connections and never answers) while 20
  customers ask for a person: every one is told what happens next within
  seconds and paused; nothing they write is lost or doubled once it resumes.
* A locked tracker database while customers in a handoff keep writing: the bot
  never answers from a blank conversation, every message is relayed once.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.agent_client import AgentClient
from tests.stack import Stack, texts, wait_for

pytestmark = pytest.mark.e2e

HANDOFF_WORDS = "bringing in a person"
CUSTOMERS = 20
# The drill stops the inbox for 60 s; 25 s covers several outbox
# retries and the action server's 3 s budget many times over, in CI time.
HUNG_SECONDS = 25


def timed_say(stack: Stack, sender: str, text: str) -> tuple[float, str]:
    started = time.monotonic()
    reply = texts(stack.say(sender, text, timeout=90))
    return time.monotonic() - started, reply


def handoffs_per_conversation(agent: AgentClient, senders: list[str]) -> dict[str, int]:
    items = agent.queue()["items"]
    return {
        sender: sum(1 for item in items if item.get("conversation_id") == sender)
        for sender in senders
    }


def test_a_hung_inbox_leaves_no_ghost_handoffs(stack: Stack, agent: AgentClient) -> None:
    senders = [f"hung-{i}-{uuid.uuid4().hex[:6]}" for i in range(CUSTOMERS)]
    inbox = stack.processes["inbox"]
    os.kill(inbox.pid, signal.SIGSTOP)
    try:
        with ThreadPoolExecutor(max_workers=CUSTOMERS) as pool:
            asked = list(
                pool.map(
                    lambda s: timed_say(stack, s, "I want to talk to a person please"), senders
                )
            )
            written = list(
                pool.map(lambda s: timed_say(stack, s, f"my order is 10482 ({s})"), senders)
            )
        trackers = {sender: stack.tracker(sender) for sender in senders}
    finally:
        os.kill(inbox.pid, signal.SIGCONT)

    slowest_ask = max(seconds for seconds, _ in asked)
    assert all(HANDOFF_WORDS in reply for _, reply in asked), [
        r for _, r in asked if HANDOFF_WORDS not in r
    ]
    assert slowest_ask < 20, f"a customer waited {slowest_ask:.0f} s for the handoff line (was 60+)"
    assert all(reply == "" for _, reply in written), "the bot spoke during a handoff"
    paused = [s for s, t in trackers.items() if t["paused"] and t["slots"]["handoff_active"]]
    assert len(paused) == CUSTOMERS

    keys = {s: t["slots"]["handoff_key"] for s, t in trackers.items()}

    wait_for(
        lambda: all(n == 1 for n in handoffs_per_conversation(agent, senders).values()),
        timeout=90,
        message="one handoff per conversation once the inbox resumed",
    )
    # Asking again once it answers creates nothing new: it is relayed like any message.
    after = {s: f"can I talk to a person? ({s})" for s in senders}
    with ThreadPoolExecutor(max_workers=CUSTOMERS) as pool:
        assert all(
            reply == "" for _, reply in pool.map(lambda s: timed_say(stack, s, after[s]), senders)
        )

    def relayed() -> dict[str, list[str]]:
        return {s: agent.customer_texts(keys[s]) for s in senders}

    expected = {s: [f"my order is 10482 ({s})", after[s]] for s in senders}
    seen = wait_for(
        lambda: (lambda r: r if all(r[s][-2:] == expected[s] for s in senders) else None)(
            relayed()
        ),
        timeout=90,
        message="every message relayed in order",
    )
    sent = 2 * CUSTOMERS
    delivered = sum(len([t for t in seen[s] if t in expected[s]]) for s in senders)
    duplicated = sum(len(seen[s]) - len(set(seen[s])) for s in senders)
    assert (sent, delivered, duplicated) == (2 * CUSTOMERS, 2 * CUSTOMERS, 0)
    assert handoffs_per_conversation(agent, senders) == {s: 1 for s in senders}


class TrackerLock:
    """Hold an exclusive lock on the tracker's SQLite file for ``seconds``, as a backup tool would."""

    def __init__(self, path: str, seconds: float) -> None:
        self.path, self.seconds = path, seconds
        self.locked = threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        self.locked.set()
        time.sleep(self.seconds)
        connection.execute("COMMIT")
        connection.close()

    def __enter__(self) -> TrackerLock:
        self.thread.start()
        assert self.locked.wait(30)
        return self

    def __exit__(self, *exc: object) -> None:
        self.thread.join(self.seconds + 30)


def test_a_locked_tracker_database_never_makes_the_bot_talk_in_a_handoff(
    stack: Stack, agent: AgentClient
) -> None:
    senders = [f"locked-{i}-{uuid.uuid4().hex[:6]}" for i in range(6)]
    for sender in senders:
        assert HANDOFF_WORDS in texts(stack.say(sender, "let me speak to a human"))
    keys = {s: stack.tracker(s)["slots"]["handoff_key"] for s in senders}
    wait_for(
        lambda: all(agent.conversation(k) for k in keys.values()), message="handoffs in the inbox"
    )

    message = {s: f"any news on my parcel? ({s})" for s in senders}
    with TrackerLock(str(stack.var / "rasa_tracker.db"), seconds=12):
        with ThreadPoolExecutor(max_workers=len(senders)) as pool:
            replies = list(pool.map(lambda s: timed_say(stack, s, message[s])[1], senders))

    # Rasa waits the lock out (busy timeout 20 s): no blank tracker, no bot line, no retry needed.
    assert replies == [""] * len(senders), replies
    for sender in senders:
        tracker = stack.tracker(sender)
        assert tracker["paused"] is True and tracker["slots"]["handoff_active"] is True
        assert not any(
            "order number" in (e.get("text") or "")
            for e in tracker["events"]
            if e["event"] == "bot"
        )
    seen = wait_for(
        lambda: (lambda r: r if all(message[s] in r[s] for s in senders) else None)(
            {s: agent.customer_texts(keys[s]) for s in senders}
        ),
        timeout=60,
        message="messages relayed",
    )
    assert all(seen[s].count(message[s]) == 1 for s in senders)


def test_a_lock_past_the_busy_timeout_refuses_the_message_politely(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """With a 2 s busy timeout, a 10 s lock is a store failure: the customer is asked to send
    again, and the conversation is not started afresh."""
    stack = Stack(
        workdir=tmp_path_factory.mktemp("lockstack"), extra_env={"TRACKER_STORE_BUSY_TIMEOUT": "2"}
    )
    try:
        stack.start(webchat=False)
        sender = f"refused-{uuid.uuid4().hex[:6]}"
        assert HANDOFF_WORDS in texts(stack.say(sender, "let me speak to a human"))
        with TrackerLock(str(stack.var / "rasa_tracker.db"), seconds=10):
            reply = texts(stack.say(sender, "are you there?", timeout=60))
        assert "send it again" in reply
        assert "order number" not in reply.lower()
        tracker = stack.tracker(sender)
        assert tracker["paused"] is True and tracker["slots"]["handoff_active"] is True
        assert stack.say(sender, "are you there?") == []  # resent: relayed, the bot stays silent
    finally:
        stack.stop_all()
