"""Settings of the web chat server, from the environment (see docs/architecture.md)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_RASA_URL = "http://127.0.0.1:5005"


class SettingsError(ValueError):
    """A setting has a value the server cannot use."""


def _origin(url: str, name: str) -> str:
    """``scheme://host[:port]`` of an http(s) URL; the widget and the CSP need exactly that."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(
            f"{name} must be an http(s) URL such as {DEFAULT_RASA_URL}, got {url!r}"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SettingsError(f"{name} must be an origin without a path, got {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class Settings:
    """Where the server listens and where browsers find Rasa.

    ``rasa_url`` is the address *browsers* use for Rasa's socket.io endpoint, which
    may differ from the address the inbox uses (``RASA_URL``) behind a proxy; set
    ``WEBCHAT_RASA_URL`` then.
    """

    host: str = "127.0.0.1"
    port: int = 8080
    rasa_url: str = DEFAULT_RASA_URL
    socket_path: str = "/socket.io"
    title: str = "Northwind help"
    public_url: str = ""  # WEBCHAT_PUBLIC_URL; empty: http://<host>:<port>
    # The inbox the widget API asks on the customer's behalf (handoff status, typing,
    # ratings), with the bot's service secret. Without a secret the widget API answers
    # 503 and the widget relies on the handoff markers alone.
    inbox_url: str = "http://127.0.0.1:5080"
    handoff_secret: str = ""

    @property
    def base_url(self) -> str:
        """Where browsers load this server's files (the embed snippet names it).

        Taken from configuration, never from the request's Host header, which the
        client chooses and which would otherwise be echoed into a script tag.
        """
        if self.public_url:
            return self.public_url
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}"

    @property
    def rasa_ws_url(self) -> str:
        """The websocket origin of ``rasa_url`` (CSP ``connect-src`` lists both)."""
        return "ws" + self.rasa_url[len("http") :]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        raw_port = env.get("WEBCHAT_PORT", "8080")
        try:
            port = int(raw_port)
        except ValueError as exc:
            raise SettingsError(f"WEBCHAT_PORT must be a number, got {raw_port!r}") from exc
        rasa = env.get("WEBCHAT_RASA_URL") or env.get("RASA_URL") or DEFAULT_RASA_URL
        path = env.get("WEBCHAT_SOCKET_PATH", "/socket.io")
        if not path.startswith("/"):
            raise SettingsError(f"WEBCHAT_SOCKET_PATH must start with '/', got {path!r}")
        return cls(
            host=env.get("WEBCHAT_HOST", "127.0.0.1"),
            port=port,
            rasa_url=_origin(rasa, "WEBCHAT_RASA_URL"),
            socket_path=path,
            title=env.get("WEBCHAT_TITLE", "Northwind help"),
            inbox_url=env.get("INBOX_URL", "http://127.0.0.1:5080").rstrip("/"),
            handoff_secret=env.get("HANDOFF_SECRET", ""),
            public_url=_origin(env["WEBCHAT_PUBLIC_URL"], "WEBCHAT_PUBLIC_URL")
            if env.get("WEBCHAT_PUBLIC_URL")
            else "",
        )

    def replace(self, **changes: object) -> Settings:
        """A copy with some fields changed (command-line options win over the environment)."""
        values = {**self.__dict__, **changes}
        values["rasa_url"] = _origin(str(values["rasa_url"]), "--rasa-url")
        return Settings(**values)
