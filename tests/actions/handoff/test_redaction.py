"""Secrets are masked before anything leaves the action server; ordinary facts are kept."""

from __future__ import annotations

import pytest

from actions.handoff.redaction import _luhn_ok, redact, redact_deep


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my card is 4111 1111 1111 1111 ok", "my card is [card number] ok"),
        ("4111-1111-1111-1111", "[card number]"),
        ("4111111111111111", "[card number]"),
        ("amex 3782 822463 10005", "amex [card number]"),
        ("5555555555554444 exp 12/27", "[card number] exp 12/27"),
        ("card 1234 5678 9012 3456", "card [card number]"),  # 16 digits, Luhn or not
    ],
)
def test_card_numbers(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_luhn() -> None:
    assert _luhn_ok("4111111111111111")
    assert not _luhn_ok("4111111111111112")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("cvv 123", "cvv [security code]"),
        ("CVV: 123", "CVV: [security code]"),
        ("the security code is 987", "the security code is [security code]"),
        ("my cvc is 1234", "my cvc is [security code]"),
    ],
)
def test_security_codes(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("password: hunter2", "password: [password]"),
        ("my password is Sup3r!Secret", "my password is [password]"),
        ("pwd=abc123", "pwd=[password]"),
        ("my pin is 1234", "my pin is [password]"),
        ("PIN 4321", "PIN [password]"),
        ("passcode 998877", "passcode [password]"),
    ],
)
def test_passwords_and_pins(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "born 12/03/1985",
        "dob 03-12-1985",
        "date of birth 1.2.1990",  # numeric, UK order
        "born 03/12/1985",
        "DOB 12/31/1985",  # US order
        "I was born on 12th March 1985",
        "born 12 March 1985",
        "DOB: 3rd of June 1979",  # words, UK order
        "born March 12, 1985",
        "born Mar 12 1985",
        "dob: June 3rd, 1979",  # words, US order
    ],
)
def test_dates_of_birth(text: str) -> None:
    masked = redact(text)
    assert "[date of birth]" in masked
    assert "19" not in masked.split("[date of birth]")[0] + masked.split("[date of birth]")[-1]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("IBAN GB29 NWBK 6016 1331 9268 19", "IBAN [bank account]"),
        ("GB29NWBK60161331926819", "[bank account]"),
        ("DE89 3704 0044 0532 0130 00 please", "[bank account] please"),
        ("sort code 12-34-56", "sort code [sort code]"),
        ("account number 12345678", "account number [bank account]"),
        ("my account no. is 12345678", "my account no. is [bank account]"),
        ("acc no 12345678", "acc no [bank account]"),
        ("NI number AB 12 34 56 C", "NI number [national insurance number]"),
        ("my NI is JT123456A", "my NI is [national insurance number]"),
    ],
)
def test_bank_details_and_ni_numbers(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "order 10482",
        "order #10482 and ORD-10501",
        "RMA-10377-01",
        "postcode SW1A 1AA",
        "it cost £89.00, or £1,249.50 with the boots",
        "it was meant to arrive on 3 June",
        "delivered 19 November, expected 17 November",
        "between 03/06 and 05/06",
        "my email is dana.whitfield@example.com",
        "I ordered 2 jackets and 3 pairs of socks",
        "",
    ],
)
def test_ordinary_facts_are_kept(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    "text, expected",
    [
        # These three were kept as "ordinary facts" until issue 11 found the phone number
        # reaching the inbox in clear: a phone number is personal data, not an order fact.
        ("call me on 07700 900123", "call me on [phone number]"),
        ("+44 7700 900123", "[phone number]"),
        ("020 7946 0958", "[phone number]"),
    ],
)
def test_phone_numbers_are_no_longer_ordinary_facts(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_none_and_empty() -> None:
    assert redact("") == ""
    assert redact(None) is None  # type: ignore[arg-type]


def test_redact_deep_on_nested_data() -> None:
    data = {
        "order": "10482",
        "lines": [{"text": "card 4111 1111 1111 1111", "n": 3}, ("pin 1234", None)],
        "nested": {"deeper": {"iban": "GB29 NWBK 6016 1331 9268 19"}},
        "ok": True,
        "score": 0.5,
    }
    out = redact_deep(data)
    assert out == {
        "order": "10482",
        "lines": [{"text": "card [card number]", "n": 3}, ["pin [password]", None]],
        "nested": {"deeper": {"iban": "[bank account]"}},
        "ok": True,
        "score": 0.5,
    }
    assert data["lines"][0]["text"] == "card 4111 1111 1111 1111"  # the input is not changed


def test_a_tracking_number_is_not_a_card_number() -> None:
    assert redact("tracking 15501048200042") == "tracking 15501048200042"
    url = "https://track.dpd.co.uk/parcels/15501048200042"
    assert redact(url) == url


@pytest.mark.parametrize(
    "text",
    [
        "I forgot my password and cannot log in",
        "my password doesn't work",
        "can you reset my pin please",
    ],
)
def test_talking_about_a_password_is_kept(text: str) -> None:
    assert redact(text) == text


def test_a_recent_delivery_date_is_not_a_date_of_birth() -> None:
    text = "it was due on 19/11/2026 and still hasn't come, ordered 15 November 2026"
    assert redact(text) == text
