"""Which speed-ups launch_rasa installs: all, or all but those named for a measurement."""

from __future__ import annotations

import pytest
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_server import applied_events, speedups, tracker_copy


def test_a_misspelt_name_is_an_error_not_a_silent_full_install() -> None:
    with pytest.raises(ValueError, match="tracker_cpy"):
        speedups.skipped({speedups.SKIP_VARIABLE: "applied_events, tracker_cpy"})


def test_named_speed_ups_are_left_out_and_the_others_installed(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(DialogueStateTracker, "applied_events", applied_events._ORIGINAL)
    monkeypatch.setattr(DialogueStateTracker, "copy", tracker_copy._ORIGINAL)
    for name, _ in speedups.SPEEDUPS.items():
        monkeypatch.setitem(speedups.SPEEDUPS, name, lambda: None)
    monkeypatch.setitem(speedups.SPEEDUPS, "applied_events", applied_events.install)
    monkeypatch.setitem(speedups.SPEEDUPS, "tracker_copy", tracker_copy.install)
    speedups.install({speedups.SKIP_VARIABLE: "tracker_copy"})
    assert DialogueStateTracker.applied_events is applied_events.applied_events
    assert DialogueStateTracker.copy is tracker_copy._ORIGINAL
