"""Responses that change with how the customer sounds, rendered by Rasa's own generator."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

DOMAIN = Domain.load(Path(__file__).resolve().parents[2] / "domain.yml")


async def out_of_scope_for(level: str) -> str:
    tracker = DialogueStateTracker.from_events(
        "variation", [SlotSet("frustration_level", level)], slots=DOMAIN.slots
    )
    generator = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    message = await generator.generate("utter_out_of_scope", tracker, "rest")
    assert message is not None
    return str(message["text"])


@pytest.mark.parametrize("level", ["calm", "annoyed"])
async def test_out_of_scope_says_so_to_a_calm_customer(level: str) -> None:
    assert "not something I can help with" in await out_of_scope_for(level)


async def test_a_frustrated_customer_is_not_brushed_off() -> None:
    text = await out_of_scope_for("frustrated")
    assert "not something I can help with" not in text
    assert "person" in text  # the way out stays in the same line
