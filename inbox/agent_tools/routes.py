"""Agent endpoints of the tools: canned replies (admins manage, agents insert), notes
only agents see, and transfer to a colleague or back to the queue."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inbox.agent_tools import canned, notes, transfer
from inbox.agent_tools import schemas as s
from inbox.auth import agents
from inbox.auth.deps import ensure_admin, require_agent, require_agent_csrf
from inbox.conversation.on_handoff import AgentOnHandoff, OnHandoff, agent_on_handoff, on_handoff
from inbox.db import run_in_session
from inbox.models import Agent, Handoff
from inbox.services import Services, services

router = APIRouter(prefix="/api/v1", tags=["agent tools"])


def _invalid(exc: ValueError) -> HTTPException:
    return HTTPException(422, str(exc))


# ------------------------------------------------------------------ canned replies


@router.get("/canned-replies", response_model=list[s.CannedReplyOut])
async def list_canned(
    svc: Services = Depends(services), _agent: Agent = Depends(require_agent)
) -> list[s.CannedReplyOut]:
    def unit(*, session: Session) -> list[s.CannedReplyOut]:
        return [s.CannedReplyOut.from_orm(r) for r in canned.all_replies(session=session)]

    return await run_in_session(svc.factory, unit)


@router.get("/canned-replies/placeholders", response_model=s.PlaceholdersOut)
async def placeholders(_agent: Agent = Depends(require_agent)) -> s.PlaceholdersOut:
    """The placeholders a body may use, with what a missing one shows."""
    return s.PlaceholdersOut(placeholders={k: canned.blank(k) for k in canned.PLACEHOLDERS})


async def _save_canned(
    svc: Services, body: s.CannedReplyIn, admin: Agent, reply_id: int | None
) -> s.CannedReplyOut:
    """A new reply (``reply_id`` None) or a new text for one: 422 for an invalid body,
    409 when the shortcut is taken, 404 for an unknown id; admins only."""
    ensure_admin(admin)

    def unit(*, session: Session) -> s.CannedReplyOut:
        fields = (body.shortcut, body.title, body.body, admin)
        try:
            if reply_id is None:
                reply = canned.create(*fields, session=session)
            else:
                reply = canned.require_reply(reply_id, session=session)
                canned.update(reply, *fields, session=session)
        except ValueError as exc:
            raise _invalid(exc) from None
        return s.CannedReplyOut.from_orm(reply)

    return await run_in_session(svc.factory, unit)


@router.post("/canned-replies", response_model=s.CannedReplyOut, status_code=201)
async def create_canned(
    body: s.CannedReplyIn,
    svc: Services = Depends(services),
    agent: Agent = Depends(require_agent_csrf),
) -> s.CannedReplyOut:
    """Admins add a reply (409 when the shortcut is taken)."""
    return await _save_canned(svc, body, agent, None)


@router.put("/canned-replies/{reply_id}", response_model=s.CannedReplyOut)
async def update_canned(
    reply_id: int,
    body: s.CannedReplyIn,
    svc: Services = Depends(services),
    agent: Agent = Depends(require_agent_csrf),
) -> s.CannedReplyOut:
    return await _save_canned(svc, body, agent, reply_id)


@router.delete("/canned-replies/{reply_id}", status_code=204)
async def delete_canned(
    reply_id: int, svc: Services = Depends(services), agent: Agent = Depends(require_agent_csrf)
) -> Response:
    ensure_admin(agent)

    def unit(*, session: Session) -> None:
        canned.delete(canned.require_reply(reply_id, session=session), session=session)

    await run_in_session(svc.factory, unit)
    return Response(status_code=204)


@router.get("/handoffs/{handoff_key}/canned-replies", response_model=list[s.FilledReplyOut])
async def filled_canned(
    on: OnHandoff = Depends(on_handoff), agent: Agent = Depends(require_agent)
) -> list[s.FilledReplyOut]:
    """Every canned reply with its placeholders filled from this conversation's facts."""

    def fill_all(handoff: Handoff, session: Session) -> list[s.FilledReplyOut]:
        facts = canned.conversation_facts(handoff, agent)
        out = []
        for reply in canned.all_replies(session=session):
            filled = canned.fill(reply.body, facts)
            out.append(
                s.FilledReplyOut(
                    id=reply.id,
                    shortcut=reply.shortcut,
                    title=reply.title,
                    text=filled.text,
                    blanks=filled.blanks,
                )
            )
        return out

    return await on.read(fill_all)


