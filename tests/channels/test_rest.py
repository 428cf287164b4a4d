"""The REST channel's input validation (channels/rest.py); the HTTP path is in tests/e2e/test_bad_input.py."""

from __future__ import annotations

from typing import Any

import pytest
from sanic.exceptions import InvalidUsage

from channels.rest import MAX_MESSAGE_CHARS, ValidatedRestInput, validated_body


class Body:
    """Just what validated_body reads of a Sanic request: its parsed JSON."""

    def __init__(self, value: Any = None, error: Exception | None = None) -> None:
        self._value, self._error = value, error

    @property
    def json(self) -> Any:
        if self._error:
            raise self._error
        return self._value


def test_a_valid_body_is_returned() -> None:
    assert validated_body(Body({"sender": "me", "message": "hi"})) == {
        "sender": "me",
        "message": "hi",
    }  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    [
        [1, 2, 3],
        "text",
        42,
        {"sender": "me", "message": 42},
        {"sender": ""},
        {"sender": 7},
        {"message": "hi"},  # Rasa would file it under the shared conversation "default"
        {"sender": None, "message": "hi"},
        {"sender": "me", "message": "x" * (MAX_MESSAGE_CHARS + 1)},
    ],
)
def test_malformed_bodies_are_refused_with_400(value: Any) -> None:
    with pytest.raises(InvalidUsage) as refused:
        validated_body(Body(value))  # type: ignore[arg-type]
    assert refused.value.status_code == 400


def test_invalid_json_is_refused_with_400() -> None:
    with pytest.raises(InvalidUsage, match="not valid JSON"):
        validated_body(Body(error=ValueError("bad")))  # type: ignore[arg-type]


def test_the_channel_keeps_rasas_name_and_url() -> None:
    assert ValidatedRestInput.name() == "rest"


@pytest.mark.parametrize("sender", ["with space", "a/b", "café", "x?y", "fuzz-\ud800"])
def test_senders_the_http_api_cannot_address_are_refused(sender: str) -> None:
    with pytest.raises(InvalidUsage, match="sender"):
        validated_body(Body({"sender": sender, "message": "hi"}))  # type: ignore[arg-type]


@pytest.mark.parametrize("sender", ["whatsapp:+447700900123", "dana+test@example.com", "e2e-1a2b"])
def test_senders_with_reserved_characters_are_accepted(sender: str) -> None:
    assert validated_body(Body({"sender": sender, "message": "hi"}))["sender"] == sender  # type: ignore[arg-type]
