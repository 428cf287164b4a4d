"""Bad input over the REST channel: a polite answer or a clear HTTP error, never a crash or a hang."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.stack import Stack, texts

pytestmark = pytest.mark.e2e

ODD_MESSAGES = {
    "empty": "",
    "whitespace": "   \n\t ",
    "huge": "my order has not arrived " * 800,  # 20,000 characters
    "emoji only": "😡😡😡🙄",
    "another language": "¿Dónde está mi pedido? Lo pedí hace dos semanas.",
    "another script": "我的订单在哪里？",
    "control characters": "hello\x00\x07\x1b[31m there\u202e\ufeff",
}


@pytest.mark.parametrize("name", sorted(ODD_MESSAGES))
def test_odd_messages_get_a_polite_answer(stack: Stack, name: str) -> None:
    sender = f"bad-{uuid.uuid4().hex[:8]}"
    response = httpx.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": ODD_MESSAGES[name]},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    replies = response.json()
    assert isinstance(replies, list)
    if ODD_MESSAGES[name].strip():
        assert texts(replies).strip(), f"no answer to the {name} message"
    # The conversation still works afterwards.
    assert "Standard delivery" in texts(stack.say(sender, "how much is shipping?"))
    slots = stack.tracker(sender)["slots"]
    assert 0.0 <= slots["frustration_score"] <= 1.0


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"sender": "x"', b"[1, 2, 3]", b'{"message": 42}', b"\xff\xfe\x00"],
)
def test_malformed_json_gets_a_clear_http_error(stack: Stack, body: bytes) -> None:
    response = httpx.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        content=body,
        headers={"content-type": "application/json"},
        timeout=30,
    )
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:200])
    # Rasa is still up and answering.
    assert "Standard delivery" in texts(stack.say(f"bad-{uuid.uuid4().hex[:8]}", "shipping costs?"))
