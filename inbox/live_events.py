"""Server-sent events for live pages: the queue and one conversation.

Events are hints ("queue changed", "new message"); pages re-read the JSON API for the
queue and append messages from the payload, so a missed event heals on the next one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from inbox.auth.deps import require_agent
from inbox.broker import QUEUE_TOPIC, Subscription, handoff_topic
from inbox.conversation.on_handoff import OnHandoff, on_handoff
from inbox.models import Agent
from inbox.services import Services, services

router = APIRouter(prefix="/api/v1", tags=["events"])
HEARTBEAT_SECONDS = 15.0


async def _stream(request: Request, sub: Subscription) -> AsyncIterator[str]:
    try:
        yield "retry: 2000\nevent: ready\ndata: {}\n\n"
        while True:
            item = await sub.get(HEARTBEAT_SECONDS)
            if item is sub.broker.closed_marker:
                return
            if item is None:
                if await request.is_disconnected():
                    return
                yield ": ping\n\n"
                continue
            event, data = item
            yield f"event: {event}\ndata: {data}\n\n"
    finally:
        sub.close()


def _response(request: Request, sub: Subscription) -> StreamingResponse:
    return StreamingResponse(
        _stream(request, sub),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get("/events", response_class=StreamingResponse)
async def queue_events(
    request: Request, svc: Services = Depends(services), _agent: Agent = Depends(require_agent)
) -> StreamingResponse:
    """``queue`` events whenever a handoff arrives, is claimed or closed, or availability changes."""
    return _response(request, svc.broker.subscribe(QUEUE_TOPIC))


@router.get(
    "/handoffs/{handoff_key}/events",
    response_class=StreamingResponse,
    dependencies=[Depends(require_agent)],
)
async def conversation_events(
    request: Request, on: OnHandoff = Depends(on_handoff)
) -> StreamingResponse:
    """``message``, ``message_status``, ``status``, ``customer_ended``, ``coaching`` and ``wrap_up``
    events of one conversation."""
    return _response(request, on.svc.broker.subscribe(handoff_topic(on.key)))
