"""The password policy: trivial and common passwords are refused, good ones pass."""

from __future__ import annotations

import secrets
import subprocess

import pytest

from inbox.auth.password_policy import WeakPassword, check_password
from tests.inbox.conftest import PASSWORD


@pytest.mark.parametrize(
    "password",
    [
        "1234567890",
        "aaaaaaaaaa",
        "password12",
        "qwertyuiop",
        "iloveyou12",
        "0000000000",
        "abcdefghij",
        "Password1!",
        "letmein123",
        "1q2w3e4r5t",
    ],
)
def test_common_and_trivial_passwords_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword, match="too weak"):
        check_password(password)


def test_short_and_huge_passwords_are_refused() -> None:
    with pytest.raises(WeakPassword, match="at least 10"):
        check_password("x7#Lq9!")
    with pytest.raises(WeakPassword, match="at most"):
        check_password("x" * 1000)


def test_the_account_name_makes_a_password_weaker() -> None:
    check_password("quimpzorblax")
    with pytest.raises(WeakPassword):
        check_password("quimpzorblax", known_words=["zorblax", "Quimp Smith"])


@pytest.mark.parametrize(
    "password", [PASSWORD, "a long password", "Tr0ub4dor&3-plus", "vivid-otter-ladder-97"]
)
def test_good_passwords_pass(password: str) -> None:
    check_password(password)  # raises when refused


def test_every_password_make_run_generates_passes() -> None:
    """scripts/env.sh: 16 hex characters from /dev/urandom (tests/stack.py: token_hex(8))."""
    generated = subprocess.run(
        [
            "bash",
            "-c",
            "for i in $(seq 200); do head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n' | cut -c1-16; done",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert len(generated) == 200
    for password in generated + [secrets.token_hex(8) for _ in range(200)]:
        check_password(password, known_words=["admin", "Sam"])
