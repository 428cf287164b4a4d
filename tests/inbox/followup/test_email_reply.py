"""Email follow-up over a real SMTP server (aiosmtpd): one mail, right recipient,
the reference in the subject; retried while the server is down, never sent twice."""

from __future__ import annotations

import socket
import threading
import time
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from tests.inbox.helpers import create_handoff


class Sink:
    """Keeps every message the SMTP server accepted."""

    def __init__(self) -> None:
        self.mails: list[tuple[list[str], bytes]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.mails.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[tuple[list[str], bytes]]:
        """Poll until ``count`` mails arrived (fails only on a hang, not a timing test)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.mails) < count:
            time.sleep(0.05)
        return list(self.mails)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_port(monkeypatch) -> int:
    port = _free_port()
    monkeypatch.setenv("INBOX_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("INBOX_SMTP_PORT", str(port))
    monkeypatch.setenv("INBOX_SMTP_FROM", "Northwind support <support@northwind.example>")
    return port


def _with_email(inbox, address: str = "dana@example.com") -> str:
    bot = inbox.bot()
    key = create_handoff(bot)["handoff_key"]
    bot.post(
        f"/api/v1/handoffs/{key}/contact-preference",
        json={"contact_preference": "email", "contact_detail": address},
    ).raise_for_status()
    return key


def test_the_agent_replies_by_email_once(inbox, smtp_port) -> None:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        key = _with_email(inbox)
        sam = inbox.agent("sam")
        assert inbox.bot().get("/api/v1/status").json()["email_follow_up"] is True
        response = sam.post(
            f"/api/v1/handoffs/{key}/email-replies",
            json={"text": "Your replacement ships today."},
        )
        assert response.status_code == 201, response.text
        [(to, raw)] = sink.wait_for(1)
        mail = message_from_bytes(raw)
        assert to == ["dana@example.com"]
        assert f"[ref {key[:12]}]" in mail["Subject"]
        assert "Your replacement ships today." in mail.get_payload()
        messages = sam.get(f"/api/v1/handoffs/{key}").json()["messages"]
        assert [m["delivery_status"] for m in messages if m["sender"] == "agent"] == ["delivered"]
        # Another pass of the outbox sends nothing again.
        inbox.svc.deliverer.wake()
        assert len(sink.wait_for(2, timeout=1.0)) == 1
    finally:
        controller.stop()


def test_a_mail_waits_for_the_server_and_goes_once(inbox, smtp_port) -> None:
    key = _with_email(inbox)
    sam = inbox.agent("sam")
    response = sam.post(f"/api/v1/handoffs/{key}/email-replies", json={"text": "Hello again"})
    assert response.status_code == 201
    assert response.json()["delivery_status"] in ("pending", "retrying")  # server down
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        [(to, _raw)] = sink.wait_for(1)
        assert to == ["dana@example.com"]
        assert len(sink.wait_for(2, timeout=1.0)) == 1
    finally:
        controller.stop()


def test_no_email_without_an_address_or_a_server(inbox, monkeypatch) -> None:
    sam = inbox.agent("sam")
    monkeypatch.delenv("INBOX_SMTP_HOST", raising=False)
    key = create_handoff(inbox.bot())["handoff_key"]
    assert inbox.bot().get("/api/v1/status").json()["email_follow_up"] is False
    refused = sam.post(f"/api/v1/handoffs/{key}/email-replies", json={"text": "hi"})
    assert refused.status_code == 409 and "not set up" in refused.json()["detail"]
    monkeypatch.setenv("INBOX_SMTP_HOST", "127.0.0.1")
    refused = sam.post(f"/api/v1/handoffs/{key}/email-replies", json={"text": "hi"})
    assert refused.status_code == 409 and "no email address" in refused.json()["detail"]


def test_the_address_is_validated_stored_and_confirmed_once(inbox, smtp_port) -> None:
    bot = inbox.bot()
    key = create_handoff(bot)["handoff_key"]
    bad = bot.post(
        f"/api/v1/handoffs/{key}/contact-preference",
        json={"contact_preference": "email", "contact_detail": "dana at example"},
    )
    assert bad.status_code == 422
    for _ in range(2):  # the bot's outbox may repeat it: one confirmation
        bot.post(
            f"/api/v1/handoffs/{key}/contact-preference",
            json={"contact_preference": "email", "contact_detail": "dana@example.com"},
        ).raise_for_status()
    record = inbox.agent("sam").get(f"/api/v1/handoffs/{key}").json()
    assert (record["contact_preference"], record["contact_detail"]) == ("email", "dana@example.com")
    notices = [
        c["json"][0]["text"]
        for c in inbox.rasa.wait_for(1)
        if c["path"].endswith("/tracker/events") and c["json"][0].get("event") == "bot"
    ]
    assert notices == [
        "Thanks, we've noted dana@example.com. If nobody from our team can answer here soon,"
        " they'll reply to you by email, with this conversation's reference in the subject."
    ]


def test_without_smtp_the_address_is_kept_but_nothing_is_promised(inbox, monkeypatch) -> None:
    monkeypatch.delenv("INBOX_SMTP_HOST", raising=False)
    bot = inbox.bot()
    key = create_handoff(bot)["handoff_key"]
    bot.post(
        f"/api/v1/handoffs/{key}/contact-preference",
        json={"contact_preference": "email", "contact_detail": "dana@example.com"},
    ).raise_for_status()
    assert inbox.svc.deliverer is not None
    assert all("noted" not in str(c["json"]) for c in inbox.rasa.calls)
