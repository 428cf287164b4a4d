"""The action server's answers are judged exactly as Rasa's own check judges them."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from rasa_server.action_validation import install, validate_action_result

RESPONSES: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "escalate", "value": True}], "responses": []},
    {"events": [{"event": "slot", "name": "frustration_timeline", "value": [{"turn": 1}]}]},
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": [{"event": "slot"}], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [], "responses": ["not an object"]},
    {"events": [{"event": "bot", "text": "hi"}], "responses": [{"text": "hi"}]},
]


def rasa_verdict(result: dict[str, Any]) -> str | None:
    try:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    except jsonschema.ValidationError as error:
        return error.message
    return None


@pytest.mark.parametrize("result", RESPONSES)
def test_the_same_verdict_and_message_as_rasa(result: dict[str, Any]) -> None:
    expected = rasa_verdict(result)
    action = RemoteAction("action_validate_slot_mappings", None)
    if expected is None:
        assert validate_action_result(action, result) is True
    else:
        with pytest.raises(jsonschema.ValidationError) as raised:
            validate_action_result(action, result)
        assert raised.value.message.startswith(expected)
        assert "Failed to validate Action server response" in raised.value.message


def test_install_replaces_rasa_s_check() -> None:
    original = RemoteAction._validate_action_result
    try:
        install()
        action = RemoteAction("action_validate_slot_mappings", None)
        with pytest.raises(jsonschema.ValidationError):
            action._validate_action_result({"events": [{"event": "no_such_event"}]})
        assert action._validate_action_result({"events": []}) is True
    finally:
        RemoteAction._validate_action_result = original  # type: ignore[method-assign]
