"""Canned replies: admins keep them, agents insert one with ``/shortcut`` in the reply box.

A body may hold placeholders (``{first_name}``, ``{order_number}`` …) filled from the
conversation's facts. A fact the bot never learnt leaves a visible blank such as
``[order number]`` for the agent to fill, never "None" nor an empty gap the customer
would read as a mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inbox.agent_tools.models import CannedReply
from inbox.errors import Conflict, NotFound
from inbox.models import Agent, Handoff, utcnow

# placeholder -> what the agent reads when the fact is missing
PLACEHOLDERS: dict[str, str] = {
    "first_name": "first name",
    "customer_name": "customer's name",
    "order_number": "order number",
    "order_status": "order status",
    "order_total": "order total",
    "placed_on": "order date",
    "carrier": "carrier",
    "tracking_number": "tracking number",
    "tracking_url": "tracking link",
    "agent_name": "your name",
}
_PLACEHOLDER = re.compile(r"\{([a-z_]{1,40})\}")
SHORTCUT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@dataclass(frozen=True)
class Filled:
    """A canned reply ready for the reply box; ``blanks`` are the placeholders left to fill."""

    text: str
    blanks: list[str]


def blank(name: str) -> str:
    return f"[{PLACEHOLDERS.get(name, name.replace('_', ' '))}]"


def conversation_facts(handoff: Handoff, agent: Agent) -> dict[str, str]:
    """The values placeholders can take in this conversation (only non-empty text)."""
    summary: dict[str, Any] = handoff.summary or {}
    facts = summary.get("facts") or {}
    name = (handoff.customer_name or (summary.get("customer") or {}).get("name") or "").strip()
    values: dict[str, Any] = {
        "customer_name": name,
        "first_name": name.split()[0] if name else "",
        "order_number": handoff.order_number or facts.get("order_number"),
        "agent_name": agent.display_name,
    }
    for key in (
        "order_status",
        "order_total",
        "placed_on",
        "carrier",
        "tracking_number",
        "tracking_url",
    ):
        values[key] = facts.get(key)
    return {
        k: str(v).strip() for k, v in values.items() if isinstance(v, (str, int)) and str(v).strip()
    }


def fill(body: str, facts: dict[str, str]) -> Filled:
    """Replace each ``{placeholder}``; unknown or missing ones become a visible blank."""
    blanks: list[str] = []

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        value = facts.get(name)
        if value:
            return value
        if name not in blanks:
            blanks.append(name)
        return blank(name)

    return Filled(_PLACEHOLDER.sub(one, body), blanks)


def _check(shortcut: str, title: str, body: str) -> tuple[str, str, str]:
    shortcut = shortcut.strip().lstrip("/").lower()
    if not SHORTCUT.match(shortcut):
        raise ValueError("shortcut: 1-40 lower-case letters, digits, - or _")
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise ValueError("a canned reply needs a title and a text")
    return shortcut, title, body


def all_replies(*, session: Session) -> list[CannedReply]:
    return list(session.execute(select(CannedReply).order_by(CannedReply.shortcut)).scalars())


def require_reply(reply_id: int, *, session: Session) -> CannedReply:
    reply: CannedReply | None = session.get(CannedReply, reply_id)
    if reply is None:
        raise NotFound("unknown canned reply")
    return reply


def create(shortcut: str, title: str, body: str, admin: Agent, *, session: Session) -> CannedReply:
    """Add a reply; Conflict when the shortcut is taken."""
    shortcut, title, body = _check(shortcut, title, body)
    reply = CannedReply(shortcut=shortcut, title=title, body=body, updated_by_id=admin.id)
    try:
        with session.begin_nested():
            session.add(reply)
    except IntegrityError:
        raise Conflict(f"the shortcut /{shortcut} is already used") from None
    return reply


def update(
    reply: CannedReply, shortcut: str, title: str, body: str, admin: Agent, *, session: Session
) -> CannedReply:
    shortcut, title, body = _check(shortcut, title, body)
    taken = session.execute(
        select(CannedReply.id).where(CannedReply.shortcut == shortcut, CannedReply.id != reply.id)
    ).first()
    if taken:
        raise Conflict(f"the shortcut /{shortcut} is already used")
    reply.shortcut, reply.title, reply.body = shortcut, title, body
    reply.updated_at, reply.updated_by_id = utcnow(), admin.id
    session.flush()
    return reply


def delete(reply: CannedReply, *, session: Session) -> None:
    session.delete(reply)
    session.flush()
