"""``/admin/analytics``: the admins' analytics page, charts drawn server-side as SVG.

A read-only GET page: no form, so no CSRF token to check; the layout's logout form
carries the session's token as on every page. Agents who are not admins get 403.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from inbox.analytics import figures as analytics
from inbox.analytics.bar_chart import Series, day_chart, hbar_chart
from inbox.analytics.routes import compute
from inbox.analytics.schemas import AnalyticsOut, DurationFigures
from inbox.auth.deps import optional_agent
from inbox.care.exposure import per_agent as abuse_exposure
from inbox.csat.figures import csat_report
from inbox.db import run_in_session
from inbox.models import Agent, utcnow
from inbox.pages import TEMPLATES
from inbox.services import Services, services

router = APIRouter(include_in_schema=False)
RANGES = (7, 30, 90, 365)
TRIGGER_LABELS = {
    "request": "Asked for a person",
    "frustration": "Frustration",
    "abuse": "Abuse",
    "churn": "Wants to leave",
    "repeated_failure": "Bot kept failing",
    "unknown": "Not recorded",
}


def human_duration(seconds: float | None) -> str:
    """``95`` → ``1 min 35 s``; None → ``–`` (no data)."""
    if seconds is None:
        return "–"
    s = round(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60} s" if s % 60 else f"{s // 60} min"
    return f"{s // 3600} h {(s % 3600) // 60} min"


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def score(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _duration_rows(label: str, figures: DurationFigures, css: str) -> list[tuple]:
    return [
        (f"{label}: median", figures.median_seconds, human_duration(figures.median_seconds), css),
        (
            f"{label}: 90th pct",
            figures.p90_seconds,
            human_duration(figures.p90_seconds),
            css + " p90",
        ),
    ]


def charts(report: AnalyticsOut) -> dict[str, Any]:
    """Chart geometry for the page."""
    days = [d.date for d in report.handoffs_per_day]
    sessions = report.sessions.per_day
    reasons = [r for r in report.escalation_reasons if r.count or r.trigger in analytics.TRIGGERS]
    f = report.frustration
    return {
        "handoffs": day_chart(
            days, [Series("handoffs", "handoff", [d.count for d in report.handoffs_per_day])]
        ),
        "sessions": day_chart(
            days,
            [
                Series("resolved by the bot", "resolved", [d.resolved_by_bot for d in sessions]),
                Series("handed off", "handoff", [d.handed_off for d in sessions]),
                Series(
                    "in progress",
                    "open",
                    [d.sessions - d.handed_off - d.resolved_by_bot for d in sessions],
                ),
            ],
        ),
        "reasons": hbar_chart(
            [
                (
                    TRIGGER_LABELS.get(r.trigger, r.trigger),
                    r.count,
                    f"{r.count} ({percent(r.share)})",
                    "reason",
                )
                for r in reasons
            ]
        ),
        "times": hbar_chart(
            _duration_rows("Waiting", report.waiting, "wait")
            + _duration_rows("Handling", report.handling, "handle")
        ),
        "frustration": hbar_chart(
            [
                ("At handoff: mean", f.before.mean, score(f.before.mean), "before"),
                ("At close: mean", f.after.mean, score(f.after.mean), "after"),
                ("At handoff: median", f.before.median, score(f.before.median), "before"),
                ("At close: median", f.after.median, score(f.after.median), "after"),
            ],
            top=1.0,
        ),
    }


@router.get("/admin/analytics", response_class=HTMLResponse)
async def analytics_page(
    request: Request,
    days: int = Query(30, ge=1, le=analytics.MAX_DAYS),
    svc: Services = Depends(services),
    agent: Agent | None = Depends(optional_agent),
) -> Response:
    if agent is None:
        return RedirectResponse("/login", status_code=303)
    context: dict[str, Any] = {"me": agent, "csrf": request.state.csrf}
    if agent.role != "admin":
        return TEMPLATES.TemplateResponse(
            request,
            "forbidden.html",
            {**context, "message": "Analytics are for admins."},
            status_code=403,
        )
    report = await compute(svc, days)
    span = analytics.last_days(days, svc.settings.timezone, utcnow())
    csat = await run_in_session(svc.factory, csat_report, span=span)
    now = utcnow()
    exposure = await run_in_session(
        svc.factory, abuse_exposure, since=now - timedelta(days=days), until=now
    )
    return TEMPLATES.TemplateResponse(
        request,
        "analytics.html",
        {
            **context,
            "r": report,
            "c": charts(report),
            "days": days,
            "ranges": RANGES,
            "labels": TRIGGER_LABELS,
            "human_duration": human_duration,
            "percent": percent,
            "score": score,
            "csat": csat,
            "exposure": exposure,
        },
    )
