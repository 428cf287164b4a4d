"""Agent endpoint of the closed conversations list (``inbox.queue.closed``)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session

from inbox.auth import agents
from inbox.auth.deps import require_reader
from inbox.db import run_in_session
from inbox.models import Agent
from inbox.queue import closed
from inbox.services import Services, services

router = APIRouter(prefix="/api/v1", tags=["agent"])


class ClosedPageOut(BaseModel):
    items: list[closed.ClosedRowOut]
    next_before: str | None  # pass as ``before`` for the next page


@router.get("/closed", response_model=ClosedPageOut)
async def closed_list(
    agent: str | None = Query(None, max_length=80, description="username"),
    since: date | None = None,
    until: date | None = None,
    outcome: str | None = Query(None, max_length=32),
    rating: int | None = Query(None, ge=0, le=5, description="1-5, or 0 for not rated"),
    before: str | None = Query(None, max_length=80, description="from next_before"),
    limit: int = Query(closed.PAGE_SIZE, ge=1, le=200),
    svc: Services = Depends(services),
    _who: Agent | str = Depends(require_reader),
) -> ClosedPageOut:
    """Closed conversations, newest first, each with its outcome and satisfaction."""
    cursor = None
    if before:
        try:
            cursor = closed.parse_before(before)
        except ValueError:
            raise HTTPException(422, "before: use next_before from the previous page") from None

    def unit(*, session: Session) -> ClosedPageOut:
        agent_id = None
        if agent:
            who = agents.agent_by_username(agent, session=session)
            if who is None:
                return ClosedPageOut(items=[], next_before=None)
            agent_id = who.id
        try:
            filters = closed.Filters(agent_id, since, until, outcome or None, rating)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        found = closed.page(filters, session=session, before=cursor, limit=limit)
        return ClosedPageOut(items=found.rows, next_before=found.next_before)

    return await run_in_session(svc.factory, unit)
