"""The record of each follow-up mail's SMTP attempt (migration 0009).

Written before the mail is sent and again at each step, each in its own committed
transaction, so after a crash or a timeout the inbox knows whether the SMTP server
can have taken the mail (``inbox.followup.sending``). Keyed by the mail's
``Message-ID``, which is fixed per delivery and names the conversation.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Text

from inbox.models import Base, utcnow
from northwind_common.utc_datetime import UtcDateTime


class EmailSend(Base):
    """``state``: ``connecting`` (before the mail's end: the server cannot have it),
    ``committing`` (the end of the mail is going out: it may have it), ``sent`` (the
    server answered 250), ``unconfirmed`` (was ``committing`` when the answer was lost
    or the inbox stopped: never sent again on its own)."""

    __tablename__ = "email_sends"
    message_id = Column(String(255), primary_key=True)
    delivery_id = Column(Integer, nullable=False, index=True)
    recipient = Column(String(254), nullable=False)
    state = Column(String(16), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    detail = Column(Text, nullable=True)
    started_at = Column(UtcDateTime, nullable=False, default=utcnow)
    updated_at = Column(UtcDateTime, nullable=False, default=utcnow)
