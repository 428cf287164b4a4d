"""Process-wide delivery to the inbox: the outbox and its worker.

Actions call :func:`send` to hand something to the inbox. It is written to the
outbox first, then delivered at once when the inbox answers, otherwise by the
background worker with backoff; nothing is lost either way. The action server
never calls Rasa back: whatever follows an item (the customer ending the chat
un-pauses the bot) is the inbox's to do, through its own outbox.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from actions.to_inbox.client import InboxClient
from actions.to_inbox.inbox_outbox import BEST_EFFORT_KINDS, InboxOutbox
from actions.to_inbox.settings import get_settings
from httpkit.retry import RetryPolicy

logger = logging.getLogger(__name__)

_outbox: InboxOutbox | None = None
_client: InboxClient | None = None
_worker: asyncio.Task | None = None


def outbox() -> InboxOutbox:
    """The process's outbox (created on first use, never at import time)."""
    global _outbox
    if _outbox is None:
        _outbox = InboxOutbox(get_settings().outbox_database_url)
    return _outbox


def client() -> InboxClient:
    """The process's inbox client."""
    global _client
    if _client is None:
        settings = get_settings()
        _client = InboxClient(
            settings.inbox_url,
            settings.handoff_secret,
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
        )
    return _client


async def _worker_loop() -> None:
    # Back off while the inbox is down, up to a minute; reset once it answers. No limit:
    # nothing the bot sends is given up (the inbox deduplicates every retry).
    interval = get_settings().retry_interval_seconds
    policy = RetryPolicy(base_seconds=interval, cap_seconds=max(interval, 60.0), jitter=False)
    failures = 0
    while True:
        await asyncio.sleep(policy.delay(failures + 1))
        try:
            # The customer's items first, then the reports, each pass under its own lock.
            results = await outbox().deliver_pending(client(), None, BEST_EFFORT_KINDS)
            results += await outbox().deliver_best_effort(client(), BEST_EFFORT_KINDS)
        except Exception:
            logger.exception("outbox delivery failed")
            results = []
        failures = failures + 1 if any(result.error for result in results) else 0


def ensure_worker() -> None:
    """Start the background delivery loop once per process (needs a running loop)."""
    global _worker
    if _worker is None or _worker.done():
        _worker = asyncio.get_running_loop().create_task(_worker_loop())


async def send(kind: str, handoff_key: str, payload: dict[str, Any]) -> dict[str, Any] | None:
    """Store ``payload`` in the outbox, then try to deliver it now, within a time budget.

    Returns the inbox's answer when it was delivered now, else None (the worker
    keeps trying). Up to ``inline_attempts`` tries with a short backoff, so a
    blip does not make the customer wait or be told the inbox is down. The whole
    try is bounded by ``inline_budget_seconds``: an inbox that hangs (accepts the
    connection, never answers) must not hold the customer's turn until Rasa gives
    up on the action and drops its events, which left conversations unpaused.
    """
    ensure_worker()
    settings = get_settings()
    item_id = await outbox().enqueue(kind, handoff_key, payload)
    try:
        return await asyncio.wait_for(_deliver_now(item_id), timeout=settings.inline_budget_seconds)
    except asyncio.TimeoutError:
        logger.warning(
            "inbox did not answer within %.1f s; %s %s left to the outbox worker",
            settings.inline_budget_seconds,
            kind,
            handoff_key,
        )
        return None


async def _deliver_now(item_id: int) -> dict[str, Any] | None:
    settings = get_settings()
    for attempt in range(settings.inline_attempts):
        # Best-effort items (session reports) wait for the worker: never on the customer's time.
        await outbox().deliver_pending(client(), None, BEST_EFFORT_KINDS)  # records failures
        response = await outbox().response_of(item_id)
        if response is not None:
            return response
        if attempt + 1 < settings.inline_attempts:
            await asyncio.sleep(0.2 * 2**attempt)
    return None


async def send_later(kind: str, key: str, payload: dict[str, Any]) -> int:
    """Store ``payload`` in the outbox for the background worker; no network call here."""
    ensure_worker()
    return await outbox().enqueue(kind, key, payload)
