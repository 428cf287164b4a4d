"""Hostile requests sent byte for byte (an HTTP client would normalise them first)."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

# Paths under /static/ an attacker tries: NUL bytes, traversal in every encoding,
# over-long names, invalid UTF-8, control characters.
HOSTILE_STATIC_PATHS: list[str] = [
    "/static/..%00/app.py",
    "/static/%00",
    "/static/a%00b.css",
    "/static/store.css%00.js",
    "/static/vendor/..%00",
    "/static/%00/../../app.py",
    "/static/../app.py",
    "/static/..%2f..%2fapp.py",
    "/static/%2e%2e/%2e%2e/app.py",
    "/static/..%5capp.py",
    "/static/%c0%ae%c0%ae/app.py",
    "/static/%ff%fe",
    "/static/%ed%a0%80",
    "/static/%0a%0d",
    "/static/" + "a" * 5000,
    "/static/" + "a/" * 3000,
    "/static//etc/passwd",
    "/static/....//....//app.py",
]

# Host headers an attacker sends to get their text into a page.
HOSTILE_HOSTS: list[str] = [
    "evil.example",
    'evil.example"><script>alert(1)</script>',
    "evil.example/</script><script>alert(1)</script>",
    "evil.example:8080",
    "127.0.0.1:8080@evil.example",
]


def raw_get(
    base_url: str, path: str, headers: dict[str, str] | None = None, timeout: float = 10.0
) -> tuple[int, str]:
    """Send ``GET path`` exactly as given (``headers`` may replace Host); the status and body."""
    parts = urlsplit(base_url)
    headers = {"Host": parts.netloc, "Connection": "close", **(headers or {})}
    lines = [f"GET {path} HTTP/1.1"] + [f"{name}: {value}" for name, value in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    response = b"".join(chunks).decode("latin-1")
    status = int(response.split(" ", 2)[1])
    return status, response.partition("\r\n\r\n")[2]


def short_id(path: str) -> str:
    """A readable test id for a (possibly 6,000-character) path."""
    return path if len(path) <= 40 else f"{path[:30]}…({len(path)} chars)"
