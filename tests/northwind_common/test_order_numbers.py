"""One order-number pattern for the NLU, the order form, the backends and the inbox."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from northwind_common.order_numbers import (
    ORDER_NUMBER_REGEX,
    find_order_number,
    find_order_numbers,
    order_number_digits,
)

ENTITIES = Path(__file__).resolve().parents[2] / "data" / "nlu" / "entities.yml"


def test_the_nlu_uses_the_same_pattern() -> None:
    data = yaml.safe_load(ENTITIES.read_text(encoding="utf-8"))
    (entry,) = [item for item in data["nlu"] if item.get("regex") == "order_number"]
    examples = [line[2:].strip() for line in entry["examples"].splitlines() if line.strip()]
    assert examples == [ORDER_NUMBER_REGEX]


@pytest.mark.parametrize(
    "text, digits",
    [
        ("10482", "10482"),
        ("it's #10482", "10482"),
        ("ORD-10501 please", "10501"),
        ("order 1048200", "1048200"),  # 7 digits, as the docs say
        ("abc", None),
        ("1234", None),
        ("12345678", None),
        ("£10482", None),  # a price
        ("07700 900123", None),  # a phone number
        ("10482.50", None),
    ],
)
def test_find_order_number(text: str, digits: str | None) -> None:
    assert find_order_number(text) == digits
    if digits is not None:
        assert re.search(ORDER_NUMBER_REGEX, text)


def test_every_number_in_a_line() -> None:
    assert find_order_numbers("orders 10482 and #1048200, not 123") == ["10482", "1048200"]


@pytest.mark.parametrize("raw", ["10482", " #10482 ", "ord-1048200"])
def test_a_whole_value(raw: str) -> None:
    assert order_number_digits(raw) in {"10482", "1048200"}


@pytest.mark.parametrize("raw", [None, "", "1048", "10482a", "12345678", "10482; drop"])
def test_not_an_order_number(raw: object) -> None:
    assert order_number_digits(raw) is None
