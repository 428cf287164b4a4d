"""The admins' page for canned replies (``/admin/canned-replies``): the list, a form to
add one, and edit/delete per reply; the script calls the JSON API."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from inbox.agent_tools import canned
from inbox.auth.deps import optional_agent
from inbox.db import run_in_session
from inbox.models import Agent
from inbox.services import Services, services

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).resolve().parents[1] / "templates"))


@router.get("/admin/canned-replies", response_class=HTMLResponse)
async def canned_replies_page(
    request: Request,
    svc: Services = Depends(services),
    agent: Agent | None = Depends(optional_agent),
) -> Response:
    if agent is None:
        return RedirectResponse("/login", status_code=303)
    if agent.role != "admin":
        return HTMLResponse("Only admins manage canned replies.", status_code=403)

    def unit(*, session: Session) -> list:
        return canned.all_replies(session=session)

    replies = await run_in_session(svc.factory, unit)
    return templates.TemplateResponse(
        request,
        "canned_replies.html",
        {
            "me": agent,
            "csrf": request.state.csrf,
            "replies": replies,
            "placeholders": {k: canned.blank(k) for k in canned.PLACEHOLDERS},
        },
    )
