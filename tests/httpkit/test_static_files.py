"""SafeStaticFiles: hostile paths are 404, real files are still served."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from httpkit.static_files import SafeStaticFiles

from .hostile import HOSTILE_STATIC_PATHS, short_id


def _get(app: Starlette, path: str) -> httpx.Response:
    async def request() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            return await http.get(path)

    return asyncio.run(request())


@pytest.fixture()
def app(tmp_path: Path) -> Starlette:
    (tmp_path / "site.css").write_text("body{}", encoding="utf-8")
    return Starlette(routes=[Mount("/static", SafeStaticFiles(directory=str(tmp_path)))])


@pytest.mark.parametrize("path", HOSTILE_STATIC_PATHS, ids=short_id)
def test_hostile_paths_are_not_found(app: Starlette, path: str) -> None:
    assert _get(app, path).status_code in (400, 404)


def test_a_real_file_is_served(app: Starlette) -> None:
    response = _get(app, "/static/site.css")
    assert response.status_code == 200 and response.text == "body{}"
