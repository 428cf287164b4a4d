"""Turn storage rows into API shapes (and the event payloads pages receive)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy.orm import object_session

from inbox import schemas
from inbox.conversation import lifecycle
from inbox.conversation.coaching import Reading, coach
from inbox.models import Agent, Handoff, HandoffTransition, Message, utcnow
from inbox.wrapup.draft import Ending, Line, draft_note

M = TypeVar("M", bound=BaseModel)


# How a message's delivery reads on the agent's page: a sign (decoration, hidden from
# screen readers), the words (what counts), and a longer explanation on hover. The page
# and conversation.js (live updates) both read this one table.
DELIVERY_WORDS: dict[str, tuple[str, str, str]] = {
    "pending": ("…", "sending", "On its way to the customer."),
    "retrying": ("⟳", "retrying", "Not through yet; the inbox keeps trying."),
    "delivered": ("✓", "delivered", "The customer's channel took it."),
    "failed": ("✕", "not delivered", "It could not be delivered; the inbox stopped trying."),
    "unconfirmed": (
        "?",
        "sent, not confirmed by the mail server",
        "The mail server did not confirm it, so it may or may not have arrived. It is not"
        " sent again on its own: if it matters, send a new email reply.",
    ),
}


def waiting_seconds(handoff: Any, now: datetime | None = None) -> int:
    """Seconds from the escalation until claimed (or closed, or now)."""
    end = handoff.claimed_at or handoff.closed_at or now or utcnow()
    return max(0, int((end - handoff.created_at).total_seconds()))


def agent_out(agent: Agent | None) -> schemas.AgentOut | None:
    return None if agent is None else schemas.AgentOut.from_orm(agent)


def message_out(message: Message) -> schemas.MessageOut:
    out = schemas.MessageOut.from_orm(message)
    if message.frustration_score is not None:
        out.frustration = schemas.MessageFrustrationOut(
            score=message.frustration_score,
            level=message.frustration_level,
            trend=message.frustration_trend,
            signals=message.frustration_signals or {},
            reasons=message.frustration_reasons or [],
        )
    return out


def _reading(message: Message) -> Reading:
    return Reading(
        score=message.frustration_score,
        level=message.frustration_level or "calm",
        trend=message.frustration_trend,
        signals=message.frustration_signals or {},
    )


def coaching(handoff: Handoff, messages: list[Message]) -> schemas.CoachingOut:
    """Coaching from the last scored customer messages (``messages`` in order)."""
    scored = [m for m in messages if m.sender == "customer" and m.frustration_score is not None]
    at_handoff = Reading(score=handoff.escalation_score, level=handoff.frustration_level or "calm")
    result = coach([_reading(m) for m in scored], at_handoff)
    return schemas.CoachingOut(
        score=result.score,
        level=result.level,
        trend=result.trend,
        direction=result.direction,
        cues=[schemas.CoachingCueOut(signal=cue.signal, text=cue.text) for cue in result.cues],
    )


def wrap_up_draft(handoff: Handoff, messages: list[Message]) -> str:
    """The proposed note for this conversation as it stands now."""
    lines = [
        Line(speaker=m.sender, text=m.text, abusive=bool(m.abusive), agent_name=m.agent_name)
        for m in messages
    ]
    ending = Ending(
        status=handoff.status,
        resolution=handoff.resolution,
        customer_ended=handoff.customer_ended_at is not None,
        agent_name=handoff.claimed_by.display_name if handoff.claimed_by else None,
        latest_level=handoff.latest_frustration_level,
        latest_score=handoff.latest_frustration_score,
        contact_preference=handoff.contact_preference,
    )
    return draft_note(handoff.summary or {}, lines, ending)


def wrap_up(handoff: Handoff, messages: list[Message]) -> schemas.WrapUpOut:
    return schemas.WrapUpOut(
        handoff_key=handoff.key,
        draft=wrap_up_draft(handoff, messages),
        saved_note=handoff.wrap_up_note,
        saved_at=handoff.wrap_up_saved_at,
        saved_by=handoff.wrap_up_saved_by.display_name if handoff.wrap_up_saved_by else None,
    )


def shaped(model: type[M], source: Any, **given: Any) -> M:
    """``model`` with each field ``given`` or, else, read from ``source``'s attribute of
    the same name (API shapes mostly repeat a stored row's names)."""
    return model(
        **{
            name: given[name] if name in given else getattr(source, name)
            for name in model.__fields__
            if name in given or hasattr(source, name)
        }
    )


def conversation(handoff: Handoff, messages: list[Message]) -> schemas.ConversationOut:
    return shaped(
        schemas.ConversationOut,
        handoff,
        handoff_key=handoff.key,
        summary=handoff.summary or {},
        claimed_by=agent_out(handoff.claimed_by),
        messages=[message_out(m) for m in messages],
        coaching=coaching(handoff, messages),
        wrap_up_saved_by=handoff.wrap_up_saved_by.display_name
        if handoff.wrap_up_saved_by
        else None,
        left_after=lifecycle.left_after_text(handoff),
        transitions=[shaped(schemas.TransitionOut, t) for t in _history(handoff)],
    )


def _history(handoff: Handoff) -> list[HandoffTransition]:
    session = object_session(handoff)
    return lifecycle.history(handoff, session=session) if session is not None else []


def status_event(handoff: Handoff) -> dict[str, object]:
    return {
        "handoff_key": handoff.key,
        "status": handoff.status,
        "claimed_by": handoff.claimed_by.display_name if handoff.claimed_by else None,
        "claimed_by_id": handoff.claimed_by_id,
        "resolution": handoff.resolution,
    }


class ClosedNotice(BaseModel):
    """The banner at the top of a closed conversation: what happened, and when."""

    headline: str
    at: datetime | None
    when: str  # "25 Nov 10:02 UTC, 4 min after Sam joined"


def _minutes(seconds: float) -> str:
    return f"{int(seconds)} s" if seconds < 60 else f"{round(seconds / 60)} min"


def closed_notice(conv: schemas.ConversationOut) -> ClosedNotice | None:
    """Why the agent can no longer chat in ``conv`` (None while it is open): who closed
    it and when, from its last transition (``closed_at`` when there is none)."""
    status = conv.status
    last = next((t for t in reversed(conv.transitions) if t.to_status == status), None)
    at = last.at if last is not None else conv.closed_at
    who = (last.actor_name if last is not None else None) or "an agent"
    agent = conv.claimed_by.display_name if conv.claimed_by else "the agent"
    after = ""
    if status == lifecycle.ABANDONED:
        if last is not None and last.event == "silent_timeout":
            headline = "The customer went quiet in the queue and the inbox closed the chat; nobody had joined."
        elif conv.left_after:
            headline = f"The customer {conv.left_after} in the queue; nobody had joined."
        else:
            headline = "The customer left the queue; nobody had joined."
    elif status == lifecycle.CUSTOMER_ENDED:
        headline = "The customer ended the chat."
        if at is not None and conv.claimed_at is not None:
            after = f", {_minutes(max(0.0, (at - conv.claimed_at).total_seconds()))} after {agent} joined"
    elif status == lifecycle.RESOLVED:
        headline = f"Resolved by {who}."
    elif status == lifecycle.HANDED_BACK:
        headline = f"Handed back to the bot by {who}."
    else:
        return None
    when = f"{at:%d %b %H:%M} UTC{after}" if at is not None else ""
    return ClosedNotice(headline=headline, at=at, when=when)
