"""The handoff state machine: the one place a handoff's status changes.

    waiting ──claim/assign──► claimed (with an agent) ──hand_back──► handed_back
       │                        │  └──────────resolve──────────────► resolved
       │                        └──customer_left─────────────────► customer_ended
       └──customer_left / silent_timeout──────────────────────────► abandoned
    claimed ──transfer_to_queue (the agent or an admin puts it back)──► waiting
    handed_back / resolved ──reopen (a help desk reopened it; the bot pauses)──► claimed

Every change is a conditional UPDATE (two racing calls cannot both win) and a
``HandoffTransition`` row saying who and when; a close also stores the customer's
frustration at the close (analytics' "frustration fell"), whoever closed it. Anything
else is refused with a sentence the agent's page shows as it is (409).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from inbox.conversation.coaching_store import note_closing_frustration
from inbox.errors import Conflict
from inbox.models import Agent, Handoff, HandoffTransition, Message, rows_of_handoff, utcnow

WAITING = "waiting"
WITH_AGENT = "claimed"  # stored as "claimed" since v1 of the contract
HANDED_BACK = "handed_back"
RESOLVED = "resolved"
ABANDONED = "abandoned"
CUSTOMER_ENDED = "customer_ended"

# event -> {from status: to status}
TRANSITIONS: dict[str, dict[str, str]] = {
    "claim": {WAITING: WITH_AGENT},
    "assign": {WAITING: WITH_AGENT, WITH_AGENT: WITH_AGENT},
    "hand_back": {WITH_AGENT: HANDED_BACK},
    "resolve": {WITH_AGENT: RESOLVED},
    "customer_left": {WAITING: ABANDONED, WITH_AGENT: CUSTOMER_ENDED},
    "silent_timeout": {WAITING: ABANDONED},
    # The agent (or an admin) puts it back in the queue (inbox.agent_tools.transfer): it
    # waits again with its priority and its wait, and nobody on it.
    "transfer_to_queue": {WITH_AGENT: WAITING},
    # A help desk reopened a conversation an agent closed (docs/helpdesks.md): a person
    # has the customer again. Not after the customer left: nobody to talk to.
    "reopen": {HANDED_BACK: WITH_AGENT, RESOLVED: WITH_AGENT},
}

# Why a closed handoff takes no more agent actions, in the agent's words.
_CLOSED_BECAUSE = {
    ABANDONED: "The customer left before anyone joined",
    CUSTOMER_ENDED: "The customer ended this chat",
    HANDED_BACK: "This conversation was handed back to the bot",
    RESOLVED: "This conversation is resolved",
}


@dataclass(frozen=True)
class Actor:
    """Who made a transition: ``agent``, ``customer``, ``bot``, ``desk`` or ``inbox`` (a timer)."""

    kind: str
    agent: Agent | None = None
    name: str | None = None

    @classmethod
    def of(cls, agent: Agent) -> Actor:
        return cls("agent", agent, agent.display_name)


CUSTOMER = Actor("customer")
INBOX_TIMER = Actor("inbox")


def refusal(handoff: Handoff, event: str) -> str:
    """The sentence an agent reads when ``event`` is not possible now."""
    status = handoff.status
    if status in _CLOSED_BECAUSE:
        return f"{_CLOSED_BECAUSE[status]}; it can no longer be claimed or answered."
    if status == WITH_AGENT and event == "claim":
        who = handoff.claimed_by.display_name if handoff.claimed_by else "another agent"
        return f"already claimed by {who}"
    if status == WAITING:
        return "Nobody has claimed this conversation yet; claim it first."
    return f"conversation is {status}"


def allowed(handoff: Handoff, event: str) -> bool:
    return handoff.status in TRANSITIONS[event]


def apply(
    handoff: Handoff,
    event: str,
    actor: Actor,
    *,
    session: Session,
    at: datetime | None = None,
) -> str:
    """Move ``handoff`` by ``event``; returns the new status, raises Conflict when refused."""
    source = handoff.status
    target = TRANSITIONS[event].get(source)
    if target is None:
        raise Conflict(refusal(handoff, event))
    now = at or utcnow()
    values: dict[str, object] = {"status": target}
    if event in ("claim", "assign", "reopen"):
        values.update(claimed_by_id=actor.agent.id if actor.agent else None, claimed_at=now)
        if event == "reopen":
            values["closed_at"] = None
    elif target == WAITING:
        values.update(claimed_by_id=None, claimed_at=None)
    elif target != WITH_AGENT:
        values["closed_at"] = now
    result = session.execute(
        update(Handoff)
        .where(Handoff.id == handoff.id, Handoff.status == source)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.refresh(handoff)
        raise Conflict(refusal(handoff, event))
    session.add(
        HandoffTransition(
            handoff_id=handoff.id,
            event=event,
            from_status=source,
            to_status=target,
            actor=actor.kind,
            agent_id=actor.agent.id if actor.agent else None,
            actor_name=actor.name,
            at=now,
        )
    )
    session.flush()
    session.refresh(handoff)
    # Every close (agent, customer, timer, help desk) stores the frustration at the close
    # for analytics; a reopen clears it until the next close.
    note_closing_frustration(handoff, session=session)
    return target


def history(handoff: Handoff, *, session: Session) -> list[HandoffTransition]:
    """The handoff's transitions, oldest first."""
    return rows_of_handoff(HandoffTransition, handoff, HandoffTransition.id, session=session)


def left_after_text(handoff: Handoff) -> str | None:
    """ "left after 2 min" for a handoff the customer abandoned while waiting."""
    if handoff.status != ABANDONED or handoff.closed_at is None:
        return None
    seconds = max(0.0, (handoff.closed_at - handoff.created_at).total_seconds())
    if seconds < 60:
        return f"left after {int(seconds)} s"
    minutes = round(seconds / 60)
    return f"left after {minutes} min" if minutes < 120 else f"left after {minutes // 60} h"


def silent_waiting(
    *, session: Session, silence: timedelta, now: datetime | None = None
) -> list[Handoff]:
    """Waiting handoffs whose customer said nothing for ``silence`` (since the inbox
    received the handoff or their last message): the timer abandons them."""
    cutoff = (now or utcnow()) - silence
    waiting = session.execute(
        select(Handoff).where(Handoff.status == WAITING, Handoff.received_at < cutoff)
    ).scalars()
    out = []
    for handoff in waiting:
        last = session.execute(
            select(Message.received_at)
            .where(Message.handoff_id == handoff.id, Message.sender == "customer")
            .order_by(Message.received_at.desc())
            .limit(1)
        ).scalar_one_or_none()
        if last is None or last < cutoff:
            out.append(handoff)
    return out
