"""Saving the agent's wrap-up note (the draft itself is built in ``inbox.wrapup.draft``)."""

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
        raise Forbidden(
            "only the agent who handled the conversation (or an admin) can write its note"
        )
    note = note.strip()
    if note != handoff.wrap_up_note:
        handoff.search_text = _with_note(handoff.search_text, handoff.wrap_up_note, note)
    handoff.wrap_up_note = note
    handoff.wrap_up_saved_at = utcnow()
    handoff.wrap_up_saved_by_id = agent.id
    session.flush()
    return handoff


def _with_note(search_text: str, old: str | None, new: str) -> str:
    """The search text with the previous note replaced by the new one (an edit must not
    leave the words it removed findable, nor grow the text with every save)."""
    if old:
        at = search_text.rfind("\n" + old.lower())
        if at >= 0:
            search_text = search_text[:at] + search_text[at + len(old) + 1 :]
    return (search_text + "\n" + new.lower())[-200_000:] if new else search_text
