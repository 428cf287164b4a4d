"""The agent replies by email to a customer who left their address (agent session + CSRF).

Stored as the agent's message and queued in the delivery outbox (kind ``email``) in
the same transaction; ``inbox.followup.mail`` sends it.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from inbox.auth.deps import require_agent_csrf
from inbox.broker import handoff_topic
from inbox.conversation import handoffs, views
from inbox.conversation.agent_actions import enqueue_delivery, pending_agent_message
from inbox.db import run_in_session
from inbox.errors import Conflict
from inbox.followup import mail
from inbox.models import Agent
from inbox.schemas import MessageOut
from inbox.services import Services, services

router = APIRouter(prefix="/api/v1", tags=["agent"])


class EmailReplyIn(BaseModel):
    text: str = Field(..., min_length=1, max_length=5000)


@router.post(
    "/handoffs/{handoff_key}/email-replies",
    response_model=MessageOut,
    status_code=201,
    responses={409: {"description": "No email address, or email is not set up"}},
)
async def reply_by_email(
    handoff_key: str,
    body: EmailReplyIn,
    svc: Services = Depends(services),
    agent: Agent = Depends(require_agent_csrf),
) -> MessageOut:
    """Send the reply to the address the customer left; shown in the conversation."""
    if mail.SmtpSettings.from_env() is None:
        raise Conflict("Email is not set up on this inbox (INBOX_SMTP_HOST).")

    def unit(*, session: Session) -> tuple[int, MessageOut]:
        handoff = handoffs.require_handoff(handoff_key, session=session, for_update=True)
        address = handoff.contact_detail or ""
        if handoff.contact_preference != "email" or not mail.valid_email(address):
            raise Conflict("The customer left no email address for this conversation.")
        text = f"(by email to {address}) {body.text}"
        message = pending_agent_message(handoff, agent, text, id_prefix="email", session=session)
        payload = {
            "to": address,
            "reference": handoff.key[:12],
            "text": body.text,
            "agent": agent.display_name,
        }
        enqueue_delivery(handoff, "email", payload, session=session, message=message)
        return handoff.id, views.message_out(message)

    handoff_id, out = await run_in_session(svc.factory, unit)
    svc.broker.publish(handoff_topic(handoff_key), "message", out.dict())
    if svc.deliverer is not None:
        await svc.deliverer.flush(handoff_id)
    return out
