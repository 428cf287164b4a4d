"""Slack incoming webhook: one message per event in the channel the webhook posts to.

Slack answers ``200 ok``; ``400 invalid_payload``, ``403 action_prohibited``,
``404 no_service``/``channel_not_found`` and ``410 channel_is_archived`` will not get
better by retrying, ``429`` comes with ``Retry-After``
(api.slack.com/messaging/webhooks, api.slack.com/docs/rate-limits).

Customer text is escaped for mrkdwn (``&``, ``<``, ``>``) so a customer cannot write
``<!channel>`` or a disguised link into the agents' channel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from inbox.forwarding import events
from inbox.forwarding.base import Job, PermanentError, SaveProgress, Target, request

FIELD_LIMIT = 1900  # Slack allows 2000 characters per section field
TEXT_LIMIT = 2900  # and 3000 per section text
PRIORITY_MARK = {
    "urgent": ":red_circle:",
    "high": ":large_orange_circle:",
    "normal": ":large_blue_circle:",
    "low": ":white_circle:",
}


def escape(text: Any) -> str:
    """Escape the three characters Slack's mrkdwn treats as control sequences."""
    return (
        str(text if text is not None else "")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def _obj(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def _link(url: str, label: str) -> str:
    # The URL is ours (public base URL + key); the label is fixed text.
    return f"<{escape(url)}|{label}>"


def created_message(data: dict[str, Any]) -> dict[str, Any]:
    """The ``text`` + ``blocks`` body for ``handoff.created``."""
    summary: dict[str, Any] = _obj(data.get("summary"))
    customer: dict[str, Any] = _obj(summary.get("customer"))
    facts: dict[str, Any] = _obj(summary.get("facts"))
    name = escape(customer.get("name") or "A customer")
    priority = str(data.get("priority") or "normal")
    text = f"{PRIORITY_MARK.get(priority, '')} {name} needs a person ({escape(priority)} priority)".strip()
    fields: list[dict[str, str]] = [
        _mrkdwn(f"*Priority*\n{escape(priority)}"),
        _mrkdwn(f"*Frustration*\n{escape(data.get('frustration_level') or 'calm')}"),
        _mrkdwn(f"*Channel*\n{escape(data.get('channel') or 'unknown')}"),
    ]
    if facts.get("order_number"):
        fields.append(_mrkdwn(f"*Order*\n{escape(facts['order_number'])}"))
    if data.get("reason"):
        fields.append(_mrkdwn(_cut(f"*Why*\n{escape(data['reason'])}", FIELD_LIMIT)))
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": _mrkdwn(_cut(f"*{text}*", TEXT_LIMIT))},
        {"type": "section", "fields": fields},
    ]
    if summary.get("goal"):
        blocks.append(
            {
                "type": "section",
                "text": _mrkdwn(_cut(f"*Goal*\n{escape(summary['goal'])}", TEXT_LIMIT)),
            }
        )
    if data.get("brief"):
        blocks.append(
            {
                "type": "section",
                "text": _mrkdwn(_cut(f"*Brief*\n{escape(data['brief'])}", TEXT_LIMIT)),
            }
        )
    blocks.append(
        {"type": "context", "elements": [_mrkdwn(_link(data["inbox_url"], "Open in the inbox"))]}
    )
    return {"text": _cut(text, TEXT_LIMIT), "blocks": blocks}


def _one_line(text: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "text": _cut(text, TEXT_LIMIT),
        "blocks": [
            {"type": "section", "text": _mrkdwn(_cut(text, TEXT_LIMIT))},
            {
                "type": "context",
                "elements": [_mrkdwn(_link(data["inbox_url"], "Open in the inbox"))],
            },
        ],
    }


def resolved_message(data: dict[str, Any]) -> dict[str, Any]:
    """A short line for ``handoff.resolved``; the agent's note stays in the inbox."""
    who = escape(data.get("resolved_by") or "An agent")
    return _one_line(
        f":white_check_mark: {who} resolved conversation {escape(data.get('conversation_id'))}",
        data,
    )


def handed_back_message(data: dict[str, Any]) -> dict[str, Any]:
    """A short line for ``handoff.handed_back``: the bot has the customer again."""
    who = escape(data.get("handed_back_by") or "An agent")
    return _one_line(
        f":robot_face: {who} handed conversation {escape(data.get('conversation_id'))} "
        "back to the bot",
        data,
    )


def customer_ended_message(data: dict[str, Any]) -> dict[str, Any]:
    """A short line for ``handoff.customer_ended``: nobody needs to pick it up any more."""
    return _one_line(
        f":wave: The customer left conversation {escape(data.get('conversation_id'))}", data
    )


MESSAGES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    events.CREATED: created_message,
    events.RESOLVED: resolved_message,
    events.HANDED_BACK: handed_back_message,
    events.CUSTOMER_ENDED: customer_ended_message,
}


class SlackTarget(Target):
    """Posts to one incoming-webhook URL (the URL is the credential: never logged)."""

    name = "slack"

    def __init__(self, webhook_url: str) -> None:
        self.webhook_url = webhook_url

    async def send(self, job: Job, client: httpx.AsyncClient, save_progress: SaveProgress) -> None:
        data = job.payload["data"]
        render = MESSAGES.get(job.event)
        if render is None:
            raise PermanentError(f"slack: no message for {job.event}")
        body = render(data)
        await request(client, "POST", self.webhook_url, "slack", json=body)
