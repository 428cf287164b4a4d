"""Choose and build the order backend from the environment, once per process.

| variable | default | meaning |
|---|---|---|
| `ORDER_BACKEND` | `sql` | `sql` (demo database) or `http` (the company's order API) |
| `ORDER_DATABASE_URL` | `sqlite:///<project>/var/orders.db` | SQLAlchemy URL (sql) |
| `ORDER_API_URL` | none, required for http | base URL of the order API |
| `ORDER_API_TOKEN` | none, required for http | bearer token for the order API |
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from actions.backend.base import ConfigError, OrderBackend

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_PATH = PROJECT_ROOT / "var" / "orders.db"
BACKEND_KINDS = ("sql", "http")


def default_database_url() -> str:
    """`sqlite:///` URL of `var/orders.db` under the project root (any cwd)."""
    return f"sqlite:///{DEFAULT_DATABASE_PATH}"


@dataclasses.dataclass(frozen=True)
class BackendSettings:
    kind: str
    database_url: str
    api_url: str | None = None
    api_token: str | None = dataclasses.field(default=None, repr=False)


def load_settings(env: Mapping[str, str]) -> BackendSettings:
    """Read and check the variables in the table above.

    Raises:
        ConfigError: unknown backend kind, bad database URL, or http without
            `ORDER_API_URL`/`ORDER_API_TOKEN`.
    """
    kind = (env.get("ORDER_BACKEND") or "sql").strip().lower()
    if kind not in BACKEND_KINDS:
        raise ConfigError(f"ORDER_BACKEND must be one of {', '.join(BACKEND_KINDS)}, not {kind!r}")
    database_url = (env.get("ORDER_DATABASE_URL") or "").strip() or default_database_url()
    api_url = (env.get("ORDER_API_URL") or "").strip() or None
    api_token = (env.get("ORDER_API_TOKEN") or "").strip() or None
    if kind == "sql":
        try:
            make_url(database_url)
        except ArgumentError as error:
            raise ConfigError(f"ORDER_DATABASE_URL is not a database URL: {error}") from None
    if kind == "http":
        if not api_url:
            raise ConfigError("ORDER_BACKEND=http needs ORDER_API_URL (the order API's base URL)")
        if not api_url.startswith(("https://", "http://")):
            raise ConfigError(f"ORDER_API_URL must start with https:// or http://, got {api_url!r}")
        if not api_token:
            raise ConfigError("ORDER_BACKEND=http needs ORDER_API_TOKEN (bearer token)")
    return BackendSettings(kind, database_url, api_url, api_token)


def build_backend(settings: BackendSettings) -> OrderBackend:
    """A new backend for `settings`; nothing connects until the first call."""
    if settings.kind == "http":
        from actions.backend.http import HttpOrderBackend

        assert settings.api_url and settings.api_token  # checked by load_settings
        return HttpOrderBackend(settings.api_url, settings.api_token)
    from actions.backend.sql import SqlOrderBackend

    return SqlOrderBackend(settings.database_url)


@functools.lru_cache(maxsize=1)
def get_backend() -> OrderBackend:
    """The process-wide backend, built from `os.environ` on first call.

    Tests that change the environment call `get_backend.cache_clear()`.
    """
    return build_backend(load_settings(os.environ))
