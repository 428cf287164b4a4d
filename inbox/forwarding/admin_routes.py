"""Admin view of the forwarding outbox: what reached Slack, the webhook or Chatwoot,
what is still retrying, and what failed and why (docs/helpdesks.md).
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from sqlalchemy.orm import Session

from inbox.auth.deps import ensure_admin, require_admin, require_agent_csrf
from inbox.db import run_in_session
from inbox.forwarding import outbox
from inbox.models import Agent, Forward, Handoff
from inbox.schemas import BaseModel
from inbox.services import Services, services

router = APIRouter(prefix="/api/v1", tags=["admin"])


class ForwardOut(BaseModel):
    """One event for one target; ``last_error`` says why it is retrying or failed."""

    id: int
    handoff_key: str
    target: str
    event: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


class ForwardsOut(BaseModel):
    items: list[ForwardOut]


def _out(row: Forward, key: str) -> ForwardOut:
    return ForwardOut(
        id=row.id,
        handoff_key=key,
        target=row.target,
        event=row.event,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
    )


@router.get(
    "/forwards", response_model=ForwardsOut, responses={403: {"description": "Not an admin"}}
)
async def list_forwards(
    status: str | None = Query(None, pattern="^(pending|delivered|failed)$"),
    limit: int = Query(100, ge=1, le=1000),
    svc: Services = Depends(services),
    _admin: Agent = Depends(require_admin),
) -> ForwardsOut:
    """Forwarded events, newest first; ``?status=failed`` for the ones that gave up."""

    def unit(*, session: Session) -> ForwardsOut:
        return ForwardsOut(
            items=[_out(row, key) for row, key in outbox.listing(status, limit, session=session)]
        )

    return await run_in_session(svc.factory, unit)


@router.post(
    "/forwards/{forward_id}/retry",
    response_model=ForwardOut,
    responses={403: {"description": "Not an admin"}, 404: {"description": "Unknown forward"}},
)
async def retry_forward(
    forward_id: int = Path(..., ge=1, le=2**63 - 1),
    svc: Services = Depends(services),
    agent: Agent = Depends(require_agent_csrf),
) -> ForwardOut:
    """Try a failed forward again (after fixing the target's configuration)."""
    ensure_admin(agent)

    def unit(*, session: Session) -> ForwardOut:
        row = outbox.retry(forward_id, session=session)
        if row is None:
            raise HTTPException(404, "unknown forward")
        session.flush()
        return _out(row, session.get(Handoff, row.handoff_id).key)

    out = await run_in_session(svc.factory, unit)
    svc.forwarder.wake()
    return out
