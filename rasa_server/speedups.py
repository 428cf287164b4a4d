"""What the Rasa server does per message, done once where Rasa repeats it (issue 17).

Each patch keeps Rasa's results and errors exactly, and is tested against
Rasa's own code: tests/rasa_server/test_action_validation.py,
tests/rasa_server/test_prediction_states.py. launch_rasa installs them before
Rasa starts; without them Rasa behaves the same, only slower.
"""

from __future__ import annotations

from rasa_server import action_validation, prediction_states


def install() -> None:
    """Install every speed-up (idempotent)."""
    action_validation.install()
    prediction_states.install()
