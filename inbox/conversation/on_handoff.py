"""One request on one handoff, as FastAPI dependencies: the routes' shared steps.

Every endpoint under ``/api/v1/handoffs/{handoff_key}/...`` does the same few things:
load the handoff in a session (locked when it changes), check who calls, do its own
part, then tell the live pages (the handoff's topic, the queue's topic) and wake the
outboxes. :class:`OnHandoff` holds the key and the services and does those steps;
:class:`AgentOnHandoff` adds the agent, and :meth:`AgentOnHandoff.act` is the one path
of every agent action (lock, apply, publish the new lines and the status, wake the desks,
deliver to Rasa). Who may call is the dependency's job: :func:`agent_on_handoff` needs
an agent's session and CSRF token; :func:`on_handoff` leaves it to the router (the bot's
bearer) or to the route (``require_reader``, ``require_agent``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Depends
from sqlalchemy.orm import Session

from inbox import schemas
from inbox.auth.deps import require_agent_csrf
from inbox.broker import QUEUE_TOPIC, handoff_topic
from inbox.conversation import handoffs, views
from inbox.db import run_in_session
from inbox.models import Agent, Handoff
from inbox.services import Services, services

T = TypeVar("T")


@dataclass(frozen=True)
class OnHandoff:
    """A request on the handoff ``key`` (the path's ``handoff_key``)."""

    key: str
    svc: Services

    async def read(self, fn: Callable[[Handoff, Session], T]) -> T:
        """``fn(handoff, session)`` in one transaction; 404 for an unknown key."""

        def unit(*, session: Session) -> T:
            return fn(handoffs.require_handoff(self.key, session=session), session)

        return await run_in_session(self.svc.factory, unit)

    async def locked(self, fn: Callable[[Handoff, Session], T], *, lock: bool = True) -> T:
        """Like :meth:`read` with the handoff's row locked, for a change (``lock=False``
        where the caller decided a lock is not needed)."""

        def unit(*, session: Session) -> T:
            handoff = handoffs.require_handoff(self.key, session=session, for_update=lock)
            return fn(handoff, session)

        return await run_in_session(self.svc.factory, unit)

    async def conversation(self) -> schemas.ConversationOut:
        """Summary, status and every message since the handoff."""
        return await self.read(
            lambda handoff, session: views.conversation(
                handoff, handoffs.messages(handoff, session=session)
            )
        )

    def publish(self, event: str, data: dict[str, Any]) -> None:
        """An event on this conversation's live page."""
        self.svc.broker.publish(handoff_topic(self.key), event, data)

    def publish_queue(self, reason: str) -> None:
        """The queue page re-reads (``reason`` says why)."""
        self.svc.broker.publish(QUEUE_TOPIC, "queue", {"reason": reason, "handoff_key": self.key})

    def wake_delivery(self) -> None:
        """Rasa's outbox sends what was queued, in the background (the bot's own call holds
        Rasa's lock on the conversation, so a bot endpoint must not wait for it)."""
        if self.svc.deliverer is not None:
            self.svc.deliverer.wake()


@dataclass(frozen=True)
class AgentOnHandoff(OnHandoff):
    """A state-changing request of ``agent`` (session and CSRF token checked)."""

    agent: Agent

    async def act(
        self, action: Callable[[Handoff, Agent, Session], T], *, status_reason: str | None
    ) -> tuple[Handoff, T]:
        """The one path of every agent action: ``action(handoff, me, session)`` under the
        handoff's row lock (``me``: the agent, loaded in that session); then the lines it
        added go to the live page, the status and the queue too unless ``status_reason`` is
        None (the status did not change: a reply), the desks' outbox wakes, and what the
        action queued for Rasa is delivered before the answer. Returns (handoff, result)."""

        def unit(*, session: Session) -> tuple[Handoff, list[schemas.MessageOut], T]:
            handoff = handoffs.require_handoff(self.key, session=session, for_update=True)
            me = session.get(Agent, self.agent.id)
            assert me is not None  # require_agent_csrf loaded it a moment ago
            before = {m.id for m in handoffs.messages(handoff, session=session)}
            result = action(handoff, me, session)
            session.flush()
            fresh = [
                views.message_out(m)
                for m in handoffs.messages(handoff, session=session)
                if m.id not in before
            ]
            return handoff, fresh, result

        handoff, fresh, result = await run_in_session(self.svc.factory, unit)
        for message in fresh:
            self.publish("message", message.dict())
        if status_reason is not None:
            self.publish("status", views.status_event(handoff))
            self.publish_queue(status_reason)
        self.svc.forwarder.wake()
        if self.svc.deliverer is not None:
            await self.svc.deliverer.flush(handoff.id)
        return handoff, result

    async def act_and_show(
        self, action: Callable[[Handoff, Agent, Session], object], *, status_reason: str
    ) -> schemas.ConversationOut:
        """:meth:`act`, then the conversation as it now stands (what the page redraws)."""
        await self.act(action, status_reason=status_reason)
        return await self.conversation()


def on_handoff(handoff_key: str, svc: Services = Depends(services)) -> OnHandoff:
    """Dependency: the handoff of the path; the caller is checked by the router or route."""
    return OnHandoff(handoff_key, svc)


def agent_on_handoff(
    handoff_key: str,
    svc: Services = Depends(services),
    agent: Agent = Depends(require_agent_csrf),
) -> AgentOnHandoff:
    """Dependency: the handoff of the path, changed by a logged-in agent (CSRF checked)."""
    return AgentOnHandoff(handoff_key, svc, agent)
