"""The queue as agents see it, computed once per queue version for everyone.

``GET /api/v1/queue`` sends ``body`` as it is; the queue page renders the first rows of
the same answer (``page_lists``) and leaves the rest to ``static/queue.js``, which
re-reads the API as soon as the page's event stream is open. Both go through
``inbox.queue.cache``, so after a change the page and every open workspace share one
computation: the two lists read in index order with their agent and new-message counts
(``inbox.queue.store.queue``), the waiting count and the agents available; no ORM
objects, and the JSON written once with the standard library.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from inbox.broker import QUEUE_TOPIC
from inbox.conversation import views
from inbox.db import run_in_session
from inbox.models import utcnow
from inbox.queue import store as queue_store
from inbox.queue.hours import BusinessHours
from inbox.services import Services

# What queue.js asks for (``GET /api/v1/queue``): the page shares that answer.
DEFAULT_LIMIT = 100
# Rows of each list the queue page renders itself; queue.js fills in the rest.
FIRST_ROWS = 20


@dataclass(frozen=True)
class QueueAnswer:
    """``items``: dicts shaped as ``schemas.QueueItem`` (moments as ISO strings), the
    waiting ones first; ``body``: the JSON of ``schemas.QueueOut``."""

    items: list[dict[str, Any]]
    total_waiting: int
    figures: dict[str, Any]
    body: bytes


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def item(row: Any, now: datetime) -> dict[str, Any]:
    """A row of ``inbox.queue.store.queue`` as a ``schemas.QueueItem``."""
    return {
        "handoff_key": row.key,
        "conversation_id": row.conversation_id,
        "customer_name": row.customer_name,
        "customer_email": row.customer_email,
        "channel": row.channel,
        "reason": row.reason,
        "priority": row.priority,
        "frustration_level": row.frustration_level,
        "status": row.status,
        "created_at": row.created_at.isoformat(),
        "waiting_seconds": views.waiting_seconds(row, now),
        "claimed_by": row.claimed_by_name,
        "claimed_by_id": row.claimed_by_id,
        "new_messages": row.new_messages,
    }


def compute(
    *, session: Session, limit: int, hours: BusinessHours, avg_handle_seconds: int
) -> QueueAnswer:
    waiting, claimed, total = queue_store.queue(session=session, limit=limit)
    figures = queue_store.figures(
        session=session, hours=hours, avg_handle_seconds=avg_handle_seconds, queue_length=total
    ).dict()
    now = utcnow()
    items = [item(r, now) for r in waiting + claimed]
    body = json.dumps(
        {"items": items, "total_waiting": total, "figures": figures},
        default=_iso,
        separators=(",", ":"),
    ).encode()
    return QueueAnswer(items=items, total_waiting=total, figures=figures, body=body)


async def shared(svc: Services, limit: int = DEFAULT_LIMIT) -> QueueAnswer:
    """The answer for the queue as it is now: cached, or computed once for everyone."""
    return await svc.queue_cache.get(
        svc.broker.version(QUEUE_TOPIC),
        limit,
        lambda: run_in_session(
            svc.factory,
            compute,
            limit=limit,
            hours=svc.hours,
            avg_handle_seconds=svc.settings.avg_handle_seconds,
        ),
    )


def page_lists(answer: QueueAnswer, me_id: int) -> dict[str, Any]:
    """What the queue page renders: the first ``FIRST_ROWS`` waiting and others', all mine."""
    rows = FIRST_ROWS
    waiting = [i for i in answer.items if i["status"] == "waiting"]
    claimed = [i for i in answer.items if i["status"] == "claimed"]
    others = [i for i in claimed if i["claimed_by_id"] != me_id]
    return {
        "waiting": waiting[:rows],
        "mine": [i for i in claimed if i["claimed_by_id"] == me_id],
        "others": others[:rows],
        "total_waiting": answer.total_waiting,
        "others_total": len(others),
        "figures": answer.figures,
    }
