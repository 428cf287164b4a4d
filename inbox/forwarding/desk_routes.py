"""Endpoints where help desks act on a handoff (docs/helpdesks.md).

* ``POST /api/v1/helpdesks/chatwoot/webhook?token=…``: Chatwoot's webhook
  (``inbox.forwarding.chatwoot_inbound``).
* ``POST /api/v1/helpdesks/webhook/actions``: any desk behind the signed webhook
  (``inbox.forwarding.webhook_inbound``).

Both end in ``desk_actions.apply`` in one transaction with the forwarding rows that
tell the *other* places agents work, then publish to the agents' pages and deliver
to the customer through the same delivery loop as a reply written in the inbox.
A refused request (token, signature, replay window) is answered 401, logged at
WARNING, and nothing is read beyond the check.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.broker import QUEUE_TOPIC, handoff_topic
from inbox.conversation import views
from inbox.db import run_in_session
from inbox.forwarding import chatwoot_inbound, events, webhook_inbound
from inbox.forwarding.desk_actions import DeskAction, Outcome, apply
from inbox.models import Forward, Handoff, Message
from inbox.services import Services, services

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/helpdesks", tags=["helpdesks"])


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


def _chatwoot_conversation(handoff_key: str, *, session: Session) -> int | None:
    """The Chatwoot conversation the inbox created for this handoff (None before it did)."""
    progress = session.execute(
        select(Forward.progress)
        .join(Handoff, Handoff.id == Forward.handoff_id)
        .where(
            Handoff.key == handoff_key,
            Forward.target == "chatwoot",
            Forward.event == events.CREATED,
        )
    ).scalar_one_or_none()
    value = (progress or {}).get("conversation_id")
    return int(value) if value else None


def _forward(svc: Services, action: DeskAction, outcome: Outcome, *, session: Session) -> None:
    """Tell the other desks, in the same transaction as the change."""
    forwarder = svc.forwarder
    if not forwarder.enabled:
        return
    handoff = session.get(Handoff, outcome.handoff_id)
    for message_pk in outcome.messages:
        message = session.get(Message, message_pk)
        if message.sender == "agent":
            forwarder.enqueue_agent_message(handoff, message, action.desk, session=session)
    if not outcome.status_changed:
        return
    name = handoff.claimed_by.display_name if handoff.claimed_by else action.agent_name
    if handoff.status == "claimed" and action.kind in ("claim", "reply"):
        forwarder.enqueue_claimed(handoff, name, action.desk, session=session)
    elif handoff.status == "handed_back":
        forwarder.enqueue_handed_back(
            handoff, action.agent_name or name, session=session, source=action.desk
        )
    elif action.kind == "reopen":
        forwarder.enqueue_reopened(handoff, name, action.desk, session=session)


async def _act(
    svc: Services, action: DeskAction, chatwoot_conversation: int | None = None
) -> tuple[Outcome | None, str]:
    """Apply the action; returns (outcome, why it was refused) and publishes what changed."""

    def unit(*, session: Session) -> tuple[Outcome | None, str, list[Any], dict | None]:
        if chatwoot_conversation is not None:
            mine = _chatwoot_conversation(action.handoff_key, session=session)
            if mine != chatwoot_conversation:
                return (
                    None,
                    "the Chatwoot conversation is not the one created for this handoff",
                    [],
                    None,
                )
        outcome = apply(action, session=session)
        if outcome is None:
            return None, "unknown handoff", [], None
        _forward(svc, action, outcome, session=session)
        handoff = session.get(Handoff, outcome.handoff_id)
        fresh = [views.message_out(session.get(Message, pk)) for pk in outcome.messages]
        status = views.status_event(handoff) if outcome.status_changed else None
        return outcome, "", fresh, status

    outcome, refused, fresh, status = await run_in_session(svc.factory, unit)
    if outcome is None:
        return None, refused
    topic = handoff_topic(outcome.handoff_key)
    for message in fresh:
        svc.broker.publish(topic, "message", message.dict())
    if status is not None:
        svc.broker.publish(topic, "status", status)
    if fresh or status is not None:
        svc.broker.publish(
            QUEUE_TOPIC, "queue", {"reason": "helpdesk", "handoff_key": outcome.handoff_key}
        )
    svc.forwarder.wake()
    if svc.deliverer is not None and (fresh or status is not None):
        await svc.deliverer.flush(outcome.handoff_id)
    return outcome, ""


async def _checked_body(
    request: Request, configured: bool, desk: str, check: Callable[[bytes], None]
) -> bytes | JSONResponse:
    """A desk's webhook body once ``check`` accepts its token or signature; else the answer:
    404 while ``desk`` is not configured, 401 (logged with the caller) when refused."""
    if not configured:
        return JSONResponse({"detail": f"the {desk} is not configured"}, status_code=404)
    body = await request.body()
    try:
        check(body)
    except chatwoot_inbound.Refused as exc:
        log.warning("%s refused (from %s): %s", desk, _client(request), exc)
        return JSONResponse({"detail": "refused"}, status_code=401)
    return body


def _answer(outcome: Outcome) -> dict[str, Any]:
    return {
        "handoff_key": outcome.handoff_key,
        "status": outcome.status,
        "duplicate": outcome.duplicate,
        "ignored": outcome.ignored or None,
    }


@router.post(
    "/chatwoot/webhook",
    responses={401: {"description": "Wrong token or signature (logged)"}},
)
async def chatwoot_webhook(
    request: Request,
    token: str | None = Query(None, description="INBOX_FORWARD_CHATWOOT_WEBHOOK_TOKEN"),
    svc: Services = Depends(services),
) -> JSONResponse:
    """Chatwoot's webhook: public agent messages, resolve/reopen, assignment."""
    settings = svc.settings.forwarding

    def check(body: bytes) -> None:
        chatwoot_inbound.check_token(settings.chatwoot_webhook_token, token)
        chatwoot_inbound.check_signature(
            settings.chatwoot_webhook_secret,
            request.headers.get(chatwoot_inbound.TIMESTAMP_HEADER),
            request.headers.get(chatwoot_inbound.SIGNATURE_HEADER),
            body,
        )

    body = await _checked_body(request, settings.chatwoot_two_way, "Chatwoot webhook", check)
    if isinstance(body, JSONResponse):
        return body
    try:
        payload = json.loads(body)
    except ValueError:
        return JSONResponse({"detail": "body is not JSON"}, status_code=400)
    parsed = chatwoot_inbound.parse(payload)
    if parsed.action is None:
        return JSONResponse({"status": "ignored", "ignored": parsed.ignored})
    outcome, refused = await _act(svc, parsed.action, chatwoot_conversation=parsed.conversation_id)
    if outcome is None:
        log.warning(
            "Chatwoot webhook for conversation %s not relayed: %s", parsed.conversation_id, refused
        )
        return JSONResponse({"status": "ignored", "ignored": refused})
    if outcome.ignored:
        log.info(
            "Chatwoot %s on %s not relayed: %s",
            parsed.action.kind,
            outcome.handoff_key,
            outcome.ignored,
        )
    return JSONResponse(_answer(outcome))


