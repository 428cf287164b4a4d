"""The running inbox answers hostile static paths with 404 (or 400), never 500."""

from __future__ import annotations

import pytest

from tests.httpkit.hostile import HOSTILE_STATIC_PATHS, raw_get, short_id


@pytest.mark.parametrize("path", HOSTILE_STATIC_PATHS, ids=short_id)
def test_hostile_static_paths_are_refused_not_errors(inbox_server, path):
    status, body = raw_get(inbox_server.url, path)
    assert status in (400, 404), (status, body[:200])
    assert "def create_app" not in body


def test_real_static_files_still_load(inbox_server):
    status, body = raw_get(inbox_server.url, "/static/inbox.css")
    assert status == 200 and body
