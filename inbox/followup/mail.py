"""Email to a customer who left their address, over SMTP.

Settings come from the environment; without ``INBOX_SMTP_HOST`` email is off and the
bot is told so (``GET /api/v1/status`` ``email_follow_up``), so it never promises it.
Mail goes through the delivery outbox (kind ``email``): retried when the server is
down, and sent once: a delivery marked delivered is never sent again, and the
``Message-ID`` is fixed per delivery so a resend after a crash is recognisably the same.
"""

from __future__ import annotations

import asyncio
import os
import re
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

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


def _send_now(settings: SmtpSettings, message: EmailMessage) -> None:
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.username:
            smtp.login(settings.username, settings.password)
        smtp.send_message(message)


async def send(settings: SmtpSettings, payload: Mapping[str, str], delivery_id: int) -> None:
    """Hand the mail to the SMTP server (in a thread: smtplib blocks)."""
    await asyncio.to_thread(_send_now, settings, build(settings, payload, delivery_id))
