"""Chatwoot (application API): the handoff becomes a conversation agents can open.

Steps for ``handoff.created``, each remembered in the row's ``progress`` once
Chatwoot accepted it, so a retry resumes at the step that failed:

1. contact: reuse the one with our ``identifier`` (or the customer's email), else
   ``POST /api/v1/accounts/{account}/contacts`` (its answer is
   ``{"payload": {"contact": {...}, "contact_inbox": {"source_id": ...}}}``);
2. conversation: ``POST …/conversations`` (``source_id``, ``inbox_id``,
   ``contact_id``, ``status: pending``) tagged with the handoff key;
3. note: ``POST …/conversations/{id}/messages`` with ``private: true`` (the summary);
4. open: ``POST …/conversations/{id}/toggle_status`` with ``status: open``.

A step whose answer was lost (timeout after Chatwoot acted) is looked up before it is
repeated, so agents never see the same customer, conversation or note twice.
``handoff.resolved`` and ``handoff.handed_back`` add a private note and resolve the
conversation (after a hand-back the bot has the customer again); ``handoff.customer_ended``
only adds a note, since an agent still closes it in the inbox.
Every call carries the ``api_access_token`` header (developers.chatwoot.com).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx

from inbox.forwarding import events
from inbox.forwarding.base import Job, PermanentError, SaveProgress, Target, request

EMAIL = re.compile(r"^[^@\s*]+@[^@\s*]+\.[^@\s*]+$")  # masked emails (d***@…) are not sent
NOTE_LIMIT = 20000


def identifier(data: dict[str, Any]) -> str:
    """Chatwoot's contact ``identifier``: the bot's conversation (one per customer and channel)."""
    return f"rasa:{data.get('conversation_id')}"


_MARKDOWN = re.compile(r"([\\`*_\[\]<>])")  # enough to stop links, images, HTML and emphasis


def _obj(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one (summaries vary by bot version)."""
    return value if isinstance(value, dict) else {}


def md(value: Any) -> str:
    """Text for a Chatwoot (markdown) note: customer words can't become links or formatting."""
    return _MARKDOWN.sub(r"\\\1", str(value))


def _lines(items: Any) -> list[str]:
    out = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            out.append(f"- {md(item.get('what', ''))}: {md(item.get('outcome', ''))}")
        else:
            out.append(f"- {md(item)}")
    return out


def _frustration_so_far(summary: dict[str, Any]) -> str:
    """The escalation timeline in one line: "calm 0.10 → annoyed 0.45 → frustrated 0.80"."""
    escalation: dict[str, Any] = (
        summary["escalation"] if isinstance(summary.get("escalation"), dict) else {}
    )
    steps = []
    for turn in escalation.get("timeline") or []:
        if isinstance(turn, dict) and isinstance(turn.get("score"), (int, float)):
            steps.append(f"{md(turn.get('level', ''))} {float(turn['score']):.2f}")
    return " → ".join(steps[-8:])


def created_note(data: dict[str, Any]) -> str:
    """The private note agents read first: the bot's summary in a few lines."""
    summary = _obj(data.get("summary"))
    facts = _obj(summary.get("facts"))
    parts = [
        f"**Handed over by the assistant**: {data.get('priority', 'normal')} priority, "
        f"customer {data.get('frustration_level', 'calm')}.",
    ]
    customer = _obj(summary.get("customer"))
    if customer.get("name"):
        verified = " (verified)" if customer.get("verified") else " (not verified)"
        parts.append(f"**Customer:** {md(customer['name'])}{verified}")
    if data.get("reason"):
        parts.append(f"**Why:** {md(data['reason'])}")
    if summary.get("goal"):
        parts.append(f"**Goal:** {md(summary['goal'])}")
    if data.get("brief"):
        parts.append(f"**Brief:** {md(data['brief'])}")
    if facts.get("order_number"):
        status = f" ({md(facts['order_status'])})" if facts.get("order_status") else ""
        parts.append(f"**Order:** {md(facts['order_number'])}{status}")
    other_facts = [
        f"- {md(name.replace('_', ' '))}: {md(', '.join(map(str, value)) if isinstance(value, list) else value)}"
        for name, value in facts.items()
        if name not in ("order_number", "order_status") and value not in (None, "", [])
    ]
    if other_facts:
        parts.append("**Facts:**\n" + "\n".join(other_facts))
    tried = _lines(summary.get("bot_attempts"))
    if tried:
        parts.append("**What the bot tried:**\n" + "\n".join(tried))
    if summary.get("suggested_opening"):
        parts.append(f"**Suggested opening:** {md(summary['suggested_opening'])}")
    frustration = _frustration_so_far(summary)
    if frustration:
        parts.append(f"**Frustration so far:** {frustration}")
    parts.append(f"Open in the agent inbox: {data.get('inbox_url')}")
    text = "\n\n".join(parts)
    return text if len(text) <= NOTE_LIMIT else text[: NOTE_LIMIT - 1] + "…"


