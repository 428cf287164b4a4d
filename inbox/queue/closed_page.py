"""What the closed conversations page shows: the filtered list (``inbox.queue.closed``)
or, with a search, the search hits, each row with its outcome and satisfaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import CLOSED_STATUSES, Agent
from inbox.queue import closed
from inbox.queue import store as queue_store

FILTER_NAMES = ("agent", "since", "until", "outcome", "rating")


def _filters(raw: Mapping[str, str], *, session: Session) -> tuple[closed.Filters, list[str]]:
    """The filters a form sent; a value that does not parse is dropped and named."""
    problems: list[str] = []
    agent_id = None
    if raw.get("agent"):
        agent_id = session.execute(
            select(Agent.id).where(Agent.username == raw["agent"])
        ).scalar_one_or_none()
        if agent_id is None:
            problems.append("agent")
            agent_id = -1  # nobody: an unknown agent lists nothing rather than everything

    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(raw[name]) if raw.get(name) else None
        except ValueError:
            problems.append(name)
            return None

    outcome = raw.get("outcome") or None
    if outcome is not None and outcome not in CLOSED_STATUSES:
        problems.append("outcome")
        outcome = None
    rating = None
    if raw.get("rating"):
        try:
            rating = int(raw["rating"])
            if not 0 <= rating <= 5:
                raise ValueError
        except ValueError:
            problems.append("rating")
            rating = None
    return closed.Filters(agent_id, day("since"), day("until"), outcome, rating), problems


def context(q: str, raw: Mapping[str, str], *, session: Session) -> dict[str, Any]:
    agents = list(
        session.execute(
            select(Agent.username, Agent.display_name).order_by(Agent.display_name)
        ).all()
    )
    chosen = {name: raw.get(name, "") for name in FILTER_NAMES}
    if q:
        hits = queue_store.search(q, session=session)
        rows = closed.rows_of([h.id for h in hits], session=session)
        return {"rows": rows, "agents": agents, "chosen": chosen, "problems": [], "more": None}
    filters, problems = _filters(raw, session=session)
    before = None
    if raw.get("before"):
        try:
            before = closed.parse_before(raw["before"])
        except ValueError:
            problems.append("before")
    found = closed.page(filters, session=session, before=before)
    more = None
    if found.next_before:
        kept = {k: v for k, v in chosen.items() if v}
        more = "/search?" + urlencode({**kept, "before": found.next_before})
    return {
        "rows": found.rows,
        "agents": agents,
        "chosen": chosen,
        "problems": problems,
        "more": more,
    }
