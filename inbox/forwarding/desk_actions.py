"""What an agent does in a help desk, applied to the inbox's own state.

The inbox owns every handoff; a desk (Chatwoot, or any desk behind the signed webhook)
is one more place where agents act. A desk agent is an inbox ``Agent`` that cannot
log in (``username`` ``<desk>:<their id>``, inactive, never "available"), so a claim,
a reply or a hand-back made in the desk is stored, shown to inbox agents and delivered
to the customer exactly as one made in the inbox: a ``Message`` and a ``Delivery`` of
the same kind, sent by the same delivery loop (``inbox.conversation.rasa_delivery``).

    DeskAction  (reply | claim | handback | reopen) ── apply() ──► Outcome

Duplicates are harmless: a reply is stored once per desk message id (the messages
table's unique ``(handoff, message_id)``), and the state changes do nothing when the
handoff is already in the state asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inbox.conversation import lifecycle
from inbox.conversation.agent_actions import enqueue_delivery, system_line
from inbox.errors import Conflict
from inbox.models import OPEN_STATUSES, Agent, Handoff, Message, utcnow

KINDS = ("reply", "claim", "handback", "reopen")
UNUSABLE_PASSWORD_HASH = "!desk-agent"  # never a valid Argon2 hash: a desk agent cannot log in


@dataclass(frozen=True)
class DeskAction:
    """One thing a desk agent did. ``external_id`` is the desk's id for a reply (dedup)."""

    desk: str  # "chatwoot" | "webhook"
    kind: str  # one of KINDS
    handoff_key: str
    agent_id: str
    agent_name: str
    text: str = ""
    external_id: str = ""


@dataclass
class Outcome:
    """What ``apply`` changed, for the route to publish and deliver after the commit."""

    handoff_key: str
    handoff_id: int
    status: str
    duplicate: bool = False
    ignored: str = ""  # why nothing was done (closed conversation, unknown state …)
    status_changed: bool = False
    messages: list[int] = field(default_factory=list)  # Message ids added


def desk_agent(desk: str, agent_id: str, name: str, *, session: Session) -> Agent:
    """The inbox's stand-in for a desk agent; created on first sight, renamed when they are."""
    username = f"{desk}:{agent_id}"[:80]
    name = (name.strip() or f"{desk.title()} agent")[:120]
    agent = session.execute(select(Agent).where(Agent.username == username)).scalar_one_or_none()
    if agent is None:
        agent = Agent(
            username=username,
            display_name=name,
            password_hash=UNUSABLE_PASSWORD_HASH,
            role="agent",
            available=False,  # the bot's wait estimate counts people in the inbox
            active=False,  # no login, not listed among the inbox's agents
        )
        session.add(agent)
        session.flush()
    elif agent.display_name != name:
        agent.display_name = name
    return agent


def _actor(agent: Agent) -> lifecycle.Actor:
    return lifecycle.Actor("desk", agent, agent.display_name)


def _claim(
    handoff: Handoff, agent: Agent, desk: str, outcome: Outcome, *, session: Session
) -> None:
    """A waiting conversation becomes the desk agent's; the customer hears who joined.

    Through the inbox's state machine, so it races safely with a claim in the inbox.
    """
    if handoff.status != "waiting":
        return
    try:
        lifecycle.apply(handoff, "claim", _actor(agent), session=session)
    except Conflict:
        return  # someone else was quicker, or the customer left
    text = f"{agent.display_name} has joined the chat."
    outcome.messages.append(system_line(handoff, f"{text} (in {desk.title()})", session=session).id)
    enqueue_delivery(
        handoff, "agent_joined", {"text": text, "agent": agent.display_name}, session=session
    )
    outcome.status_changed = True


