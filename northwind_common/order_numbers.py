"""What an order number looks like: 5 to 7 digits, optionally "#" or "ORD-" in front.

One definition for the NLU (``data/nlu/entities.yml`` holds ``ORDER_NUMBER_REGEX``
verbatim; tests/northwind_common/test_order_numbers.py checks it), the order form,
the order backends and the inbox's wrap-up note. The look-arounds keep it from
matching inside longer numbers, decimals, prices or spaced phone numbers such
as "07700 900123".
"""

from __future__ import annotations

import re

DIGITS = r"\d{5,7}"
PREFIX = r"(?:#|[Oo][Rr][Dd]-)?"
_BEFORE = r"(?<![\d\-£.,/])(?<!\d )"
_AFTER = r"(?!\d)(?![.,/]\d)(?! \d{3})"

ORDER_NUMBER_REGEX = _BEFORE + PREFIX + DIGITS + _AFTER
"""The pattern exactly as the NLU's RegexEntityExtractor uses it (entities.yml)."""

_IN_TEXT = re.compile(_BEFORE + PREFIX + f"(?P<digits>{DIGITS})" + _AFTER)
_WHOLE = re.compile(r"\s*" + PREFIX + r"\s*" + f"(?P<digits>{DIGITS})" + r"\s*")


def find_order_number(text: object) -> str | None:
    """The digits of the first order number in free text ("it's #10482" → "10482")."""
    match = _IN_TEXT.search(str(text or ""))
    return match.group("digits") if match else None


def find_order_numbers(text: str) -> list[str]:
    """The digits of every order number in free text, in order."""
    return [match.group("digits") for match in _IN_TEXT.finditer(text)]


def order_number_digits(raw: object) -> str | None:
    """The digits when ``raw`` is one order number and nothing else ("#10482", "ORD-10482")."""
    if raw is None:
        return None
    match = _WHOLE.fullmatch(str(raw))
    return match.group("digits") if match else None
