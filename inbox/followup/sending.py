"""Send a follow-up mail at most once, and say so when it may have gone out.

The delivery outbox retries a mail until it is recorded as delivered; a crash, or an
SMTP answer lost to a timeout, between the server taking the mail and that record
would otherwise send it again. So each mail has a record (``EmailSend``, keyed by its
fixed ``Message-ID``) written in its own committed transaction at each step:

- ``connecting`` before the connection: a failure up to the mail's end means the
  server kept nothing (SMTP drops a mail whose final ``.`` never came), so the outbox
  retries it as before;
- ``committing`` just before the mail's end goes out (if this record cannot be
  written, the end is not sent);
- ``sent`` once the server answered 250.

A retry that finds ``sent`` sends nothing (only the outbox's record was lost). A retry
that finds ``committing`` (the inbox stopped, or the answer never came) cannot know
whether the server has the mail: it sends nothing and ends the delivery as
``unconfirmed``, which the agent sees on the message; sending it again is then their
call (a new email reply, with the same reference in the subject).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Literal

from sqlalchemy.orm import Session, sessionmaker

from inbox.conversation.rasa_client import RasaError
from inbox.db import run_in_session
from inbox.followup import mail
from inbox.followup.models import EmailSend
from inbox.models import utcnow


class MailNotSent(RasaError):
    """The server has not got the mail; the outbox retries it."""


class MailUnconfirmed(RasaError):
    """The server may have the mail: the outbox must not send it again on its own."""


Start = Literal["send", "sent", "unconfirmed"]


def _start(message_id: str, delivery_id: int, recipient: str, *, session: Session) -> Start:
    record = session.get(EmailSend, message_id, with_for_update=True)
    if record is None:
        session.add(
            EmailSend(
                message_id=message_id,
                delivery_id=delivery_id,
                recipient=recipient,
                state="connecting",
                attempts=1,
            )
        )
        return "send"
    if record.state == "sent":
        return "sent"
    if record.state in ("committing", "unconfirmed"):
        record.state = "unconfirmed"
        record.updated_at = utcnow()
        return "unconfirmed"
    record.attempts += 1  # connecting: the last try ended before the mail's end
    record.updated_at = utcnow()
    return "send"


def _mark(message_id: str, state: str, detail: str | None = None, *, session: Session) -> None:
    record = session.get(EmailSend, message_id)
    record.state = state
    record.detail = detail
    record.updated_at = utcnow()


def state_of(factory: sessionmaker, message_id: str) -> str | None:
    """The recorded state of one mail (for tests and the agent's page)."""
    with factory() as session:
        record = session.get(EmailSend, message_id)
        return None if record is None else str(record.state)


async def send(factory: sessionmaker, delivery_id: int, payload: Mapping[str, str]) -> None:
    """Send the mail of one ``email`` delivery, unless it may have gone out already.

    Returns when the server has it (now or on an earlier try); raises ``MailNotSent``
    (retry) or ``MailUnconfirmed`` (stop, tell the agent)."""
    settings = mail.SmtpSettings.from_env()
    if settings is None:
        raise MailNotSent("email is not set up (INBOX_SMTP_HOST)")
    message = mail.build(settings, payload, delivery_id)
    message_id = str(message["Message-ID"])
    start = await run_in_session(factory, _start, message_id, delivery_id, payload["to"])
    if start == "sent":
        return
    if start == "unconfirmed":
        raise MailUnconfirmed(f"the SMTP server may already have mail {message_id}: not sent again")

    def committing() -> None:
        with factory.begin() as session:
            _mark(message_id, "committing", session=session)

    try:
        await asyncio.to_thread(mail.transmit, settings, message, committing)
    except mail.NotSent as exc:
        await run_in_session(factory, _mark, message_id, "connecting", str(exc)[:1000])
        raise MailNotSent(f"SMTP: {exc}") from exc
    except mail.Unconfirmed as exc:
        await run_in_session(factory, _mark, message_id, "unconfirmed", str(exc)[:1000])
        raise MailUnconfirmed(f"SMTP: {exc}; not sent again") from exc
    except Exception as exc:  # e.g. the committing record failed: the record decides next time
        raise MailNotSent(f"{type(exc).__name__}: {exc}") from exc
    await run_in_session(factory, _mark, message_id, "sent")
