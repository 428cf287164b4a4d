"""A follow-up mail goes out at most once, even when the inbox stops or the SMTP answer
is lost half-way (inbox.followup.sending), over a real SMTP server (aiosmtpd).

The faults are real: an SMTP server that takes the mail and answers too late for the
inbox's timeout, and an inbox that stops (an exception where a crash would kill the
process) between the server taking the mail and the outbox recording it. In each
case the server ends up with exactly one copy, and the agent sees what is known.
"""

from __future__ import annotations

import asyncio
import threading
from email import message_from_bytes
from email.message import Message

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from inbox.conversation import rasa_delivery
from inbox.followup import sending
from inbox.followup.models import EmailSend
from inbox.models import Delivery
from tests.inbox.followup.test_email_reply import _free_port, _with_email
from tests.stack import wait_for


class SlowSink:
    """Keeps every mail; while ``late`` it answers the mail's end only after
    ``delay`` seconds, longer than the inbox waits (INBOX_SMTP_TIMEOUT)."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.late = False
        self.mails: list[Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.mails.append(message_from_bytes(envelope.content))
        if self.late:
            await asyncio.sleep(self.delay)
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.mails)


class Crash(Exception):
    """Stands for the inbox process dying at this point."""


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch):
    port = _free_port()
    monkeypatch.setenv("INBOX_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("INBOX_SMTP_PORT", str(port))
    monkeypatch.setenv("INBOX_SMTP_FROM", "Northwind support <support@northwind.example>")
    monkeypatch.setenv("INBOX_SMTP_TIMEOUT", "0.5")
    sink = SlowSink(delay=2.0)
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink
    controller.stop()


def _email_deliveries(inbox) -> list[tuple[int, str, str | None]]:
    with inbox.svc.factory() as session:
        rows = session.execute(
            select(Delivery).where(Delivery.kind == "email").order_by(Delivery.id)
        ).scalars()
        return [(d.id, d.status, d.last_error) for d in rows]


def _record_states(inbox, key: str) -> dict[int, str]:
    """The SMTP records of this conversation's mails, by delivery id."""
    with inbox.svc.factory() as session:
        rows = session.execute(
            select(EmailSend).where(EmailSend.message_id.like(f"<followup-{key[:12]}-%"))
        ).scalars()
        return {r.delivery_id: r.state for r in rows}


def _agent_statuses(sam, key: str) -> list[str]:
    messages = sam.get(f"/api/v1/handoffs/{key}").json()["messages"]
    return [m["delivery_status"] for m in messages if m["sender"] == "agent"]


def _request_dies(inbox, sam, key: str, text: str):
    """The agent's request, cut off by the crash (or answered 500); the agent's page
    reconnects with a new client."""
    try:
        response = sam.post(f"/api/v1/handoffs/{key}/email-replies", json={"text": text})
        assert response.status_code in (201, 500), response.text
    except httpx.HTTPError:
        pass
    sam.close()
    return inbox.agent("sam")


def _one_more_mail_goes_through(inbox, sam, key: str, smtp: SlowSink) -> None:
    """A second reply is sent and arrives: the outbox has passed the first one again
    (it sends a conversation's deliveries in order), so a copy would be here by now."""
    smtp.late = False
    before = smtp.count()
    sent = sam.post(f"/api/v1/handoffs/{key}/email-replies", json={"text": "And a follow-up."})
    assert sent.status_code == 201, sent.text
    inbox.svc.deliverer.wake()
    wait_for(lambda: smtp.count() == before + 1, message="the second mail")


def test_an_answer_lost_to_a_timeout_is_not_followed_by_a_copy(inbox, smtp) -> None:
    key = _with_email(inbox)
    sam = inbox.agent("sam")
    smtp.late = True  # the server takes the mail, answers after the inbox gave up
    response = sam.post(
        f"/api/v1/handoffs/{key}/email-replies", json={"text": "Your replacement ships today."}
    )
    assert response.status_code == 201, response.text
    wait_for(lambda: _agent_statuses(sam, key) == ["unconfirmed"], message="unconfirmed")
    [(first, status, error)] = _email_deliveries(inbox)
    assert status == "unconfirmed" and "not sent again" in (error or "")
    assert _record_states(inbox, key) == {first: "unconfirmed"}

    _one_more_mail_goes_through(inbox, sam, key, smtp)
    bodies = [m.get_payload() for m in smtp.mails]
    assert sum("Your replacement ships today." in body for body in bodies) == 1
    assert len(smtp.mails) == 2
    assert smtp.mails[0]["Message-ID"] == f"<followup-{key[:12]}-{first}@northwind.example>"
    assert smtp.mails[0]["To"] == "dana@example.com" and f"[ref {key[:12]}]" in str(
        smtp.mails[0]["Subject"]
    )


def test_a_crash_after_the_server_took_the_mail_sends_no_copy(
    inbox,
    smtp,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The inbox stops between the server's 250 and any record of it."""
    key = _with_email(inbox)
    sam = inbox.agent("sam")
    real_mark = sending._mark

    def crash_on_sent(message_id: str, state: str, detail=None, *, session):
        if state == "sent":
            raise Crash("the inbox stopped here")
        real_mark(message_id, state, detail, session=session)

    monkeypatch.setattr(sending, "_mark", crash_on_sent)
    sam = _request_dies(inbox, sam, key, "Crash test.")  # the request died with the "process"
    wait_for(lambda: smtp.count() == 1, message="the server has the mail")
    monkeypatch.setattr(sending, "_mark", real_mark)  # the inbox is back

    inbox.svc.deliverer.wake()
    wait_for(lambda: _agent_statuses(sam, key) == ["unconfirmed"], message="unconfirmed")
    _one_more_mail_goes_through(inbox, sam, key, smtp)
    assert sum("Crash test." in m.get_payload() for m in smtp.mails) == 1


def test_a_crash_after_the_send_was_recorded_marks_it_delivered_without_a_copy(
    inbox,
    smtp,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The inbox stops after recording the 250 but before the outbox's own record."""
    key = _with_email(inbox)
    sam = inbox.agent("sam")
    real_record = rasa_delivery._record

    def crash_on_email(job, error, policy, final=None, *, session):
        if job.kind == "email" and job.attempts == 0:
            raise Crash("the inbox stopped here")
        return real_record(job, error, policy, final, session=session)

    monkeypatch.setattr(rasa_delivery, "_record", crash_on_email)
    sam = _request_dies(inbox, sam, key, "Recorded.")
    wait_for(lambda: smtp.count() == 1, message="the server has the mail")
    [(first, status, _error)] = _email_deliveries(inbox)
    assert status == "pending" and _record_states(inbox, key) == {first: "sent"}
    monkeypatch.setattr(rasa_delivery, "_record", real_record)

    inbox.svc.deliverer.wake()
    wait_for(lambda: _agent_statuses(sam, key) == ["delivered"], message="delivered")
    _one_more_mail_goes_through(inbox, sam, key, smtp)
    assert sum("Recorded." in m.get_payload() for m in smtp.mails) == 1
    assert len({m["Message-ID"] for m in smtp.mails}) == 2
