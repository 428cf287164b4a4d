"""Ratings in (bot side: the web chat server, bearer HANDOFF_SECRET) and CSAT out (admins)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Response
from sqlalchemy.orm import Session

from inbox.analytics import figures as analytics
from inbox.auth.deps import require_admin, require_bot
from inbox.csat import figures, store
from inbox.csat.schemas import CsatOut, RatingOut
from inbox.db import run_in_session
from inbox.models import Agent, utcnow
from inbox.services import Services, services, store_once
from northwind_common.rating import RatingIn

router = APIRouter(prefix="/api/v1")

CONVERSATION_ID = r"^[A-Za-z0-9_-]{1,128}$"
RATING_ID = r"^r-[0-9a-f]{8,64}$"


@router.put(
    "/conversations/{conversation_id}/ratings/{rating_id}",
    response_model=RatingOut,
    tags=["bot"],
    dependencies=[Depends(require_bot)],
    responses={201: {"description": "Stored"}, 200: {"description": "Updated (a comment)"}},
)
async def put_rating(
    body: RatingIn,
    response: Response,
    conversation_id: str = Path(..., regex=CONVERSATION_ID),
    rating_id: str = Path(..., regex=RATING_ID),
    svc: Services = Depends(services),
) -> RatingOut:
    """Store the customer's rating with the conversation (and its handoff and agent)."""

    def unit(*, session: Session) -> RatingOut:
        rating, created = store.save_rating(
            conversation_id,
            rating_id,
            score=body.score,
            comment=body.comment,
            handoff_key=body.handoff_key,
            session=session,
        )
        return RatingOut(
            rating_id=rating.rating_id,
            score=rating.score,
            handoff_key=rating.handoff_key,
            agent=rating.agent_name,
            created=created,
        )

    return await store_once(svc, response, unit)


@router.get("/analytics/csat", response_model=CsatOut, tags=["agent"])
async def read_csat(
    days: int = Query(30, ge=1, le=analytics.MAX_DAYS),
    svc: Services = Depends(services),
    _admin: Agent = Depends(require_admin),
) -> CsatOut:
    """CSAT per day, per agent, with and without a handoff (docs/analytics.md)."""
    span = analytics.last_days(days, svc.settings.timezone, utcnow())
    return await run_in_session(svc.factory, figures.csat_report, span=span)