def resolved_note(data: dict[str, Any]) -> str:
    who = md(data.get("resolved_by") or "An agent")
    note = f": {md(data['resolution'])}" if data.get("resolution") else "."
    return f"**Resolved in the agent inbox** by {who}{note}"


def handed_back_note(data: dict[str, Any]) -> str:
    who = md(data.get("handed_back_by") or "An agent")
    note = f": {md(data['resolution'])}" if data.get("resolution") else "."
    return f"**Handed back to the bot** by {who}{note}"


def customer_ended_note(data: dict[str, Any]) -> str:
    return (
        f"**The customer ended the chat.** Wrap it up in the agent inbox: {data.get('inbox_url')}"
    )


# Events after ``handoff.created``: the note they add, and the status they leave the
# conversation in (None: unchanged). A hand-back resolves it too: the bot has the customer again.
FOLLOW_UPS: dict[str, tuple[Callable[[dict[str, Any]], str], str | None]] = {
    events.RESOLVED: (resolved_note, "resolved"),
    events.HANDED_BACK: (handed_back_note, "resolved"),
    events.CUSTOMER_ENDED: (customer_ended_note, None),
}


class ChatwootTarget(Target):
    """One Chatwoot account and API inbox, reached with a user or agent-bot token."""

    name = "chatwoot"

    def __init__(self, base_url: str, account_id: int, inbox_id: int, api_token: str) -> None:
        self.api = f"{base_url.rstrip('/')}/api/v1/accounts/{account_id}"
        self.inbox_id = inbox_id
        self.headers = {"api_access_token": api_token}

    async def _call(
        self, client: httpx.AsyncClient, method: str, path: str, what: str, **kwargs: Any
    ) -> Any:
        response = await request(
            client, method, self.api + path, f"chatwoot {what}", headers=self.headers, **kwargs
        )
        if not response.content.strip():
            return {}
        try:
            return response.json()
        except ValueError:
            raise PermanentError(f"chatwoot {what}: answer is not JSON") from None

    # ------------------------------------------------------------ contact

    def _source_id(self, contact: dict[str, Any]) -> str | None:
        for link in contact.get("contact_inboxes") or []:
            inbox = link.get("inbox") if isinstance(link, dict) else None
            if (
                isinstance(inbox, dict)
                and inbox.get("id") == self.inbox_id
                and link.get("source_id")
            ):
                return str(link["source_id"])
        return None

    async def _search(
        self, client: httpx.AsyncClient, query: str, field: str
    ) -> dict[str, Any] | None:
        found = await self._call(
            client, "GET", "/contacts/search", "contact search", params={"q": query}
        )
        for contact in found.get("payload") or [] if isinstance(found, dict) else []:
            if str(contact.get(field) or "").lower() == query.lower():
                return contact
        return None

    async def _contact(self, client: httpx.AsyncClient, data: dict[str, Any]) -> tuple[int, str]:
        """(contact id, source id in our inbox): reused when it exists, created otherwise."""
        ident = identifier(data)
        summary = _obj(data.get("summary"))
        customer = _obj(summary.get("customer"))
        email = str(customer.get("email") or "")
        email = email if EMAIL.match(email) else ""
        contact = await self._search(client, ident, "identifier")
        if contact is None and email:
            contact = await self._search(client, email, "email")
        if contact is None:
            body: dict[str, Any] = {
                "inbox_id": self.inbox_id,
                "identifier": ident,
                "name": str(customer.get("name") or f"Customer {data.get('conversation_id')}"),
            }
            if email:
                body["email"] = email
            made = (await self._call(client, "POST", "/contacts", "create contact", json=body)).get(
                "payload"
            ) or {}
            contact = made.get("contact") or {}
            source_id = (made.get("contact_inbox") or {}).get("source_id")
        else:
            source_id = self._source_id(contact)
        if not contact.get("id"):
            raise PermanentError("chatwoot create contact: no contact id in the answer")
        if not source_id:
            link = await self._call(
                client,
                "POST",
                f"/contacts/{contact['id']}/contact_inboxes",
                "link contact to inbox",
                json={"inbox_id": self.inbox_id},
            )
            source_id = link.get("source_id")
        if not source_id:
            raise PermanentError("chatwoot: no source_id for the contact in the inbox")
        return int(contact["id"]), str(source_id)

    # ------------------------------------------------------------ conversation and notes

    async def _find_conversation(
        self, client: httpx.AsyncClient, contact_id: int, key: str
    ) -> int | None:
        found = await self._call(
            client, "GET", f"/contacts/{contact_id}/conversations", "list conversations"
        )
        for conversation in found.get("payload") or [] if isinstance(found, dict) else []:
            attributes = conversation.get("additional_attributes") or {}
            if attributes.get("northwind_handoff_key") == key:
                return int(conversation["id"])
        return None

    async def _note_exists(
        self, client: httpx.AsyncClient, conversation_id: int, content: str
    ) -> bool:
        found = await self._call(
            client, "GET", f"/conversations/{conversation_id}/messages", "list messages"
        )
        return any(
            m.get("private") and m.get("content") == content
            for m in (found.get("payload") or [] if isinstance(found, dict) else [])
        )

    async def _note_once(
        self,
        client: httpx.AsyncClient,
        progress: dict[str, Any],
        flag: str,
        conversation_id: int,
        content: str,
        save: SaveProgress,
    ) -> None:
        if progress.get(flag):
            return
        if not (
            progress.get("attempting") == flag
            and await self._note_exists(client, conversation_id, content)
        ):
            progress["attempting"] = flag
            await save(progress)
            await self._call(
                client,
                "POST",
                f"/conversations/{conversation_id}/messages",
                "add note",
                json={
                    "content": content,
                    "message_type": "outgoing",
                    "private": True,
                    "content_type": "text",
                },
            )
        progress[flag] = True
        progress.pop("attempting", None)
        await save(progress)

    async def _created(self, job: Job, client: httpx.AsyncClient, save: SaveProgress) -> None:
        data = job.payload["data"]
        progress = dict(job.progress)
        if not (progress.get("contact_id") and progress.get("source_id")):
            progress["contact_id"], progress["source_id"] = await self._contact(client, data)
            await save(progress)
        if not progress.get("conversation_id"):
            conversation_id = None
            if progress.get("attempting") == "conversation":
                conversation_id = await self._find_conversation(
                    client, progress["contact_id"], data["handoff_key"]
                )
            if conversation_id is None:
                progress["attempting"] = "conversation"
                await save(progress)
                made = await self._call(
                    client,
                    "POST",
                    "/conversations",
                    "create conversation",
                    json={
                        "source_id": progress["source_id"],
                        "inbox_id": self.inbox_id,
                        "contact_id": progress["contact_id"],
                        "status": "pending",
                        "additional_attributes": {
                            "northwind_handoff_key": data["handoff_key"],
                            "northwind_inbox_url": data.get("inbox_url"),
                        },
                    },
                )
                if not made.get("id"):
                    raise PermanentError("chatwoot create conversation: no id in the answer")
                conversation_id = int(made["id"])
            progress["conversation_id"] = conversation_id
            progress.pop("attempting", None)
            await save(progress)
        await self._note_once(
            client, progress, "note", progress["conversation_id"], created_note(data), save
        )
        await self._transcript(client, progress, data, save)
        if not progress.get("opened"):
            await self._call(
                client,
                "POST",
                f"/conversations/{progress['conversation_id']}/toggle_status",
                "open conversation",
                json={"status": "open"},
            )
            progress["opened"] = True
            await save(progress)

    async def _follow_up(self, job: Job, client: httpx.AsyncClient, save: SaveProgress) -> None:
        """A later event on the conversation ``handoff.created`` opened: a note, maybe a new status."""
        kind = job.payload.get("type", job.event)
        if kind not in FOLLOW_UPS:
            raise PermanentError(f"chatwoot: nothing to do for {kind}")
        note, status = FOLLOW_UPS[kind]
        conversation_id = self._conversation_of(job)
        progress = dict(job.progress)
        await self._note_once(
            client, progress, "note", conversation_id, note(job.payload["data"]), save
        )
        if status is not None:
            await self._call(
                client,
                "POST",
                f"/conversations/{conversation_id}/toggle_status",
                "resolve conversation",
                json={"status": status},
            )

    # ------------------------------------------------------------ the conversation after the handoff

    def _conversation_of(self, job: Job) -> int:
        conversation_id = (job.earlier.get(events.CREATED) or {}).get("conversation_id")
        if not conversation_id:
            raise PermanentError("chatwoot: the handoff never reached Chatwoot; nothing to update")
        return int(conversation_id)

    async def _transcript(
        self,
        client: httpx.AsyncClient,
        progress: dict[str, Any],
        data: dict[str, Any],
        save: SaveProgress,
    ) -> None:
        """The conversation before the handoff as messages: the customer's lines incoming,
        the bot's as private notes (outgoing ones would be sent to the customer again)."""
        summary: dict[str, Any] = data["summary"] if isinstance(data.get("summary"), dict) else {}
        lines = [
            line
            for line in (summary.get("transcript") or [])
            if isinstance(line, dict) and str(line.get("text") or "").strip()
        ]
        conversation_id = progress["conversation_id"]
        for index in range(int(progress.get("transcript_done", 0)), len(lines)):
            line = lines[index]
            customer = line.get("speaker") == "customer"
            content = (
                str(line["text"])
                if customer
                else f"{'Assistant' if line.get('speaker') == 'bot' else 'Agent'}: {line['text']}"
            )[:NOTE_LIMIT]
            if progress.get("attempting") == f"transcript:{index}" and await self._last_is(
                client, conversation_id, content
            ):
                pass  # sent before the answer was lost
            else:
                progress["attempting"] = f"transcript:{index}"
                await save(progress)
                await self._post_message(client, conversation_id, content, incoming=customer)
            progress["transcript_done"] = index + 1
            progress.pop("attempting", None)
            await save(progress)

    async def _last_is(self, client: httpx.AsyncClient, conversation_id: int, content: str) -> bool:
        found = await self._call(
            client, "GET", f"/conversations/{conversation_id}/messages", "list messages"
        )
        payload = found.get("payload") or [] if isinstance(found, dict) else []
        return bool(payload) and payload[-1].get("content") == content

    async def _post_message(
        self, client: httpx.AsyncClient, conversation_id: int, content: str, *, incoming: bool
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"content": content, "content_type": "text"}
        body.update(
            {"message_type": "incoming", "private": False}
            if incoming
            else {"message_type": "outgoing", "private": True}
        )
        return await self._call(
            client, "POST", f"/conversations/{conversation_id}/messages", "add message", json=body
        )

    async def _customer_message(
        self, job: Job, client: httpx.AsyncClient, save: SaveProgress
    ) -> None:
        """A customer message as an incoming message, exactly once (the row is the message)."""
        conversation_id = self._conversation_of(job)
        progress = dict(job.progress)
        content = str(job.payload["data"]["text"])[:NOTE_LIMIT]
        if progress.get("attempting") and await self._last_is(client, conversation_id, content):
            return  # Chatwoot took it; the answer was lost on the way
        progress["attempting"] = True
        await save(progress)
        made = await self._post_message(client, conversation_id, content, incoming=True)
        await save({"chatwoot_message_id": made.get("id")})

    async def _agent_note(self, job: Job, client: httpx.AsyncClient, save: SaveProgress) -> None:
        """What happened in the inbox or another desk, as a private note for Chatwoot's agents."""
        conversation_id = self._conversation_of(job)
        data = job.payload["data"]
        kind = job.payload["type"]
        where = {"inbox": "the agent inbox", "webhook": "the other help desk"}.get(
            str(data.get("source")), str(data.get("source") or "")
        )
        if kind == events.AGENT_MESSAGE:
            content = f"**{md(data.get('agent') or 'An agent')}** (in {where}) told the customer: {md(data.get('text', ''))}"
        elif kind == events.CLAIMED:
            content = (
                f"**{md(data.get('agent') or 'An agent')}** took this conversation in {where}."
            )
        elif kind == events.REOPENED:
            content = f"**{md(data.get('agent') or 'An agent')}** reopened this conversation in {where}; the bot is paused."
        else:
            content = md(data.get("text", ""))
        await self._note_once(
            client, dict(job.progress), "note", conversation_id, content[:NOTE_LIMIT], save
        )

    async def send(self, job: Job, client: httpx.AsyncClient, save_progress: SaveProgress) -> None:
        kind = job.payload.get("type", job.event)
        if kind == events.CREATED:
            await self._created(job, client, save_progress)
        elif kind == events.MESSAGE:
            await self._customer_message(job, client, save_progress)
        elif kind in (events.AGENT_MESSAGE, events.CLAIMED, events.REOPENED, events.NOTE):
            await self._agent_note(job, client, save_progress)
        else:
            await self._follow_up(job, client, save_progress)
