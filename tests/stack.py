"""Start the whole system for end-to-end tests: real Rasa, action server, inbox, web chat.

Every service gets a free port and a fresh var/ folder (SQLite files) under the
test's temporary directory, so tests never touch the developer's data. The
trained model comes from models/northwind.tar.gz (scripts/test trains it first),
or from $NORTHWIND_TEST_MODEL when that is set.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
# NORTHWIND_TEST_MODEL runs the stack on another trained model (an experiment
# trained with --out elsewhere) without overwriting the shared one.
MODEL = Path(os.environ.get("NORTHWIND_TEST_MODEL") or ROOT / "models" / "northwind.tar.gz")
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Stack:
    """Handles to a running system (see tests/conftest.py `stack`)."""

    workdir: Path
    rasa_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    inbox_port: int = field(default_factory=free_port)
    webchat_port: int = field(default_factory=free_port)
    callback_port: int = field(default_factory=free_port)
    rasa_token: str = field(default_factory=lambda: secrets.token_hex(16))
    handoff_secret: str = field(default_factory=lambda: secrets.token_hex(24))
    session_secret: str = field(default_factory=lambda: secrets.token_hex(24))
    admin_user: str = "admin"
    admin_password: str = field(default_factory=lambda: secrets.token_hex(8))
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    @property
    def inbox_url(self) -> str:
        return f"http://127.0.0.1:{self.inbox_port}"

    @property
    def webchat_url(self) -> str:
        return f"http://127.0.0.1:{self.webchat_port}"

    @property
    def callback_url(self) -> str:
        return f"http://127.0.0.1:{self.callback_port}/bot"

    @property
    def var(self) -> Path:
        path = self.workdir / "var"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def env(self) -> dict[str, str]:
        """The environment every service of this stack runs with."""
        env = dict(os.environ)
        env.update(
            {
                "PYTHONPATH": str(ROOT),
                "RASA_TELEMETRY_ENABLED": "false",
                "TF_CPP_MIN_LOG_LEVEL": "2",
                "RASA_URL": self.rasa_url,
                "RASA_TOKEN": self.rasa_token,
                "ACTION_SERVER_URL": f"{self.action_url}/webhook",
                "INBOX_URL": self.inbox_url,
                "INBOX_PORT": str(self.inbox_port),
                "HANDOFF_SECRET": self.handoff_secret,
                "INBOX_SESSION_SECRET": self.session_secret,
                "INBOX_BUSINESS_HOURS": "Mon-Sun 00:00-24:00",
                "INBOX_DELIVERY_RETRY_SECONDS": "1",
                "OUTBOX_RETRY_SECONDS": "0.5",
                "TRACKER_STORE_DIALECT": "sqlite",
                "TRACKER_STORE_URL": f"sqlite:///{self.var / 'rasa_tracker.db'}",
                "TRACKER_STORE_DB": "rasa",
                "CALLBACK_URL": self.callback_url,
                "ORDER_BACKEND": "sql",
                "ORDER_DATABASE_URL": f"sqlite:///{self.var / 'orders.db'}",
                "OUTBOX_DATABASE_URL": f"sqlite:///{self.var / 'outbox.db'}",
                "INBOX_DATABASE_URL": f"sqlite:///{self.var / 'inbox.db'}",
                "WEBCHAT_PORT": str(self.webchat_port),
                "WEBCHAT_RASA_URL": self.rasa_url,
            }
        )
        env.update(self.extra_env)
        return env

    def _spawn(self, name: str, args: list[str]) -> None:
        log = open(self.workdir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self, name: str) -> str:
        """The tail of a service's log, for failure messages."""
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    # -- lifecycle -----------------------------------------------------------
    def prepare(self) -> None:
        """Seed the order database and create the inbox admin (fresh per stack)."""
        python = sys.executable
        subprocess.run(
            [python, "-m", "tools.orders.seed"],
            cwd=ROOT,
            env=self.env(),
            check=True,
            capture_output=True,
        )
        env = self.env() | {"INBOX_NEW_PASSWORD": self.admin_password}
        subprocess.run(
            [python, "-m", "inbox", "create-admin", self.admin_user, "--name", "Sam"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )

    def start_actions(self) -> None:
        self._spawn(
            "actions",
            [
                str(VENV_BIN / "rasa"),
                "run",
                "actions",
                "--port",
                str(self.action_port),
                "--actions",
                "actions",
            ],
        )

    def start_rasa(
        self, name: str = "rasa", port: int | None = None, endpoints: str = "endpoints.yml"
    ) -> None:
        """Start a Rasa server (a second replica gets its own name and port)."""
        # launch_rasa adds --auth-token (RASA_TOKEN) and --cors (the web chat's origin) in-process.
        self._spawn(
            name,
            [
                sys.executable,
                "-m",
                "launch_rasa",
                "run",
                "--enable-api",
                "--port",
                str(port or self.rasa_port),
                "--model",
                str(MODEL),
                "--endpoints",
                endpoints,
                "--credentials",
                "credentials.yml",
            ],
        )

    def start_inbox(self) -> None:
        self._spawn(
            "inbox", [sys.executable, "-m", "inbox", "serve", "--port", str(self.inbox_port)]
        )

    def start_webchat(self) -> None:
        if (ROOT / "webchat" / "__main__.py").exists():
            self._spawn(
                "webchat", [sys.executable, "-m", "webchat", "--port", str(self.webchat_port)]
            )

    def stop(self, name: str) -> None:
        """Stop one service (and wait for it)."""
        process = self.processes.pop(name, None)
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def wait_until_up(self, name: str, url: str, timeout: float = 240.0) -> None:
        """Poll ``url`` until it answers 200; fail with the service's log otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            process = self.processes.get(name)
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{self.log(name)}")
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{name} did not answer {url} within {timeout} s:\n{self.log(name)}")

    def wait_for_rasa(self, name: str = "rasa", url: str | None = None) -> None:
        url = url or self.rasa_url
        self.wait_until_up(name, f"{url}/status?token={self.rasa_token}")
        # /status answers before the model is loaded; wait for the loaded model.
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            status = httpx.get(f"{url}/status", params={"token": self.rasa_token}, timeout=5).json()
            if status.get("model_file"):
                return
            time.sleep(0.5)
        raise RuntimeError("Rasa did not load the model:\n" + self.log("rasa"))

    def start(self, endpoints: str = "endpoints.yml", webchat: bool = True) -> Stack:
        """Start every service (the web chat only if ``webchat``) and wait until all answer."""
        if not MODEL.exists():
            raise RuntimeError(f"{MODEL} is missing: run scripts/train.sh (scripts/test does it)")
        self.prepare()
        self.start_actions()
        self.start_inbox()
        self.start_rasa(endpoints=endpoints)
        if webchat:
            self.start_webchat()
        self.wait_until_up("actions", f"{self.action_url}/health")
        self.wait_until_up("inbox", f"{self.inbox_url}/healthz")
        if "webchat" in self.processes:
            self.wait_until_up("webchat", f"{self.webchat_url}/")
        self.wait_for_rasa()
        return self

    # -- conversation helpers ----------------------------------------------------
    def say(
        self, sender: str, text: str, timeout: float = 30, rasa_url: str | None = None
    ) -> list[dict]:
        """One customer message over the REST channel; the bot's replies."""
        response = httpx.post(
            f"{rasa_url or self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=timeout,
        )
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict:
        """The conversation as Rasa stores it."""
        response = httpx.get(
            f"{self.rasa_url}/conversations/{sender}/tracker",
            params={"token": self.rasa_token},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()

    def bot_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.handoff_secret}"}


def texts(replies: list[dict]) -> str:
    """All reply texts joined, for readable assertions."""
    return "\n".join(reply.get("text") or "" for reply in replies)


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.25, message: str = "condition"):
    """Poll ``predicate`` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    last: object | None = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {message}; last value: {last!r}")


async def hang_up(client: Any) -> None:
    """Disconnect a socket.io client (``socketio.AsyncClient``) at once.

    ``AsyncClient.disconnect()`` on the polling transport waits for the pending long-poll,
    which Rasa's server only answers at its next ping: 30 s per client (about 400 s of the
    suite's time in test_hostile_input.py). The socket.io DISCONNECT and engine.io CLOSE
    packets are still sent; only that wait is skipped.
    """
    from socketio import packet

    for namespace in list(client.namespaces):
        await client._send_packet(client.packet_class(packet.DISCONNECT, namespace=namespace))
    await client.eio.disconnect(abort=True)
