"""The Rasa options the launcher adds: the auth token and the CORS origins.

CORS: Rasa's default in this project used to be ``--cors "*"`` (any site's script
could call the HTTP API from a visitor's browser). Only the web chat's pages need
to reach Rasa from a browser, so the default is the web chat server's own origin;
``RASA_CORS_ORIGINS`` (comma- or space-separated origins) lists the sites that
embed the widget. ``*`` is accepted only when written there explicitly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

TOKEN_VARIABLE = "RASA_TOKEN"
CORS_VARIABLE = "RASA_CORS_ORIGINS"
# Options that would put a secret or a CORS rule back on the command line.
FORBIDDEN = ("-t", "--auth-token", "--jwt-secret", "--cors")


class LaunchError(ValueError):
    """The environment or the arguments cannot start Rasa safely (the message says why)."""


def _origin(value: str) -> str:
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username
        or parts.password
    ):
        raise LaunchError(
            f"{CORS_VARIABLE}: {value!r} is not an origin such as https://shop.example"
        )
    return f"{parts.scheme}://{parts.netloc}"


def cors_origins(env: Mapping[str, str]) -> list[str]:
    """The origins browsers may call Rasa from.

    ``RASA_CORS_ORIGINS`` when set; otherwise the web chat server as browsers reach
    it (``WEBCHAT_PUBLIC_URL``, else ``http://127.0.0.1:$WEBCHAT_PORT`` and the same
    on ``localhost``).
    """
    raw = env.get(CORS_VARIABLE, "").strip()
    if raw:
        values = [v for v in re.split(r"[,\s]+", raw) if v]
        return ["*"] if values == ["*"] else [_origin(v) for v in values]
    if env.get("WEBCHAT_PUBLIC_URL"):
        return [_origin(env["WEBCHAT_PUBLIC_URL"].rstrip("/"))]
    port = env.get("WEBCHAT_PORT") or "8080"
    return [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]


def rasa_argv(args: Sequence[str], env: Mapping[str, str]) -> list[str]:
    """Rasa's arguments: ``args`` plus the token and the CORS origins.

    Raises:
        LaunchError: ``RASA_TOKEN`` is missing, or ``args`` carries a secret or a CORS rule.
    """
    for arg in args:
        if arg.split("=", 1)[0] in FORBIDDEN:
            raise LaunchError(
                f"{arg.split('=', 1)[0]} is set from the environment here "
                f"({TOKEN_VARIABLE}, {CORS_VARIABLE}); remove it from the command line"
            )
    token = env.get(TOKEN_VARIABLE, "")
    if not token:
        raise LaunchError(
            f"{TOKEN_VARIABLE} must be set (scripts/env.sh generates it into var/.env.local)"
        )
    if not args or args[0] != "run":
        raise LaunchError("usage: python -m launch_rasa run [rasa run options]")
    return [*args, "--auth-token", token, "--cors", *cors_origins(env)]
