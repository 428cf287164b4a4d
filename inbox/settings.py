"""Settings, read once from the environment.

Required secrets have no default: start-up stops with a clear message when one is
missing, so the service can never run with a guessable key.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from inbox.forwarding.settings import ForwardSettings
from northwind_common.store_clock import store_timezone_name

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_DIR / 'var' / 'inbox.db'}"
DEFAULT_BUSINESS_HOURS = "Mon-Fri 08:00-18:00, Sat 09:00-13:00"


class SettingsError(RuntimeError):
    """A required setting is missing or malformed."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Everything the inbox reads from its environment."""

    handoff_secret: str
    session_secret: str
    database_url: str = DEFAULT_DATABASE_URL
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = ""
    business_hours: str = DEFAULT_BUSINESS_HOURS
    timezone: str = "Europe/London"
    avg_handle_seconds: int = 120
    # A waiting customer silent this long is closed as abandoned (0: never).
    abandon_after_seconds: int = 1800
    cookie_secure: bool = False
    session_max_age_seconds: int = 12 * 3600
    login_max_attempts: int = 5
    login_window_seconds: int = 300
    delivery_retry_seconds: float = 10.0
    delivery_max_attempts: int = 100
    queue_cache_seconds: float = 2.0
    redis_url: str = ""
    redis_channel: str = "inbox:events"
    rasa_timeout_seconds: float = 5.0
    host: str = "127.0.0.1"
    port: int = 5080
    forwarding: ForwardSettings = field(default_factory=ForwardSettings)  # docs/helpdesks.md
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``env`` (default ``os.environ``).

        Raises:
            SettingsError: HANDOFF_SECRET or INBOX_SESSION_SECRET is missing, or a
                number is malformed.
        """
        env = os.environ if env is None else env
        missing = [name for name in ("HANDOFF_SECRET", "INBOX_SESSION_SECRET") if not env.get(name)]
        if missing:
            raise SettingsError(
                f"{' and '.join(missing)} must be set (see docs/inbox.md); "
                "scripts/run generates them into var/.env.local"
            )
        try:
            forwarding = ForwardSettings.from_env(env)
        except ValueError as exc:
            raise SettingsError(str(exc)) from exc
        try:
            return cls(
                handoff_secret=env["HANDOFF_SECRET"],
                session_secret=env["INBOX_SESSION_SECRET"],
                database_url=env.get("INBOX_DATABASE_URL") or DEFAULT_DATABASE_URL,
                rasa_url=(env.get("RASA_URL") or "http://127.0.0.1:5005").rstrip("/"),
                rasa_token=env.get("RASA_TOKEN", ""),
                business_hours=env.get("INBOX_BUSINESS_HOURS") or DEFAULT_BUSINESS_HOURS,
                timezone=store_timezone_name(env),
                avg_handle_seconds=int(env.get("INBOX_AVG_HANDLE_SECONDS") or 120),
                abandon_after_seconds=int(env.get("INBOX_ABANDON_AFTER_SECONDS") or 1800),
                cookie_secure=_flag(env.get("INBOX_COOKIE_SECURE"), False),
                login_max_attempts=int(env.get("INBOX_LOGIN_MAX_ATTEMPTS") or 5),
                login_window_seconds=int(env.get("INBOX_LOGIN_WINDOW_SECONDS") or 300),
                delivery_retry_seconds=float(env.get("INBOX_DELIVERY_RETRY_SECONDS") or 10),
                delivery_max_attempts=int(env.get("INBOX_DELIVERY_MAX_ATTEMPTS") or 100),
                queue_cache_seconds=float(env.get("INBOX_QUEUE_CACHE_SECONDS") or 2),
                redis_url=env.get("INBOX_REDIS_URL", ""),
                redis_channel=env.get("INBOX_REDIS_CHANNEL") or "inbox:events",
                host=env.get("INBOX_HOST") or "127.0.0.1",
                port=int(env.get("INBOX_PORT") or 5080),
                forwarding=forwarding,
            )
        except ValueError as exc:
            raise SettingsError(f"malformed inbox setting: {exc}") from exc
