"""``GET /api/v1/analytics`` (admins): the figures of the analytics page as JSON."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from inbox.analytics import figures as analytics
from inbox.analytics.schemas import AnalyticsOut
from inbox.auth.deps import require_admin
from inbox.db import run_in_session
from inbox.models import Agent, utcnow
from inbox.services import Services, services

router = APIRouter(prefix="/api/v1", tags=["agent"])


async def compute(svc: Services, days: int) -> AnalyticsOut:
    """The report for the last ``days`` local days (shared by the API and the page)."""
    now = utcnow()
    span = analytics.last_days(days, svc.settings.timezone, now)
    return await run_in_session(svc.factory, analytics.report, span=span, now=now)


@router.get(
    "/analytics",
    response_model=AnalyticsOut,
    responses={401: {"description": "No session"}, 403: {"description": "Not an admin"}},
)
async def read_analytics(
    days: int = Query(30, ge=1, le=analytics.MAX_DAYS),
    svc: Services = Depends(services),
    _admin: Agent = Depends(require_admin),
) -> AnalyticsOut:
    """Handoffs per day, share resolved by the bot, escalation reasons, waiting and
    handling times, frustration at the handoff vs at the close (docs/analytics.md)."""
    return await compute(svc, days)
