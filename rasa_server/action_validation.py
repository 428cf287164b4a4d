"""Check the action server's answers with a validator built once, not on every call.

Rasa 3.6 checks every custom action's response with ``jsonschema.validate``,
which re-validates the schema itself against its metaschema each time: under
load that was about a sixth of the Rasa server's time per message (docs/benchmarks.md,
"Capacity"). Same schema, same errors, same message; only the check of the
schema happens once per process. ``install`` is called by launch_rasa before
Rasa starts (rasa_server/speedups.py).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jsonschema
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def response_validator() -> Any:
    """The validator of RemoteAction's response schema, its schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(_action: RemoteAction, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result, with the validator built once."""
    error = jsonschema.exceptions.best_match(response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Use the validator built once for every custom action's response (idempotent)."""
    RemoteAction._validate_action_result = validate_action_result
