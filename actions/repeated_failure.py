"""When failing again counts as "repeated failure": one setting for the whole bot.

``escalation.repeated_failure`` in actions/frustration/frustration.yml (default 3)
is read by every place that asks:

* the detector: that many NLU fallbacks, failed form inputs or repeats hand off;
* the order form: that many failed inputs in a row and it stops asking;
* the handoff: once the customer hit that many fallbacks or failed inputs, the
  bot's goodbye apologises for failing them (``utter_handoff_ack_bot_failed``).

0 switches the detector's rule off; the order form still stops after
``FORM_LIMIT_WHEN_OFF`` failures in a row, because looping a customer forever is
never the right answer.
"""

from __future__ import annotations

from actions.frustration import get_detector

FORM_LIMIT_WHEN_OFF = 3


def repeated_failure_limit() -> int:
    """The configured number of failures that counts as repeated (0 = the rule is off)."""
    return get_detector().config.escalation.repeated_failure


def is_repeated_failure(count: float | int | None) -> bool:
    """``count`` failures reach the configured limit (never when the rule is off)."""
    limit = repeated_failure_limit()
    return limit > 0 and int(count or 0) >= limit


def form_failure_limit() -> int:
    """Failed inputs in a row before the order form stops asking."""
    return repeated_failure_limit() or FORM_LIMIT_WHEN_OFF
