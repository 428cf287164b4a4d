"""Which conversations had an abusive customer: the bot escalated for abuse, a line of
the chat with the bot was flagged, or a message after the handoff was."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import Handoff, Message


def _summary_abusive(summary: object) -> bool:
    if not isinstance(summary, dict):
        return False
    lines = summary.get("transcript") or []
    return any(
        isinstance(line, dict) and line.get("speaker") == "customer" and line.get("abusive") is True
        for line in lines
    )


def abusive_ids(
    handoff_ids: Sequence[int], *, session: Session, with_summary: bool = True
) -> set[int]:
    """The ids among ``handoff_ids`` whose customer was abusive.

    ``with_summary=False`` skips reading the summaries (the analytics over thousands of
    conversations count the escalation trigger and the flagged messages only).
    """
    if not handoff_ids:
        return set()
    ids = list(handoff_ids)
    found = set(
        session.execute(
            select(Message.handoff_id)
            .where(Message.handoff_id.in_(ids), Message.abusive.is_(True))
            .distinct()
        ).scalars()
    )
    found |= set(
        session.execute(
            select(Handoff.id).where(Handoff.id.in_(ids), Handoff.escalation_trigger == "abuse")
        ).scalars()
    )
    if with_summary:
        rest = [i for i in ids if i not in found]
        if rest:
            for hid, summary in session.execute(
                select(Handoff.id, Handoff.summary).where(Handoff.id.in_(rest))
            ):
                if _summary_abusive(summary):
                    found.add(hid)
    return found


def is_abusive(handoff: Handoff, *, session: Session) -> bool:
    return handoff.id in abusive_ids([handoff.id], session=session)
