"""Which answers to "Shall I cancel/return it?" take the request back (actions/negation.py)."""

from __future__ import annotations

import pytest

from actions.negation import says_no


@pytest.mark.parametrize(
    "text",
    [
        "don't cancel it",
        "DONT",
        "no, leave it",
        "nope",
        "I don't want to cancel it anymore",
        "please do not return it",
        "I changed my mind",
        "never mind",
        "keep the order",
        "I no longer want to return anything",
        "can you not cancel it?",
    ],
)
def test_a_take_back_is_a_no(text: str) -> None:
    assert says_no(text)


@pytest.mark.parametrize(
    "text",
    [
        "yes cancel it",
        "cancel it please",
        "no problem, cancel it",
        "return it, it is not the right size",
        "I don't need it any more, cancel it",
        "cancel it, I can't wait that long",
        "",
        None,
    ],
)
def test_a_yes_with_a_negative_word_elsewhere_stays_a_yes(text: str | None) -> None:
    assert not says_no(text)
