"""Remove secrets from customer text before it leaves the action server.

Customers paste card numbers, passwords and dates of birth into chats. The
handoff summary and relayed messages travel to another service (the inbox, and
from there to helpdesks), so every string is passed through :func:`redact` first.
Each rule replaces a match with a visible marker such as ``[card number]`` so an
agent knows something was said without seeing it.

The rules aim at secrets, not at numbers in general: an order number, a parcel
tracking number, a postcode or a delivery date must reach the agent intact. So
a card number needs a card network's prefix, a password needs "password is …"
(or a word that looks like one), and a date is only a date of birth when the
text says so or the year is too old for a recent order.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Callable, Pattern

MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)

_CARD = re.compile(r"(?<![\d/=.])(?:\d[ \-]?){12,18}\d(?![\d])")
# Issuer prefixes of the card networks customers use (Visa, Mastercard, Amex,
# Discover, Diners, JCB, Maestro, UnionPay).
_CARD_PREFIX = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|3[068]|35|6011|64[4-9]|65|50|5[6-8]|62)")
_CVV = re.compile(r"\b(cvv2?|cvc2?|csc|security code)\b(\W{0,3}(?:is\W{0,2})?)\d{3,4}\b", re.I)
# "password is X", "pin: 1234" — or "password hunter2" where the next word holds a
# digit or symbol. "I forgot my password and ..." stays as it is.
_PASSWORD = re.compile(
    r"\b(pass(?:word|wd|code)?|pwd|pin)\b(\s*(?:is|was|=|:|-)\s*|\s+(?=\S*[\d!@#$%^&*_+=?]))(\S+)", re.I
)
_CARD_WORDS = re.compile(r"\b(card|visa|mastercard|amex|debit|credit)\b", re.I)
_BIRTH_WORDS = re.compile(r"\b(born|birth|birthday|dob|d\.o\.b)\b", re.I)
# A date this many years back cannot be an order or delivery date: treat it as personal.
_PERSONAL_DATE_YEARS = 5
_DOB_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](19\d{2}|20\d{2})(?!\d)")
_DOB_WORDS = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTHS})\.?,?\s+(19\d{{2}}|20\d{{2}})\b", re.I
)
_DOB_WORDS_US = re.compile(
    rf"\b({MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(19\d{{2}}|20\d{{2}})\b", re.I
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?\b")
_SORT_CODE = re.compile(r"\b\d{2}-\d{2}-\d{2}\b")
_ACCOUNT_NUMBER = re.compile(r"\b(account (?:number|no\.?)|acc(?:ount)? no\.?)(\W{0,3}(?:is\W{0,2})?)\d{8}\b", re.I)
_NI_NUMBER = re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.I)


def _luhn_ok(digits: str) -> bool:
    """True when ``digits`` passes the Luhn checksum every payment card carries."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    # Card numbers carry a network prefix; a mistyped one (failing Luhn) is still
    # masked when it has a card's usual 16 digits. Tracking numbers pass neither.
    if not 13 <= len(digits) <= 19:
        return match.group(0)
    said_card = _CARD_WORDS.search(match.string[max(0, match.start() - 25) : match.start()])
    if said_card or (_CARD_PREFIX.match(digits) and (_luhn_ok(digits) or len(digits) == 16)):
        return "[card number]"
    return match.group(0)


def _birth_date(match: re.Match[str]) -> str:
    """Mask a full date when the text calls it a birth date, or when it is years old."""
    text = match.string
    context = text[max(0, match.start() - 30) : match.start()]
    year = int(re.findall(r"(19\d{2}|20\d{2})", match.group(0))[-1])
    if _BIRTH_WORDS.search(context) or year <= date.today().year - _PERSONAL_DATE_YEARS:
        return "[date of birth]"
    return match.group(0)


_RULES: list[tuple[Pattern[str], Callable[[re.Match[str]], str] | str]] = [
    (_CARD, _card),
    (_CVV, lambda m: f"{m.group(1)}{m.group(2)}[security code]"),
    (_PASSWORD, lambda m: f"{m.group(1)}{m.group(2)}[password]"),
    (_IBAN, "[bank account]"),
    (_ACCOUNT_NUMBER, lambda m: f"{m.group(1)}{m.group(2)}[bank account]"),
    (_SORT_CODE, "[sort code]"),
    (_NI_NUMBER, "[national insurance number]"),
    (_DOB_NUMERIC, _birth_date),
    (_DOB_WORDS, _birth_date),
    (_DOB_WORDS_US, _birth_date),
]


def redact(text: str) -> str:
    """Return ``text`` with card numbers, passwords, dates of birth and bank details masked."""
    if not text:
        return text
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def redact_deep(value: Any) -> Any:
    """Apply :func:`redact` to every string inside nested dicts and lists."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_deep(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_deep(item) for item in value]
    return value