# ------------------------------------------------------------------ notes


@router.get(
    "/handoffs/{handoff_key}/notes",
    response_model=list[s.NoteOut],
    dependencies=[Depends(require_agent)],
)
async def read_notes(on: OnHandoff = Depends(on_handoff)) -> list[s.NoteOut]:
    """Notes agents left in the conversation (agents only: never the bot, nor the customer)."""
    return await on.read(
        lambda handoff, session: [
            s.NoteOut.from_orm(n) for n in notes.notes_for(handoff, session=session)
        ]
    )


@router.post("/handoffs/{handoff_key}/notes", response_model=s.NoteOut, status_code=201)
async def add_note(body: s.NoteIn, on: AgentOnHandoff = Depends(agent_on_handoff)) -> s.NoteOut:
    """A note for the other agents; stays in the inbox (no delivery to Rasa or a desk)."""

    def add(handoff: Handoff, session: Session) -> s.NoteOut:
        me = session.get(Agent, on.agent.id)
        try:
            return s.NoteOut.from_orm(notes.add_note(handoff, me, body.text, session=session))
        except ValueError as exc:
            raise _invalid(exc) from None

    out = await on.read(add)
    on.publish("note", out.dict())
    return out


# ------------------------------------------------------------------ transfer


@router.get("/agents", response_model=list[s.ColleagueOut])
async def colleagues(
    svc: Services = Depends(services), _agent: Agent = Depends(require_agent)
) -> list[s.ColleagueOut]:
    """Active agents to transfer to, available first, with how many conversations they have."""

    def unit(*, session: Session) -> list[s.ColleagueOut]:
        loads = dict(
            session.execute(
                select(Handoff.claimed_by_id, func.count(Handoff.id))
                .where(Handoff.status == "claimed")
                .group_by(Handoff.claimed_by_id)
            ).all()
        )
        people = session.execute(
            select(Agent)
            .where(Agent.active.is_(True))
            .order_by(Agent.available.desc(), Agent.display_name)
        ).scalars()
        return [
            s.ColleagueOut(
                id=a.id,
                username=a.username,
                display_name=a.display_name,
                available=a.available,
                open_conversations=int(loads.get(a.id, 0)),
            )
            for a in people
        ]

    return await run_in_session(svc.factory, unit)


@router.post(
    "/handoffs/{handoff_key}/transfer",
    responses={403: {"description": "Not yours"}, 409: {"description": "Not with an agent"}},
)
async def transfer_conversation(
    body: s.TransferIn, on: AgentOnHandoff = Depends(agent_on_handoff)
) -> dict:
    """To a colleague (``to``: their username) or back to the queue (``to``: null), with a
    note the receiving agent reads first; the customer hears who joins."""

    def action(handoff: Handoff, me: Agent, session: Session) -> s.NoteOut | None:
        if body.to:
            target = agents.agent_by_username(body.to, session=session)
            if target is None:
                raise HTTPException(404, "unknown agent")
            note = transfer.to_agent(handoff, me, target, body.note, session=session)
        else:
            note = transfer.to_queue(handoff, me, body.note, session=session)
        return s.NoteOut.from_orm(note) if note else None

    handoff, note = await on.act(action, status_reason="transfer")
    if note is not None:
        on.publish("note", note.dict())
    return {
        "handoff_key": handoff.key,
        "status": handoff.status,
        "claimed_by": handoff.claimed_by.display_name if handoff.claimed_by else None,
        "note": note.dict() if note else None,
    }