def _reply(
    action: DeskAction, handoff: Handoff, agent: Agent, outcome: Outcome, *, session: Session
) -> None:
    message_id = f"{action.desk}-{action.external_id}"[:128]
    existing = session.execute(
        select(Message.id).where(Message.handoff_id == handoff.id, Message.message_id == message_id)
    ).scalar_one_or_none()
    if existing is not None:
        outcome.duplicate = True
        return
    if handoff.status not in OPEN_STATUSES:
        outcome.ignored = f"conversation is {handoff.status}; reopen it to write to the customer"
        return
    _claim(handoff, agent, action.desk, outcome, session=session)
    message = Message(
        handoff_id=handoff.id,
        message_id=message_id,
        sender="agent",
        text=action.text,
        sent_at=utcnow(),
        agent_id=agent.id,
        agent_name=agent.display_name,
        delivery_status="pending",
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:  # the same desk message, delivered twice at the same moment
        outcome.duplicate = True
        return
    handoff.search_text = (handoff.search_text + "\n" + action.text.lower())[-200_000:]
    enqueue_delivery(
        handoff,
        "reply",
        {"text": action.text, "agent": agent.display_name},
        session=session,
        message=message,
    )
    outcome.messages.append(message.id)


def last_agent_reply(handoff: Handoff, *, session: Session) -> str:
    """The last thing an agent told the customer: what was settled, for the bot's hand-back."""
    text = session.execute(
        select(Message.text)
        .where(Message.handoff_id == handoff.id, Message.sender == "agent")
        .order_by(Message.sent_at.desc(), Message.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return text or ""


def _hand_back(
    action: DeskAction, handoff: Handoff, agent: Agent, outcome: Outcome, *, session: Session
) -> None:
    if handoff.status not in OPEN_STATUSES:
        return  # already closed (the inbox resolved it, or this is a repeat)
    _claim(handoff, agent, action.desk, outcome, session=session)  # resolved while waiting
    resolution = action.text or last_agent_reply(handoff, session=session)
    try:
        lifecycle.apply(handoff, "hand_back", _actor(agent), session=session)
    except Conflict as exc:
        outcome.ignored = str(exc)
        return
    handoff.resolution = resolution
    outcome.messages.append(
        system_line(
            handoff,
            f"{agent.display_name} handed the conversation back to the bot in {action.desk.title()}.",
            session=session,
        ).id
    )
    enqueue_delivery(handoff, "handback", {"resolution": resolution}, session=session)
    outcome.status_changed = True


def _reopen(
    action: DeskAction, handoff: Handoff, agent: Agent, outcome: Outcome, *, session: Session
) -> None:
    """A conversation handed back is a person's again: the bot pauses, relays resume."""
    if handoff.status in OPEN_STATUSES:
        return
    try:
        lifecycle.apply(handoff, "reopen", _actor(agent), session=session)
    except Conflict as exc:  # the customer left: nobody to pause the bot for
        outcome.ignored = str(exc)
        return
    outcome.messages.append(
        system_line(
            handoff,
            f"{agent.display_name} reopened the conversation in {action.desk.title()}; the bot is paused.",
            session=session,
        ).id
    )
    enqueue_delivery(handoff, "pause", {"handoff_key": handoff.key}, session=session)
    outcome.status_changed = True


def apply(action: DeskAction, *, session: Session) -> Outcome | None:
    """Apply one desk action under the handoff's row lock; None for an unknown handoff."""
    handoff = (
        session.execute(
            select(Handoff).where(Handoff.key == action.handoff_key).with_for_update(of=Handoff)
        )
        .unique()
        .scalar_one_or_none()
    )
    if handoff is None:
        return None
    outcome = Outcome(handoff_key=handoff.key, handoff_id=handoff.id, status=handoff.status)
    dedup_id = f"{action.desk}-{action.external_id}"[:128] if action.external_id else ""
    if dedup_id and action.kind != "reply":
        seen = session.execute(
            select(Message.id).where(
                Message.handoff_id == handoff.id, Message.message_id == dedup_id
            )
        ).scalar_one_or_none()
        if seen is not None:  # the same idempotency key again: done already
            outcome.duplicate = True
            return outcome
    owner = handoff.claimed_by
    if not action.agent_id and owner is not None and owner.username.startswith(f"{action.desk}:"):
        agent = owner  # the desk did not say who (an unassigned conversation): its agent on it
    else:
        agent = desk_agent(
            action.desk,
            action.agent_id or "desk",
            action.agent_name or action.desk.title(),
            session=session,
        )
    if action.kind == "reply":
        _reply(action, handoff, agent, outcome, session=session)
    elif action.kind == "claim":
        if handoff.status == "waiting":
            _claim(handoff, agent, action.desk, outcome, session=session)
        elif handoff.status == "claimed" and handoff.claimed_by_id != agent.id:
            outcome.messages.append(
                system_line(
                    handoff,
                    f"{agent.display_name} was assigned the conversation in {action.desk.title()}.",
                    session=session,
                ).id
            )
    elif action.kind == "handback":
        _hand_back(action, handoff, agent, outcome, session=session)
    elif action.kind == "reopen":
        _reopen(action, handoff, agent, outcome, session=session)
    else:
        outcome.ignored = f"unknown action {action.kind}"
    if dedup_id and action.kind != "reply" and outcome.messages:
        # The line the action wrote carries its idempotency key, so a repeat is seen above.
        session.get(Message, outcome.messages[0]).message_id = dedup_id
    session.flush()
    outcome.status = handoff.status
    return outcome
