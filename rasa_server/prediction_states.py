"""A tracker's dialogue states, computed from the events it gained, not from the whole session.

To predict one action Rasa 3.6 turns the whole session into states
(``DialogueStateTracker.past_states``: every event replayed into a prior
tracker, every prior tracker into a state), and it does so several times per
message: the rule policy looks for a rule by intent and again by text, the
memoization policy once more, and again after each action of the turn. That
replay grows with the session: at the 50th message of a conversation it was
two thirds of what made the message dearer than the 5th (docs/benchmarks.md,
"Capacity").

Here each tracker keeps, per set of arguments, the replay where it stopped:
the events it has applied (Rasa's ``applied_events``, continued event by
event), the prior tracker after them and the states of the prior trackers so
far. A later call replays only the events added since, then computes the
current state; the result is the list Rasa's own loop would build
(``Domain.states_for_tracker_history``, step for step). The replay starts
again from the first event whenever continuing could differ from Rasa's loop:
an undo (a reverted action or utterance, a form's repeated execution) that
removes an event already replayed, a form name not seen before (Rasa's
``applied_events`` looks for form names in the whole session), events that
are not the ones kept (another tracker object, a bounded event history).

States are handed out as copies (the featurizer edits them in place). A
tracker that gained no event is answered from the last result.
``install`` is called by launch_rasa before Rasa starts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, cast

from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.domain import Domain, State, SubState
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

_ORIGINAL = DialogueStateTracker.past_states
_KEPT = "_northwind_past_states"
_REPLAYS = "_northwind_state_replays"
_UNKNOWN = object()


def _copy(states: list[State]) -> list[State]:
    """States the caller may edit: new dicts down to the sub-states (their values are immutable)."""
    return [{name: dict(sub_state) for name, sub_state in state.items()} for state in states]


@dataclass
class _Replay:
    """Rasa's replay of one tracker for one set of arguments, stopped after the events seen."""

    owners: tuple[Any, ...]  # the domain: kept so its id stays its own
    loop_names: frozenset[str]
    seen: int = 0  # tracker.events consumed into ``applied``
    last_seen: Event | None = None  # tracker.events[seen - 1], to know the events are the same
    applied: list[Event] = field(default_factory=list)
    done: int = 0  # applied[:done] are replayed into ``prior`` and ``states``
    prior: DialogueStateTracker | None = None
    states: list[State] = field(default_factory=list)
    turn_was_hidden: bool = False
    last_ml_action: SubState | None = None


def _rule_key(rule_only_data: dict[str, Any] | None) -> Any:
    """The rule-only slots and loops as a key: the rule policy builds a new dict on every call."""
    if rule_only_data is None:
        return None
    try:
        return tuple(sorted((k, tuple(v)) for k, v in rule_only_data.items()))
    except (AttributeError, TypeError):  # not the lists of names Rasa 3.6 builds
        return _UNKNOWN


def _loop_names(events: Iterable[Event]) -> frozenset[str]:
    return frozenset(e.name for e in events if isinstance(e, ActiveLoop) and e.name)


def _continues(tracker: DialogueStateTracker, replay: _Replay) -> bool:
    """The tracker's events start with the events ``replay`` has seen (append-only since)."""
    events = tracker.events
    if replay.seen > len(events):
        return False
    return replay.seen == 0 or events[replay.seen - 1] is replay.last_seen


def _apply(tracker: DialogueStateTracker, replay: _Replay, new: list[Event]) -> int:
    """Continue Rasa's ``applied_events`` over ``new``; the shortest the list became meanwhile."""
    applied = replay.applied
    lowest = len(applied)
    for event in new:
        if isinstance(event, (Restarted, SessionStarted)):
            applied.clear()
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in replay.loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)
        lowest = min(lowest, len(applied))
    return lowest


