"""Search with hostile input: control characters never widen the match (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from tests.inbox.helpers import create_handoff


def _closed(inbox, **overrides):
    """A resolved handoff (search looks at closed conversations by default)."""
    body = create_handoff(inbox.bot(), **overrides)
    sam = inbox.agent("sam")
    sam.post(f"/api/v1/handoffs/{body['handoff_key']}/claim").raise_for_status()
    sam.post(
        f"/api/v1/handoffs/{body['handoff_key']}/resolve", json={"note": "done"}
    ).raise_for_status()
    return body["handoff_key"], sam


@pytest.mark.parametrize(
    "query", ["\x00", "\x00zzzz-nothing", "\x00%", "zz\x00zz", "\x00\x00\x00", "\x01\x02zzzq"]
)
def test_control_characters_never_match_every_conversation(inbox, query):
    _key, sam = _closed(inbox)
    response = sam.get("/api/v1/search", params={"q": query})
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []


def test_a_nul_inside_a_real_query_is_ignored_not_a_wildcard(inbox):
    key, sam = _closed(inbox)
    assert [
        h["handoff_key"]
        for h in sam.get("/api/v1/search", params={"q": "\x00dana"}).json()["items"]
    ] == [key]
    assert [
        h["handoff_key"]
        for h in sam.get("/api/v1/search", params={"q": "10482\x00"}).json()["items"]
    ] == [key]


def test_the_search_page_survives_a_nul(inbox):
    _key, sam = _closed(inbox)
    response = sam.get("/search", params={"q": "\x00"})
    assert response.status_code == 200
    assert "Dana" not in response.text
