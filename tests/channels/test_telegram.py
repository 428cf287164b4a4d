"""The Telegram channel pushes an agent's reply from inside Rasa's event loop.

A local server speaks the Telegram Bot API's sendMessage (the SaaS cannot run
here); the output channel is the one Rasa would use for output_channel=latest.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiogram.bot.api import TelegramAPIServer
from rasa.core.channels.telegram import TelegramOutput

from channels.telegram import HandoffTelegramInput, loop_is_running

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw8"


class FakeTelegram(BaseHTTPRequestHandler):
    """POST /bot<token>/sendMessage, answered as the Bot API does."""

    received: list[dict] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length).decode()
        fields = (
            dict(pair.split("=", 1) for pair in body.split("&") if "=" in pair)
            if "json" not in (self.headers.get("content-type") or "")
            else json.loads(body)
        )
        FakeTelegram.received.append({"path": self.path, **fields})
        reply = {
            "ok": True,
            "result": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 42, "type": "private"},
                "text": "x",
            },
        }
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture()
def telegram_api() -> Iterator[str]:
    FakeTelegram.received = []
    server = HTTPServer(("127.0.0.1", 0), FakeTelegram)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def channel() -> HandoffTelegramInput:
    return HandoffTelegramInput(
        access_token=TOKEN, verify="northwind_bot", webhook_url="https://example.invalid/hook"
    )


def test_outside_a_loop_nothing_is_running() -> None:
    assert loop_is_running() is False


async def test_an_agent_reply_is_sent_from_inside_the_running_loop(telegram_api: str) -> None:
    output = (
        channel().get_output_channel()
    )  # Rasa 3.6's own class raises here (asyncio.run in a loop)
    output.server = TelegramAPIServer.from_base(telegram_api)
    try:
        await output.send_text_message("42", "Hi Dana, I'm Sam from the team.")
    finally:
        await output.session.close()  # aiogram 2 deprecates Bot.close()
    assert len(FakeTelegram.received) == 1
    sent = FakeTelegram.received[0]
    assert sent["path"] == f"/bot{TOKEN}/sendMessage"
    assert sent["chat_id"] == "42"
    assert "Sam" in sent["text"].replace("+", " ").replace("%2C", ",")


def test_the_channel_keeps_rasas_name() -> None:
    assert HandoffTelegramInput.name() == "telegram"


async def test_rasas_own_telegram_channel_cannot_push_from_the_loop() -> None:
    """Why channels/telegram.py exists: Rasa 3.6 calls asyncio.run inside the running loop."""
    import warnings

    from rasa.core.channels.telegram import TelegramInput

    rasa_channel = TelegramInput(
        access_token=TOKEN, verify="northwind_bot", webhook_url="https://example.invalid/hook"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the never-awaited set_webhook coroutine
        with pytest.raises(RuntimeError, match="running event loop"):
            rasa_channel.get_output_channel()


def test_the_start_up_channel_answers_customers_in_the_servers_loop(
    telegram_api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Start-up registers the webhook in a loop of its own; the output channel handed to
    the webhook's handler must still work in the server's loop (Rasa 3.6's did not:
    every customer message failed with "Event loop is closed")."""
    server = TelegramAPIServer.from_base(telegram_api)
    real_init = TelegramOutput.__init__

    def local_api(self: TelegramOutput, access_token: str | None) -> None:
        real_init(self, access_token)
        self.server = server

    monkeypatch.setattr(TelegramOutput, "__init__", local_api)
    output = channel().get_output_channel()  # at start-up: no loop running
    assert [r["path"] for r in FakeTelegram.received] == [f"/bot{TOKEN}/setWebhook"]

    async def answer_in_the_server_loop() -> None:
        try:
            await output.get_me()  # what the webhook handler does first
            await output.send_text_message("42", "Hello Dana")
        finally:
            await output.session.close()

    asyncio.run(answer_in_the_server_loop())
    assert [r["path"].rsplit("/", 1)[-1] for r in FakeTelegram.received] == [
        "setWebhook",
        "getMe",
        "sendMessage",
    ]
