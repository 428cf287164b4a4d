"""Saving the agent's wrap-up note (the draft itself is built in ``inbox.wrapup``)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from inbox.errors import Conflict, Forbidden
from inbox.models import CLOSED_STATUSES, Agent, Handoff, utcnow


def save_wrap_up(handoff: Handoff, agent: Agent, note: str, *, session: Session) -> Handoff:
    """Save (or replace) the note of a closed conversation.

    Only the agent who handled it, or an admin, writes its record; an open
    conversation has no outcome to write down yet.
    """
    if handoff.status not in CLOSED_STATUSES:
        raise Conflict(f"conversation is {handoff.status}; close it before the wrap-up note")
    if agent.role != "admin" and handoff.claimed_by_id != agent.id:
        raise Forbidden("only the agent who handled the conversation (or an admin) can write its note")
    note = note.strip()
    if note and note != handoff.wrap_up_note:
        handoff.search_text = (handoff.search_text + "\n" + note.lower())[-200_000:]  # notes are searchable
    handoff.wrap_up_note = note
    handoff.wrap_up_saved_at = utcnow()
    handoff.wrap_up_saved_by_id = agent.id
    session.flush()
    return handoff
