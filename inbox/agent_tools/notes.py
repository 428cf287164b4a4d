"""Notes inside a live conversation that only agents read.

They live in their own table, apart from ``messages``: nothing that relays messages
to Rasa, to a help desk or into the customer's transcript ever reads it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from inbox.agent_tools.models import ConversationNote
from inbox.models import Agent, Handoff, rows_of_handoff

MAX_NOTE_CHARS = 4000


def add_note(
    handoff: Handoff,
    agent: Agent,
    text: str,
    *,
    session: Session,
    kind: str = "note",
    for_agent: Agent | None = None,
) -> ConversationNote:
    """Store a note by ``agent``; open or closed conversations both take notes."""
    text = text.strip()
    if not text:
        raise ValueError("the note is empty")
    note = ConversationNote(
        handoff_id=handoff.id,
        kind=kind,
        text=text[:MAX_NOTE_CHARS],
        agent_id=agent.id,
        agent_name=agent.display_name,
        for_agent_id=for_agent.id if for_agent is not None else None,
    )
    session.add(note)
    session.flush()
    return note


def notes_for(handoff: Handoff, *, session: Session) -> list[ConversationNote]:
    """The conversation's notes, oldest first."""
    return rows_of_handoff(ConversationNote, handoff, ConversationNote.id, session=session)
