"""The rule policy's states formatted for its debug log only when that log is written.

On every prediction Rasa 3.6's rule policy formats every state of the session
into text (``Policy.format_tracker_states``, then a deep copy of the text) and
hands it to ``structlogger.debug``, its only use. Rasa configures structlog's
bound logger to filter by level; below DEBUG its ``debug`` is structlog's no-op,
which drops the text unread. At the 50th message that was ~600 states formatted
per prediction for nothing (docs/benchmarks.md, "Capacity").

Here the formatting is skipped when the rule policy's logger drops debug
entries; whenever they may be written (DEBUG level, structlog not configured or
configured otherwise) it is Rasa's own. ``install`` is called by launch_rasa.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies import rule_policy
from rasa.core.policies.policy import Policy
from rasa.core.policies.rule_policy import RulePolicy

_STRUCTLOG_NOP: Any
try:  # structlog's filtered-out methods are this one function
    from structlog._native import _nop as _STRUCTLOG_NOP
except ImportError:  # another structlog: always format, as Rasa does
    _STRUCTLOG_NOP = None

_ORIGINAL = Policy.format_tracker_states


def debug_dropped() -> bool:
    """The rule policy's ``structlogger.debug`` is the no-op of a level-filtering logger."""
    if _STRUCTLOG_NOP is None:
        return False
    bound = rule_policy.structlogger.bind()
    return getattr(type(bound), "debug", None) is _STRUCTLOG_NOP


def format_tracker_states(states: list[dict[str, Any]]) -> str:
    """``Policy.format_tracker_states``, or "" when the only reader, the debug log, drops it."""
    if debug_dropped():
        return ""
    return _ORIGINAL(states)


def install() -> None:
    """Skip the rule policy's debug-only formatting when debug logs are off (idempotent)."""
    RulePolicy.format_tracker_states = staticmethod(format_tracker_states)
