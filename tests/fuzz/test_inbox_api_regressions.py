"""What fuzzing the inbox API found, each as its smallest failing request (SQLite and PostgreSQL).

1. A lone UTF-16 surrogate in any JSON string ("hi \\ud800") answered 500 on every
   JSON endpoint: it cannot be encoded to store it (inbox/json_body.py).
2. "\\u0000" in a JSON string answered 500 on PostgreSQL, which refuses NUL
   (inbox/json_body.py).
3. A handoff key with a NUL in the URL (``/api/v1/handoffs/%00/...``) answered 500
   on PostgreSQL (inbox/conversation/handoffs.py ``require_handoff``).
"""

from __future__ import annotations

import uuid

import pytest

from tests.inbox.conftest import fake_rasa, inbox, inbox_server, pg_database  # noqa: F401 - fixtures
from tests.inbox.helpers import create_handoff, handoff_payload

JSON = {"content-type": "application/json"}


@pytest.mark.parametrize("escape", ["\\ud800", "\\udc00\\ud800", "\\u0000"])
def test_a_customer_message_with_an_unstorable_character_is_stored(inbox, escape: str) -> None:
    key = create_handoff(inbox.bot())["handoff_key"]
    raw = f'{{"message_id": "{uuid.uuid4()}", "text": "hi {escape} there"}}'
    response = inbox.bot().post(
        f"/api/v1/handoffs/{key}/messages", content=raw.encode(), headers=JSON
    )
    assert response.status_code == 201, response.text
    texts = [m["text"] for m in inbox.bot().get(f"/api/v1/handoffs/{key}").json()["messages"]]
    assert texts[-1].startswith("hi \ufffd") and texts[-1].endswith(" there")


@pytest.mark.parametrize("escape", ["\\ud800", "\\u0000"])
def test_a_handoff_with_an_unstorable_character_in_its_summary_is_created(
    inbox, escape: str
) -> None:
    body = handoff_payload()
    raw = (
        f'{{"handoff_key": "{body["handoff_key"]}", "conversation_id": "c1", "brief": "Dana {escape}", '
        f'"summary": {{"customer": {{"name": "Dana {escape}"}}, "k{escape}": 1}}}}'
    )
    response = inbox.bot().post("/api/v1/handoffs", content=raw.encode(), headers=JSON)
    assert response.status_code == 201, response.text
    stored = inbox.bot().get(f"/api/v1/handoffs/{body['handoff_key']}").json()
    assert stored["brief"] == "Dana \ufffd"
    assert stored["summary"]["customer"]["name"] == "Dana \ufffd"


@pytest.mark.parametrize("escape", ["\\ud800", "\\u0000"])
def test_an_agent_reply_with_an_unstorable_character_is_sent(inbox, escape: str) -> None:
    key = create_handoff(inbox.bot())["handoff_key"]
    sam = inbox.agent("sam")
    assert sam.post(f"/api/v1/handoffs/{key}/claim").status_code == 200
    response = sam.post(
        f"/api/v1/handoffs/{key}/replies",
        content=f'{{"text": "ok {escape}"}}'.encode(),
        headers=JSON,
    )
    assert response.status_code == 201, response.text
    assert response.json()["text"] == "ok \ufffd"


def test_a_login_with_a_lone_surrogate_is_refused_not_a_crash(inbox) -> None:
    response = inbox.bot().post(
        "/api/v1/auth/login", content=b'{"username": "sam\\ud800", "password": "x"}', headers=JSON
    )
    assert response.status_code == 401, response.text
    assert response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/handoffs/%00", "/api/v1/handoffs/%00/wrap-up"])
def test_a_nul_in_a_handoff_key_is_not_found(inbox, path: str) -> None:
    response = inbox.agent("sam").get(path)
    assert response.status_code == 404, response.text
    assert response.json()["detail"] == "unknown handoff"


def test_a_nul_in_a_handoff_key_is_not_found_for_the_bot(inbox) -> None:
    response = inbox.bot().post("/api/v1/handoffs/%00/customer-ended", json={})
    assert response.status_code == 404, response.text


@pytest.mark.parametrize("forward_id", ["99999999999999999999", "-1", "0"])
def test_a_forward_id_out_of_range_is_refused_not_a_crash(inbox, forward_id: str) -> None:
    """A 20-digit id reached SQLite as an integer it cannot hold (OverflowError, 500)."""
    response = inbox.agent("ada").post(f"/api/v1/forwards/{forward_id}/retry")
    assert response.status_code == 422, response.text
    assert response.json()["detail"]
