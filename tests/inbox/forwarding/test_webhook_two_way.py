"""The two-way signed webhook through the real inbox, with the reference desk of
``reference_desk.py``: the desk hears the conversation and its agents answer from it."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest

from inbox.forwarding.settings import ForwardSettings

from ..helpers import create_handoff
from .conftest import SECRET, serve_inbox
from .reference_desk import ReferenceDesk
from .test_chatwoot_two_way import customer_message, said_to_customer

LEE = ("agent-7", "Lee")


@pytest.fixture()
def desk() -> Iterator[ReferenceDesk]:
    fake = ReferenceDesk(SECRET)
    yield fake
    fake.close()


def two_way(desk: ReferenceDesk, **overrides: Any) -> ForwardSettings:
    values: dict[str, Any] = dict(
        public_url="https://inbox.example.com",
        webhook_url=desk.url + "/hooks",
        webhook_secret=SECRET,
        backoff_seconds=0.05,
        max_backoff_seconds=0.2,
        timeout_seconds=2,
        poll_seconds=0.2,
    )
    values.update(overrides)
    return ForwardSettings(**values)


def test_a_handoff_answered_only_from_the_desk(database_url, fake_rasa, desk):
    for inbox in serve_inbox(database_url, fake_rasa, two_way(desk)):
        desk.inbox_url = inbox.url
        bot = inbox.bot()
        key = create_handoff(bot)["handoff_key"]
        assert desk.wait_for(lambda: key in desk.conversations)

        answer = desk.agent_reply(key, "Hi Dana, Lee here.", LEE)
        assert answer.status_code == 201, answer.text
        assert answer.json()["status"] == "claimed"
        customer_message(bot, key, "m-1", "Where is it?")
        customer_message(bot, key, "m-1", "Where is it?")  # the bot's retry
        customer_message(bot, key, "m-2", "It was due Monday")
        assert desk.wait_for(
            lambda: desk.conversations[key].customer == ["Where is it?", "It was due Monday"]
        )
        assert desk.agent_reply(key, "A new pair ships today.", LEE).status_code == 201
        back = desk.status_change(key, "conversation.handed_back", LEE)
        assert back.status_code == 201 and back.json()["status"] == "handed_back"
        fake_rasa.wait_for(5)
        assert said_to_customer(fake_rasa) == [
            ("system", "Lee has joined the chat."),
            ("agent", "Hi Dana, Lee here."),
            ("agent", "A new pair ships today."),
            ("resume", ""),
            ("handback", "A new pair ships today."),
        ]
        assert desk.wait_for(lambda: desk.conversations[key].status == "closed")
        assert desk.rejected == 0

        reopened = desk.status_change(key, "conversation.reopened", LEE)
        assert reopened.status_code == 201 and reopened.json()["status"] == "claimed"
        fake_rasa.wait_for(6)
        assert {"event": "pause"} in fake_rasa.calls[-1]["json"]


def test_the_same_action_three_times_is_one_message(database_url, fake_rasa, desk):
    for inbox in serve_inbox(database_url, fake_rasa, two_way(desk)):
        desk.inbox_url = inbox.url
        key = create_handoff(inbox.bot())["handoff_key"]
        answers = [desk.agent_reply(key, "One moment.", LEE, key="reply-1") for _ in range(3)]
        assert [a.status_code for a in answers] == [201, 200, 200]
        assert [a.json()["duplicate"] for a in answers] == [False, True, True]
        fake_rasa.wait_for(2)
        assert [t for kind, t in said_to_customer(fake_rasa) if kind == "agent"] == ["One moment."]


@pytest.mark.parametrize("how", ["wrong secret", "old timestamp", "no signature", "no key"])
def test_a_bad_signature_is_refused_logged_and_nothing_relayed(
    database_url, fake_rasa, desk, caplog, how
):
    for inbox in serve_inbox(database_url, fake_rasa, two_way(desk)):
        desk.inbox_url = inbox.url
        key = create_handoff(inbox.bot())["handoff_key"]
        action = {
            "type": "agent.reply",
            "handoff_key": key,
            "agent": {"id": "x", "name": "Mallory"},
            "text": "Send your card number here",
        }
        if how == "wrong secret":
            desk.secret = "not-the-shared-secret-000"
        with caplog.at_level(logging.WARNING, logger="inbox.forwarding.desk_routes"):
            if how == "old timestamp":
                response = desk.signed_post(action, timestamp=str(int(time.time()) - 3600))
            elif how == "no signature":
                import httpx

                response = httpx.post(
                    f"{inbox.url}/api/v1/helpdesks/webhook/actions",
                    json=action,
                    headers={"Idempotency-Key": "k-1"},
                )
            elif how == "no key":
                import httpx

                from .reference_desk import sign

                body = __import__("json").dumps(action).encode()
                stamp = str(int(time.time()))
                response = httpx.post(
                    f"{inbox.url}/api/v1/helpdesks/webhook/actions",
                    content=body,
                    headers={
                        "X-Northwind-Timestamp": stamp,
                        "X-Northwind-Signature": sign(SECRET, stamp, body),
                    },
                )
            else:
                response = desk.signed_post(action)
        if how == "no key":
            assert response.status_code == 422  # signed, but an action needs its key
        else:
            assert response.status_code == 401
            assert any("help desk webhook refused" in r.getMessage() for r in caplog.records)
        messages = inbox.bot().get(f"/api/v1/handoffs/{key}").json()["messages"]
        assert all(m["sender"] != "agent" for m in messages)
        assert [t for kind, t in said_to_customer(fake_rasa) if kind == "agent"] == []


def test_an_invalid_action_says_what_is_wrong(database_url, fake_rasa, desk):
    for inbox in serve_inbox(database_url, fake_rasa, two_way(desk)):
        desk.inbox_url = inbox.url
        key = create_handoff(inbox.bot())["handoff_key"]
        response = desk.signed_post(
            {"type": "agent.reply", "handoff_key": key, "agent": {"id": "a", "name": "Lee"}}
        )
        assert response.status_code == 422
        assert "'text' is a required property" in response.json()["detail"]
        unknown = desk.agent_reply("no-such-handoff", "hello", LEE)
        assert unknown.status_code == 404


def test_the_curl_example_of_the_docs_works(database_url, fake_rasa, desk):
    """docs/helpdesks.md's curl example, run as written (secret, key and host filled in)."""
    import re
    import shutil
    import subprocess
    from pathlib import Path

    if not (shutil.which("curl") and shutil.which("openssl")):
        pytest.fail("curl and openssl are needed to run the documented example")
    doc = (Path(__file__).resolve().parents[3] / "docs" / "helpdesks.md").read_text()
    script = re.search(r"```bash\n(SECRET=….*?)\n```", doc, re.S)
    assert script, "the curl example is missing from docs/helpdesks.md"
    for inbox in serve_inbox(database_url, fake_rasa, two_way(desk)):
        key = create_handoff(inbox.bot())["handoff_key"]
        text = (
            script.group(1)
            .replace("SECRET=…; KEY=3f2c…", f"SECRET='{SECRET}'; KEY='{key}'")
            .replace("https://inbox.example.com", inbox.url)
            .replace('-d "$BODY"', "-d \"$BODY\" -w ' %{http_code}'")  # and the status
        )
        done = subprocess.run(["bash", "-c", text], capture_output=True, text=True, timeout=30)
        assert done.stdout.endswith(" 201"), (done.stdout, done.stderr)
        assert '"status":"claimed"' in done.stdout
        fake_rasa.wait_for(2)
        assert ("agent", "Hi Dana, Lee here.") in said_to_customer(fake_rasa)
