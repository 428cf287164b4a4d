"""Settings of the link to the inbox (and back to Rasa), read once from the environment.

The shared secret has no default: without it the bot refuses to talk to the
inbox rather than talking to it unauthenticated.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class ConfigError(RuntimeError):
    """A required setting is missing or malformed."""


@dataclass(frozen=True)
class InboxLinkSettings:
    """Where the inbox is and how to prove who we are (the action server never calls Rasa)."""

    inbox_url: str
    handoff_secret: str
    outbox_database_url: str
    connect_timeout: float = 2.0
    read_timeout: float = 5.0
    inline_attempts: int = 3
    # The longest a customer's turn waits for the inbox before the outbox takes over.
    inline_budget_seconds: float = 3.0
    retry_interval_seconds: float = 2.0


def _default_outbox_url() -> str:
    var = PROJECT_ROOT / "var"
    var.mkdir(exist_ok=True)
    return f"sqlite:///{var / 'outbox.db'}"


@lru_cache(maxsize=1)
def get_settings() -> InboxLinkSettings:
    """Settings for this process; raises ConfigError when the secret is missing."""
    secret = os.environ.get("HANDOFF_SECRET", "")
    if len(secret) < 16:
        raise ConfigError(
            "HANDOFF_SECRET must be set (16+ characters) for the bot to reach the inbox"
        )
    return InboxLinkSettings(
        inbox_url=os.environ.get("INBOX_URL", "http://127.0.0.1:5080").rstrip("/"),
        handoff_secret=secret,
        outbox_database_url=os.environ.get("OUTBOX_DATABASE_URL") or _default_outbox_url(),
        retry_interval_seconds=float(os.environ.get("OUTBOX_RETRY_SECONDS", "2")),
        inline_budget_seconds=float(os.environ.get("HANDOFF_INLINE_BUDGET_SECONDS", "3")),
    )
