"""Turn signal hits and counters into reasons and a one-line explanation for an agent."""

from __future__ import annotations

from actions.frustration.signals.base import SignalHit

MIN_CONTRIBUTION = 0.25  # logit units; weaker signals are not worth an agent's attention
MAX_EXPLANATION_PARTS = 4


def reasons_for(hits: dict[str, SignalHit], contributions: dict[str, float]) -> list[str]:
    """Reasons of the signals that pushed the score up, strongest first."""
    ranked = sorted(
        (
            name
            for name, hit in hits.items()
            if hit.reason and contributions.get(name, 0.0) >= MIN_CONTRIBUTION
        ),
        key=lambda name: -contributions[name],
    )
    return [hits[name].reason for name in ranked]  # type: ignore[misc]


def explanation_for(
    trigger_reason: str | None,
    counters: dict[str, int],
    trend_note: str | None,
    reasons: list[str],
    truncated_note: str | None,
) -> str:
    """A short line such as "3 failed attempts to give the requested details; sentiment
    falling over the last 4 turns; asked for a person ('is there a real person')"."""
    parts: list[str] = []
    if counters.get("form_failures", 0) >= 2:
        parts.append(f"{counters['form_failures']} failed attempts to give the requested details")
    if counters.get("fallbacks", 0) >= 2:
        parts.append(f"the bot did not understand {counters['fallbacks']} times")
    if counters.get("repeats", 0) >= 1:
        parts.append(f"repeated the same request {counters['repeats'] + 1} times")
    if trend_note:
        parts.append(trend_note)
    if trigger_reason:
        parts.append(trigger_reason)
    for reason in reasons:
        if reason == truncated_note:
            continue
        if len(parts) >= MAX_EXPLANATION_PARTS:
            break
        if reason not in parts and not any(reason.split(" (")[0] in p for p in parts):
            parts.append(reason)
    if truncated_note:
        parts.append(truncated_note)
    return "; ".join(parts) if parts else "no sign of frustration"
