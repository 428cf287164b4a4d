"""Wrap-up notes: the proposed draft and the note the agent saves.

``GET`` returns a fresh draft every time (it follows the conversation as it
stands) beside the saved note; ``PUT`` or ``POST`` (for forms and the page's
fetch) saves the agent's edited text. Saving needs the session and CSRF token.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from inbox import schemas
from inbox.auth.deps import require_agent
from inbox.conversation import handoffs, views
from inbox.conversation.on_handoff import AgentOnHandoff, OnHandoff, agent_on_handoff, on_handoff
from inbox.models import Agent, Handoff
from inbox.wrapup import store as wrapup_store

router = APIRouter(prefix="/api/v1", tags=["agent"])


@router.get(
    "/handoffs/{handoff_key}/wrap-up",
    response_model=schemas.WrapUpOut,
    dependencies=[Depends(require_agent)],
)
async def read_wrap_up(on: OnHandoff = Depends(on_handoff)) -> schemas.WrapUpOut:
    """The draft built from the summary and the whole transcript, and the saved note.

    Agents only: the draft quotes agent replies and the customer's details, which the
    bot's bearer (a tool credential, docs/architecture.md) has no need to read.
    """
    return await on.read(_wrap_up)


def _wrap_up(handoff: Handoff, session: Session) -> schemas.WrapUpOut:
    return views.wrap_up(handoff, handoffs.messages(handoff, session=session))


_SAVE_RESPONSES: dict[int | str, dict[str, str]] = {
    403: {"description": "Not the agent who handled it (nor an admin)"},
    409: {"description": "The conversation is still open"},
}


@router.put(
    "/handoffs/{handoff_key}/wrap-up", response_model=schemas.WrapUpOut, responses=_SAVE_RESPONSES
)
@router.post(
    "/handoffs/{handoff_key}/wrap-up", response_model=schemas.WrapUpOut, responses=_SAVE_RESPONSES
)
async def save_wrap_up(
    body: schemas.WrapUpIn, on: AgentOnHandoff = Depends(agent_on_handoff)
) -> schemas.WrapUpOut:
    """Save (or replace) the wrap-up note of a closed conversation; ``POST`` is what the page sends."""

    def save(handoff: Handoff, session: Session) -> schemas.WrapUpOut:
        wrapup_store.save_wrap_up(
            handoff, session.get(Agent, on.agent.id), body.note, session=session
        )
        return _wrap_up(handoff, session)

    out = await on.locked(save)
    on.publish(
        "wrap_up",
        {"saved_note": out.saved_note, "saved_by": out.saved_by, "saved_at": out.saved_at},
    )
    return out
