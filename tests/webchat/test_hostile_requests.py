"""The running web chat server against hostile requests: static paths, Host headers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.httpkit.hostile import HOSTILE_HOSTS, HOSTILE_STATIC_PATHS, raw_get, short_id

from .servers import WebchatServer


@pytest.fixture(scope="module")
def webchat() -> Iterator[WebchatServer]:
    server = WebchatServer("http://127.0.0.1:5005")
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize("path", HOSTILE_STATIC_PATHS, ids=short_id)
def test_hostile_static_paths_are_refused_not_errors(webchat: WebchatServer, path: str) -> None:
    status, body = raw_get(webchat.url, path)
    assert status in (400, 404), (status, body[:200])
    assert "def create_app" not in body


def test_real_static_files_still_load(webchat: WebchatServer) -> None:
    status, body = raw_get(webchat.url, "/static/store.css")
    assert status == 200 and body


@pytest.mark.parametrize("host", HOSTILE_HOSTS)
def test_the_store_page_never_echoes_the_host_header(webchat: WebchatServer, host: str) -> None:
    status, body = raw_get(webchat.url, "/", headers={"Host": host})
    assert status in (200, 400), status
    assert "evil" not in body
    if status == 200:  # the widget still comes from the configured address
        assert f'<script src="{webchat.url}/widget.js"' in body
