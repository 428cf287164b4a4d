"""Make every JSON request body storable before any endpoint reads it.

JSON lets a client write characters no database will take: a lone UTF-16
surrogate (``"hi \\ud800"``) parses into a Python string that cannot be encoded
as UTF-8, and ``"\\u0000"`` is refused by PostgreSQL. Both made every JSON
endpoint of the inbox answer 500. Rather than guard each field, this ASGI
middleware rewrites such characters to U+FFFD (the replacement character, shown
as "�") in every string of a JSON body, keys included, once for all endpoints.

Only bodies that contain a ``\\u`` escape can hold such characters (raw
surrogate bytes are not valid UTF-8 and raw control characters are not valid
JSON), so every other body passes through untouched and unparsed. A body that is
not valid JSON also passes through: FastAPI then answers 422 saying why.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REPLACEMENT = "\ufffd"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_CHANGES_BODIES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def storable(text: str) -> str:
    """``text`` with lone surrogates and NUL characters replaced by U+FFFD."""
    return _UNSTORABLE.sub(REPLACEMENT, text)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {storable(key): _clean(item) for key, item in value.items()}
    return value


def clean_json_body(body: bytes) -> bytes:
    """``body`` with unstorable characters replaced; the same bytes when there are none."""
    if b"\\u" not in body:
        return body
    try:
        parsed = json.loads(body)
    except ValueError:  # not JSON (or not UTF-8): the endpoint reports it as a 4xx
        return body
    cleaned = _clean(parsed)
    if cleaned == parsed:
        return body
    return json.dumps(cleaned, ensure_ascii=False).encode("utf-8")


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return b"json" in value.lower()
    return True  # FastAPI reads a body without content-type as JSON too


class StorableJsonBody:
    """ASGI middleware: :func:`clean_json_body` on every JSON request body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _CHANGES_BODIES or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client left: let the app see it
                await self.app(scope, _replay([message], receive), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        cleaned = clean_json_body(body)
        if cleaned is not body:
            scope = dict(scope, headers=_with_length(scope["headers"], len(cleaned)))
        await self.app(
            scope,
            _replay([{"type": "http.request", "body": cleaned, "more_body": False}], receive),
            send,
        )


def _with_length(headers: list[tuple[bytes, bytes]], length: int) -> list[tuple[bytes, bytes]]:
    return [(name, value) for name, value in headers if name != b"content-length"] + [
        (b"content-length", str(length).encode())
    ]


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A ``receive`` that hands out ``messages`` first, then defers to the real one."""
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
