"""The background loop that forwards queued events, started from the app lifespan.

``wake()`` after a handoff is committed sends it at once; otherwise the loop looks
every ``poll_seconds`` (and exactly when a deferred retry is due). A row is marked
``delivered`` only after the target's 2xx, so a crash or an error mid-way means
another attempt, never a lost event; the targets make that attempt harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from inbox.db import run_in_session
from inbox.forwarding import events, outbox, preflight
from inbox.forwarding.base import ForwardError, RetryableError, Target
from inbox.forwarding.chatwoot import ChatwootTarget
from inbox.forwarding.disabled import NoForwarder
from inbox.forwarding.settings import ForwardSettings
from inbox.forwarding.slack import SlackTarget
from inbox.forwarding.webhook import WebhookTarget
from inbox.models import Forward, Handoff, Message, utcnow

log = logging.getLogger(__name__)
CONCURRENCY = 8
TWO_WAY = ("webhook", "chatwoot")  # targets that hear the whole conversation, not only handoffs


def make_targets(settings: ForwardSettings) -> dict[str, Target]:
    """One target per configured service, keyed by the name stored on the rows."""
    targets: dict[str, Target] = {}
    if settings.slack_webhook_url:
        targets["slack"] = SlackTarget(settings.slack_webhook_url)
    if settings.webhook_url:
        targets["webhook"] = WebhookTarget(settings.webhook_url, settings.webhook_secret)
    if settings.chatwoot_url:
        targets["chatwoot"] = ChatwootTarget(
            settings.chatwoot_url,
            settings.chatwoot_account_id,
            settings.chatwoot_inbox_id,
            settings.chatwoot_api_token,
        )
    return targets


class Forwarder:
    """Queues events in the caller's transaction and delivers them in the background."""

    enabled = True  # see inbox.forwarding.disabled.NoForwarder

    def __init__(
        self,
        factory: sessionmaker,
        settings: ForwardSettings,
        transport: httpx.AsyncBaseTransport | None = None,
        rng: Callable[[], float] = random.random,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.factory = factory
        self.settings = settings
        self.targets = make_targets(settings)
        self.rng = rng
        self.clock = clock  # the retry clock; tests drive it instead of waiting out an outage
        self.client = httpx.AsyncClient(
            timeout=settings.timeout_seconds, transport=transport, follow_redirects=False
        )
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._check: asyncio.Task | None = None
        self._slots = asyncio.Semaphore(CONCURRENCY)

    @classmethod
    def build(
        cls,
        factory: sessionmaker,
        settings: ForwardSettings,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> Forwarder | NoForwarder:
        """A forwarder, or the do-nothing one when no target is configured (no rows, no loop)."""
        return cls(factory, settings, transport) if settings.targets else NoForwarder()

    # ------------------------------------------------------------ queueing (caller's transaction)

    def enqueue_created(self, handoff: Handoff, *, session: Session) -> None:
        outbox.enqueue(
            handoff,
            events.created(handoff, self.settings.public_url),
            tuple(self.targets),
            session=session,
        )

    def enqueue_resolved(self, handoff: Handoff, resolved_by: str, *, session: Session) -> None:
        outbox.enqueue(
            handoff,
            events.resolved(handoff, self.settings.public_url, resolved_by),
            tuple(self.targets),
            session=session,
        )

    def enqueue_handed_back(
        self, handoff: Handoff, handed_back_by: str, *, session: Session, source: str = "inbox"
    ) -> None:
        """Every target; a hand-back made in a desk skips that desk (it is closed there
        already, and closing it again would race with an agent reopening it)."""
        outbox.enqueue(
            handoff,
            events.handed_back(handoff, self.settings.public_url, handed_back_by),
            tuple(t for t in self.targets if t != source),
            session=session,
            # after a reopen a conversation can be handed back again: one row per time
            row_event=f"handed_back:{handoff.closed_at.timestamp():.0f}"
            if source != "inbox" and handoff.closed_at
            else None,
        )

    def enqueue_customer_ended(self, handoff: Handoff, *, session: Session) -> None:
        outbox.enqueue(
            handoff,
            events.customer_ended(handoff, self.settings.public_url),
            tuple(self.targets),
            session=session,
        )

    # ------------------------------------------------------------ two-way desks (docs/helpdesks.md)

    def _desks(self, exclude: str | None = None) -> tuple[str, ...]:
        """Targets that follow the whole conversation (Slack only hears of handoffs)."""
        return tuple(t for t in self.targets if t in TWO_WAY and t != exclude)

    def _to_desks(
        self,
        handoff: Handoff,
        event: dict[str, Any],
        row_event: str | None,
        *,
        session: Session,
        exclude: str | None = None,
    ) -> None:
        """``event`` to the two-way desks but the one it came from, one row per ``row_event``."""
        outbox.enqueue(
            handoff, event, self._desks(exclude=exclude), session=session, row_event=row_event
        )

    def enqueue_message(self, handoff: Handoff, message: Message, *, session: Session) -> None:
        """A customer message, to every two-way desk: one row per message, sent in order."""
        event = events.message(handoff, self.settings.public_url, message)
        self._to_desks(handoff, event, f"message:{message.id}", session=session)

    def enqueue_agent_message(
        self, handoff: Handoff, message: Message, source: str, *, session: Session
    ) -> None:
        """An agent's reply, to the desks other than the one it was written in."""
        event = events.agent_message(handoff, self.settings.public_url, message, source)
        self._to_desks(
            handoff, event, f"agent_message:{message.id}", session=session, exclude=source
        )

    def enqueue_claimed(
        self, handoff: Handoff, agent_name: str, source: str, *, session: Session
    ) -> None:
        """A claim (or assignment) shows in the other places agents work."""
        event = events.claimed(handoff, self.settings.public_url, agent_name, source)
        when = handoff.claimed_at
        row = f"claimed:{handoff.claimed_by_id}:{when.timestamp():.0f}" if when else None
        self._to_desks(handoff, event, row, session=session, exclude=source)

    def enqueue_reopened(
        self, handoff: Handoff, agent_name: str, source: str, *, session: Session
    ) -> None:
        event = events.reopened(handoff, self.settings.public_url, agent_name, source)
        row = f"reopened:{utcnow().timestamp():.0f}"
        self._to_desks(handoff, event, row, session=session, exclude=source)

    def enqueue_notes(
        self, handoff: Handoff, message: Message, cues: list[tuple[str, str]], *, session: Session
    ) -> None:
        """Coaching cues and an abuse flag as private notes in Chatwoot.

        At most one note per cue and handoff (the row name carries the cue), and at most
        one note per ``note_interval_seconds`` per conversation, so a heated exchange does
        not bury the desk agent in notes. An abuse flag is never held back.
        """
        if "chatwoot" not in self.targets:
            return
        public = self.settings.public_url
        if message.abusive:
            outbox.enqueue(
                handoff,
                events.note(
                    handoff,
                    public,
                    "abuse",
                    "The customer's last message contains insults or profanity; it is "
                    "masked in the agent inbox. Stay calm; you may set a boundary politely.",
                ),
                ("chatwoot",),
                session=session,
                row_event=f"abuse:{message.id}",
            )
        if not cues:
            return
        now = utcnow()  # compared with the rows' created_at
        last = self._last_cue_note(handoff, session=session)
        if last is not None and (now - last).total_seconds() < self.settings.note_interval_seconds:
            return
        for signal, text in cues:
            rows = outbox.enqueue(
                handoff,
                events.note(handoff, public, "cue", f"Coaching: {text}"),
                ("chatwoot",),
                session=session,
                row_event=f"cue:{signal}"[:32],
            )
            if rows:
                return  # one note at a time; the next cue waits for the interval

    @staticmethod
    def _last_cue_note(handoff: Handoff, *, session: Session) -> datetime | None:
        return session.execute(
            select(Forward.created_at)
            .where(
                Forward.handoff_id == handoff.id,
                Forward.target == "chatwoot",
                Forward.event.like("cue:%"),
            )
            .order_by(Forward.id.desc())
            .limit(1)
        ).scalar_one_or_none()

    # ------------------------------------------------------------ delivery

    def _lease_seconds(self) -> float:
        return self.settings.timeout_seconds * 8 + 30  # Chatwoot's longest path is 8 calls

    async def attempt(self, row_id: int) -> str | None:
        """One attempt at one row; returns its new status (None when not ours to send)."""
        now = self.clock()
        job = await run_in_session(
            self.factory, outbox.claim, row_id, now, now + timedelta(seconds=self._lease_seconds())
        )
        if job is None:
            return None
        target = self.targets.get(job.target)
        error: ForwardError | None = None
        if target is None:
            error = ForwardError(f"target {job.target} is no longer configured")
        else:

            async def save(progress: dict) -> None:
                await run_in_session(self.factory, outbox.save_progress, job.id, progress)

            try:
                await target.send(job, self.client, save)
            except ForwardError as exc:
                error = exc
            except Exception as exc:
                # Recorded like any failure, so backoff, max_attempts and the agents'
                # "failed" status apply instead of the row silently looping forever.
                log.exception("forwarding row %s: unexpected error", job.id)
                error = RetryableError(f"unexpected {type(exc).__name__}: {exc}"[:300])
        status = await run_in_session(
            self.factory,
            outbox.record,
            job.id,
            error,
            max_attempts=self.settings.max_attempts,
            base=self.settings.backoff_seconds,
            cap=self.settings.max_backoff_seconds,
            rng=self.rng,
            now=self.clock(),
        )
        if error is not None:
            log.warning(
                "forwarding %s to %s (row %s): %s; now %s",
                job.event,
                job.target,
                job.id,
                error,
                status,
            )
        return status

    async def _guarded(self, row_id: int) -> None:
        async with self._slots:
            try:
                await self.attempt(row_id)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("forwarding row %s failed unexpectedly", row_id)

    async def flush(self) -> float | None:
        """Send everything due (chains follow on at once); seconds until the next retry, if any."""
        while True:
            due = await run_in_session(self.factory, outbox.due, self.clock())
            if not due.ids:
                if due.next_at is None:
                    return None
                return max(0.0, (due.next_at - self.clock()).total_seconds())
            await asyncio.gather(*(self._guarded(row_id) for row_id in due.ids))

    async def run(self) -> None:
        """Loop until cancelled: flush, then sleep until woken, polled or a retry is due."""
        while True:
            wait = self.settings.poll_seconds
            try:
                next_retry = await self.flush()
                if next_retry is not None:
                    wait = min(wait, next_retry + 0.01)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("forwarding loop failed; retrying later")
            try:
                await asyncio.wait_for(self._wake.wait(), wait)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self.run())
        if self.settings.chatwoot_url:
            # The set-up check asks Chatwoot; logged, never fatal (docs/helpdesks.md).
            self._check = asyncio.create_task(preflight.log_chatwoot_problems(self.settings))

    async def aclose(self) -> None:
        if self._check is not None:
            self._check.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._check
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.client.aclose()
