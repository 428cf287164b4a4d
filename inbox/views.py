"""Turn storage rows into API shapes (and the event payloads pages receive)."""
from __future__ import annotations

from datetime import datetime
from typing import Dict, List, Optional

from inbox import schemas
from inbox.models import Agent, Handoff, Message, utcnow


def waiting_seconds(handoff: Handoff, now: Optional[datetime] = None) -> int:
    end = handoff.claimed_at or handoff.closed_at or now or utcnow()
    return max(0, int((end - handoff.created_at).total_seconds()))


def agent_out(agent: Optional[Agent]) -> Optional[schemas.AgentOut]:
    return None if agent is None else schemas.AgentOut.from_orm(agent)


def queue_item(handoff: Handoff, new_messages: int = 0, now: Optional[datetime] = None) -> schemas.QueueItem:
    return schemas.QueueItem(
        handoff_key=handoff.key,
        conversation_id=handoff.conversation_id,
        customer_name=handoff.customer_name,
        customer_email=handoff.customer_email,
        channel=handoff.channel,
        reason=handoff.reason,
        priority=handoff.priority,
        frustration_level=handoff.frustration_level,
        status=handoff.status,
        created_at=handoff.created_at,
        waiting_seconds=waiting_seconds(handoff, now),
        claimed_by=handoff.claimed_by.display_name if handoff.claimed_by else None,
        new_messages=new_messages,
    )


def message_out(message: Message) -> schemas.MessageOut:
    return schemas.MessageOut.from_orm(message)


def conversation(handoff: Handoff, messages: List[Message]) -> schemas.ConversationOut:
    return schemas.ConversationOut(
        handoff_key=handoff.key,
        conversation_id=handoff.conversation_id,
        channel=handoff.channel,
        status=handoff.status,
        priority=handoff.priority,
        frustration_level=handoff.frustration_level,
        reason=handoff.reason,
        brief=handoff.brief,
        suggested_opening=handoff.suggested_opening,
        summary=handoff.summary or {},
        created_at=handoff.created_at,
        claimed_by=agent_out(handoff.claimed_by),
        claimed_at=handoff.claimed_at,
        closed_at=handoff.closed_at,
        resolution=handoff.resolution,
        customer_ended_at=handoff.customer_ended_at,
        contact_preference=handoff.contact_preference,
        messages=[message_out(m) for m in messages],
    )


def status_event(handoff: Handoff) -> Dict[str, object]:
    return {
        "handoff_key": handoff.key,
        "status": handoff.status,
        "claimed_by": handoff.claimed_by.display_name if handoff.claimed_by else None,
        "claimed_by_id": handoff.claimed_by_id,
        "resolution": handoff.resolution,
    }
