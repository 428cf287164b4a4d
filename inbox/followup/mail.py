"""Email to a customer who left their address, over SMTP.

Settings come from the environment; without ``INBOX_SMTP_HOST`` email is off and the
bot is told so (``GET /api/v1/status`` ``email_follow_up``), so it never promises it.
Mail goes through the delivery outbox (kind ``email``) and ``inbox.followup.sending``,
which records each step so that a crash or a timeout never sends a mail twice.
``transmit`` speaks SMTP step by step so it can tell the two ways a send fails apart:
before the end of the mail went out the server cannot have it (``NotSent``: safe to
try again); after it, with no answer, the server may have it (``Unconfirmed``).
The ``Message-ID`` is fixed per delivery, so any copy is recognisably the same mail.
"""

from __future__ import annotations

import os
import re
import smtplib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

# One @, no spaces, a dot in the domain: what the bot and the inbox accept as an address.
EMAIL = re.compile(r"[^@\s<>]{1,64}@[^@\s<>]+\.[A-Za-z]{2,}")


def valid_email(text: str) -> bool:
    return len(text) <= 254 and EMAIL.fullmatch(text) is not None


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    sender: str = "Northwind support <support@northwind.example>"
    username: str = ""
    password: str = ""
    starttls: bool = False
    timeout: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpSettings | None:
        """None when no SMTP server is configured (email follow-up off)."""
        env = os.environ if env is None else env
        host = env.get("INBOX_SMTP_HOST", "").strip()
        if not host:
            return None
        return cls(
            host=host,
            port=int(env.get("INBOX_SMTP_PORT") or 25),
            sender=env.get("INBOX_SMTP_FROM") or cls.sender,
            username=env.get("INBOX_SMTP_USER", ""),
            password=env.get("INBOX_SMTP_PASSWORD", ""),
            starttls=(env.get("INBOX_SMTP_STARTTLS") or "").lower() in ("1", "true", "yes"),
            timeout=float(env.get("INBOX_SMTP_TIMEOUT") or cls.timeout),
        )


def subject(reference: str) -> str:
    """The conversation's reference in the subject, so replies and searches find it."""
    return f"Your conversation with Northwind [ref {reference}]"


def build(settings: SmtpSettings, payload: Mapping[str, str], delivery_id: int) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = payload["to"]
    message["Subject"] = subject(payload["reference"])
    message["Date"] = formatdate(localtime=False)
    domain = settings.sender.rpartition("@")[2].strip(">") or "northwind.example"
    message["Message-ID"] = f"<followup-{payload['reference']}-{delivery_id}@{domain}>"
    message.set_content(
        f"{payload['text']}\n\n{payload['agent']}, Northwind team\n"
        f"(Reference {payload['reference']}: you can also reply in the chat on our site.)\n"
    )
    return message


class NotSent(Exception):
    """The server cannot have the mail (refused, or the connection failed before the
    mail's end went out): trying again sends it once."""


class Unconfirmed(Exception):
    """The mail's end went out and no answer came: the server may have it."""


def _wire(message: EmailMessage) -> bytes:
    """The DATA section: CRLF lines, leading dots doubled, ended by ``.``."""
    data = re.sub(rb"(?m)^\.", b"..", message.as_bytes(policy=policy.SMTP))
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _converse(smtp: smtplib.SMTP, settings: SmtpSettings, message: EmailMessage) -> bytes:
    """Everything before the mail's end: the server keeps nothing if it fails here."""
    smtp.ehlo_or_helo_if_needed()
    if settings.starttls:
        smtp.starttls()
        smtp.ehlo()
    if settings.username:
        smtp.login(settings.username, settings.password)
    for code, reply in (
        smtp.mail(parseaddr(settings.sender)[1]),
        smtp.rcpt(parseaddr(str(message["To"]))[1]),
        smtp.docmd("DATA"),
    ):
        if code not in (250, 251, 354):
            raise NotSent(f"SMTP {code}: {reply.decode(errors='replace')}")
    return _wire(message)


def transmit(settings: SmtpSettings, message: EmailMessage, committing: Callable[[], None]) -> None:
    """Send one mail; ``committing()`` runs just before the mail's end goes out (it must
    record that the server may have the mail from now on; if it raises, nothing is sent).
    Raises ``NotSent`` or ``Unconfirmed``; blocks (run it in a thread)."""
    try:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    except (OSError, smtplib.SMTPException) as exc:
        raise NotSent(f"{type(exc).__name__}: {exc}") from exc
    try:
        try:
            data = _converse(smtp, settings, message)
            committing()
            smtp.send(data)  # a failure here left the end unsent: the server drops the mail
        except (OSError, smtplib.SMTPException) as exc:
            raise NotSent(f"{type(exc).__name__}: {exc}") from exc
        try:
            code, reply = smtp.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            raise Unconfirmed(f"no answer after the mail's end: {type(exc).__name__}") from exc
        if code != 250:
            raise NotSent(f"SMTP {code}: {reply.decode(errors='replace')}")
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass  # the mail was accepted; the goodbye does not matter
    finally:
        smtp.close()
