"""The start-up check of the Chatwoot set-up: which setting is missing or wrong, exactly.

Settings that are missing or malformed already stop start-up (``ForwardSettings``).
This check asks Chatwoot itself, once at start-up (logged, never fatal: Chatwoot may
just be down for a moment) and on demand::

    python -m inbox.forwarding.preflight      # exit 1 and one line per problem

It reads the inbox (``GET /api/v1/accounts/{account}/inboxes/{inbox}``; an API inbox
answers with ``channel_type`` ``Channel::Api`` and its ``webhook_url``) and compares
what it finds with what docs/helpdesks.md asks for. The token is never printed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from urllib.parse import parse_qs, urlsplit

import httpx

from inbox.forwarding.settings import ForwardSettings, ForwardSettingsError

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/api/v1/helpdesks/chatwoot/webhook"


def expected_webhook_url(
    settings: ForwardSettings, token: str = "<INBOX_FORWARD_CHATWOOT_WEBHOOK_TOKEN>"
) -> str:
    """What the API inbox's "Webhook URL" must be (with the token placeholder by default)."""
    return f"{settings.public_url}{WEBHOOK_PATH}?token={token}"


def _webhook_problem(settings: ForwardSettings, url: str | None) -> str | None:
    wanted = expected_webhook_url(settings)
    if not url:
        return f"the Chatwoot inbox {settings.chatwoot_inbox_id} has no Webhook URL: set it to {wanted}"
    parts = urlsplit(url)
    if not parts.path.rstrip("/").endswith(WEBHOOK_PATH):
        return (
            f"the Chatwoot inbox {settings.chatwoot_inbox_id}'s Webhook URL points elsewhere "
            f"({parts.scheme}://{parts.netloc}{parts.path}): set it to {wanted}"
        )
    token = (parse_qs(parts.query).get("token") or [""])[0]
    if token != settings.chatwoot_webhook_token:
        return (
            f"the token in the Chatwoot inbox {settings.chatwoot_inbox_id}'s Webhook URL is not "
            f"INBOX_FORWARD_CHATWOOT_WEBHOOK_TOKEN: set the URL to {wanted}"
        )
    return None


async def check_chatwoot(
    settings: ForwardSettings, transport: httpx.AsyncBaseTransport | None = None
) -> list[str]:
    """Problems with the Chatwoot set-up, one sentence each; empty when all is well."""
    if not settings.chatwoot_url:
        return []
    account, inbox = settings.chatwoot_account_id, settings.chatwoot_inbox_id
    url = f"{settings.chatwoot_url}/api/v1/accounts/{account}/inboxes/{inbox}"
    async with httpx.AsyncClient(
        timeout=settings.timeout_seconds, transport=transport, follow_redirects=False
    ) as client:
        try:
            response = await client.get(
                url, headers={"api_access_token": settings.chatwoot_api_token}
            )
        except httpx.HTTPError as exc:
            return [
                f"INBOX_FORWARD_CHATWOOT_URL ({settings.chatwoot_url}) cannot be reached: "
                f"{type(exc).__name__}"
            ]
    if response.status_code == 401:
        return [
            "INBOX_FORWARD_CHATWOOT_API_TOKEN is refused by Chatwoot (401): use the access "
            "token of a user who is an agent of the inbox (Profile settings → Access token)"
        ]
    if response.status_code == 404:
        return [
            f"Chatwoot has no inbox {inbox} in account {account} (404): check "
            "INBOX_FORWARD_CHATWOOT_ACCOUNT_ID and INBOX_FORWARD_CHATWOOT_INBOX_ID (both "
            "are in the inbox's address: /app/accounts/<account>/settings/inboxes/<inbox>)"
        ]
    if not 200 <= response.status_code < 300:
        return [f"Chatwoot answered {response.status_code} for inbox {inbox} of account {account}"]
    try:
        found = response.json()
    except ValueError:
        return [
            f"INBOX_FORWARD_CHATWOOT_URL ({settings.chatwoot_url}) did not answer like Chatwoot (not JSON)"
        ]
    problems = []
    channel = found.get("channel_type") if isinstance(found, dict) else None
    if channel != "Channel::Api":
        problems.append(
            f"INBOX_FORWARD_CHATWOOT_INBOX_ID={inbox} is a {channel or 'unknown'} inbox: create an "
            "API channel inbox (Settings → Inboxes → Add inbox → API) and use its id"
        )
        return problems
    problem = _webhook_problem(settings, found.get("webhook_url"))
    if problem:
        problems.append(problem)
    return problems


async def log_chatwoot_problems(settings: ForwardSettings) -> list[str]:
    """Run at start-up: each problem logged at ERROR (forwarding keeps retrying meanwhile)."""
    try:
        problems = await check_chatwoot(settings)
    except Exception as exc:  # a check must never stop the inbox; say so and go on
        log.error("Chatwoot set-up check failed: %s", exc)
        return [str(exc)]
    for problem in problems:
        log.error("Chatwoot set-up: %s", problem)
    if settings.chatwoot_url and not problems:
        log.info(
            "Chatwoot set-up checked: inbox %s is an API inbox calling the inbox back",
            settings.chatwoot_inbox_id,
        )
    return problems


def main() -> int:
    try:
        settings = ForwardSettings.from_env(os.environ)
    except ForwardSettingsError as exc:
        print(f"help desk settings: {exc}", file=sys.stderr)
        return 1
    if not settings.chatwoot_url:
        print("Chatwoot is not configured (INBOX_FORWARD_CHATWOOT_URL is empty)")
        return 0
    problems = asyncio.run(check_chatwoot(settings))
    for problem in problems:
        print(f"Chatwoot set-up: {problem}", file=sys.stderr)
    if not problems:
        print(
            f"Chatwoot set-up: OK (inbox {settings.chatwoot_inbox_id}, webhook {expected_webhook_url(settings)})"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
