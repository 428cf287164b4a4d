"""``PUT /api/v1/bot-sessions`` (bot, bearer HANDOFF_SECRET): the action server reports
every session it sees, handed off or not, so analytics can tell the share of
conversations the bot resolved alone. Idempotent: the same report twice, or reports
out of order, leave the same row (see ``inbox.analytics.sessions_store``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from inbox.analytics.schemas import BotSessionIn, BotSessionStored
from inbox.analytics.sessions_store import upsert_bot_session
from inbox.auth.deps import require_bot
from inbox.services import Services, services, store_once

router = APIRouter(prefix="/api/v1", tags=["bot"], dependencies=[Depends(require_bot)])


@router.put(
    "/bot-sessions",
    response_model=BotSessionStored,
    status_code=200,
    responses={201: {"description": "First report of this session", "model": BotSessionStored}},
)
async def put_bot_session(
    body: BotSessionIn, response: Response, svc: Services = Depends(services)
) -> BotSessionStored:
    """Create (201) or merge (200) the session keyed by conversation id and start time."""

    def unit(*, session: Session) -> BotSessionStored:
        row, created = upsert_bot_session(body, session=session)
        session.flush()
        return BotSessionStored(
            conversation_id=row.conversation_id,
            session_started_at=row.session_started_at,
            last_seen_at=row.last_seen_at,
            user_turns=row.user_turns,
            handed_off=row.handed_off,
            max_frustration_score=row.max_frustration_score,
            outcome=row.outcome,
            created=created,
        )

    return await store_once(svc, response, unit)
