"""Server-rendered pages for agents (Jinja2, autoescaped). Live parts use the JSON API
and the SSE streams from static JS; pages never trust customer text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.auth.deps import optional_agent
from inbox.auth.login import authenticate, end_session, start_session
from inbox.auth.security import PRELOGIN_COOKIE, new_token, tokens_match
from inbox.broker import QUEUE_TOPIC
from inbox.conversation import handoffs, views
from inbox.conversation.chart import frustration_chart
from inbox.db import run_in_session
from inbox.followup import mail
from inbox.forwarding import status as forward_status
from inbox.models import Agent
from inbox.queue import answer as queue_answer
from inbox.queue import closed_page
from inbox.services import Services, services

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
FAVICON = Path(__file__).parent / "static" / "favicon.ico"
TEMPLATES.env.autoescape = True  # also for any non-.html template name
router = APIRouter(include_in_schema=False)


def _login_redirect() -> RedirectResponse:
    return RedirectResponse("/login", status_code=303)


def _render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status_code)


@router.get("/favicon.ico")
async def favicon() -> FileResponse:
    """Browsers ask for /favicon.ico whatever the page links; a 404 fills every log."""
    return FileResponse(
        FAVICON, media_type="image/x-icon", headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get("/", response_class=HTMLResponse)
async def home(agent: Agent | None = Depends(optional_agent)) -> Response:
    return RedirectResponse("/queue" if agent else "/login", status_code=303)


@router.get("/login", response_class=HTMLResponse)
async def login_page(
    request: Request,
    svc: Services = Depends(services),
    agent: Agent | None = Depends(optional_agent),
) -> Response:
    if agent is not None:
        return RedirectResponse("/queue", status_code=303)
    return _login_form(request, svc)


def _login_form(
    request: Request, svc: Services, error: str = "", status_code: int = 200, username: str = ""
) -> HTMLResponse:
    token = svc.codec.load_prelogin(request.cookies.get(PRELOGIN_COOKIE)) or new_token()
    response = _render(
        request, "login.html", {"csrf": token, "error": error, "username": username}, status_code
    )
    response.set_cookie(
        PRELOGIN_COOKIE,
        svc.codec.dump_prelogin(token),
        max_age=3600,
        httponly=True,
        secure=svc.settings.cookie_secure,
        samesite="lax",
        path="/",
    )
    return response


@router.post("/login", response_class=HTMLResponse)
async def login_submit(
    request: Request,
    username: str = Form(...),
    password: str = Form(...),
    csrf_token: str = Form(""),
    svc: Services = Depends(services),
) -> Response:
    expected = svc.codec.load_prelogin(request.cookies.get(PRELOGIN_COOKIE))
    if not tokens_match(expected, csrf_token):
        return _login_form(
            request, svc, "Your login form expired. Please try again.", 403, username
        )
    try:
        agent = await authenticate(svc, request, username, password)
    except HTTPException as exc:
        message = (
            exc.detail if exc.status_code == 429 else "Wrong username or password."
        )  # 429: the wait
        return _login_form(request, svc, message, exc.status_code, username)
    response = RedirectResponse("/queue", status_code=303)
    start_session(response, svc, agent)
    return response


@router.post("/logout")
async def logout(
    request: Request,
    csrf_token: str = Form(""),
    svc: Services = Depends(services),
    agent: Agent | None = Depends(optional_agent),
) -> Response:
    if agent is None:
        return _login_redirect()
    if not tokens_match(getattr(request.state, "csrf", None), csrf_token):
        raise HTTPException(403, "missing or invalid CSRF token")
    response = _login_redirect()
    await end_session(response, svc, agent)
    svc.broker.publish(QUEUE_TOPIC, "queue", {"reason": "availability", "handoff_key": None})
    return response


@router.get("/queue", response_class=HTMLResponse)
async def queue_page(
    request: Request,
    svc: Services = Depends(services),
    agent: Agent | None = Depends(optional_agent),
) -> Response:
    if agent is None:
        return _login_redirect()
    # The first rows of the answer queue.js fetches next (one computation per change,
    # shared with every open workspace); the script fills in the rest.
    lists = queue_answer.page_lists(await queue_answer.shared(svc), agent.id)
    return _render(request, "queue.html", {"me": agent, "csrf": request.state.csrf, **lists})


@router.get("/conversations/{handoff_key}", response_class=HTMLResponse)
async def conversation_page(
    handoff_key: str,
    request: Request,
    svc: Services = Depends(services),
    agent: Agent | None = Depends(optional_agent),
) -> Response:
    if agent is None:
        return _login_redirect()

    def unit(*, session: Session) -> dict[str, Any] | None:
        handoff = handoffs.handoff_by_key(handoff_key, session=session)
        if handoff is None:
            return None
        agents = list(
            session.execute(
                select(Agent.username).where(Agent.active.is_(True)).order_by(Agent.username)
            ).scalars()
        )
        # Nothing configured: no query, and the page shows no "Forwarded to" line.
        forwards = (
            forward_status.for_handoff(handoff.id, session=session) if svc.forwarder.enabled else []
        )
        return {
            "conv": views.conversation(handoff, handoffs.messages(handoff, session=session)),
            "waiting_seconds": views.waiting_seconds(handoff),
            "agents": agents,
            "forwards": forwards,
        }

    context = await run_in_session(svc.factory, unit)
    if context is None:
        return _render(request, "not_found.html", {"me": agent, "csrf": request.state.csrf}, 404)
    conv = context["conv"]
    summary = conv.summary
    # The reply-by-email path (inbox.followup) only when its route would take it: an
    # address the customer left, and a mail server configured (else a 409).
    address = conv.contact_detail or ""
    email_to = (
        address
        if conv.contact_preference == "email"
        and mail.valid_email(address)
        and mail.SmtpSettings.from_env() is not None
        else ""
    )
    escalation = summary.get("escalation") if isinstance(summary.get("escalation"), dict) else {}
    return _render(
        request,
        "conversation.html",
        {
            "me": agent,
            "csrf": request.state.csrf,
            **context,
            "notice": views.closed_notice(conv),
            "delivery_words": views.DELIVERY_WORDS,
            "email_to": email_to,
            "s": summary,
            "escalation": escalation,
            "customer": summary.get("customer")
            if isinstance(summary.get("customer"), dict)
            else {},
            "facts": summary.get("facts") if isinstance(summary.get("facts"), dict) else {},
            "attempts": [a for a in summary.get("bot_attempts") or [] if isinstance(a, dict)],
            "transcript": [t for t in summary.get("transcript") or [] if isinstance(t, dict)],
            "chart": frustration_chart(escalation.get("timeline")),
        },
    )


@router.get("/search", response_class=HTMLResponse)
async def search_page(
    request: Request,
    q: str = "",
    svc: Services = Depends(services),
    agent: Agent | None = Depends(optional_agent),
) -> Response:
    """Closed conversations: newest first, filtered by agent, date, outcome and rating
    (``inbox.queue.closed_page``), or the hits of a search."""
    if agent is None:
        return _login_redirect()
    q = q[:200]
    raw = {k: v[:80] for k, v in request.query_params.items() if k != "q"}
    context = await run_in_session(
        svc.factory, lambda *, session: closed_page.context(q, raw, session=session)
    )
    return _render(
        request, "search.html", {"me": agent, "csrf": request.state.csrf, "q": q, **context}
    )
