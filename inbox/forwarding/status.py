"""Where one conversation was forwarded, as agents see it on the conversation page.

One line per target, its worst state across the handoff's events: ``failed`` (with the
last error, shortened) over ``retrying``/``pending`` over ``delivered``. Agents are not
admins: nothing here may show a target URL (Slack's is the credential) or a token, so
any URL in an error is cut out before it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import Forward

LABELS = {"slack": "Slack", "webhook": "Webhook", "chatwoot": "Chatwoot"}
ERROR_LIMIT = 80
URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+|/services/\S+", re.IGNORECASE)


@dataclass(frozen=True)
class TargetStatus:
    """What the page shows for one target: ``state`` drives the style, ``text`` is read."""

    target: str
    label: str
    state: str  # delivered | pending | retrying | failed
    text: str
    events: str  # "handoff.created: delivered, …" for the tooltip


def short_error(error: str, target: str = "", limit: int = ERROR_LIMIT) -> str:
    """The error without URLs, its ``target:`` prefix or extra whitespace, cut to ``limit``."""
    text = URL.sub("…", error or "")
    if target and text.lower().startswith(target) and text[len(target) :][:1] in (":", " "):
        text = text[len(target) :]
    text = " ".join(text.replace("\n", " ").split()).lstrip(": ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _state(row: Forward) -> str:
    if row.status == "pending" and row.attempts:
        return "retrying"
    return str(row.status)


def summarize(rows: Sequence[Forward]) -> list[TargetStatus]:
    """Rows of one handoff (any order) → one status per target, in the order first queued."""
    rank = {"delivered": 0, "pending": 1, "retrying": 2, "failed": 3}
    by_target: dict[str, list[Forward]] = {}
    for row in sorted(rows, key=lambda r: r.id):
        by_target.setdefault(row.target, []).append(row)
    out = []
    for target, mine in by_target.items():
        worst = max(mine, key=lambda r: rank.get(_state(r), 1))
        state = _state(worst)
        if state == "failed":
            text = f"failed: {short_error(worst.last_error or '', target)}".rstrip(": ")
        elif state == "retrying":
            text = f"retrying after {worst.attempts} failed attempt{'s' if worst.attempts != 1 else ''}"
        else:
            text = state
        events = ", ".join(f"{r.event}: {_state(r)}" for r in mine)
        out.append(
            TargetStatus(
                target=target,
                label=LABELS.get(target, target.title()),
                state=state,
                text=text,
                events=events,
            )
        )
    return out


def for_handoff(handoff_id: int, *, session: Session) -> list[TargetStatus]:
    """The conversation page's "Forwarded to" line (empty when nothing was queued)."""
    return summarize(
        list(session.execute(select(Forward).where(Forward.handoff_id == handoff_id)).scalars())
    )
