"""Bot endpoints of the queue: a handoff arrives, and the queue figures the bot quotes (bearer HANDOFF_SECRET)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Header, HTTPException, Response, status
from sqlalchemy.orm import Session

from inbox import schemas
from inbox.auth.deps import require_bot
from inbox.conversation import agent_actions, handoffs
from inbox.conversation.on_handoff import OnHandoff
from inbox.db import run_in_session
from inbox.followup import mail
from inbox.queue import store as queue_store
from inbox.services import Services, services

router = APIRouter(prefix="/api/v1", tags=["bot"], dependencies=[Depends(require_bot)])


@router.post(
    "/handoffs",
    response_model=schemas.HandoffCreated,
    status_code=201,
    responses={
        200: {"description": "Same key again: the first handoff", "model": schemas.HandoffCreated}
    },
)
async def create_handoff(
    body: schemas.HandoffIn,
    response: Response,
    svc: Services = Depends(services),
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> schemas.HandoffCreated:
    """Create a handoff once per key: the same key again returns the first (200)."""
    if idempotency_key is not None and idempotency_key != body.handoff_key:
        raise HTTPException(422, "Idempotency-Key header and handoff_key differ")

    def unit(*, session: Session) -> tuple:
        handoff, created = handoffs.create_handoff(body, session=session)
        session.flush()
        if created:
            svc.forwarder.enqueue_created(
                handoff, session=session
            )  # same transaction as the handoff
            # Back the same day: to the agent who had the first, when available.
            agent_actions.route_to_earlier_agent(handoff, session=session)
        position = queue_store.queue_position(handoff, session=session)
        figures = queue_store.figures(
            session=session,
            hours=svc.hours,
            avg_handle_seconds=svc.settings.avg_handle_seconds,
            position=position,
        )
        return handoff.key, handoff.status, created, position, figures

    key, state, created, position, figures = await run_in_session(svc.factory, unit)
    if created:
        on = OnHandoff(key, svc)
        on.publish_queue("created")
        svc.forwarder.wake()
        if state != "waiting":  # routed to an earlier agent: the joined line, in the background
            on.wake_delivery()
    else:
        response.status_code = status.HTTP_200_OK
    return schemas.HandoffCreated(
        handoff_key=key,
        status=state,
        queue_position=position,
        agents_available=figures.agents_available,
        estimated_wait_seconds=figures.estimated_wait_seconds if position else 0,
        within_business_hours=figures.within_business_hours,
        next_opening=figures.next_opening,
        email_follow_up=mail.SmtpSettings.from_env() is not None,
    )


@router.get("/status", response_model=schemas.QueueFigures)
async def queue_status(svc: Services = Depends(services)) -> schemas.QueueFigures:
    """Agents available, queue length and the wait a new customer can expect."""

    def unit(*, session: Session) -> schemas.QueueFigures:
        return queue_store.figures(
            session=session, hours=svc.hours, avg_handle_seconds=svc.settings.avg_handle_seconds
        )

    figures = await run_in_session(svc.factory, unit)
    return figures.copy(update={"email_follow_up": mail.SmtpSettings.from_env() is not None})
