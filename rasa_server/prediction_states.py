"""Compute a tracker's dialogue states once per turn state, not once per policy call.

To predict one action Rasa 3.6 turns the whole session into states
(``DialogueStateTracker.past_states``: every event replayed into a prior
tracker, every prior tracker into a state) two to three times: the rule
policy looks for a rule by intent and again by text, the memoization policy
once more, each time from scratch. That replay grows with the session, and
was about a quarter of the Rasa server's time per message in the profile
(docs/benchmarks.md, "Capacity"). The states depend only on the tracker's
events, the domain and the arguments, so they are kept on the tracker, keyed
by those, and handed out as copies (the featurizer edits the last state in place).
A tracker that gained an event has another key: nothing stale is reused.
``install`` is called by launch_rasa before Rasa starts.
"""

from __future__ import annotations

from typing import Any

from rasa.shared.core.domain import Domain, State
from rasa.shared.core.trackers import DialogueStateTracker

_ORIGINAL = DialogueStateTracker.past_states
_KEPT = "_northwind_past_states"


def _copy(states: list[State]) -> list[State]:
    """States the caller may edit: new dicts down to the sub-states (their values are immutable)."""
    return [{name: dict(sub_state) for name, sub_state in state.items()} for state in states]


def past_states(
    tracker: DialogueStateTracker,
    domain: Domain,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[State]:
    """``DialogueStateTracker.past_states``, computed once for the same events and arguments."""
    last_event = tracker.events[-1] if tracker.events else None
    key = (
        len(tracker.events),
        id(last_event),
        id(domain),
        omit_unset_slots,
        ignore_rule_only_turns,
        id(rule_only_data),
    )
    kept: dict[tuple, tuple[tuple, list[State]]] = tracker.__dict__.setdefault(_KEPT, {})
    # The objects themselves are kept with the states, so their ids cannot be reused meanwhile.
    owners = (last_event, domain, rule_only_data)
    found = kept.get(key)
    if found is not None and all(a is b for a, b in zip(found[0], owners)):
        return _copy(found[1])
    states = _ORIGINAL(
        tracker,
        domain,
        omit_unset_slots=omit_unset_slots,
        ignore_rule_only_turns=ignore_rule_only_turns,
        rule_only_data=rule_only_data,
    )
    for old in [old for old in kept if old[:2] != key[:2]]:
        del kept[old]  # states of earlier events are never asked for again
    kept[key] = (owners, _copy(states))
    return states


def install() -> None:
    """Keep each tracker's states between the policies' calls (idempotent)."""
    DialogueStateTracker.past_states = past_states
