"""inbox/json_body.py: characters no database stores become U+FFFD before any endpoint reads them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import Body, FastAPI

from inbox.json_body import StorableJsonBody, clean_json_body, storable


def test_lone_surrogates_and_nul_become_the_replacement_character() -> None:
    assert storable("hi \ud800 there\udfff\x00") == "hi \ufffd there\ufffd\ufffd"
    assert storable("a real pair 😊 and a tab\t") == "a real pair 😊 and a tab\t"


def test_every_string_of_a_body_is_cleaned_keys_and_nesting_included() -> None:
    raw = b'{"text": "hi \\ud800", "summary": {"k\\u0000": ["\\udc00x", 1, null, {"d": "\\ud83d\\ude00"}]}}'
    assert json.loads(clean_json_body(raw)) == {
        "text": "hi \ufffd",
        "summary": {"k\ufffd": ["\ufffdx", 1, None, {"d": "😀"}]},
    }


@pytest.mark.parametrize(
    "raw",
    [
        b'{"text": "plain"}',  # no escape at all: not even parsed
        b'{"text": "caf\\u00e9 \\ud83d\\ude00"}',  # escapes, but all storable
        b'{"text": "cut off \\ud800',  # not JSON: the endpoint reports it
        b"\xed\xa0\x80",  # not UTF-8
    ],
)
def test_bodies_without_unstorable_characters_pass_unchanged(raw: bytes) -> None:
    assert clean_json_body(raw) is raw


async def _post(content: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=_echo_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        return await http.post(
            "/echo", content=content, headers={"content-type": "application/json"}
        )


def _echo_app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(StorableJsonBody)

    @app.post("/echo")
    async def echo(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        json.dumps(body, ensure_ascii=False).encode("utf-8")  # what storing it does: raised before
        return body

    return app


async def test_an_endpoint_gets_the_cleaned_body() -> None:
    response = await _post(b'{"text": "hi \\ud800", "n": "\\u0000"}')
    assert response.status_code == 200
    assert response.json() == {"text": "hi \ufffd", "n": "\ufffd"}


async def test_a_body_sent_in_many_chunks_arrives_whole() -> None:
    chunks: list[bytes] = [b'{"text": "', b"\\ud800", b' and more"}']

    async def stream() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    response = await _post(stream())
    assert response.json() == {"text": "\ufffd and more"}


async def test_broken_json_still_gets_fastapis_clear_error() -> None:
    response = await _post(b'{"text": "\\ud800')
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "JSON decode error"