def _state(
    domain: Domain,
    prior: DialogueStateTracker,
    hide_rule_turn: bool,
    replay: _Replay,
    states: list[State],
    omit_unset_slots: bool,
    ignore_rule_only_turns: bool,
    rule_only_data: dict[str, Any] | None,
) -> tuple[State | None, bool, SubState | None]:
    """One step of ``Domain.states_for_tracker_history``: the state (or None) and its loop variables."""
    turn_was_hidden, last_ml_action = replay.turn_was_hidden, replay.last_ml_action
    if ignore_rule_only_turns:
        if not turn_was_hidden:
            last_ml_action = domain._get_prev_action_sub_state(prior)
        if not prior.followup_action and prior.latest_action_name != prior.active_loop_name:
            turn_was_hidden = hide_rule_turn
        if turn_was_hidden:
            return None, turn_was_hidden, last_ml_action
    state = domain.get_active_state(prior, omit_unset_slots=omit_unset_slots)
    if ignore_rule_only_turns:
        domain._remove_rule_only_features(state, rule_only_data)
        if states:
            domain._substitute_rule_only_user_input(state, states[-1])
        if last_ml_action:
            state[PREVIOUS_ACTION] = cast(SubState, last_ml_action)
    return domain._clean_state(state), turn_was_hidden, last_ml_action


def _replayed(
    tracker: DialogueStateTracker,
    domain: Domain,
    omit_unset_slots: bool,
    ignore_rule_only_turns: bool,
    rule_only_data: dict[str, Any] | None,
) -> list[State]:
    """Rasa's states for ``tracker``, replaying only the events added since the last call."""
    replays: dict[tuple, _Replay] = tracker.__dict__.setdefault(_REPLAYS, {})
    key = (id(domain), omit_unset_slots, ignore_rule_only_turns, _rule_key(rule_only_data))
    owners = (domain,)
    replay = replays.get(key)
    new: list[Event] = []
    if replay is not None and replay.owners[0] is domain and _continues(tracker, replay):
        new = list(islice(tracker.events, replay.seen, None))
        if any(
            e.name not in replay.loop_names for e in new if isinstance(e, ActiveLoop) and e.name
        ):
            replay = None  # a new form name changes how Rasa reads the earlier events
    else:
        replay = None
    if replay is None:
        new = list(tracker.events)
        replay = _Replay(owners=owners, loop_names=_loop_names(new))
        replays[key] = replay
    lowest = _apply(tracker, replay, new)
    if new:
        replay.seen += len(new)
        replay.last_seen = new[-1]
    if replay.prior is None or lowest < replay.done:
        # An undo reached events already replayed: replay the applied events from the start.
        replay.prior = tracker.init_copy()
        replay.done, replay.states = 0, []
        replay.turn_was_hidden, replay.last_ml_action = False, None
    step = (omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    prior = replay.prior
    for event in replay.applied[replay.done :]:
        if isinstance(event, ActionExecuted):
            state, replay.turn_was_hidden, replay.last_ml_action = _state(
                domain, prior, event.hide_rule_turn, replay, replay.states, *step
            )
            if state is not None:
                replay.states.append(state)
        prior.update(event)
    replay.done = len(replay.applied)
    # The current state (Rasa's last prior tracker is the whole tracker): not kept as a step.
    last, _, _ = _state(domain, prior, False, replay, replay.states, *step)
    return replay.states + ([last] if last is not None else [])


def past_states(
    tracker: DialogueStateTracker,
    domain: Domain,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[State]:
    """``DialogueStateTracker.past_states``, from the events added since the last call."""
    rule_key = _rule_key(rule_only_data)
    if tracker._max_event_history is not None or rule_key is _UNKNOWN:
        # A bounded history drops its first events (and rule data of another shape): Rasa's own.
        return _ORIGINAL(
            tracker,
            domain,
            omit_unset_slots=omit_unset_slots,
            ignore_rule_only_turns=ignore_rule_only_turns,
            rule_only_data=rule_only_data,
        )
    last_event = tracker.events[-1] if tracker.events else None
    key = (
        len(tracker.events),
        id(last_event),
        id(domain),
        omit_unset_slots,
        ignore_rule_only_turns,
        rule_key,
    )
    kept: dict[tuple, tuple[tuple, list[State]]] = tracker.__dict__.setdefault(_KEPT, {})
    # The objects themselves are kept with the states, so their ids cannot be reused meanwhile.
    owners = (last_event, domain)
    found = kept.get(key)
    if found is not None and all(a is b for a, b in zip(found[0], owners)):
        return _copy(found[1])
    states = _replayed(tracker, domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    for old in [old for old in kept if old[:2] != key[:2]]:
        del kept[old]  # states of earlier events are never asked for again
    kept[key] = (owners, states)
    return _copy(states)


def install() -> None:
    """Replay each tracker's new events only, for every policy's call (idempotent)."""
    DialogueStateTracker.past_states = past_states
