"""Why a person is needed, and how to open, in words an agent reads at a glance.

Agents read these on the summary card, so they are sentences about the customer
("Asked for a person", "Repeated the same question 3 times"), each said once,
built from the facts the bot counted (slots, the detector's counters) and never
from the customer's own words: an insult is never quoted back in the summary.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from actions import names

TRIGGER_REASONS: dict[str, str] = {
    "request": "Asked for a person",
    "churn": "Said they will cancel their account or shop elsewhere",
    "abuse": "Used abusive language (masked in the transcript)",
}
LEVEL_REASONS: dict[str, str] = {
    "annoyed": "Sounds annoyed",
    "frustrated": "Sounds frustrated",
}
WITH_CARRIER = frozenset({"shipped", "in_transit", "delayed", "out_for_delivery"})


def _count(value: Any) -> int:
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0


def _times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"


def escalation_reasons(
    trigger: str, slots: Mapping[str, Any], *, abusive: bool = False
) -> list[str]:
    """The reasons for the handoff, strongest first, each a short sentence."""
    state = slots.get(names.SLOT_FRUSTRATION_STATE)
    counters = state.get("counters") if isinstance(state, Mapping) else None
    counters = counters if isinstance(counters, Mapping) else {}
    reasons: list[str] = []
    if trigger in TRIGGER_REASONS:
        reasons.append(TRIGGER_REASONS[trigger])
    if abusive and trigger != "abuse":
        reasons.append(TRIGGER_REASONS["abuse"])
    repeats = _count(counters.get("repeats"))
    if repeats:
        reasons.append(f"Repeated the same question {repeats + 1} times")
    form_failures = _count(slots.get(names.SLOT_FAILED_FORM_ATTEMPTS))
    if form_failures:
        reasons.append(f"Their order number or email did not match, {_times(form_failures)}")
    fallbacks = _count(slots.get(names.SLOT_NLU_FALLBACK_COUNT))
    if fallbacks:
        reasons.append(
            "The assistant did not understand them"
            + ("" if fallbacks == 1 else f" {_times(fallbacks)}")
        )
    level = slots.get(names.SLOT_FRUSTRATION_LEVEL)
    if level in LEVEL_REASONS:
        rising = float(slots.get(names.SLOT_FRUSTRATION_TREND) or 0) > 0
        reasons.append(LEVEL_REASONS[level] + (", more with each message" if rising else ""))
    elif trigger == "frustration":
        reasons.append("Grew more frustrated over the conversation")
    if not reasons:
        reasons.append("The assistant could not help further")
    return reasons


def days_late(expected_on: Any, today: date) -> int:
    """Whole days since a delivery estimate (0 when not passed or unknown)."""
    try:
        expected = date.fromisoformat(str(expected_on))
    except ValueError:
        return 0
    return max(0, (today - expected).days)


def how_late(days: int) -> str:
    """ "a day late", "3 days late", "a week late", "2 weeks late"."""
    if days == 1:
        return "a day late"
    if days < 7:
        return f"{days} days late"
    weeks = round(days / 7)
    return "a week late" if weeks == 1 else f"{weeks} weeks late"