@router.post(
    "/webhook/actions",
    responses={
        401: {"description": "Bad signature or outside the replay window (logged)"},
        404: {"description": "Unknown handoff"},
        409: {"description": "A reply to a conversation that is closed (reopen it first)"},
        422: {"description": "Not a valid action (docs/helpdesk-action.schema.json)"},
    },
)
async def webhook_actions(
    request: Request,
    svc: Services = Depends(services),
    idempotency_key: str | None = Header(None, alias=webhook_inbound.IDEMPOTENCY_HEADER),
) -> JSONResponse:
    """A desk behind the signed webhook: agent replies and status changes, signed."""
    settings = svc.settings.forwarding

    def check(body: bytes) -> None:
        webhook_inbound.authenticate(
            settings.webhook_secret,
            request.headers.get("X-Northwind-Timestamp"),
            request.headers.get("X-Northwind-Signature"),
            body,
        )

    body = await _checked_body(request, settings.webhook_two_way, "help desk webhook", check)
    if isinstance(body, JSONResponse):
        return body
    try:
        action = webhook_inbound.parse(body, idempotency_key)
    except webhook_inbound.Invalid as exc:
        return JSONResponse({"detail": str(exc)}, status_code=422)
    outcome, refused = await _act(svc, action)
    if outcome is None:
        return JSONResponse({"detail": refused}, status_code=404)
    if outcome.ignored and action.kind == "reply":
        return JSONResponse({**_answer(outcome), "detail": outcome.ignored}, status_code=409)
    changed = bool(outcome.messages or outcome.status_changed)
    return JSONResponse(_answer(outcome), status_code=201 if changed else 200)
