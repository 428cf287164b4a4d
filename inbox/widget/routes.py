"""The customer's widget (through the web chat server, bearer HANDOFF_SECRET) and the
agent's typing signal (session + CSRF).

    GET  /api/v1/conversations/{id}/status   the handoff as the widget shows it
    GET  /api/v1/conversations/{id}/events   the widget's live events (SSE): ``agent_typing``
    POST /api/v1/conversations/{id}/typing   the customer is typing → agents' event stream
    POST /api/v1/handoffs/{key}/typing       the agent is typing → the widget's events at once,
                                             and the next status call (the fallback)

Typing is never stored (inbox.widget.typing).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from inbox.auth.deps import require_agent_csrf, require_bot
from inbox.broker import handoff_topic
from inbox.conversation import handoffs
from inbox.db import run_in_session
from inbox.live_events import _response as event_stream
from inbox.models import Agent
from inbox.services import Services, services
from inbox.widget.status import WidgetStatus, latest_handoff, widget_status
from inbox.widget.typing import TypingBoard

router = APIRouter(prefix="/api/v1")
# The web chat server's calls about one conversation: bearer HANDOFF_SECRET, one id shape.
bot = APIRouter(
    prefix="/conversations/{conversation_id}", tags=["bot"], dependencies=[Depends(require_bot)]
)
CONVERSATION_ID = r"^[A-Za-z0-9_-]{1,128}$"
ConversationId = Annotated[str, Path(regex=CONVERSATION_ID)]
_board = TypingBoard()


def typing_board() -> TypingBoard:
    """One board per process (a dependency, so tests can read it)."""
    return _board


def widget_topic(conversation_id: str) -> str:
    """What the customer's widget may hear live; only events published here reach it."""
    return f"widget:{conversation_id}"


@bot.get("/events", response_class=StreamingResponse)
async def widget_events(
    request: Request,
    conversation_id: ConversationId,
    svc: Services = Depends(services),
) -> StreamingResponse:
    """``agent_typing`` (``{"agent": "Sam"}``) the moment the agent types, for the web chat
    server to pass on to the widget; the status call still says it (the fallback)."""
    return event_stream(request, svc.broker.subscribe(widget_topic(conversation_id)))


@bot.get("/status", response_model=WidgetStatus)
async def read_status(
    conversation_id: ConversationId,
    svc: Services = Depends(services),
    board: TypingBoard = Depends(typing_board),
) -> WidgetStatus:
    status = await run_in_session(
        svc.factory,
        widget_status,
        conversation_id,
        avg_handle_seconds=svc.settings.avg_handle_seconds,
    )
    if status.state == "with_agent" and status.handoff_key:
        status.agent_typing = board.is_typing(
            "agent", status.handoff_key, since=status.last_agent_message_at
        )
    return status


@bot.post("/typing", status_code=202)
async def customer_typing(
    conversation_id: ConversationId,
    svc: Services = Depends(services),
    board: TypingBoard = Depends(typing_board),
) -> dict[str, bool]:
    """Shown to the agents watching the open handoff; no text travels with it."""

    def unit(*, session: Session) -> str | None:
        handoff = latest_handoff(conversation_id, session=session)
        if handoff is None or handoff.status not in ("waiting", "claimed"):
            return None
        return handoff.key if handoff.customer_ended_at is None else None

    key = await run_in_session(svc.factory, unit)
    if key is None or not board.signal("customer", key):
        return {"forwarded": False}
    svc.broker.publish(handoff_topic(key), "customer_typing", {"handoff_key": key, "typing": True})
    return {"forwarded": True}


@router.post("/handoffs/{handoff_key}/typing", status_code=202, tags=["agent"])
async def agent_typing(
    handoff_key: str,
    svc: Services = Depends(services),
    agent: Agent = Depends(require_agent_csrf),
    board: TypingBoard = Depends(typing_board),
) -> dict[str, bool]:
    """The agent who holds the conversation is typing: the widget shows "<name> is typing…"."""

    def unit(*, session: Session) -> str | None:
        handoff = handoffs.require_handoff(handoff_key, session=session)
        if handoff.status == "claimed" and handoff.claimed_by_id == agent.id:
            return str(handoff.conversation_id)
        return None

    conversation_id = await run_in_session(svc.factory, unit)
    if conversation_id is None:
        raise HTTPException(409, "Only the agent who holds an open conversation can type in it")
    accepted = board.signal("agent", handoff_key)
    if accepted:
        svc.broker.publish(
            widget_topic(conversation_id), "agent_typing", {"agent": agent.display_name}
        )
    return {"accepted": accepted}


router.include_router(bot)  # after its routes: including copies them
