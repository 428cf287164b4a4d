"""What the Rasa server does per message, done once where Rasa repeats it (issue 17).

Each patch keeps Rasa's results and errors exactly, and is tested against
Rasa's own code: tests/rasa_server/test_action_validation.py,
test_prediction_states.py, test_applied_events.py, test_tracker_copy.py,
test_debug_states.py, test_action_payload.py. launch_rasa installs them before
Rasa starts; without them Rasa behaves the same, only slower.

``NORTHWIND_SPEEDUPS_SKIP`` (comma-separated names of :data:`SPEEDUPS`) leaves
some out, for measuring them against Rasa's own code in one run
(``scripts/load_bare_rasa.py --also-without``); unknown names are an error.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from rasa_server import (
    action_payload,
    action_validation,
    applied_events,
    debug_states,
    prediction_states,
    tracker_copy,
)

SKIP_VARIABLE = "NORTHWIND_SPEEDUPS_SKIP"
SPEEDUPS: dict[str, Callable[[], None]] = {
    "action_validation": action_validation.install,
    "prediction_states": prediction_states.install,
    "applied_events": applied_events.install,
    "tracker_copy": tracker_copy.install,
    "debug_states": debug_states.install,
    "action_payload": action_payload.install,
}


def skipped(env: Mapping[str, str]) -> set[str]:
    """The speed-ups ``env`` leaves out; ValueError for a name that is none of them."""
    names = {n.strip() for n in env.get(SKIP_VARIABLE, "").split(",") if n.strip()}
    unknown = names - SPEEDUPS.keys()
    if unknown:
        raise ValueError(f"{SKIP_VARIABLE}: no speed-up named {', '.join(sorted(unknown))}")
    return names


def install(env: Mapping[str, str] | None = None) -> None:
    """Install every speed-up but those ``NORTHWIND_SPEEDUPS_SKIP`` names (idempotent)."""
    skip = skipped(os.environ if env is None else env)
    for name, install_one in SPEEDUPS.items():
        if name not in skip:
            install_one()
