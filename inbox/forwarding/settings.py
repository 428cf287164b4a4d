"""Forwarding settings, read once from the environment with the rest of the inbox.

Nothing set means nothing forwarded: no rows, no loop, no HTTP client. A target that
is half configured (a webhook URL without its secret, Chatwoot without its token)
stops start-up instead of silently dropping handoffs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_PUBLIC_URL = "http://127.0.0.1:5080"
MIN_SECRET_LENGTH = 16


class ForwardSettingsError(ValueError):
    """A forwarding target is half configured; ``Settings.from_env`` reports it."""


def _url(env: Mapping[str, str], name: str, default: str = "") -> str:
    value = (env.get(name) or default).strip().rstrip("/")
    if value and not value.startswith(("https://", "http://")):
        raise ForwardSettingsError(f"{name} must be an http(s) URL")
    return value


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name)
    try:
        return int(value) if value else default
    except ValueError:
        raise ForwardSettingsError(f"{name} must be a whole number, not {value!r}") from None


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name)
    try:
        return float(value) if value else default
    except ValueError:
        raise ForwardSettingsError(f"{name} must be a number, not {value!r}") from None


def _chatwoot_webhook_token(env: Mapping[str, str]) -> str:
    """The token Chatwoot's webhook URL carries: required with Chatwoot, 16+ characters.

    Without it Chatwoot could only be told about handoffs: the agents' answers there would
    never reach the customer (docs/helpdesks.md, "Chatwoot step by step", step 4).
    """
    token = env.get("INBOX_FORWARD_CHATWOOT_WEBHOOK_TOKEN", "")
    if env.get("INBOX_FORWARD_CHATWOOT_URL", "").strip() and len(token) < MIN_SECRET_LENGTH:
        raise ForwardSettingsError(
            "INBOX_FORWARD_CHATWOOT_WEBHOOK_TOKEN must be set (at least "
            f"{MIN_SECRET_LENGTH} characters) when INBOX_FORWARD_CHATWOOT_URL is: it "
            "authenticates Chatwoot's webhook, which brings the agents' replies to the customer"
        )
    return token


@dataclass(frozen=True)
class ForwardSettings:
    """Targets and retry policy; see docs/helpdesks.md for each variable."""

    public_url: str = DEFAULT_PUBLIC_URL
    slack_webhook_url: str = ""
    webhook_url: str = ""
    webhook_secret: str = ""
    chatwoot_url: str = ""
    chatwoot_account_id: int = 0
    chatwoot_inbox_id: int = 0
    chatwoot_api_token: str = ""
    # Two-way Chatwoot: the token in the webhook URL Chatwoot calls, and (optional) the
    # secret Chatwoot signs its webhooks with (X-Chatwoot-Signature, newer Chatwoot).
    chatwoot_webhook_token: str = ""
    chatwoot_webhook_secret: str = ""
    note_interval_seconds: float = 120.0
    max_attempts: int = 12
    backoff_seconds: float = 5.0
    max_backoff_seconds: float = 900.0
    timeout_seconds: float = 10.0
    poll_seconds: float = 5.0

    @property
    def chatwoot_two_way(self) -> bool:
        """Chatwoot agents can answer: its webhook has a token to call the inbox with."""
        return bool(self.chatwoot_url and self.chatwoot_webhook_token)

    @property
    def webhook_two_way(self) -> bool:
        """The signed webhook's desk may post replies back (signed with the same secret)."""
        return bool(self.webhook_url and self.webhook_secret)

    @property
    def targets(self) -> tuple[str, ...]:
        """Names of the configured targets, in the order their rows are queued."""
        names = []
        if self.slack_webhook_url:
            names.append("slack")
        if self.webhook_url:
            names.append("webhook")
        if self.chatwoot_url:
            names.append("chatwoot")
        return tuple(names)

    def __post_init__(self) -> None:
        if self.webhook_url and len(self.webhook_secret) < MIN_SECRET_LENGTH:
            raise ForwardSettingsError(
                "INBOX_FORWARD_WEBHOOK_SECRET must be set (at least "
                f"{MIN_SECRET_LENGTH} characters) when INBOX_FORWARD_WEBHOOK_URL is: "
                "receivers verify every delivery with it"
            )
        if self.chatwoot_url:
            missing = [
                name
                for name, value in (
                    ("INBOX_FORWARD_CHATWOOT_ACCOUNT_ID", self.chatwoot_account_id),
                    ("INBOX_FORWARD_CHATWOOT_INBOX_ID", self.chatwoot_inbox_id),
                    ("INBOX_FORWARD_CHATWOOT_API_TOKEN", self.chatwoot_api_token),
                )
                if not value
            ]
            if missing:
                raise ForwardSettingsError(
                    f"{', '.join(missing)} must be set when INBOX_FORWARD_CHATWOOT_URL is"
                )
        if self.max_attempts < 1 or self.backoff_seconds < 0 or self.timeout_seconds <= 0:
            raise ForwardSettingsError(
                "INBOX_FORWARD_MAX_ATTEMPTS must be >= 1, the backoff >= 0 and the timeout > 0"
            )

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ForwardSettings:
        """Read the ``INBOX_FORWARD_*`` variables and ``INBOX_PUBLIC_URL``.

        Raises:
            ForwardSettingsError: a target is half configured or a number is malformed.
        """
        settings = cls(
            public_url=_url(env, "INBOX_PUBLIC_URL", DEFAULT_PUBLIC_URL),
            slack_webhook_url=_url(env, "INBOX_FORWARD_SLACK_WEBHOOK_URL"),
            webhook_url=_url(env, "INBOX_FORWARD_WEBHOOK_URL"),
            webhook_secret=env.get("INBOX_FORWARD_WEBHOOK_SECRET", ""),
            chatwoot_url=_url(env, "INBOX_FORWARD_CHATWOOT_URL"),
            chatwoot_account_id=_int(env, "INBOX_FORWARD_CHATWOOT_ACCOUNT_ID", 0),
            chatwoot_inbox_id=_int(env, "INBOX_FORWARD_CHATWOOT_INBOX_ID", 0),
            chatwoot_api_token=env.get("INBOX_FORWARD_CHATWOOT_API_TOKEN", ""),
            chatwoot_webhook_token=env.get("INBOX_FORWARD_CHATWOOT_WEBHOOK_TOKEN", ""),
            chatwoot_webhook_secret=env.get("INBOX_FORWARD_CHATWOOT_WEBHOOK_SECRET", ""),
            note_interval_seconds=_float(env, "INBOX_FORWARD_NOTE_INTERVAL_SECONDS", 120.0),
            max_attempts=_int(env, "INBOX_FORWARD_MAX_ATTEMPTS", 12),
            backoff_seconds=_float(env, "INBOX_FORWARD_BACKOFF_SECONDS", 5.0),
            max_backoff_seconds=_float(env, "INBOX_FORWARD_MAX_BACKOFF_SECONDS", 900.0),
            timeout_seconds=_float(env, "INBOX_FORWARD_TIMEOUT_SECONDS", 10.0),
        )
        _chatwoot_webhook_token(env)  # after the ids: the first missing setting is named first
        return settings
