"""Backend choice from the environment: defaults, errors, one per process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from actions.backend.base import ConfigError, OrderBackend
from actions.backend.factory import (
    PROJECT_ROOT,
    build_backend,
    default_database_url,
    get_backend,
    load_settings,
)
from actions.backend.http import HttpOrderBackend
from actions.backend.sql import SqlOrderBackend


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    get_backend.cache_clear()
    yield
    get_backend.cache_clear()


def test_defaults_to_sql_on_the_project_var_folder() -> None:
    settings = load_settings({})

    assert settings.kind == "sql"
    assert settings.database_url == default_database_url()
    assert default_database_url() == f"sqlite:///{PROJECT_ROOT / 'var' / 'orders.db'}"


def test_http_settings() -> None:
    settings = load_settings(
        {
            "ORDER_BACKEND": " HTTP ",
            "ORDER_API_URL": "https://orders.example.test/v1",
            "ORDER_API_TOKEN": "t0k",
        }
    )
    backend = build_backend(settings)

    assert isinstance(backend, HttpOrderBackend) and isinstance(backend, OrderBackend)
    assert backend.base_url == "https://orders.example.test/v1"
    assert "t0k" not in repr(settings)


@pytest.mark.parametrize(
    "env, message",
    [
        ({"ORDER_BACKEND": "http"}, "ORDER_API_URL"),
        ({"ORDER_BACKEND": "http", "ORDER_API_URL": "  "}, "ORDER_API_URL"),
        ({"ORDER_BACKEND": "http", "ORDER_API_URL": "orders.example.test"}, "https://"),
        (
            {"ORDER_BACKEND": "http", "ORDER_API_URL": "https://orders.example.test"},
            "ORDER_API_TOKEN",
        ),
        ({"ORDER_BACKEND": "graphql"}, "sql, http"),
        ({"ORDER_DATABASE_URL": "not a url"}, "ORDER_DATABASE_URL"),
    ],
)
def test_bad_configuration_is_a_clear_error(env: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(env)


def test_get_backend_reads_the_environment_once(
    monkeypatch: pytest.MonkeyPatch, fresh_cache: None, tmp_path
) -> None:
    monkeypatch.setenv("ORDER_BACKEND", "sql")
    monkeypatch.setenv("ORDER_DATABASE_URL", f"sqlite:///{tmp_path}/orders.db")
    first = get_backend()
    monkeypatch.setenv("ORDER_BACKEND", "http")  # ignored: settings are read once

    assert isinstance(first, SqlOrderBackend) and isinstance(first, OrderBackend)
    assert get_backend() is first
    assert first.database_url.endswith("orders.db")
    assert not (tmp_path / "orders.db").exists()  # nothing connects before the first call


def test_get_backend_fails_fast_on_bad_configuration(
    monkeypatch: pytest.MonkeyPatch, fresh_cache: None
) -> None:
    monkeypatch.setenv("ORDER_BACKEND", "http")
    monkeypatch.delenv("ORDER_API_URL", raising=False)

    with pytest.raises(ConfigError):
        get_backend()
