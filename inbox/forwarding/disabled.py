"""The forwarder used when no helpdesk is configured: it queues nothing and runs no loop.

Callers always hold a forwarder (``Services.forwarder``) and call it unconditionally;
this stand-in replaces the ``if svc.forwarder is not None`` checks at every call site.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from inbox.models import Handoff, Message


class NoForwarder:
    """Same methods as ``inbox.forwarding.worker.Forwarder``, each doing nothing."""

    enabled = False  # nothing is queued, so callers need no row lock for it

    def enqueue_created(self, handoff: Handoff, *, session: Session) -> None:
        """Nothing configured: nothing to queue."""

    def enqueue_resolved(self, handoff: Handoff, resolved_by: str, *, session: Session) -> None:
        """Nothing configured: nothing to queue."""

    def enqueue_handed_back(
        self, handoff: Handoff, handed_back_by: str, *, session: Session, source: str = "inbox"
    ) -> None:
        """Nothing configured: nothing to queue."""

    def enqueue_customer_ended(self, handoff: Handoff, *, session: Session) -> None:
        """Nothing configured: nothing to queue."""

    def enqueue_message(self, handoff: Handoff, message: Message, *, session: Session) -> None:
        """Nothing configured: nothing to queue."""

    def enqueue_agent_message(
        self, handoff: Handoff, message: Message, source: str, *, session: Session
    ) -> None:
        """Nothing configured: nothing to queue."""

    def enqueue_claimed(
        self, handoff: Handoff, agent_name: str, source: str, *, session: Session
    ) -> None:
        """Nothing configured: nothing to queue."""

    def enqueue_reopened(
        self, handoff: Handoff, agent_name: str, source: str, *, session: Session
    ) -> None:
        """Nothing configured: nothing to queue."""

    def enqueue_notes(
        self, handoff: Handoff, message: Message, cues: list[tuple[str, str]], *, session: Session
    ) -> None:
        """Nothing configured: nothing to queue."""

    def wake(self) -> None:
        """No loop to wake."""

    def start(self) -> None:
        """No loop to start."""

    async def aclose(self) -> None:
        """No client to close."""
