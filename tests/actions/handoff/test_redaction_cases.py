"""What customers really type: every secret in the table is masked, every near miss reaches the agent as typed."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions.handoff.redaction import redact

CASES: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (Path(__file__).parent / "redaction_cases.yml").read_text(encoding="utf-8")
)
MARKERS = {
    "[phone number]",
    "[bank account]",
    "[sort code]",
    "[date of birth]",
    "[password]",
    "[one-time code]",
    "[card number]",
    "[security code]",
    "[national insurance number]",
}


def _this_year(text: str) -> str:
    return text.replace("{year}", str(date.today().year))


@pytest.mark.parametrize("case", CASES["redacted"], ids=[case["why"] for case in CASES["redacted"]])
def test_a_secret_is_masked_and_the_words_around_it_stay(case: dict[str, Any]) -> None:
    assert redact(case["text"]) == case["expected"]


@pytest.mark.parametrize("case", CASES["kept"], ids=[case["why"] for case in CASES["kept"]])
def test_a_near_miss_reaches_the_agent_as_typed(case: dict[str, Any]) -> None:
    text = _this_year(case["text"])
    assert redact(text) == text


def test_the_table_is_large_and_every_case_says_why() -> None:
    assert len(CASES["redacted"]) >= 50
    assert len(CASES["kept"]) >= len(CASES["redacted"])
    for case in CASES["redacted"] + CASES["kept"]:
        assert case["why"].strip() and case["text"].strip()
    texts = [case["text"] for case in CASES["redacted"] + CASES["kept"]]
    assert len(texts) == len(set(texts)), "a case is listed twice"


@pytest.mark.parametrize("case", CASES["redacted"], ids=[case["why"] for case in CASES["redacted"]])
def test_markers_are_the_plain_known_ones(case: dict[str, Any]) -> None:
    found = re.findall(r"\[[a-z\- ]+\]", case["expected"])
    assert found and set(found) <= MARKERS


def test_a_masked_message_is_left_alone_by_a_second_pass() -> None:
    for case in CASES["redacted"]:
        assert redact(case["expected"]) == case["expected"]


@pytest.mark.parametrize(
    "marker_then_number, same_words_then_number",
    [
        ("[sort code] 900123", "sort code 900123"),
        ("[phone number] or 555-0134", "phone 555-0134"),
        ("[date of birth] 12345678", "dob 12345678"),
        ("[one-time code] 4839", "code 4839"),
        ("[bank account] 12345678", "bank account 12345678"),
    ],
)
def test_a_marker_is_not_context_for_the_number_after_it(
    marker_then_number: str, same_words_then_number: str
) -> None:
    # The summary is redacted again as a whole, so a marker must not turn the number
    # next to it into a secret; the same words typed by the customer do.
    assert redact(marker_then_number) == marker_then_number
    assert redact(same_words_then_number) != same_words_then_number
