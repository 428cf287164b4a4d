"""Bot-facing endpoints of the contract in docs/architecture.md (bearer HANDOFF_SECRET)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Header, HTTPException, Response, status
from sqlalchemy.orm import Session

from inbox import crud, schemas, views
from inbox.auth import require_bot
from inbox.broker import QUEUE_TOPIC, handoff_topic
from inbox.db import run_in_session
from inbox.models import OPEN_STATUSES
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
        handoff, created = crud.create_handoff(body, session=session)
        session.flush()
        if created and svc.forwarder is not None:
            svc.forwarder.enqueue_created(
                handoff, session=session
            )  # same transaction as the handoff
        position = crud.queue_position(handoff, session=session)
        figures = crud.figures(
            session=session,
            hours=svc.hours,
            avg_handle_seconds=svc.settings.avg_handle_seconds,
            position=position,
        )
        return handoff.key, handoff.status, created, position, figures

    key, state, created, position, figures = await run_in_session(svc.factory, unit)
    if created:
        svc.broker.publish(QUEUE_TOPIC, "queue", {"reason": "created", "handoff_key": key})
        if svc.forwarder is not None:
            svc.forwarder.wake()
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
    )


@router.post(
    "/handoffs/{handoff_key}/messages",
    response_model=schemas.Accepted,
    status_code=201,
    responses={
        200: {"description": "Already stored (same message_id)"},
        404: {"description": "Unknown handoff"},
    },
)
async def add_message(
    handoff_key: str,
    body: schemas.CustomerMessageIn,
    response: Response,
    svc: Services = Depends(services),
) -> schemas.Accepted:
    """Store a customer message exactly once per ``message_id``."""

    def unit(*, session: Session) -> tuple:
        handoff = crud.require_handoff(handoff_key, session=session)
        message, created = crud.add_customer_message(handoff, body, session=session)
        session.flush()
        coaching = views.coaching(handoff, crud.recent_scored_messages(handoff, session=session))
        return handoff.status, created, views.message_out(message), coaching

    state, created, message, coaching = await run_in_session(svc.factory, unit)
    if not created:
        response.status_code = status.HTTP_200_OK
        return schemas.Accepted(status=state, duplicate=True)
    svc.broker.publish(handoff_topic(handoff_key), "message", message.dict())
    svc.broker.publish(
        handoff_topic(handoff_key), "coaching", coaching.dict()
    )  # live coaching panel
    svc.broker.publish(QUEUE_TOPIC, "queue", {"reason": "message", "handoff_key": handoff_key})
    return schemas.Accepted(status=state)


@router.post("/handoffs/{handoff_key}/customer-ended", response_model=schemas.Accepted)
async def customer_ended(
    handoff_key: str, body: schemas.CustomerEndedIn, svc: Services = Depends(services)
) -> schemas.Accepted:
    """The customer ended the chat with a person; shown to the agent."""

    forwarder = svc.forwarder

    def unit(*, session: Session) -> tuple[str, bool]:
        # Locked: two racing calls must not both queue the event (one row per target and event).
        handoff = crud.require_handoff(
            handoff_key, session=session, for_update=forwarder is not None
        )
        # News for the helpdesks only while a person still has to act: not a repeat, not after closing.
        news = handoff.customer_ended_at is None and handoff.status in OPEN_STATUSES
        crud.mark_customer_ended(handoff, body.sent_at, session=session)
        if news and forwarder is not None:
            forwarder.enqueue_customer_ended(handoff, session=session)  # same transaction
        return handoff.status, news

    state, news = await run_in_session(svc.factory, unit)
    if news and forwarder is not None:
        forwarder.wake()
    svc.broker.publish(handoff_topic(handoff_key), "customer_ended", {"handoff_key": handoff_key})
    svc.broker.publish(
        QUEUE_TOPIC, "queue", {"reason": "customer_ended", "handoff_key": handoff_key}
    )
    return schemas.Accepted(status=state)


@router.post("/handoffs/{handoff_key}/contact-preference", response_model=schemas.Accepted)
async def contact_preference(
    handoff_key: str, body: schemas.ContactPreferenceIn, svc: Services = Depends(services)
) -> schemas.Accepted:
    """Optional: the customer chose to wait, be called back or get an email."""

    def unit(*, session: Session) -> str:
        handoff = crud.require_handoff(handoff_key, session=session)
        crud.set_contact_preference(handoff, body, session=session)
        return handoff.status

    state = await run_in_session(svc.factory, unit)
    svc.broker.publish(QUEUE_TOPIC, "queue", {"reason": "updated", "handoff_key": handoff_key})
    return schemas.Accepted(status=state)


@router.get("/status", response_model=schemas.QueueFigures)
async def queue_status(svc: Services = Depends(services)) -> schemas.QueueFigures:
    """Agents available, queue length and the wait a new customer can expect."""

    def unit(*, session: Session) -> schemas.QueueFigures:
        return crud.figures(
            session=session, hours=svc.hours, avg_handle_seconds=svc.settings.avg_handle_seconds
        )

    return await run_in_session(svc.factory, unit)
