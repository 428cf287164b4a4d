"""The widget's own API: handoff status, live events ("Sam is typing"), "customer is
typing" and the satisfaction rating.

The browser talks to Rasa over socket.io for the conversation itself; what only
the inbox knows (queue position, whether the handoff is still open, whether the
agent is typing) and what must be stored by the inbox (the rating) goes through
here, because the browser must never hold the service secret. The session id
authorises the calls: it is the conversation's 128-bit secret, the same one
that names its socket.io room. Nothing is stored here.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from northwind_common.rating import RatingIn
from webchat.inbox_client import InboxClient, InboxUnavailable
from webchat.typing_limit import TypingLimiter

logger = logging.getLogger(__name__)

SESSION_ID = r"^[A-Za-z0-9_-]{1,128}$"  # what the widget makes ("web-<hex>") or Rasa's uuid hex
RATING_ID = r"^r-[0-9a-f]{8,64}$"
NO_STORE = {"Cache-Control": "no-store"}


def build_router(inbox: InboxClient, limiter: TypingLimiter) -> APIRouter:
    router = APIRouter(prefix="/api/sessions")
    session_path = Path(..., regex=SESSION_ID)

    @router.get("/{session_id}/status")
    async def status(session_id: str = session_path) -> Response:
        """The handoff as the inbox has it now (the widget asks on every reconnect and while waiting)."""
        try:
            result = await inbox.status(session_id)
        except InboxUnavailable as error:
            logger.info("handoff status of a session not available: %s", error)
            raise HTTPException(503, "handoff status not available") from error
        return JSONResponse(result, headers=NO_STORE)

    @router.get("/{session_id}/events")
    async def events(session_id: str = session_path) -> Response:
        """The inbox's live events for this conversation (``agent_typing``), passed on as
        server-sent events while the widget is open; the status poll is the fallback."""
        try:
            upstream = await inbox.open_events(session_id)
        except InboxUnavailable as error:
            logger.info("live events of a session not available: %s", error)
            raise HTTPException(503, "live events not available") from error

        async def relay() -> AsyncIterator[bytes]:
            try:
                async for chunk in upstream.aiter_raw():
                    yield chunk
            except httpx.HTTPError as error:  # the inbox went away: the browser reconnects
                logger.info("live events of a session ended: %r", error)
            finally:
                await upstream.aclose()

        return StreamingResponse(
            relay(),
            media_type="text/event-stream",
            headers={**NO_STORE, "X-Accel-Buffering": "no"},
        )

    @router.post("/{session_id}/typing", status_code=202)
    async def typing(session_id: str = session_path) -> dict[str, Any]:
        """The customer is typing: passed on to the inbox, at most once per interval."""
        if not limiter.allow(session_id):
            return {"forwarded": False}
        try:
            await inbox.customer_typing(session_id)
        except InboxUnavailable as error:
            logger.info("typing signal not forwarded: %s", error)
            return {"forwarded": False}
        return {"forwarded": True}

    @router.put("/{session_id}/ratings/{rating_id}")
    async def rate(
        rating: RatingIn,
        session_id: str = session_path,
        rating_id: str = Path(..., regex=RATING_ID),
    ) -> Any:
        """Store (or update, with its comment) one rating with the inbox."""
        try:
            return await inbox.rate(session_id, rating_id, rating.dict())
        except InboxUnavailable as error:
            logger.warning("rating not stored: %s", error)
            raise HTTPException(503, "rating not stored") from error

    return router


def install(app: Any, inbox: InboxClient) -> None:
    """Mount the widget API on ``app``; cross-origin, because the widget runs on other sites."""
    app.include_router(build_router(inbox, TypingLimiter()))

    @app.options("/api/sessions/{rest:path}", include_in_schema=False)
    async def preflight(request: Request, rest: str) -> Response:
        """CORS preflight for the JSON POST/PUT calls (no cookies are ever involved)."""
        return Response(
            status_code=204,
            headers={
                "Access-Control-Allow-Methods": "GET, POST, PUT",
                "Access-Control-Allow-Headers": "Content-Type",
                "Access-Control-Max-Age": "600",
            },
        )
