"""Local stand-ins for the messaging SaaS APIs Rasa's push channels call.

One HTTP server answers as Telegram's Bot API (``/telegram/bot<token>/<method>``),
Slack's Web API (``/slack/api/chat.postMessage``), Facebook's Send API
(``/facebook/v…/me/messages``), Twilio's REST API (``/twilio/2010-04-01/…/Messages.json``)
and a company's callback receiver (``/callback``), and records every request, so a
test can read every message a customer on each channel was sent.
``tests/channels/saas_rasa.py`` points Rasa's channel classes at it.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

TELEGRAM_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw8"
TELEGRAM_BOT_NAME = "northwind_test_bot"
SLACK_CHANNEL = "C0NORTHWIND"
TWILIO_NUMBER = "+441632960000"


@dataclass(frozen=True)
class Request:
    service: str  # telegram, slack, facebook, twilio, callback
    path: str
    body: dict[str, Any]

    @property
    def recipient(self) -> str:
        """Who the message is for, as each API names it."""
        if self.service == "telegram":
            return str(self.body.get("chat_id", ""))
        if self.service == "slack":
            return str(self.body.get("channel", ""))
        if self.service == "facebook":
            recipient = self.body.get("recipient")
            if isinstance(recipient, str):
                recipient = json.loads(recipient)
            return str((recipient or {}).get("id", ""))
        if self.service == "twilio":
            return str(self.body.get("To", ""))
        return str(self.body.get("recipient_id", ""))


def _answer(service: str, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    if service == "telegram":
        method = path.rsplit("/", 1)[-1]
        if method == "getMe":
            user = {"id": 1, "is_bot": True, "first_name": "Northwind"}
            return 200, {"ok": True, "result": user | {"username": TELEGRAM_BOT_NAME}}
        if method.startswith("send"):
            chat = {"id": int(body.get("chat_id") or 0), "type": "private"}
            message = {"message_id": 1, "date": 0, "chat": chat, "text": body.get("text", "")}
            return 200, {"ok": True, "result": message}
        return 200, {"ok": True, "result": True}  # setWebhook and the like
    if service == "slack":
        return 200, {"ok": True, "channel": body.get("channel"), "ts": "1700000000.000100"}
    if service == "facebook":
        return 200, {"recipient_id": "x", "message_id": "mid.1"}
    if service == "twilio":
        message = {"sid": "SM" + "0" * 32, "status": "queued", "to": body.get("To")}
        return 201, message | {"body": body.get("Body")}
    return 200, {}


class FakeSaaS:
    """Records every request; ``with FakeSaaS() as saas: saas.url`` is its base URL."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        saas = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._handle(b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                self._handle(self.rfile.read(length))

            def _handle(self, raw: bytes) -> None:
                url = urlsplit(self.path)
                service = url.path.strip("/").split("/", 1)[0]
                content_type = self.headers.get("content-type") or ""
                body: dict[str, Any] = dict(parse_qsl(url.query))
                if "json" in content_type and raw:
                    body |= json.loads(raw)
                elif raw:
                    body |= dict(parse_qsl(raw.decode()))
                with saas.lock:
                    saas.requests.append(Request(service, url.path, body))
                status, answer = _answer(service, url.path, body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self) -> FakeSaaS:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def sent_to(self, service: str, recipient: str) -> list[Request]:
        """Every request of ``service`` addressed to ``recipient``."""
        with self.lock:
            return [r for r in self.requests if r.service == service and r.recipient == recipient]

    def texts_to(self, service: str, recipient: str) -> list[str]:
        """The whole body of each such request, as text: what the customer could read."""
        return [json.dumps(r.body, ensure_ascii=False) for r in self.sent_to(service, recipient)]
