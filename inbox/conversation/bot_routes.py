"""Bot endpoints on a handed-off conversation: customer messages, the customer ending it, contact preference (bearer HANDOFF_SECRET)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response, status
from sqlalchemy.orm import Session

from inbox import schemas
from inbox.auth.deps import require_bot
from inbox.conversation import agent_actions, coaching_store, handoffs, views
from inbox.conversation.on_handoff import OnHandoff, on_handoff
from inbox.followup import mail
from inbox.models import OPEN_STATUSES, Handoff

router = APIRouter(prefix="/api/v1", tags=["bot"], dependencies=[Depends(require_bot)])


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
    body: schemas.CustomerMessageIn, response: Response, on: OnHandoff = Depends(on_handoff)
) -> schemas.Accepted:
    """Store a customer message exactly once per ``message_id``."""
    forwarder = on.svc.forwarder

    def add(handoff: Handoff, session: Session) -> tuple:
        message, created = handoffs.add_customer_message(handoff, body, session=session)
        session.flush()
        coaching = views.coaching(
            handoff, coaching_store.recent_scored_messages(handoff, session=session)
        )
        if created:  # each desk hears the customer once, in order, with the cues as notes
            forwarder.enqueue_message(handoff, message, session=session)
            cues = [(cue.signal, cue.text) for cue in coaching.cues]
            forwarder.enqueue_notes(handoff, message, cues, session=session)
        return handoff.status, created, views.message_out(message), coaching

    state, created, message, coaching = await on.read(add)
    if not created:
        response.status_code = status.HTTP_200_OK
        return schemas.Accepted(status=state, duplicate=True)
    on.publish("message", message.dict())
    on.publish("coaching", coaching.dict())  # live coaching panel
    on.publish_queue("message")
    forwarder.wake()
    return schemas.Accepted(status=state)


@router.post("/handoffs/{handoff_key}/customer-ended", response_model=schemas.Accepted)
async def customer_ended(
    body: schemas.CustomerEndedIn, on: OnHandoff = Depends(on_handoff)
) -> schemas.Accepted:
    """The customer ended the chat: the handoff closes (abandoned while waiting) and the
    inbox gives the conversation back to the bot through its outbox."""
    forwarder = on.svc.forwarder

    def end(handoff: Handoff, session: Session) -> tuple[str, bool]:
        # Closes it (out of the queue at once) and queues the bot's un-pause in the same
        # transaction; False for a repeat or after the agent closed it: nothing twice.
        news = agent_actions.customer_left(handoff, body.sent_at, session=session)
        handoffs.mark_customer_ended(handoff, body.sent_at, session=session)
        if news:
            forwarder.enqueue_customer_ended(handoff, session=session)  # same transaction
        return handoff.status, news

    # Locked: two racing calls must not both queue the event (one row per target and event).
    state, news = await on.locked(end, lock=forwarder.enabled)
    if news:
        forwarder.wake()
        on.wake_delivery()
    on.publish("customer_ended", {"handoff_key": on.key})
    on.publish_queue("customer_ended")
    return schemas.Accepted(status=state)


@router.post("/handoffs/{handoff_key}/contact-preference", response_model=schemas.Accepted)
async def contact_preference(
    body: schemas.ContactPreferenceIn, on: OnHandoff = Depends(on_handoff)
) -> schemas.Accepted:
    """Optional: the customer chose to wait, be called back or get an email."""

    def choose(handoff: Handoff, session: Session) -> tuple[str, bool]:
        new_email = body.contact_preference == "email" and (
            handoff.contact_preference,
            handoff.contact_detail,
        ) != ("email", body.contact_detail)
        handoffs.set_contact_preference(handoff, body, session=session)
        # Only when the inbox can send email: otherwise it would be an empty promise.
        can_email = mail.SmtpSettings.from_env() is not None
        confirm = new_email and can_email and handoff.status in OPEN_STATUSES
        if confirm:  # told back to the customer, once per address, through the outbox
            agent_actions.notice(
                handoff, followup_confirmation(body.contact_detail or ""), session=session
            )
        return handoff.status, confirm

    state, confirm = await on.locked(choose)
    on.publish_queue("updated")
    if confirm:
        on.wake_delivery()
    return schemas.Accepted(status=state)


def followup_confirmation(address: str) -> str:
    """What the customer reads after leaving their address."""
    return (
        f"Thanks, we've noted {address}. If nobody from our team can answer here soon,"
        " they'll reply to you by email, with this conversation's reference in the subject."
    )
