"""Local HTTP servers speaking the documented APIs of Slack incoming webhooks, a signed
webhook receiver and Chatwoot's application API. Each records every request, checks
the credentials the real service checks, and can be told to fail the next N calls.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import queue
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from inbox.forwarding.webhook import verify


@dataclass
class Failure:
    """How to fail one request: a status (with headers/body), after a delay, and
    ``lost`` = do the work first and fail the answer (a response lost on the way)."""

    status: int = 503
    body: str = "unavailable"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    lost: bool = False


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    at: float
    status: int = 0

    def json(self) -> Any:
        return json.loads(self.body)


Reply = tuple[int, dict[str, str], bytes]


class FakeService:
    """A threaded HTTP server; subclasses implement ``handle`` for their API."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.lock = threading.RLock()
        self._failures: list[tuple[str, Failure]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail(self, route: str, *failures: Failure) -> None:
        """Fail the next requests whose ``"METHOD /path"`` matches the regex ``route``."""
        with self.lock:
            self._failures.extend((route, f) for f in failures)

    def _take_failure(self, key: str) -> Failure | None:
        with self.lock:
            for i, (route, failure) in enumerate(self._failures):
                if re.search(route, key):
                    del self._failures[i]
                    return failure
        return None

    def calls(self, route: str = "") -> list[Recorded]:
        with self.lock:
            return [r for r in self.requests if re.search(route, f"{r.method} {r.path}")]

    def wait_for(self, check: Callable[[], bool], timeout: float = 15.0) -> bool:
        """Poll until ``check()`` holds (fails only on a hang, not a timing assertion)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return True
            time.sleep(0.02)
        return check()

    def handle(self, record: Recorded) -> Reply:
        raise NotImplementedError

    @staticmethod
    def reply(status: int, payload: Any) -> Reply:
        if isinstance(payload, (bytes, str)):
            body = payload.encode() if isinstance(payload, str) else payload
            return status, {"Content-Type": "text/plain"}, body
        return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()

    def _handler(self) -> type:
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                parts = urlsplit(self.path)
                record = Recorded(
                    self.command,
                    parts.path,
                    {k: v[0] for k, v in parse_qs(parts.query).items()},
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                    time.monotonic(),
                )
                with service.lock:
                    service.requests.append(record)
                failure = service._take_failure(f"{record.method} {record.path}")
                if failure and failure.delay:
                    time.sleep(failure.delay)
                if failure and not failure.lost:
                    status, headers, body = failure.status, failure.headers, failure.body.encode()
                else:
                    with service.lock:
                        status, headers, body = service.handle(record)
                    if failure:
                        status, headers, body = (
                            failure.status,
                            failure.headers,
                            failure.body.encode(),
                        )
                record.status = status
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            do_GET = do_POST = _serve

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


# ------------------------------------------------------------------ Slack


class FakeSlack(FakeService):
    """An incoming webhook: ``POST /services/T…/B…/…`` with JSON ``text`` (and ``blocks``),
    ``200 ok``; ``400 invalid_payload``; ``404 no_service`` for an unknown hook."""

    HOOK = "/services/T0001/B0001/abcdefghijklmnopqrstuvwx"

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[dict[str, Any]] = []
        self.webhook_url = self.url + self.HOOK

    def handle(self, record: Recorded) -> Reply:
        if record.method != "POST" or record.path != self.HOOK:
            return self.reply(404, "no_service")
        try:
            body = record.json()
        except ValueError:
            return self.reply(400, "invalid_payload")
        if not isinstance(body, dict) or not isinstance(body.get("text"), str) or not body["text"]:
            return self.reply(400, "invalid_payload")
        if not isinstance(body.get("blocks", []), list):
            return self.reply(400, "invalid_blocks")
        self.messages.append(body)
        return self.reply(200, "ok")


# ------------------------------------------------------------------ signed webhook


class FakeReceiver(FakeService):
    """A receiver that verifies the signature and processes each event id once."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret
        self.events: dict[str, dict[str, Any]] = {}  # processed, by event id
        self.rejected = 0

    def handle(self, record: Recorded) -> Reply:
        headers = record.headers
        timestamp = headers.get("x-northwind-timestamp", "")
        signature = headers.get("x-northwind-signature", "")
        if headers.get("content-type") != "application/json" or not verify(
            self.secret, timestamp, signature, record.body
        ):
            self.rejected += 1
            return self.reply(401, {"error": "bad signature"})
        event = record.json()
        if headers.get("x-northwind-event-id") != event.get("id"):
            return self.reply(400, {"error": "event id header and body differ"})
        self.events.setdefault(
            event["id"], event
        )  # a retry of a processed event is acknowledged, not redone
        return self.reply(200, {"received": True})


# ------------------------------------------------------------------ Chatwoot


RECORDED = Path(__file__).parent / "data" / "chatwoot"  # webhook payloads from Chatwoot's docs


def recorded(name: str) -> dict[str, Any]:
    """A fresh copy of a recorded Chatwoot webhook payload (data/chatwoot/README.md)."""
    return json.loads((RECORDED / f"{name}.json").read_text(encoding="utf-8"))


class FakeChatwoot(FakeService):
    """Chatwoot's application API for one account and one API inbox (developers.chatwoot.com),
    and its webhooks: every message created (through the API or by an agent here) and every
    status or assignee change is POSTed to the inbox's ``webhook_url``, in order, from a
    background thread as Chatwoot's job queue does, built from the recorded payloads.
    ``down`` makes every API call answer 503 (an outage)."""

    def __init__(self, account_id: int = 7, inbox_id: int = 3, token: str = "cw-token-123") -> None:
        super().__init__()
        self.account_id, self.inbox_id, self.token = account_id, inbox_id, token
        self.contacts: dict[int, dict[str, Any]] = {}
        self.conversations: dict[int, dict[str, Any]] = {}
        self.messages: dict[int, list[dict[str, Any]]] = {}
        self._ids = iter(range(100, 100000))
        self.down = False
        self.channel_type = "Channel::Api"
        self.webhook_url: str | None = None  # the API inbox's "Webhook URL" setting
        self.webhook_secret = ""  # newer Chatwoot signs deliveries when set
        self.webhook_results: list[tuple[str, int]] = []  # (event, inbox's answer status)
        self._webhooks: queue.Queue = queue.Queue()
        self._sender = threading.Thread(target=self._deliver_webhooks, daemon=True)
        self._sender.start()

    # ---------------------------------------------------------------- webhooks out

    def _deliver_webhooks(self) -> None:
        with httpx.Client(timeout=10) as client:
            while True:
                item = self._webhooks.get()
                if item is None:
                    return
                url, payload = item
                body = json.dumps(payload).encode()
                headers = {"Content-Type": "application/json"}
                if self.webhook_secret:
                    stamp = str(int(time.time()))
                    mac = hmac.new(
                        self.webhook_secret.encode(), stamp.encode() + b"." + body, hashlib.sha256
                    ).hexdigest()
                    headers.update(
                        {"X-Chatwoot-Timestamp": stamp, "X-Chatwoot-Signature": f"sha256={mac}"}
                    )
                try:
                    status = client.post(url, content=body, headers=headers).status_code
                except httpx.HTTPError:
                    status = 0  # Chatwoot logs and drops a failed delivery (Webhooks::Trigger)
                with self.lock:
                    self.webhook_results.append((str(payload.get("event")), status))
                self._webhooks.task_done()

    def settle(self) -> None:
        """Wait until every webhook queued so far was answered."""
        self._webhooks.join()

    def close(self) -> None:
        self._webhooks.put(None)
        super().close()

    def _emit(self, payload: dict[str, Any]) -> None:
        if self.webhook_url:
            self._webhooks.put((self.webhook_url, payload))

    def conversation_data(self, conversation: dict[str, Any]) -> dict[str, Any]:
        """``conversation.webhook_data``: the recorded shape with this conversation's values."""
        data = recorded("conversation_status_changed")
        for key in ("event",):
            data.pop(key, None)
        data["id"] = conversation["id"]
        data["inbox_id"] = self.inbox_id
        data["channel"] = "Channel::Api"
        data["additional_attributes"] = copy.deepcopy(conversation["additional_attributes"])
        data["status"] = conversation["status"]
        data["meta"]["assignee"] = copy.deepcopy(conversation.get("assignee"))
        data["messages"] = copy.deepcopy(self.messages.get(conversation["id"], [])[-1:])
        return data

    def _message_webhook(self, conversation: dict[str, Any], message: dict[str, Any]) -> None:
        payload = recorded("message_created")
        payload["id"] = message["id"]
        payload["content"] = message["content"]
        payload["message_type"] = "outgoing" if message["message_type"] == 1 else "incoming"
        payload["private"] = message["private"]
        payload["sender"] = copy.deepcopy(message["sender"])
        payload["inbox"] = {"id": self.inbox_id, "name": "Northwind handoffs"}
        payload["conversation"] = self.conversation_data(conversation)
        payload["account"] = {"id": self.account_id, "name": "Northwind"}
        self._emit(payload)

    # ---------------------------------------------------------------- what agents do in Chatwoot

    @staticmethod
    def user(agent_id: int, name: str) -> dict[str, Any]:
        """The documented agent/admin object of a webhook's ``sender``."""
        return {
            "id": agent_id,
            "name": name,
            "email": f"{name.lower()}@example.com",
            "type": "user",
        }

    def agent_writes(
        self, conversation_id: int, content: str, agent: dict[str, Any], private: bool = False
    ) -> dict[str, Any]:
        """An agent answers (or writes a private note) in Chatwoot's dashboard."""
        with self.lock:
            conversation = self.conversations[conversation_id]
            message = {
                "id": next(self._ids),
                "content": content,
                "private": private,
                "message_type": 1,
                "sender": agent,
            }
            self.messages[conversation_id].append(message)
            self._message_webhook(conversation, message)
        return message

    def set_status(self, conversation_id: int, status: str) -> None:
        """Resolve or reopen in the dashboard: ``conversation_status_changed``."""
        with self.lock:
            conversation = self.conversations[conversation_id]
            previous, conversation["status"] = conversation["status"], status
            payload = self.conversation_data(conversation)
            payload["event"] = "conversation_status_changed"
            payload["changed_attributes"] = [
                {"status": {"previous_value": previous, "current_value": status}}
            ]
            self._emit(payload)

    def assign(self, conversation_id: int, agent_id: int, name: str) -> None:
        """Assign in the dashboard: ``conversation_updated`` naming ``assignee_id``."""
        with self.lock:
            conversation = self.conversations[conversation_id]
            previous = (conversation.get("assignee") or {}).get("id")
            conversation["assignee"] = {
                "id": agent_id,
                "name": name,
                "available_name": name,
                "avatar_url": "",
                "type": "user",
                "availability_status": "online",
            }
            payload = self.conversation_data(conversation)
            payload["event"] = "conversation_updated"
            payload["changed_attributes"] = [
                {"assignee_id": {"previous_value": previous, "current_value": agent_id}}
            ]
            self._emit(payload)

    def redeliver(self, payload: dict[str, Any], times: int = 1) -> None:
        """Deliver the same webhook again (Chatwoot or a proxy repeating a delivery)."""
        for _ in range(times):
            self._emit(copy.deepcopy(payload))

    def public_messages(self, conversation_id: int, incoming: bool) -> list[str]:
        with self.lock:
            return [
                m["content"]
                for m in self.messages.get(conversation_id, [])
                if not m["private"] and (m["message_type"] == 0) == incoming
            ]

    def notes(self, conversation_id: int) -> list[str]:
        with self.lock:
            return [m["content"] for m in self.messages.get(conversation_id, []) if m["private"]]

    def only_conversation(self) -> int:
        with self.lock:
            assert len(self.conversations) == 1, self.conversations
            return next(iter(self.conversations))

    def _inbox(self) -> dict[str, Any]:
        return {"id": self.inbox_id, "name": "Northwind handoffs", "channel_type": "Channel::Api"}

    def add_contact(
        self,
        name: str,
        identifier: str | None = None,
        email: str | None = None,
        in_inbox: bool = True,
    ) -> dict[str, Any]:
        contact = {
            "id": next(self._ids),
            "name": name,
            "identifier": identifier,
            "email": email,
            "contact_inboxes": [],
        }
        if in_inbox:
            contact["contact_inboxes"].append(
                {"source_id": str(uuid.uuid4()), "inbox": self._inbox()}
            )
        self.contacts[contact["id"]] = contact
        return contact

    def handle(self, record: Recorded) -> Reply:
        if self.down:
            return self.reply(503, "Service Unavailable")
        if record.headers.get("api_access_token") != self.token:
            return self.reply(401, {"error": "Invalid Access Token"})
        prefix = f"/api/v1/accounts/{self.account_id}"
        if not record.path.startswith(prefix + "/"):
            return self.reply(404, {"error": "Resource could not be found"})
        path, method = record.path[len(prefix) :], record.method
        body = record.json() if record.body else {}
        if method == "GET" and path == f"/inboxes/{self.inbox_id}":
            return self.reply(
                200,
                {
                    "id": self.inbox_id,
                    "name": "Northwind handoffs",
                    "channel_type": self.channel_type,
                    "webhook_url": self.webhook_url,
                },
            )
        if method == "GET" and path == "/contacts/search":
            q = record.query.get("q", "").lower()
            found = [
                c
                for c in self.contacts.values()
                if q
                and any(q in str(c.get(f) or "").lower() for f in ("name", "identifier", "email"))
            ]
            return self.reply(200, {"meta": {"count": len(found)}, "payload": found})
        if method == "POST" and path == "/contacts":
            if body.get("inbox_id") != self.inbox_id:
                return self.reply(422, {"message": "Inbox not found"})
            for c in self.contacts.values():
                if body.get("identifier") and c.get("identifier") == body["identifier"]:
                    return self.reply(422, {"message": "Identifier has already been taken"})
                if body.get("email") and c.get("email") == body["email"]:
                    return self.reply(422, {"message": "Email has already been taken"})
            contact = self.add_contact(body.get("name"), body.get("identifier"), body.get("email"))
            link = contact["contact_inboxes"][0]
            return self.reply(200, {"payload": {"contact": contact, "contact_inbox": link}})
        m = re.fullmatch(r"/contacts/(\d+)/(contact_inboxes|conversations)", path)
        if m:
            contact = self.contacts.get(int(m.group(1)))
            if contact is None:
                return self.reply(404, {"error": "Resource could not be found"})
            if m.group(2) == "conversations" and method == "GET":
                mine = [
                    c
                    for c in self.conversations.values()
                    if c["meta"]["sender"]["id"] == contact["id"]
                ]
                return self.reply(200, {"payload": mine})
            if (
                m.group(2) == "contact_inboxes"
                and method == "POST"
                and body.get("inbox_id") == self.inbox_id
            ):
                link = {"source_id": str(uuid.uuid4()), "inbox": self._inbox()}
                contact["contact_inboxes"].append(link)
                return self.reply(200, link)
            return self.reply(422, {"message": "bad request"})
        if method == "POST" and path == "/conversations":
            contact = self.contacts.get(int(body.get("contact_id") or 0))
            if (
                contact is None
                or body.get("inbox_id") != self.inbox_id
                or body.get("source_id")
                not in [link["source_id"] for link in contact["contact_inboxes"]]
            ):
                return self.reply(422, {"message": "contact, inbox or source_id invalid"})
            conversation = {
                "id": next(self._ids),
                "account_id": self.account_id,
                "inbox_id": self.inbox_id,
                "status": body.get("status", "open"),
                "additional_attributes": body.get("additional_attributes") or {},
                "meta": {"sender": {"id": contact["id"]}},
                "assignee": None,
            }
            self.conversations[conversation["id"]] = conversation
            self.messages[conversation["id"]] = []
            return self.reply(
                200,
                {
                    "id": conversation["id"],
                    "account_id": self.account_id,
                    "inbox_id": self.inbox_id,
                },
            )
        m = re.fullmatch(r"/conversations/(\d+)/(messages|toggle_status)", path)
        if m:
            conversation = self.conversations.get(int(m.group(1)))
            if conversation is None:
                return self.reply(404, {"error": "Resource could not be found"})
            if m.group(2) == "messages" and method == "GET":
                return self.reply(200, {"meta": {}, "payload": self.messages[conversation["id"]]})
            if m.group(2) == "messages" and method == "POST":
                if not body.get("content") or body.get("message_type") not in (
                    "outgoing",
                    "incoming",
                ):
                    return self.reply(422, {"message": "content and message_type required"})
                outgoing = body["message_type"] == "outgoing"
                message = {
                    "id": next(self._ids),
                    "content": body["content"],
                    "private": bool(body.get("private")),
                    "message_type": 1 if outgoing else 0,
                    # An API call's message is the token's user's (outgoing) or the contact's.
                    "sender": self.user(1, "Northwind integration")
                    if outgoing
                    else {
                        "id": conversation["meta"]["sender"]["id"],
                        "name": "",
                        "type": "contact",
                    },
                }
                self.messages[conversation["id"]].append(message)
                self._message_webhook(conversation, message)
                return self.reply(200, message)
            if m.group(2) == "toggle_status" and method == "POST":
                if body.get("status") not in ("open", "resolved", "pending", "snoozed"):
                    return self.reply(422, {"message": "bad status"})
                previous, conversation["status"] = conversation["status"], body["status"]
                if previous != body["status"]:
                    payload = self.conversation_data(conversation)
                    payload["event"] = "conversation_status_changed"
                    payload["changed_attributes"] = [
                        {"status": {"previous_value": previous, "current_value": body["status"]}}
                    ]
                    self._emit(payload)
                return self.reply(
                    200,
                    {
                        "meta": {},
                        "payload": {
                            "success": True,
                            "current_status": body["status"],
                            "conversation_id": conversation["id"],
                        },
                    },
                )
        return self.reply(404, {"error": "Resource could not be found"})
