"""A durable, ordered outbox for everything the bot sends to the inbox.

Handoffs and relayed customer messages are written to SQL first and delivered
afterwards, so an inbox that is down loses nothing: items wait and go out in
the order they were written once it is back. Items of one handoff are delivered
strictly in order (a failed item holds back the ones behind it); the inbox's
idempotency keys make a retry after an unclear failure harmless.

The database is SQLite by default (``var/outbox.db``), or any SQLAlchemy URL in
``OUTBOX_DATABASE_URL``; its tables and their versioned upgrade are in
``outbox_schema.py``. Delivery is serialised by a lock within one process;
run one action-server process per outbox database (each replica its own file).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from actions.to_inbox.client import InboxClient, InboxRejected, InboxUnavailable
from actions.to_inbox.outbox_schema import OutboxItem, upgrade

logger = logging.getLogger(__name__)

KIND_HANDOFF = "handoff"
KIND_MESSAGE = "message"
KIND_CUSTOMER_ENDED = "customer_ended"
# The customer typed an email address while waiting: their contact preference.
KIND_CONTACT_PREFERENCE = "contact_preference"
# Analytics, not conversation: keyed "session:<conversation>" (see actions/handoff/session_report.py),
# never delivered inline, and one failure stops the other reports of a delivery pass.
KIND_SESSION_REPORT = "session_report"
BEST_EFFORT_KINDS = frozenset({KIND_SESSION_REPORT})


@dataclass(frozen=True)
class SendResult:
    """The outcome of delivering one item."""

    item_id: int
    kind: str
    handoff_key: str
    payload: dict[str, Any]
    response: dict[str, Any] | None
    error: str | None = None


AfterSend = Callable[[SendResult], Awaitable[None]]


class InboxOutbox:
    """Write-then-deliver queue. Safe to share within one event loop."""

    def __init__(self, database_url: str) -> None:
        self._database_url = database_url
        self._engine: Engine | None = None
        self._sessions: sessionmaker | None = None
        self._lock = asyncio.Lock()
        self._best_effort_lock = asyncio.Lock()

    def _session_factory(self) -> sessionmaker:
        if self._sessions is None:
            connect_args = (
                {"check_same_thread": False} if self._database_url.startswith("sqlite") else {}
            )
            self._engine = create_engine(self._database_url, future=True, connect_args=connect_args)
            upgrade(self._engine)  # a new database, or an older release's brought up to date
            self._sessions = sessionmaker(self._engine, future=True, expire_on_commit=False)
        return self._sessions

    # -- writing ---------------------------------------------------------
    def _enqueue_sync(self, kind: str, handoff_key: str, payload: dict[str, Any]) -> int:
        with self._session_factory().begin() as session:
            item = OutboxItem(
                handoff_key=handoff_key,
                kind=kind,
                payload=json.dumps(payload, ensure_ascii=False),
                created_at=datetime.now(tz=timezone.utc),
                attempts=0,
            )
            session.add(item)
            session.flush()
            return int(item.id)

    async def enqueue(self, kind: str, handoff_key: str, payload: dict[str, Any]) -> int:
        """Store an item durably and return its id (delivery happens later)."""
        return await asyncio.to_thread(self._enqueue_sync, kind, handoff_key, payload)

    # -- reading ---------------------------------------------------------
    def _pending_sync(
        self,
        limit: int,
        exclude_kinds: frozenset[str] = frozenset(),
        only_kinds: frozenset[str] = frozenset(),
    ) -> list[tuple[int, str, str, dict[str, Any]]]:
        with self._session_factory()() as session:
            query = select(OutboxItem).where(
                OutboxItem.delivered_at.is_(None), OutboxItem.rejected_at.is_(None)
            )
            if exclude_kinds:
                query = query.where(OutboxItem.kind.not_in(sorted(exclude_kinds)))
            if only_kinds:
                query = query.where(OutboxItem.kind.in_(sorted(only_kinds)))
            rows = session.execute(query.order_by(OutboxItem.id).limit(limit)).scalars()
            return [(row.id, row.kind, row.handoff_key, json.loads(row.payload)) for row in rows]

    async def pending_count(self) -> int:
        """How many items still wait for delivery."""
        return len(await asyncio.to_thread(self._pending_sync, 10_000))

    def _mark_sync(
        self,
        item_id: int,
        response: dict[str, Any] | None,
        error: str | None,
        rejected: bool = False,
    ) -> None:
        with self._session_factory().begin() as session:
            item = session.get(OutboxItem, item_id)
            if item is None:
                return
            item.attempts = (item.attempts or 0) + 1
            if error is None:
                item.delivered_at = datetime.now(tz=timezone.utc)
                item.response = json.dumps(response or {})
                item.last_error = None
            else:
                item.last_error = error[:1000]
                if rejected:
                    item.rejected_at = datetime.now(tz=timezone.utc)

    def _response_sync(self, item_id: int) -> dict[str, Any] | None:
        with self._session_factory()() as session:
            item = session.get(OutboxItem, item_id)
            if item is None or item.delivered_at is None:
                return None
            return json.loads(item.response or "{}")

    async def response_of(self, item_id: int) -> dict[str, Any] | None:
        """The inbox's answer to a delivered item, or None while it waits."""
        return await asyncio.to_thread(self._response_sync, item_id)

    # -- delivering ------------------------------------------------------
    async def deliver_pending(
        self,
        client: InboxClient,
        after: AfterSend | None = None,
        exclude_kinds: frozenset[str] = frozenset(),
    ) -> list[SendResult]:
        """Deliver waiting items in order; an undeliverable item holds back its handoff's later items.

        ``exclude_kinds`` leaves those items for another pass: the customer's items
        and the best-effort ones (session reports) go in separate passes under
        separate locks (`deliver_best_effort`), so a customer's handoff never waits
        behind a queue of reports, and 500 waiting reports cannot crowd it out.
        """
        async with self._lock:
            return await self._deliver(client, after, exclude_kinds, frozenset())

    async def deliver_best_effort(
        self, client: InboxClient, kinds: frozenset[str]
    ) -> list[SendResult]:
        """Deliver the best-effort items of ``kinds`` (never under the customer's lock).

        After one of them fails as unavailable the pass skips the others, so an
        inbox that times out costs one timeout, not one per conversation.
        """
        async with self._best_effort_lock:
            return await self._deliver(client, None, frozenset(), kinds)

    async def _deliver(
        self,
        client: InboxClient,
        after: AfterSend | None,
        exclude_kinds: frozenset[str],
        only_kinds: frozenset[str],
    ) -> list[SendResult]:
        results: list[SendResult] = []
        blocked: set[str] = set()
        blocked_kinds: set[str] = set()
        pending = await asyncio.to_thread(self._pending_sync, 500, exclude_kinds, only_kinds)
        for item_id, kind, key, payload in pending:
            if key in blocked or kind in blocked_kinds:
                continue
            try:
                response = await _send(client, kind, key, payload)
            except InboxUnavailable as error:
                blocked.add(key)
                if kind in BEST_EFFORT_KINDS:
                    blocked_kinds.add(kind)
                await asyncio.to_thread(self._mark_sync, item_id, None, str(error))
                results.append(SendResult(item_id, kind, key, payload, None, str(error)))
                continue
            except InboxRejected as error:
                # Retrying a refused request cannot help and must not hold back
                # the rest of the conversation: keep the row (rejected, with the
                # error) for an operator to inspect, log loudly, and move on.
                logger.error("inbox refused outbox item %s (%s): %s", item_id, kind, error)
                await asyncio.to_thread(self._mark_sync, item_id, None, str(error), True)
                results.append(SendResult(item_id, kind, key, payload, None, str(error)))
                continue
            await asyncio.to_thread(self._mark_sync, item_id, response, None)
            delivery = SendResult(item_id, kind, key, payload, response)
            results.append(delivery)
            if after is not None:
                try:
                    await after(delivery)
                except Exception:
                    logger.exception("after-delivery hook failed for item %s", item_id)
        return results


async def _send(
    client: InboxClient, kind: str, key: str, payload: dict[str, Any]
) -> dict[str, Any]:
    if kind == KIND_HANDOFF:
        return await client.create_handoff(payload)
    if kind == KIND_MESSAGE:
        return await client.append_message(key, payload)
    if kind == KIND_CUSTOMER_ENDED:
        return await client.customer_ended(key, payload)
    if kind == KIND_CONTACT_PREFERENCE:
        return await client.contact_preference(key, payload)
    if kind == KIND_SESSION_REPORT:
        return await client.put_bot_session(payload)
    raise InboxRejected(f"unknown outbox item kind {kind!r}")
