"""Import every action module so rasa_sdk registers the actions.

`rasa run actions` imports the `actions` package; rasa_sdk registers each
non-abstract Action subclass it finds in the imported modules.
"""

from actions.clarify import ActionClarify  # noqa: F401
from actions.handoff.actions import ActionEndHandoff, ActionHandback, ActionHandoffToHuman  # noqa: F401
from actions.handoff.session import ActionRestart, ActionSessionStart  # noqa: F401
from actions.orders import (  # noqa: F401
    ActionConfirmPending,
    ActionDeclinePending,
    ActionOrderFollowup,
    ValidateOrderForm,
)
from actions.turn_scoring import ActionValidateSlotMappings  # noqa: F401
