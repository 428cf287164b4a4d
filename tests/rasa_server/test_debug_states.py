"""The rule policy's states are formatted exactly when its debug log may be written."""

from __future__ import annotations

import logging

import pytest
import structlog
from rasa.core.policies import rule_policy
from rasa.core.policies.policy import Policy
from rasa.utils.log_utils import configure_structlog

from rasa_server import debug_states

STATES = [{}, {"user": {"intent": "greet"}, "prev_action": {"action_name": "action_listen"}}]


@pytest.fixture
def structlog_config(monkeypatch):  # type: ignore[no-untyped-def]
    # Rasa's proxy keeps the logger of its first use (cache_logger_on_first_use): a fresh one.
    monkeypatch.setattr(rule_policy, "structlogger", structlog.get_logger())
    saved = structlog.get_config()
    yield
    structlog.reset_defaults()
    structlog.configure(**saved)


@pytest.mark.parametrize(
    ("level", "formatted"), [(logging.INFO, False), (logging.WARNING, False), (logging.DEBUG, True)]
)
def test_formatted_only_when_rasa_s_logger_writes_debug(structlog_config, level, formatted) -> None:  # type: ignore[no-untyped-def]
    configure_structlog(level)
    expected = Policy.format_tracker_states(STATES)
    assert "user intent: greet" in expected
    assert debug_states.format_tracker_states(STATES) == (expected if formatted else "")


def test_structlog_as_it_comes_writes_everything_so_states_are_formatted(structlog_config) -> None:  # type: ignore[no-untyped-def]
    structlog.reset_defaults()
    assert debug_states.format_tracker_states(STATES) == Policy.format_tracker_states(STATES)
