"""Wrap-up notes: the proposed draft and the note the agent saves.

``GET`` returns a fresh draft every time (it follows the conversation as it
stands) beside the saved note; ``PUT`` or ``POST`` (for forms and the page's
fetch) saves the agent's edited text. Saving needs the session and CSRF token.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from inbox import schemas
from inbox.auth.deps import require_agent, require_agent_csrf
from inbox.broker import handoff_topic
from inbox.conversation import handoffs, views
from inbox.db import run_in_session
from inbox.models import Agent
from inbox.services import Services, services
from inbox.wrapup import store as wrapup_store

router = APIRouter(prefix="/api/v1", tags=["agent"])


@router.get("/handoffs/{handoff_key}/wrap-up", response_model=schemas.WrapUpOut)
async def read_wrap_up(
    handoff_key: str, svc: Services = Depends(services), _agent: Agent = Depends(require_agent)
) -> schemas.WrapUpOut:
    """The draft built from the summary and the whole transcript, and the saved note.

    Agents only: the draft quotes agent replies and the customer's details, which the
    bot's bearer (a tool credential, docs/architecture.md) has no need to read.
    """

    def unit(*, session: Session) -> schemas.WrapUpOut:
        handoff = handoffs.require_handoff(handoff_key, session=session)
        return views.wrap_up(handoff, handoffs.messages(handoff, session=session))

    return await run_in_session(svc.factory, unit)


async def _save(
    handoff_key: str, body: schemas.WrapUpIn, svc: Services, agent: Agent
) -> schemas.WrapUpOut:
    def unit(*, session: Session) -> schemas.WrapUpOut:
        handoff = handoffs.require_handoff(handoff_key, session=session, for_update=True)
        wrapup_store.save_wrap_up(handoff, session.get(Agent, agent.id), body.note, session=session)
        return views.wrap_up(handoff, handoffs.messages(handoff, session=session))

    out = await run_in_session(svc.factory, unit)
    svc.broker.publish(
        handoff_topic(handoff_key),
        "wrap_up",
        {"saved_note": out.saved_note, "saved_by": out.saved_by, "saved_at": out.saved_at},
    )
    return out


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
    handoff_key: str,
    body: schemas.WrapUpIn,
    svc: Services = Depends(services),
    agent: Agent = Depends(require_agent_csrf),
) -> schemas.WrapUpOut:
    """Save (or replace) the wrap-up note of a closed conversation; ``POST`` is what the page sends."""
    return await _save(handoff_key, body, svc, agent)
