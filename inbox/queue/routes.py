"""Agent endpoints of the queue: what is waiting, what is being handled, and search."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from inbox import schemas
from inbox.auth.deps import require_reader
from inbox.conversation import views
from inbox.db import run_in_session
from inbox.models import Agent
from inbox.queue import answer
from inbox.queue import store as queue_store
from inbox.services import Services, services

router = APIRouter(prefix="/api/v1", tags=["agent"])


@router.get("/queue", response_model=schemas.QueueOut)
async def read_queue(
    limit: int = Query(answer.DEFAULT_LIMIT, ge=1, le=1000),
    svc: Services = Depends(services),
    _who: Agent | str = Depends(require_reader),
) -> Response:
    """Waiting handoffs by priority then waiting time, then those being handled.

    Shared between callers until the queue changes (see ``inbox.queue.cache``).
    """
    shared = await answer.shared(svc, limit)
    return Response(shared.body, media_type="application/json")


@router.get("/search", response_model=schemas.SearchOut)
async def search(
    q: str = Query("", max_length=200),
    include_open: bool = False,
    svc: Services = Depends(services),
    _who: Agent | str = Depends(require_reader),
) -> schemas.SearchOut:
    """Closed conversations by customer name/email, order number or message text."""

    def unit(*, session: Session) -> schemas.SearchOut:
        rows = queue_store.search(q, session=session, closed_only=not include_open)
        return schemas.SearchOut(
            items=[views.shaped(schemas.SearchHit, h, handoff_key=h.key) for h in rows]
        )

    return await run_in_session(svc.factory, unit)
