"""In-process servers for the widget tests: the web chat app and a scripted fake Rasa.

The fake speaks the same socket.io protocol as Rasa's socketio channel
(session_request → session_confirm, user_uttered acknowledged after the replies,
bot_uttered payloads) so the widget can be driven deterministically: scripted
replies, pushes at any time, markers or none, and a real outage (the server
stops listening and comes back on the same port).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import socketio
import uvicorn

from webchat.app import create_app
from webchat.settings import Settings

Reply = Callable[[str], list[dict[str, Any]]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerThread:
    """Runs an ASGI app with uvicorn in a background thread; can stop and start again."""

    def __init__(self, app: Any, port: int, ws: str) -> None:
        self.app, self.port, self.ws = app, port, ws
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            ws=self.ws,
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)

        def run() -> None:
            self.loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(self.server.serve())
            # socket.io keeps ping and housekeeping tasks: end them with the loop.
            pending = asyncio.all_tasks(self.loop)
            for task in pending:
                task.cancel()
            self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self.loop.close()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"server on port {self.port} did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(timeout=20)
        self.server = self.thread = None


class FakeRasa:
    """Rasa's socket.io channel, scripted: ``reply(text)`` gives the payloads to emit."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.received: list[dict[str, Any]] = []  # every user_uttered, in order
        self.lock = threading.Lock()
        self.holding = threading.Event()  # set: replies wait until release() (typing indicator)
        self.sio = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins="*")
        self.port = free_port()
        self.thread = ServerThread(socketio.ASGIApp(self.sio), self.port, ws="websockets")
        self._register()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _register(self) -> None:
        sio = self.sio

        @sio.on("session_request")
        async def session_request(sid: str, data: dict[str, Any]) -> None:
            await sio.enter_room(sid, data["session_id"])
            await sio.emit("session_confirm", data["session_id"], room=sid)

        @sio.on("user_uttered")
        async def user_uttered(sid: str, data: dict[str, Any]) -> None:
            with self.lock:
                self.received.append(data)
            while self.holding.is_set():
                await asyncio.sleep(0.05)
            for payload in self.reply(data["message"]):
                await sio.emit("bot_uttered", payload, room=data["session_id"])
            # Returning acknowledges, after the replies: as Rasa does.

    def hold(self) -> None:
        self.holding.set()

    def release(self) -> None:
        self.holding.clear()

    def messages(self) -> list[str]:
        with self.lock:
            return [m["message"] for m in self.received]

    def push(self, session_id: str, *payloads: dict[str, Any]) -> None:
        """Emit bot_uttered payloads unprompted (an agent's reply, a marker)."""

        async def emit() -> None:
            for payload in payloads:
                await self.sio.emit("bot_uttered", payload, room=session_id)

        assert self.thread.loop is not None
        asyncio.run_coroutine_threadsafe(emit(), self.thread.loop).result(timeout=10)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.thread.stop()


class WebchatServer:
    """The real web chat app, pointed at ``rasa_url`` (and at an inbox for the widget API)."""

    def __init__(self, rasa_url: str, inbox_url: str = "", handoff_secret: str = "") -> None:
        self.port = free_port()
        settings = Settings(rasa_url=rasa_url, port=self.port, handoff_secret=handoff_secret)
        if inbox_url:
            settings = settings.replace(inbox_url=inbox_url)
        self.thread = ServerThread(create_app(settings), self.port, ws="none")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.thread.stop()


class OtherSite:
    """A page on another origin that only adds the widget's script tag (a customer's site)."""

    def __init__(self, html: str) -> None:
        body = html.encode("utf-8")

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        # "localhost", not 127.0.0.1: another origin than the web chat server's.
        return f"http://localhost:{self.server.server_address[1]}/"

    def __enter__(self) -> OtherSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
