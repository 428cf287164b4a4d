"""What every forwarding target shares: the job it is given and the errors it raises.

    ForwardError
     ├── RetryableError   network trouble, timeouts, 5xx, 429 (with Retry-After)
     └── PermanentError   any other 4xx: a revoked URL, an archived channel, bad auth

Targets raise; the worker decides (back off, or mark the row ``failed``). Messages
never contain the target URL, which for Slack is itself the secret.
"""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

SaveProgress = Callable[[dict[str, Any]], Awaitable[None]]


class ForwardError(Exception):
    """Forwarding one event to one target failed."""


class RetryableError(ForwardError):
    """Try again later; ``retry_after`` (seconds) when the target said how long."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(ForwardError):
    """Retrying cannot help until someone changes the configuration."""


@dataclass(frozen=True)
class Job:
    """One ``forwards`` row as a target sees it.

    ``payload`` is the event (see ``inbox.forwarding.events``); ``progress`` what the
    target already accepted for it; ``earlier`` the progress of this handoff's events
    already delivered to the same target (Chatwoot resolves the conversation it opened).
    """

    id: int
    target: str
    event: str
    payload: dict[str, Any]
    progress: dict[str, Any] = field(default_factory=dict)
    earlier: dict[str, dict[str, Any]] = field(default_factory=dict)


class Target(abc.ABC):
    """A helpdesk the inbox forwards handoffs to."""

    name: str = ""

    @abc.abstractmethod
    async def send(self, job: Job, client: httpx.AsyncClient, save_progress: SaveProgress) -> None:
        """Deliver ``job``; return only when the target accepted all of it.

        Raises:
            RetryableError: worth another attempt.
            PermanentError: not worth another attempt.
        """


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: either delta-seconds or an HTTP date (RFC 9110)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def check(response: httpx.Response, what: str) -> httpx.Response:
    """Return a 2xx ``response``; raise the right ``ForwardError`` for anything else."""
    if 200 <= response.status_code < 300:
        return response
    detail = f"{what}: HTTP {response.status_code} {response.text[:300].strip()}".strip()
    if response.status_code == 429:
        raise RetryableError(detail, retry_after_seconds(response.headers.get("retry-after")))
    if response.status_code in (408, 425) or response.status_code >= 500:
        raise RetryableError(detail, retry_after_seconds(response.headers.get("retry-after")))
    raise PermanentError(detail)


async def request(
    client: httpx.AsyncClient, method: str, url: str, what: str, **kwargs: Any
) -> httpx.Response:
    """Send one request; transport errors become ``RetryableError`` without the URL."""
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.TimeoutException:
        raise RetryableError(f"{what}: timed out") from None
    except httpx.HTTPError as exc:
        raise RetryableError(f"{what}: {type(exc).__name__}") from None
    return check(response, what)
