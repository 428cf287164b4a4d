"""What the Rasa server does per message, done once where Rasa repeats it (issue 17).

Each patch keeps Rasa's results and errors exactly, and is tested against
Rasa's own code: tests/rasa_server/test_action_validation.py,
test_prediction_states.py, test_applied_events.py, test_tracker_copy.py,
test_debug_states.py, test_action_payload.py. launch_rasa installs them before Rasa starts; without
them Rasa behaves the same, only slower.
"""

from __future__ import annotations

from rasa_server import (
    action_payload,
    action_validation,
    applied_events,
    debug_states,
    prediction_states,
    tracker_copy,
)


def install() -> None:
    """Install every speed-up (idempotent)."""
    action_validation.install()
    prediction_states.install()
    applied_events.install()
    tracker_copy.install()
    debug_states.install()
    action_payload.install()
