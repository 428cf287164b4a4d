"""Data access: plain functions taking ``*, session``. They never commit; the caller's
``factory.begin()`` block owns the transaction. Import them from here (``crud.claim``).
"""

from inbox.crud.actions import add_agent_reply, assign, claim, hand_back, resolve
from inbox.crud.agents import (
    agent_by_id,
    agent_by_username,
    agents_available,
    create_agent,
    set_availability,
)
from inbox.crud.coaching import recent_scored_messages
from inbox.crud.handoffs import (
    add_customer_message,
    create_handoff,
    handoff_by_key,
    mark_customer_ended,
    messages,
    require_handoff,
    set_contact_preference,
)
from inbox.crud.queue import (
    estimate_wait,
    figures,
    new_customer_message_counts,
    queue,
    queue_position,
    search,
    waiting_count,
)
from inbox.crud.wrap_up import save_wrap_up

__all__ = [
    "add_agent_reply",
    "add_customer_message",
    "agent_by_id",
    "agent_by_username",
    "agents_available",
    "assign",
    "claim",
    "create_agent",
    "create_handoff",
    "estimate_wait",
    "figures",
    "hand_back",
    "handoff_by_key",
    "mark_customer_ended",
    "messages",
    "new_customer_message_counts",
    "queue",
    "queue_position",
    "recent_scored_messages",
    "require_handoff",
    "resolve",
    "save_wrap_up",
    "search",
    "set_availability",
    "set_contact_preference",
    "waiting_count",
]
