"""Delivers the outbox of Rasa calls (replies, agent joined, hand-back).

Calls for one conversation go out in the order they were queued and stop at the
first failure, so a hand-back never overtakes a reply. A failed call stays
``pending`` (the agent sees ``retrying`` on the message) and a background loop retries
it, up to ``INBOX_DELIVERY_MAX_ATTEMPTS`` times; then it is ``failed`` and the
calls queued after it go out. A mail the SMTP server may have taken without saying so
(``inbox.followup.sending``) is ``unconfirmed`` at once: never sent again on its own.

Several inbox replicas may share one database: a replica sends from a conversation's
outbox only while it holds that conversation's lease (``delivery_lease``), so two
replicas never send the same call, and the order holds across them.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from httpkit.retry import RetryPolicy
from inbox.broker import Broker, handoff_topic
from inbox.conversation import delivery_lease
from inbox.conversation.rasa_client import RasaClient, RasaError
from inbox.db import run_in_session
from inbox.followup import sending
from inbox.models import Delivery, Handoff, Message, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    payload: dict[str, Any]
    message_pk: int | None
    attempts: int = 0


# Calls that add one bot line, marked with the delivery's id: a retry first asks Rasa
# whether the line is already there (the answer to the first try may have been lost).
_LINE_KINDS = frozenset({"reply", "agent_joined", "notice"})


def _pending(handoff_id: int, *, session: Session) -> tuple:
    handoff = session.get(Handoff, handoff_id)
    jobs = [
        Job(d.id, d.kind, dict(d.payload), d.message_pk, d.attempts)
        for d in session.execute(
            select(Delivery)
            .where(Delivery.handoff_id == handoff_id, Delivery.status == "pending")
            .order_by(Delivery.id)
        ).scalars()
    ]
    return handoff.key, handoff.conversation_id, handoff.channel, jobs


def _record(
    job: Job, error: str | None, policy: RetryPolicy, final: str | None = None, *, session: Session
) -> tuple:
    """Store the outcome (``final``: end with that status, no retry); returns
    (delivery status, message status or None)."""
    delivery = session.get(Delivery, job.id)
    delivery.attempts += 1
    if error is None:
        delivery.status = "delivered"
        delivery.delivered_at = utcnow()
        delivery.last_error = None
    else:
        delivery.last_error = error[:1000]
        if final is not None:
            delivery.status = final
        elif policy.gives_up(delivery.attempts):
            delivery.status = "failed"  # stop retrying; later calls may go out
    if job.message_pk is None:
        return delivery.status, None
    message = session.get(Message, job.message_pk)
    message.delivery_status = {
        "delivered": "delivered",
        "failed": "failed",
        "unconfirmed": "unconfirmed",
    }.get(delivery.status, "retrying")
    return delivery.status, message.delivery_status


def _handoffs_with_pending(*, session: Session) -> list[int]:
    return list(
        session.execute(
            select(Delivery.handoff_id).where(Delivery.status == "pending").distinct()
        ).scalars()
    )


# How long a flush started by an agent's action waits for another replica's lease on the
# same conversation: that replica sends the new call too unless it had already finished.
LEASE_WAIT_SECONDS = 3.0
_LEASE_POLL_SECONDS = 0.05


class RasaDelivery:
    """Sends pending deliveries; one lock per conversation keeps them ordered in this
    process, the conversation's lease across replicas."""

    def __init__(
        self,
        factory: sessionmaker,
        rasa: RasaClient,
        broker: Broker,
        retry_seconds: float,
        max_attempts: int = 100,
        lease_seconds: float = 60.0,
    ) -> None:
        self.factory = factory
        self.rasa = rasa
        self.broker = broker
        # Longer than one call can take (the Rasa client's timeout, a few requests per
        # call): renewed before each call, so only a crashed replica's lease runs out.
        self.lease_seconds = lease_seconds
        self.holder = uuid.uuid4().hex
        # A fixed interval (the loop retries every pending conversation together), a limit.
        self.policy = RetryPolicy(
            base_seconds=retry_seconds,
            cap_seconds=retry_seconds,
            max_attempts=max_attempts,
            jitter=False,
        )
        self._locks: dict[int, asyncio.Lock] = {}
        self._wake = asyncio.Event()

    async def _call(self, conversation_id: str, channel: str, job: Job) -> None:
        if (
            job.kind in _LINE_KINDS
            and job.attempts > 0
            and await self.rasa.has_delivery(conversation_id, job.id)
        ):
            return  # the earlier try went through; only its answer was lost
        if job.kind in ("reply", "agent_joined"):
            await self.rasa.send_agent_line(
                "agent_message" if job.kind == "reply" else "agent_joined",
                conversation_id,
                job.payload["text"],
                job.payload["agent"],
                channel,
                job.id,
            )
        elif job.kind == "handback":
            await self.rasa.hand_back(conversation_id, job.payload.get("resolution", ""))
        elif job.kind == "resolve":  # the closing line, then the bot back without a line
            await self.rasa.resolve(
                conversation_id, job.payload["text"], job.payload["agent"], channel, job.id
            )
        elif job.kind == "end_handoff":  # the customer left: the bot answers again
            await self.rasa.end_handoff(conversation_id)
        elif job.kind == "notice":  # a line from the team's system, e.g. the email noted
            await self.rasa.send_notice(conversation_id, job.payload["text"], job.id)
        elif job.kind == "email":  # a reply by email: at most once (inbox.followup.sending)
            await sending.send(self.factory, job.id, job.payload)
        elif job.kind == "pause":  # a help desk reopened it (inbox.forwarding.desk_actions)
            await self.rasa.pause(conversation_id, job.payload["handoff_key"])
        else:
            raise RasaError(f"unknown delivery kind {job.kind}")

    async def _take_lease(self, handoff_id: int, wait: float) -> bool:
        """The conversation's lease, waiting up to ``wait`` seconds for another replica."""
        deadline = time.monotonic() + wait
        while True:
            if await run_in_session(
                self.factory, delivery_lease.take, handoff_id, self.holder, self.lease_seconds
            ):
                return True
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(_LEASE_POLL_SECONDS)

    async def flush(self, handoff_id: int, *, wait: float = LEASE_WAIT_SECONDS) -> bool:
        """Deliver what is pending for one conversation; True when nothing is left.

        False as well when another replica holds the conversation's lease for longer
        than ``wait``: it is sending, and what it leaves goes out on the next pass.
        """
        lock = self._locks.setdefault(handoff_id, asyncio.Lock())
        async with lock:
            if not await self._take_lease(handoff_id, wait):
                return False
            try:
                return await self._send_pending(handoff_id)
            finally:
                await run_in_session(self.factory, delivery_lease.release, handoff_id, self.holder)

    async def _send_pending(self, handoff_id: int) -> bool:
        """Send until the outbox is empty (calls queued meanwhile too: another replica
        may have given up waiting for this lease) or a call stays pending."""
        while True:
            key, conversation_id, channel, jobs = await run_in_session(
                self.factory, _pending, handoff_id
            )
            if not jobs:
                return True
            for job in jobs:
                if not await run_in_session(
                    self.factory, delivery_lease.take, handoff_id, self.holder, self.lease_seconds
                ):
                    return False  # our lease ran out and another replica took over
                error: str | None = None
                final: str | None = None
                try:
                    await self._call(conversation_id, channel, job)
                except sending.MailUnconfirmed as exc:
                    error, final = str(exc), "unconfirmed"
                    log.warning("mail for %s unconfirmed: %s", conversation_id, error)
                except RasaError as exc:
                    error = str(exc)
                    log.warning("delivery %s to %s failed: %s", job.kind, conversation_id, error)
                status, message_status = await run_in_session(
                    self.factory, _record, job, error, self.policy, final
                )
                if message_status is not None:
                    self.broker.publish(
                        handoff_topic(key),
                        "message_status",
                        {"message_pk": job.message_pk, "delivery_status": message_status},
                    )
                if status == "pending":
                    return False

    async def run(self) -> None:
        """Retry loop: every ``policy.delay`` seconds (or when woken), flush what is pending."""
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), self.policy.delay(1))
            except asyncio.TimeoutError:
                pass
            self._wake.clear()
            try:
                for handoff_id in await run_in_session(self.factory, _handoffs_with_pending):
                    await self.flush(handoff_id, wait=0)  # held elsewhere: the next pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("delivery loop failed; retrying later")

    def wake(self) -> None:
        self._wake.set()
